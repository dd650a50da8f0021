/**
 * What the core tells its listeners: the IPC events, the desktop signals (not IPC) and the notices
 * kept for the snapshot. A listener that throws is logged and does not stop the others.
 */
import { newNonce } from '../../../protocol/index.js';
import type { EventName, Events } from '../../ipc/contract.js';
import type { Availability, MessageView, Notice } from '../../ipc/views.js';
import { Listeners } from './listeners.js';

export type Listener = <E extends EventName>(event: E, payload: Events[E]) => void;

/**
 * What the desktop integration (tray, notifications) follows besides the IPC events. Not IPC: the
 * renderer learns of new messages through messages:changed.
 */
export type ServiceSignal =
  /** Messages new to this device that came in as news, not pages of history (see EngineEvent). */
  { type: 'messages-arrived'; conversationId: string; messages: MessageView[] } | { type: 'availability-changed'; availability: Availability };
export type SignalListener = (signal: ServiceSignal) => void;

export class ServiceEvents {
  private readonly listeners: Listeners<[EventName, Events[EventName]]>;
  private readonly signalListeners: Listeners<[ServiceSignal]>;
  private readonly kept: Notice[] = [];

  constructor(log: (line: string) => void) {
    this.listeners = new Listeners('event', log);
    this.signalListeners = new Listeners('signal', log);
  }

  on(listener: Listener): () => void {
    return this.listeners.add(listener as (event: EventName, payload: Events[EventName]) => void);
  }

  onSignal(listener: SignalListener): () => void {
    return this.signalListeners.add(listener);
  }

  /** Whether anyone listens to the IPC events yet (a window). */
  get listening(): boolean {
    return this.listeners.size > 0;
  }

  /** The notices so far, oldest first. */
  get notices(): Notice[] {
    return [...this.kept];
  }

  addNotice(level: Notice['level'], message: string, retryable: boolean): void {
    const notice: Notice = { id: newNonce().slice(0, 12), level, message, retryable };
    this.kept.push(notice);
    this.emit('notice', notice);
  }

  signal(signal: ServiceSignal): void {
    this.signalListeners.emit(signal);
  }

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    this.listeners.emit(event, payload);
  }
}
