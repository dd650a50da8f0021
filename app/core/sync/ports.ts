/**
 * What the sync engine needs from the API client and the local store, stated as narrow interfaces
 * so the engine can be read (and tested) on its own.
 */
import type { AvailabilityEntry, CallName, Conversation, Message, PayloadOf, Report, ResponseOf } from '../../../protocol/index.js';
import type { OutboxEntry } from '../store/local-store.js';
import type { Action } from './actions.js';

export type { OutboxEntry };

export type ApiPort = {
  call<N extends CallName>(name: N, payload: PayloadOf<N>, opts?: { retries?: number; signal?: AbortSignal }): Promise<ResponseOf<N>>;
};

export type StorePort = {
  conversations(): Conversation[];
  conversation(id: string): Conversation | undefined;
  replaceConversations(list: Conversation[]): void;
  putConversation(c: Conversation): void;
  replaceFriends(entries: AvailabilityEntry[]): void;
  putMessages(conversationId: string, messages: Message[], direction?: 'newer' | 'older'): void;
  messages(conversationId: string, opts: { limit: number; before?: { created: string; id: string } }): Message[];
  message(conversationId: string, id: string): Message | undefined;
  clearMessages(conversationId: string): void;
  putReports(conversationId: string, reports: Report[]): void;
  enqueue(action: Action): { seq: number | null; removed: number[] };
  pending(): OutboxEntry[];
  pendingFor(conversationId: string): OutboxEntry[];
  /** The first waiting entry of each conversation, in order, read lazily. */
  heads(): Iterable<OutboxEntry>;
  markInFlight(seq: number): void;
  complete(seq: number): void;
  fail(seq: number, error: string, nextAttemptAt: number): void;
  replaceAction(seq: number, action: Action): void;
  resetInFlight(): void;
  /** Makes every waiting entry due now. */
  retryNow(): number;
  pendingCount(): number;
  /** Runs `fn` in one transaction: one commit (one fsync) for several writes. */
  transaction<T>(fn: () => T): T;
};
