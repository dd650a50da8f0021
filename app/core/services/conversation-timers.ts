/**
 * The disappearing-message timer of each conversation: how long what the user sends there lives.
 * A choice of this device and this account (the Ozeki API has no such conversation setting; each
 * message carries its own `ValidUntil`), kept in the account's encrypted store as one small meta
 * entry, read once: a 10,000-conversation list asks for every row's timer.
 */
import { isDisappearingTimer, type DisappearingTimer } from '../../shared/rules.js';
import type { LocalStore } from '../store/local-store.js';

const TIMERS_KEY = 'disappearing-timers';

export class ConversationTimers {
  #timers: Map<string, DisappearingTimer> | null = null;

  constructor(private readonly store: LocalStore) {}

  /** Seconds, or 0 (off: the default lifetime). */
  get(conversationId: string): DisappearingTimer {
    return this.#all().get(conversationId) ?? 0;
  }

  set(conversationId: string, seconds: DisappearingTimer): void {
    const timers = new Map(this.#all());
    if (seconds === 0) timers.delete(conversationId);
    else timers.set(conversationId, seconds);
    this.store.setMeta(TIMERS_KEY, JSON.stringify(Object.fromEntries(timers)));
    this.#timers = timers;
  }

  /** Another sign-in on this store (the next read comes from the store again). */
  forget(): void {
    this.#timers = null;
  }

  #all(): Map<string, DisappearingTimer> {
    if (this.#timers) return this.#timers;
    const timers = new Map<string, DisappearingTimer>();
    try {
      const saved = JSON.parse(this.store.getMeta(TIMERS_KEY) ?? '{}') as unknown;
      if (saved && typeof saved === 'object') {
        for (const [id, seconds] of Object.entries(saved))
          if (typeof seconds === 'number' && isDisappearingTimer(seconds) && seconds > 0) timers.set(id, seconds);
      }
    } catch {
      // A damaged entry means no timers, not a broken list.
    }
    this.#timers = timers;
    return timers;
  }
}
