/**
 * What the sync engine tells the rest of the app: which cached objects changed, what the
 * connection is, and which user action the server refused. It is its own module so that the
 * engine's parts (fetcher.ts, outbox-sender.ts) and the relay to the window can name it without
 * importing the engine.
 */
import type { ConnectionState } from '../../ipc/views.js';
import type { ErrorInfo } from '../errors.js';
import type { Action } from './actions.js';

export type EngineEvent =
  | { type: 'conversations'; ids: string[] | 'all' }
  /**
   * `arrived`: ids of messages new to this device that came in as news (fetched forward after a
   * change), not pages of history; absent when there are none.
   */
  | { type: 'messages'; conversationId: string; cleared: boolean; arrived?: string[] }
  | { type: 'friends' }
  | { type: 'connection'; state: ConnectionState; pendingCount: number }
  | { type: 'action-failed'; conversationId: string; action: Action['kind']; error: ErrorInfo };
