/**
 * The main side of the contract: checks that a channel is on the allow-list and that its arguments
 * pass the schema, then calls the handler. Whatever happens, the answer is a Reply: a value, or
 * `{ code, message }`; nothing is thrown across the boundary and no internals leak.
 */
import { CoreError, toErrorInfo } from '../shared/errors.js';
import { CHANNELS, type Channel, type ChannelArgs, type ChannelResults, type EventName, type Events, type Reply } from './contract.js';

export type Handlers = { [C in Channel]: (...args: ChannelArgs<C>) => Promise<ChannelResults[C]> };

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.hasOwn(CHANNELS, name);
}

export function createDispatcher(handlers: Handlers, log: (line: string) => void = () => {}) {
  return async function dispatch(channel: unknown, args: unknown): Promise<Reply<Channel>> {
    if (!isChannel(channel)) {
      return { ok: false, error: { code: 'invalid-argument', message: 'The app asked for something that does not exist.' } };
    }
    let parsed: ChannelArgs<Channel>;
    try {
      const result = CHANNELS[channel].safeParse(args);
      if (!result.success) {
        const issue = result.error.issues[0];
        return { ok: false, error: { code: 'invalid-argument', message: `Invalid request: ${issue?.message ?? 'bad arguments'}.` } };
      }
      parsed = result.data as ChannelArgs<Channel>;
    } catch {
      // A getter or proxy that throws while being read (zod reads the value again to describe it).
      return { ok: false, error: { code: 'invalid-argument', message: 'Invalid request: the arguments could not be read.' } };
    }
    try {
      const handler = handlers[channel] as (...a: unknown[]) => Promise<unknown>;
      const value = await handler(...(parsed as unknown[]));
      return { ok: true, value } as Reply<Channel>;
    } catch (err) {
      if (!(err instanceof CoreError) || err.code === 'internal') {
        log(`${channel} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
      return { ok: false, error: toErrorInfo(err) };
    }
  };
}

/** What a host needs of the core: its handlers and its events. The core's ChatService implements it. */
export type ContractService = {
  handlers(): Handlers;
  /** Calls `listener` with every event from now on; returns what stops that. */
  on(listener: <E extends EventName>(event: E, payload: Events[E]) => void): () => void;
};

/** What every request gets when the core could not be opened at all. */
export const CORE_UNAVAILABLE: Reply<Channel> = {
  ok: false,
  error: { code: 'internal', message: 'The app could not open its data. Close it and start it again; its log says why.' },
};

/**
 * The contract in front of a core that may still be opening, for both hosts (the browser host's
 * socket and Electron's ipcMain): the window loads meanwhile, its first requests wait and are
 * answered in order once the core is open, and every event goes to `onEvent` from then on.
 */
export function serveContract(
  service: ContractService | Promise<ContractService>,
  opts: { onEvent: <E extends EventName>(event: E, payload: Events[E]) => void; log?: (line: string) => void },
): { dispatch(channel: unknown, args: unknown): Promise<Reply<Channel>>; dispose(): void } {
  let disposed = false;
  let unsubscribe = () => {};
  const ready = Promise.resolve(service).then(
    (opened) => {
      if (disposed) return null;
      unsubscribe = opened.on(opts.onEvent);
      return createDispatcher(opened.handlers(), opts.log);
    },
    () => null,
  );
  return {
    dispatch: (channel, args) => ready.then((dispatch) => (dispatch ? dispatch(channel, args) : CORE_UNAVAILABLE)),
    dispose() {
      disposed = true;
      unsubscribe();
    },
  };
}
