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
};

export type Handler<N extends CallName> = (ctx: HandlerContext, request: RequestOf<N>) => object;
export type HandlerTable = { [N in CallName]: Handler<N> };

export const OK = { status: 'OK', errormessage: '' } as const;
