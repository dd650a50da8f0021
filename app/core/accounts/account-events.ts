/**
 * Who hears what of the accounts: the window hears the account on screen's events, every
 * account's notices (named with its e-mail address when there are several, or it is not on
 * screen), a failed action of an account not on screen as a named notice, and accounts:changed
 * when what it shows of the accounts changed. The desktop hears every account's events and
 * signals, tagged with its id.
 */
import type { EventName, Events } from '../../ipc/contract.js';
import type { AccountsView, Notice } from '../../ipc/views.js';
import type { ServiceSignal } from '../chat-service.js';
import { ServiceEvents, type Listener } from '../services/events.js';
import { Listeners } from '../services/listeners.js';

export type AccountListener = <E extends EventName>(accountId: string, event: E, payload: Events[E]) => void;
export type AccountSignalListener = (accountId: string, signal: ServiceSignal) => void;

/** One account as its events are told: on screen or not, and whether its notices need its name. */
export type Teller = { id: string; email: string; onScreen: boolean; named: boolean };

export class AccountEvents {
  /** The window's events, and the notices kept for its snapshot. */
  private readonly window: ServiceEvents;
  private readonly accountListeners: Listeners<[string, EventName, Events[EventName]]>;
  private readonly signalListeners: Listeners<[string, ServiceSignal]>;
  private lastAnnounced = '';

  constructor(log: (line: string) => void) {
    this.window = new ServiceEvents(log);
    this.accountListeners = new Listeners('account event', log);
    this.signalListeners = new Listeners('account signal', log);
  }

  on(listener: Listener): () => void {
    return this.window.on(listener);
  }

  onAccountEvent(listener: AccountListener): () => void {
    return this.accountListeners.add(listener as (id: string, event: EventName, payload: Events[EventName]) => void);
  }

  onAccountSignal(listener: AccountSignalListener): () => void {
    return this.signalListeners.add(listener);
  }

  get notices(): Notice[] {
    return this.window.notices;
  }

  /** An event to the window only (the registry's own: nobody signed in any more). */
  toWindow<E extends EventName>(event: E, payload: Events[E]): void {
    this.window.emit(event, payload);
  }

  /** An event to the desktop only (an account opened after launch, told as a sign-in). */
  toDesktop<E extends EventName>(accountId: string, event: E, payload: Events[E]): void {
    this.accountListeners.emit(accountId, event, payload);
  }

  notice(level: Notice['level'], message: string, retryable: boolean, from?: Pick<Teller, 'email' | 'named'>): void {
    this.window.addNotice(level, from?.named ? `${from.email}: ${message}` : message, retryable);
  }

  fromAccount<E extends EventName>(from: Teller, event: E, payload: Events[E]): void {
    this.accountListeners.emit(from.id, event, payload);
    if (event === 'notice') {
      const n = payload as Notice;
      this.notice(n.level, n.message, n.retryable, from);
    } else if (event === 'action:failed' && !from.onScreen) {
      this.notice('error', (payload as Events['action:failed']).error.message, false, { email: from.email, named: true });
    } else if (from.onScreen) {
      this.window.emit(event, payload);
    }
  }

  signal(accountId: string, signal: ServiceSignal): void {
    this.signalListeners.emit(accountId, signal);
  }

  /** What the window knows of the accounts already (its snapshot has it). */
  shown(view: AccountsView): void {
    this.lastAnnounced = JSON.stringify(view);
  }

  /** Tells the window of the accounts when what it shows of them changed (or always, when `force`). */
  announce(view: AccountsView, force: boolean): void {
    const key = JSON.stringify(view);
    if (!force && key === this.lastAnnounced) return;
    this.lastAnnounced = key;
    this.window.emit('accounts:changed', view);
  }
}
