import type { Events } from '../../../../app/ipc/contract.js';
import type { MessageView } from '../../../../app/ipc/views.js';
import { appendNewer, applyMessagesChanged, applyMessagesChangedToRange, prependOlder, upsertMessages } from './messages.js';

type Change = Events['messages:changed'];
/** What happened while a page was on its way: removed ids stay out of it; a clear drops it. */
type InFlight = { removed: Set<string>; cleared: boolean };

/** Bookkeeping of one load, never shown: a plain Set, not a reactive one. */
function inFlight(): InFlight {
  return { removed: new Set(), cleared: false };
}

/** A message to open the pane at instead of the latest (a search result); a new `seq` opens it again. */
export type MessageAnchor = { messageId: string; seq: number };

/**
 * What the pane has loaded of one conversation: an unbroken run of its messages (the latest page,
 * or the pages around a search result), whether there is more before and after it, the loads at
 * either end and the `messages:changed` events merged in. The pane does the scrolling: each load
 * answers whether it changed what is shown.
 */
export class MessageHistory {
  messages = $state.raw<MessageView[]>([]);
  hasOlder = $state(false);
  /** There are messages after the run: it was opened at a search result and is not at the latest. */
  hasNewer = $state(false);
  phase = $state<'loading' | 'ready' | 'failed'>('loading');
  loadError = $state('');
  /** The message the run was opened at, to highlight. */
  anchorId = $state<string | null>(null);
  /** Why the message asked for could not be shown (the latest page is shown instead). */
  anchorError = $state('');
  olderLoading = $state(false);
  olderError = $state('');
  newerLoading = $state(false);
  newerError = $state('');

  #conversationId = '';
  // A reply for a conversation no longer shown (or to an older load) is dropped by its generation.
  #generation = 0;
  // Events that arrive while the first page is on its way are replayed on top of it.
  #firstInFlight = false;
  #missed: Change[] = [];
  #older: InFlight | null = null;
  #newer: InFlight | null = null;

  get atLatest(): boolean {
    return !this.hasNewer;
  }

