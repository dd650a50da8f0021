/** What every handler gets: the store, the authenticated caller, the clock and the change feed. */
import type { CallName, RequestOf } from '../../../protocol/index.js';
import type { Caller } from '../auth.js';
import type { ChangeFeed } from '../changes.js';
import type { Store } from '../db/store.js';
import type { Presence } from '../presence.js';

export type HandlerContext = {
  store: Store;
  caller: Caller;
  nowMs: number;
  changes: ChangeFeed;
  presence: Presence;
  /** This server's API URL and push URL as the caller reaches them. */
  endpoints: () => { api: string; push: string };
  serverVersion: string;
  /** The bytes after the header line of a `chunk` body (CallSpec.wire); null for a JSON body. */
  chunk: Buffer | null;
  /** What one user may keep in the file service (ciphertext bytes). */
  fileQuotaBytes: number;
  /**
   * Runs `work` once the request's changes are committed, and never if they are not (a refusal, a
   * failed commit): for what cannot be rolled back, such as deleting files from disk.
   */
  afterCommit: (work: () => void) => void;
};

export type Handler<N extends CallName> = (ctx: HandlerContext, request: RequestOf<N>) => object;
export type HandlerTable = { [N in CallName]: Handler<N> };

/** What the handler of a call with a `bytes` answer (CallSpec.wire) returns; the pipeline sends it as binary. */
export type BytesAnswer = { bytes: Buffer };

export const OK = { status: 'OK', errormessage: '' } as const;
