/**
 * Disappearing messages leave at their time: the cached copy (and with it its search row, through
 * the schema's triggers) is deleted when its `ValidUntil` passes, and the window is told which
 * messages went. One timer, set for the next expiry in the cache and set again after every change,
 * never further than an hour ahead (a clock change or a sleeping laptop must not leave it stale).
 */
import type { LocalStore } from '../store/local-store.js';
import type { Conversations } from './conversations.js';
import type { ServiceEvents } from './events.js';

const MAX_WAIT_MS = 3_600_000;

export type ExpiryDeps = {
  store: LocalStore;
  conversations: Conversations;
  events: ServiceEvents;
  now: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
};

export class ExpirySweeper {
  readonly #deps: ExpiryDeps;
  #timer: unknown = null;
  /** When the timer set fires (epoch ms). */
  #dueAt = 0;
  #disposed = false;

  constructor(deps: ExpiryDeps) {
    this.#deps = deps;
  }

  /** Deletes what has expired now and sets the timer for the next one (call after messages arrive). */
  sweep(): void {
    if (this.#disposed) return;
    const { store, conversations, events, now } = this.#deps;
    if (store.closed) return;
    this.#cancel();
    const gone = store.deleteExpiredMessages(now());
    const byConversation = new Map<string, string[]>();
    for (const { conversationId, id } of gone) byConversation.set(conversationId, [...(byConversation.get(conversationId) ?? []), id]);
    for (const [conversationId, removed] of byConversation) {
      conversations.messagesChanged(conversationId);
      events.emit('messages:changed', { conversationId, upserted: [], removed, cleared: false });
    }
    if (byConversation.size) conversations.emit([...byConversation.keys()]);
    const next = store.nextExpiry();
    if (next === null) return;
    const wait = Math.min(MAX_WAIT_MS, Math.max(0, next - now()));
    this.#set(wait);
  }

  /**
   * Messages arrived: a sweep in a moment, one for a whole burst (a sync stores thousands of pages,
   * each announced), not two queries per page.
   */
  soon(): void {
    if (this.#disposed || (this.#timer !== null && this.#dueAt <= this.#deps.now())) return;
    this.#cancel();
    this.#set(0);
  }

  #set(wait: number): void {
    const set = this.#deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.#dueAt = this.#deps.now() + wait;
    this.#timer = set(() => {
      this.#timer = null;
      this.sweep();
    }, wait);
  }

  dispose(): void {
    this.#disposed = true;
    this.#cancel();
  }

  #cancel(): void {
    if (this.#timer === null) return;
    (this.#deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)))(this.#timer);
    this.#timer = null;
  }
}
