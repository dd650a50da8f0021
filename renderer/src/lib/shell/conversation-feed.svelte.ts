import type { Events } from '../../../../app/ipc/contract.js';
import type { ConversationView, Snapshot } from '../../../../app/ipc/views.js';
import { applyConversationsChanged, sortForList } from '../conversations.js';
import { warmListTimes } from '../list/row-display.js';

/** Enough rows for a tall window and the first Page Downs; the rest is asked for once they show. */
const FIRST_ROWS = 100;

const LOAD_FAILED = 'The app could not load its state. Try again; if it keeps happening, restart the app.';

/**
 * The window's snapshot of the account on screen and its conversation list: the first rows at
 * once, the whole list once the first screen has been painted, and every `conversations:changed`
 * merged in list order. Events that arrive while a snapshot is on its way are replayed on top of
 * it, so none is lost.
 */
export class ConversationFeed {
  // Raw: 10,000 rows behind deep proxies made every change cost tens of milliseconds, and every
  // change replaces the array anyway (applyConversationsChanged).
  conversations = $state.raw<ConversationView[]>([]);
  #inFlight = false;
  #missed: Events['conversations:changed'][] = [];
  #restTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by every new load and by `stop`: an older answer still on its way is dropped. */
  #loads = 0;

  /** `signedIn`: whether the whole list is still wanted when its turn comes. */
  constructor(private readonly signedIn: () => boolean) {}

  /**
   * Asks for a snapshot; `adopt` takes all of it but the list, which this keeps. Resolves with why
   * it could not be read, or null.
   */
  async load(adopt: (snapshot: Snapshot) => void): Promise<string | null> {
    clearTimeout(this.#restTimer);
    const load = ++this.#loads;
    this.#begin();
    try {
      const asked = window.ozeki.invoke('state:snapshot', { first: FIRST_ROWS });
      warmListTimes();
      const reply = await asked;
      if (!reply.ok) return reply.error.message;
      adopt(reply.value);
      this.#adopt(reply.value.conversations);
      // After the first screen has been painted, so that reading the whole list does not delay it.
      if (!reply.value.complete) requestAnimationFrame(() => (this.#restTimer = setTimeout(() => void this.#loadRest(load, 1))));
      return null;
    } catch {
      return LOAD_FAILED;
    } finally {
      this.#end();
    }
  }

  changed(change: Events['conversations:changed']): void {
    if (this.#inFlight) this.#missed.push(change);
    this.conversations = applyConversationsChanged(this.conversations, change);
  }

  /** Signed out, or another account on screen: the list goes, and any answer still on its way is dropped. */
  stop(): void {
    this.#loads++;
    clearTimeout(this.#restTimer);
    this.conversations = [];
  }

  /** The whole list, after the first screen: replaces it, with the events that came meanwhile. */
  async #loadRest(load: number, attempt: number): Promise<void> {
    if (!this.signedIn() || load !== this.#loads) return;
    this.#begin();
    try {
      const reply = await window.ozeki.invoke('state:snapshot');
      if (load !== this.#loads) return;
      if (reply.ok && this.signedIn()) {
        this.#adopt(reply.value.conversations);
        return;
      }
    } catch {
      // Tried again below.
    } finally {
      if (load === this.#loads) this.#end();
    }
    // The first screen stays usable meanwhile; the main process answers again once it can.
    if (this.signedIn() && load === this.#loads && attempt < 5) this.#restTimer = setTimeout(() => void this.#loadRest(load, attempt + 1), 1000 * attempt);
  }

  /** A snapshot's list, in list order, with the events that came while it was on its way. */
  #adopt(list: ConversationView[]): void {
    let next = sortForList(list);
    for (const change of this.#missed) next = applyConversationsChanged(next, change);
    this.conversations = next;
  }

  #begin(): void {
    this.#inFlight = true;
    this.#missed = [];
  }

  #end(): void {
    this.#inFlight = false;
    this.#missed = [];
  }
}
