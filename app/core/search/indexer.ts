/**
 * The search indexer: reads the messages stored since it last ran (store/search-table.ts's queue,
 * oldest first), decrypts each
 * and hands its text to the index, in small batches with a turn of the event loop between them, so
 * a first sign-in or a history download of 100,000 messages never holds the thread (in Electron the
 * core shares it with the window's IPC) for more than a few milliseconds.
 *
 * A message that does not decrypt (its key not there, or not for this user) is marked as read and
 * left out; it is not retried on every batch.
 */
import { readRich, type Conversation } from '../../../protocol/index.js';
import type { Keyring } from '../crypto/keyring.js';
import type { LocalStore, SearchRowInput } from '../store/local-store.js';
import { byTarget, richState } from '../views/rich-views.js';

const NO_NAMES = { me: '', names: {} };

/**
 * Messages per batch, each its own transaction: about 50 ms of work here. Smaller batches cost more
 * per message (each commit rewrites the indexes' newest pages: 250 at a time indexed 15,000/s,
 * 1,000 at a time 21,000/s; `npm run bench -- search`), and the pause between batches lets the
 * window's requests through.
 */
export const INDEX_BATCH = 1000;
/** Between batches while more are waiting. */
export const INDEX_PAUSE_MS = 20;
/**
 * Once nothing waits, the index's small segments are merged a step at a time (about this many
 * pages each, a few ms), with pauses: queries inside words were 40% faster on a merged index.
 */
export const TIDY_PAGES = 64;
/** How long a batch waits for a busy engine, and how many times before it goes ahead anyway. */
export const BUSY_WAIT_MS = 250;
export const BUSY_WAITS = 20;
export const TIDY_PAUSE_MS = 100;

export type IndexerDeps = {
  store: LocalStore;
  /** The signed-in session's keyring, or null (nothing is indexed while signed out). */
  keyring: () => Keyring | null;
  /**
   * The sync engine is sending or fetching: a batch waits (up to BUSY_WAITS times), since a
   * reconnect's replay of the user's actions matters more than the index and shares the thread.
   */
  busy?: () => boolean;
  /** Told after each batch, e.g. to update a waiting count on screen. */
  onIndexed?: (count: number) => void;
  log?: (line: string) => void;
  /** Between batches; tests pass manual timers. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
};

export class SearchIndexer {
  readonly #deps: IndexerDeps;
  #timer: unknown = null;
  #disposed = false;
  /** Something was indexed since the segments were last merged. */
  #untidy = false;
  /** Batches put off in a row for a busy engine. */
  #waited = 0;

  constructor(deps: IndexerDeps) {
    this.#deps = deps;
  }

  /** New messages were stored: they are indexed shortly (after `delayMs`), a batch at a time. */
  kick(delayMs = 0): void {
    if (this.#disposed || this.#timer !== null) return;
    const set = this.#deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.#timer = set(() => {
      this.#timer = null;
      if (this.#deps.busy?.() && this.#waited < BUSY_WAITS) {
        this.#waited++;
        return this.kick(BUSY_WAIT_MS);
      }
      this.#waited = 0;
      const n = this.#batch(INDEX_BATCH);
      if (n === INDEX_BATCH) this.kick(INDEX_PAUSE_MS);
      else if (this.#untidy) this.#tidyLater();
    }, delayMs);
  }

  /** Indexes up to about `limit` waiting messages now (a query, so that what just arrived is found). */
  catchUp(limit: number): number {
    let total = 0;
    while (total < limit) {
      const n = this.#batch(Math.min(INDEX_BATCH, limit - total));
      total += n;
      if (n === 0) break;
    }
    if (total > 0) this.kick();
    return total;
  }

  /** Indexes everything waiting now, in one go (tests; the bench). */
  drain(batch = INDEX_BATCH): number {
    let total = 0;
    for (let n = batch; n === batch; total += n) n = this.#batch(batch);
    return total;
  }

  #tidyLater(): void {
    const set = this.#deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.#timer = set(() => {
      this.#timer = null;
      const { store } = this.#deps;
      if (store.closed) return;
      // New messages first; merging goes on once they are in.
      if (store.search.waitingCount() > 0) return this.kick();
      try {
        if (store.search.tidy(TIDY_PAGES)) return this.#tidyLater();
      } catch (err) {
        this.#deps.log?.(`The search index could not be tidied: ${err instanceof Error ? err.message : String(err)}`);
      }
      this.#untidy = false;
    }, TIDY_PAUSE_MS);
  }

  dispose(): void {
    this.#disposed = true;
    if (this.#timer !== null) (this.#deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)))(this.#timer);
    this.#timer = null;
  }

  /** Indexes up to `limit` waiting messages; returns how many it took. */
  #batch(limit: number): number {
    const { store } = this.#deps;
    const keyring = this.#deps.keyring();
    if (!keyring || store.closed) return 0;
    let waiting;
    try {
      waiting = store.search.waiting(limit);
    } catch (err) {
      this.#deps.log?.(`Messages could not be indexed for search: ${err instanceof Error ? err.message : String(err)}`);
      return 0;
    }
    if (waiting.length === 0) return 0;
    const conversations = new Map<string, Conversation | undefined>();
    // Edits and deletes of this batch's messages: one query per conversation, not one per message.
    const ids = new Map<string, string[]>();
    for (const w of waiting) {
      const list = ids.get(w.conversationId);
      if (list) list.push(w.id);
      else ids.set(w.conversationId, [w.id]);
    }
    const effects = new Map(
      [...ids].map(([conversationId, list]) => [conversationId, byTarget(store.rich.effectsOn(conversationId, list).filter((e) => e.kind !== 'react'))]),
    );
    const entries = waiting.map(({ created, second, conversationId, id, message }) => {
      if (!conversations.has(conversationId)) conversations.set(conversationId, store.conversation(conversationId));
      const conversation = conversations.get(conversationId);
      let row: SearchRowInput | null = null;
      if (conversation && message) {
        try {
          const body = keyring.openMessage(conversation, message.Data);
          // A reaction, edit or delete (profile) is not a message to find; an edited message is
          // found by its text now, a deleted one not at all (rich-table.ts queues it again).
          const rich = readRich(body);
          const text = rich.kind === 'text' ? richState(rich.text, body.from, effects.get(conversationId)?.get(id) ?? [], NO_NAMES).text : null;
          if (text !== null && text.trim() !== '') row = { sender: body.from, body: text };
        } catch {
          // Not for this user, or its key is not there: left out of the index.
        }
      }
      return { created, second, conversationId, messageId: id, row };
    });
    try {
      store.search.index(entries);
    } catch (err) {
      this.#deps.log?.(`Messages could not be indexed for search: ${err instanceof Error ? err.message : String(err)}`);
      return 0;
    }
    this.#untidy = true;
    this.#deps.onIndexed?.(entries.length);
    return entries.length;
  }
}
