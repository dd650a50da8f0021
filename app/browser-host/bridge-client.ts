/**
 * `window.ozeki` in a plain browser: the same OzekiBridge the Electron preload exposes, carried
 * over the host's IPC WebSocket, so the renderer never knows which host it runs in.
 *
 * Runs in the page (the host compiles it with esbuild at start), so it imports nothing at run time:
 * only types from the contract, which esbuild strips. `createBridge` takes the socket factory as a
 * parameter so the Node tests can drive it with `ws`.
 */
import type { Channel, OzekiBridge, Reply } from '../ipc/contract.js';

/** The part of a browser WebSocket the bridge uses. */
export type SocketLike = {
  send(data: string): void;
  close(): void;
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: (() => void) | null;
  onerror: (() => void) | null;
};

// The browser globals this file touches, declared here (module scope) so the Node-only tsconfig
// does not need the DOM library.
declare const window: object;
declare const location: { search: string; pathname: string; hash: string; host: string };
declare const history: { state: unknown; replaceState(state: unknown, unused: string, url: string): void };
declare const sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
declare const WebSocket: new (url: string) => SocketLike;
declare const requestIdleCallback: ((callback: () => void, options: { timeout: number }) => number) | undefined;
declare function addEventListener(type: 'pagehide', listener: () => void): void;

/**
 * Every request's answer when the socket is down or refused. In a browser a refused handshake looks
 * the same as a host that is gone, and both have one remedy: a page opened without its token, with
 * a wrong one, or with one from an earlier run of the app (each run makes a new token) needs the
 * address the running app printed; reloading would only repeat the refusal.
 */
export const LOST_CONNECTION: Reply<Channel> = {
  ok: false,
  error: {
    code: 'network',
    message:
      'This page is not connected to the app: its address is incomplete or out of date, or the app has stopped. Start the app again, or use the address it printed.',
  },
};

export type BridgeOptions = {
  url: string;
  connect: (url: string) => SocketLike;
  /** Reconnect backoff: starts here, doubles per failure, up to maxDelayMs. */
  minDelayMs?: number;
  maxDelayMs?: number;
};

export function createBridge(opts: BridgeOptions): { bridge: OzekiBridge; stop(): void } {
  const minDelay = opts.minDelayMs ?? 250;
  const maxDelay = opts.maxDelayMs ?? 10_000;
  /** Every invoke not yet answered, sent or not. */
  const pending = new Map<number, (reply: Reply<Channel>) => void>();
  /** Frames made while (re)connecting, sent once the socket opens. */
  let queue: string[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let socket: SocketLike | null = null;
  let open = false;
  let stopped = false;
  let delay = minDelay;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let nextId = 1;

  function dropped(which: SocketLike | null): void {
    if (socket !== which) return; // an old socket's late close
    socket = null;
    open = false;
    // A request sent on a lost socket may or may not have run; the renderer must not wait forever.
    queue = [];
    for (const resolve of pending.values()) resolve(LOST_CONNECTION);
    pending.clear();
    if (stopped) return;
    retry = setTimeout(connect, delay);
    delay = Math.min(delay * 2, maxDelay);
  }

  function connect(): void {
    retry = undefined;
    let s: SocketLike;
    try {
      s = opts.connect(opts.url);
    } catch {
      socket = null;
      return dropped(null);
    }
    socket = s;
    s.onopen = () => {
      open = true;
      delay = minDelay;
      for (const frame of queue) s.send(frame);
      queue = [];
    };
    s.onmessage = (event) => receive(event.data);
    s.onerror = () => {}; // a close event always follows
    s.onclose = () => dropped(s);
  }

  function receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: { id?: unknown; reply?: Reply<Channel>; event?: unknown; payload?: unknown };
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;
    if (typeof frame.id === 'number') {
      const resolve = pending.get(frame.id);
      pending.delete(frame.id);
      resolve?.(frame.reply ?? LOST_CONNECTION);
    } else if (typeof frame.event === 'string') {
      // A copy: a listener may unsubscribe (itself or another) while we call them.
      for (const listener of [...(listeners.get(frame.event) ?? [])]) {
        try {
          listener(frame.payload);
        } catch (err) {
          console.error(err); // one broken listener must not starve the others
        }
      }
    }
  }

  const invoke = (channel: Channel, ...args: unknown[]): Promise<Reply<Channel>> =>
    new Promise((resolve) => {
      const id = nextId++;
      let frame: string;
      try {
        frame = JSON.stringify({ id, channel, args });
      } catch {
        return resolve({ ok: false, error: { code: 'invalid-argument', message: 'Invalid request: the arguments could not be sent.' } });
      }
      pending.set(id, resolve);
      if (open && socket) return socket.send(frame);
      queue.push(frame);
      // Waiting out a backoff: try again now rather than leave the request hanging.
      if (retry !== undefined && !stopped) {
        clearTimeout(retry);
        connect();
      }
    });

  const on = (event: string, listener: (payload: unknown) => void): (() => void) => {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  };

  connect();
  return {
    bridge: { invoke: invoke as OzekiBridge['invoke'], on: on as OzekiBridge['on'] },
    stop() {
      stopped = true;
      clearTimeout(retry);
      socket?.close();
    },
  };
}

const TOKEN_KEY = 'ozeki-host-token';

/**
 * Takes the token from the page URL and removes it from the address bar (and so from history and
 * bookmarks). It is kept in sessionStorage, per tab and per origin, so reloading the page works:
 * written once the page is idle, or as it goes away if sooner, because the first use of
 * sessionStorage in a tab waits on the browser process (measured: 10 to 30 ms at launch), and the
 * socket should not wait for it.
 */
function takeToken(): string {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl !== null) {
    params.delete('token');
    const rest = params.toString();
    history.replaceState(history.state, '', location.pathname + (rest ? `?${rest}` : '') + location.hash);
    let kept = false;
    const keep = () => {
      if (kept) return;
      kept = true;
      try {
        sessionStorage.setItem(TOKEN_KEY, fromUrl);
      } catch {
        // storage turned off: this load still works, a reload will not
      }
    };
    if (typeof requestIdleCallback === 'function') requestIdleCallback(keep, { timeout: 2000 });
    else setTimeout(keep, 1000);
    addEventListener('pagehide', keep);
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

export function installBridge(): void {
  const url = `ws://${location.host}/__ozeki/ipc?token=${encodeURIComponent(takeToken())}`;
  const { bridge } = createBridge({ url, connect: (u) => new WebSocket(u) });
  // Like contextBridge.exposeInMainWorld: nothing on the page can replace or extend it.
  Object.defineProperty(window, 'ozeki', { value: Object.freeze(bridge), writable: false, configurable: false, enumerable: true });
}

if (typeof window !== 'undefined' && typeof location !== 'undefined') installBridge();
