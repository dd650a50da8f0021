/**
 * First pages for the list's rows: a conversation this device has never opened has nothing cached,
 * so its row could show neither a preview nor an unread count. After sign-in, and whenever the list
 * is fetched again, the newest few messages of each such conversation are fetched in the
 * background, the most recently active first, one request at a time with a pause between them (a
 * 10,000-conversation account must not flood its server), waiting while the sync engine replays
 * the user's own actions. Offline it stops, and starts over from the list when the server is back.

 */
import { CoreError } from '../errors.js';
import type { LocalStore } from '../store/local-store.js';

/** Messages fetched per conversation: enough for a preview and a fair unread count. */
export const WARM_PAGE = 20;
/** Between two conversations' requests. */
export const WARM_PAUSE_MS = 50;
/**
 * How long after the list arrives (or the server comes back) the first request goes: a reconnect's
 * replay of the user's own actions, and the first screen, come first.
 */
export const WARM_DELAY_MS = 2000;
/** Rows told about together (one `conversations:changed` for a handful, not one per request). */
export const WARM_BATCH = 10;

export type RowWarmerDeps = {
  store: LocalStore;
  /** The newest `limit` messages of a conversation, stored; the engine's history page fetch. */
  fetchNewest: (conversationId: string, limit: number) => Promise<unknown>;
  /** The signed-in user's id, or null (signed out: nothing to do). */
  me: () => string | null;
  online: () => boolean;
  /** The engine is sending the user's actions: wait. */
  busy: () => boolean;
  /** These conversations have their first page now (rows to update, messages to index). */
  onWarmed: (conversationIds: string[]) => void;
  log?: (line: string) => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
};

export class RowWarmer {
  readonly #deps: RowWarmerDeps;
  #timer: unknown = null;
  #running = false;
  #again = false;
  #disposed = false;
  /** Fetched (or refused) once this sign-in: not asked again until the list says something new. */
  readonly #done = new Map<string, string>();

  constructor(deps: RowWarmerDeps) {
    this.#deps = deps;
  }

  /** The list was fetched, the server is back, or the session started: look for rows to fill. */
  kick(delayMs = WARM_DELAY_MS): void {
    if (this.#disposed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#timer !== null) return;
    this.#timer = (this.#deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms)))(() => {
      this.#timer = null;
      void this.#run();
    }, delayMs);
  }

  /** Signed out: what was done belongs to that sign-in. */
  reset(): void {
    this.#cancel();
    this.#done.clear();
  }

  dispose(): void {
    this.#disposed = true;
    this.#cancel();
  }

  /** Conversations with a last message on the server and none here, the most recently active first. */
  waiting(): string[] {
    const { store } = this.#deps;
    return store
      .conversations()
      .filter((c) => c.instance && c.lastmessageid && this.#done.get(c.id) !== c.lastmessageid && store.messages(c.id, { limit: 1 }).length === 0)
      .sort((a, b) => b.lastaccess - a.lastaccess)
      .map((c) => c.id);
  }

  #cancel(): void {
    if (this.#timer !== null) (this.#deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)))(this.#timer);
    this.#timer = null;
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => (this.#deps.setTimer ?? ((fn, t) => setTimeout(fn, t)))(resolve, ms));
  }

  async #run(): Promise<void> {
    const { store, me, online, busy, onWarmed } = this.#deps;
    this.#running = true;
    let warmed: string[] = [];
    const tell = () => {
      if (warmed.length) onWarmed(warmed);
      warmed = [];
    };
    try {
      for (const id of this.waiting()) {
        while (!this.#disposed && busy() && online()) await this.#pause(WARM_PAUSE_MS * 5);
        if (this.#disposed || store.closed || !me() || !online()) break;
        const conversation = store.conversation(id);
        if (!conversation) continue;
        try {
          await this.#deps.fetchNewest(id, WARM_PAGE);
        } catch (err) {
          // Offline or failing: stop; the next kick (server back, list fetched) goes on from here.
          if (!(err instanceof CoreError) || err.transient) break;
          // Cleared or refused meanwhile: not this one, this time.
        }
        if (this.#disposed || store.closed) break;
        this.#done.set(id, conversation.lastmessageid);
        warmed.push(id);
        if (warmed.length >= WARM_BATCH) tell();
        await this.#pause(WARM_PAUSE_MS);
      }
    } catch (err) {
      this.#deps.log?.(`Fetching the list's first pages stopped: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      if (!this.#disposed && !store.closed) tell();
      this.#running = false;
    }
    if (this.#again) {
      this.#again = false;
      this.kick(WARM_PAUSE_MS);
    }
  }
}
