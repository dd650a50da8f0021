/**
 * A stand-in for `window.ozeki` in component tests: canned replies per channel, a record of every
 * call, and `emit` to play an event from the main process. The real bridge is tested by the host.
 */
import type { Channel, ChannelArgs, EventName, Events, OzekiBridge, Reply } from '../../app/ipc/contract.js';
import type { AccountView, ConversationView, Snapshot } from '../../app/ipc/views.js';

type Handler<C extends Channel> = (...args: ChannelArgs<C>) => Reply<C> | Promise<Reply<C>>;
export type Handlers = { [C in Channel]?: Handler<C> };

export type FakeBridge = OzekiBridge & {
  calls: { channel: Channel; args: unknown[] }[];
  handlers: Handlers;
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  listenerCount(event: EventName): number;
};

export function fakeBridge(handlers: Handlers = {}): FakeBridge {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const bridge: FakeBridge = {
    calls: [],
    handlers,
    async invoke<C extends Channel>(channel: C, ...args: ChannelArgs<C>): Promise<Reply<C>> {
      bridge.calls.push({ channel, args });
      const handler = bridge.handlers[channel] as Handler<C> | undefined;
      if (!handler) return { ok: false, error: { code: 'internal', message: `no fake reply for ${channel}` } };
      return handler(...args);
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    listenerCount(event) {
      return listeners.get(event)?.size ?? 0;
    },
  };
  return bridge;
}

/** Installs the fake as `window.ozeki`. */
export function installBridge(handlers: Handlers = {}): FakeBridge {
  const bridge = fakeBridge(handlers);
  window.ozeki = bridge;
  return bridge;
}

/** A promise with its resolve function outside, to hold a reply in flight. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export const PROFILE = {
  userid: '0123456789abcdef0123456789abcdef',
  email: 'alice@demo.ozeki.chat',
  nick: 'Alice',
  fullname: 'Alice Andersen',
  serverUrl: 'http://127.0.0.1:9080',
};

export function conversation(id: string, name: string, lastActivity: number): ConversationView {
  return {
    id: id.padEnd(32, '0'),
    name,
    nameDecrypted: true,
    isGroup: false,
    participants: [],
    favorite: false,
    muted: false,
    hidden: false,
    color: '#ffffff',
    lastActivity,
    unread: 0,
    pending: false,
    last: null,
    timer: 0,
  };
}

/** A signed-in account as the switcher shows it. */
export function account(id: string, email: string, over: Partial<AccountView> = {}): AccountView {
  return {
    id: id.padEnd(16, '0'),
    email,
    name: email,
    serverUrl: 'http://127.0.0.1:9080/ozeki/index.php',
    unread: 0,
    connection: 'online',
    persistent: true,
    ...over,
  };
}

export function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  const signedIn = over.profile ?? null;
  const own = signedIn ? [account('a', signedIn.email, { name: signedIn.fullname })] : [];
  return {
    accounts: own,
    activeAccountId: own[0]?.id ?? null,
    profile: null,
    keychain: { persistent: true, reason: null },
    connection: 'signed-out',
    pendingCount: 0,
    conversations: [],
    complete: true,
    friends: [],
    availability: 'available',
    notices: [],
    ...over,
  };
}