  /** Starts over for a first page; answers the load's generation. */
  #begin(conversationId: string): number {
    this.#conversationId = conversationId;
    this.messages = [];
    this.hasOlder = false;
    this.hasNewer = false;
    this.phase = 'loading';
    this.loadError = '';
    this.anchorId = null;
    this.#older = null;
    this.#newer = null;
    this.olderLoading = false;
    this.olderError = '';
    this.newerLoading = false;
    this.newerError = '';
    this.#firstInFlight = true;
    this.#missed = [];
    return ++this.#generation;
  }

  /** A first page in, with the events that came while it was on its way. */
  #adopt(page: readonly MessageView[], hasOlder: boolean, hasNewer: boolean): void {
    let list = upsertMessages([], page);
    let newer = hasNewer;
    for (const change of this.#missed) {
      list = newer ? applyMessagesChangedToRange(list, change) : applyMessagesChanged(list, change);
      // Cleared: nothing is left after the run any more.
      if (change.cleared) newer = false;
    }
    this.messages = list;
    this.hasOlder = hasOlder;
    this.hasNewer = newer;
    this.phase = 'ready';
  }

  #settle(gen: number): void {
    if (gen !== this.#generation) return;
    this.#firstInFlight = false;
    this.#missed = [];
  }

  /** Loads the latest page; true when it is in (the pane then scrolls to the bottom). */
  async loadLatest(conversationId: string): Promise<boolean> {
    const gen = this.#begin(conversationId);
    try {
      const reply = await window.ozeki.invoke('messages:latest', conversationId);
      if (gen !== this.#generation) return false;
      if (!reply.ok) {
        this.loadError = reply.error.message;
        this.phase = 'failed';
        return false;
      }
      this.#adopt(reply.value.messages, reply.value.hasOlder, false);
      return true;
    } catch {
      if (gen !== this.#generation) return false;
      this.loadError = 'The messages could not be loaded because of a problem inside the app. Try again; if it keeps happening, restart the app.';
      this.phase = 'failed';
      return false;
    } finally {
      this.#settle(gen);
    }
  }

  /**
   * Loads the messages around one. When that fails (the message is gone, say) the conversation is
   * still worth showing: its latest page comes instead, with the reason in `anchorError`. Answers
   * what is shown, or null when nothing (a newer load took over, or the latest failed too).
   */
  async loadAround(conversationId: string, messageId: string): Promise<'around' | 'latest' | null> {
    const gen = this.#begin(conversationId);
    this.anchorError = '';
    let failure: string;
    try {
      const reply = await window.ozeki.invoke('messages:around', conversationId, messageId);
      if (gen !== this.#generation) return null;
      if (reply.ok) {
        this.#adopt(reply.value.messages, reply.value.hasOlder, reply.value.hasNewer);
        // Removed by an event while the page was on its way: there is nothing to point at.
        const anchorId = reply.value.anchorId;
        this.anchorId = this.messages.some((m) => m.id === anchorId) ? anchorId : null;
        return 'around';
      }
      failure = reply.error.message;
    } catch {
      if (gen !== this.#generation) return null;
      failure = 'That message could not be shown because of a problem inside the app.';
    } finally {
      this.#settle(gen);
    }
    this.anchorError = failure;
    return (await this.loadLatest(conversationId)) ? 'latest' : null;
  }

  /**
   * Loads the page before the oldest loaded message; true when it was added. `beforeChange` runs
   * just before the list changes, while the old layout is still on screen (to keep the view steady).
   */
  async loadOlder(beforeChange: () => void): Promise<boolean> {
    const oldest = this.messages[0];
    if (this.phase !== 'ready' || !this.hasOlder || this.#older || !oldest) return false;
    const gen = this.#generation;
    const track = inFlight();
    this.#older = track;
    this.olderLoading = true;
    this.olderError = '';
    try {
      const reply = await window.ozeki.invoke('messages:older', this.#conversationId, oldest.id);
      if (gen !== this.#generation) return false;
      if (!reply.ok) {
        this.olderError = reply.error.message;
        return false;
      }
      if (track.cleared) {
        this.hasOlder = false;
        return false;
      }
      beforeChange();
      this.messages = prependOlder(this.messages, reply.value.messages, track.removed);
      this.hasOlder = reply.value.hasOlder;
      return true;
    } catch {
      if (gen === this.#generation) this.olderError = 'Older messages could not be loaded. Try again.';
      return false;
    } finally {
      if (gen === this.#generation) {
        this.#older = null;
        this.olderLoading = false;
      }
    }
  }

  /** Loads the page after the newest loaded message (while not at the latest); true when it was added. */
  async loadNewer(): Promise<boolean> {
    const newest = this.messages.at(-1);
    if (this.phase !== 'ready' || !this.hasNewer || this.#newer || !newest) return false;
    const gen = this.#generation;
    const track = inFlight();
    this.#newer = track;
    this.newerLoading = true;
    this.newerError = '';
    try {
      const reply = await window.ozeki.invoke('messages:newer', this.#conversationId, newest.id);
      if (gen !== this.#generation) return false;
      if (!reply.ok) {
        this.newerError = reply.error.message;
        return false;
      }
      // After a clear the run is the whole conversation: there is nothing newer to add.
      if (track.cleared) return false;
      this.messages = appendNewer(this.messages, reply.value.messages, track.removed);
      this.hasNewer = reply.value.hasNewer;
      return true;
    } catch {
      if (gen === this.#generation) this.newerError = 'Newer messages could not be loaded. Try again.';
      return false;
    } finally {
      if (gen === this.#generation) {
        this.#newer = null;
        this.newerLoading = false;
      }
    }
  }

  /** Merges a `messages:changed` event; true when it changed the list on screen. */
  changed(change: Change): boolean {
    if (change.conversationId !== this.#conversationId) return false;
    if (this.#firstInFlight) {
      this.#missed.push(change);
      return false;
    }
    if (this.phase !== 'ready') return false;
    for (const track of [this.#older, this.#newer]) {
      if (!track) continue;
      for (const id of change.removed) track.removed.add(id);
      if (change.cleared) track.cleared = true;
    }
    this.messages = this.hasNewer ? applyMessagesChangedToRange(this.messages, change) : applyMessagesChanged(this.messages, change);
    if (change.cleared) {
      this.hasOlder = change.upserted.length > 0;
      this.hasNewer = false;
    }
    return true;
  }

  /** One's own message, as the composer queued it. */
  add(message: MessageView): void {
    this.messages = upsertMessages(this.messages, [message]);
  }
}
