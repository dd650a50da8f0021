/**
 * What the core tells its listeners: the IPC events, the desktop signals (not IPC) and the notices
 * kept for the snapshot. A listener that throws is logged and does not stop the others.
 */
import { newNonce } from '../../../protocol/index.js';
import type { EventName, Events } from '../../ipc/contract.js';
import type { Availability, MessageView, Notice } from '../../ipc/views.js';

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
  private readonly listeners = new Set<Listener>();
  private readonly signalListeners = new Set<SignalListener>();
  private readonly kept: Notice[] = [];

  constructor(private readonly log: (line: string) => void) {}

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onSignal(listener: SignalListener): () => void {
    this.signalListeners.add(listener);
    return () => this.signalListeners.delete(listener);
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
    for (const listener of this.signalListeners) {
      try {
        listener(signal);
      } catch (err) {
        this.log(`signal listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch (err) {
        this.log(`event listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
