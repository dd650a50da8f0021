/**
 * `window.ozeki` as the preload builds it, over anything shaped like ipcRenderer, so a Node test
 * can drive it with a fake. The page gets two functions and nothing else: no ipcRenderer, no
 * Electron event objects (listeners receive the payload only), no way to name a channel the
 * contract does not have.
 */
import type { Channel, OzekiBridge, Reply } from '../ipc/contract.js';
import { EVENT_CHANNEL, isChannelName, isEventName } from '../ipc/electron-channels.js';

/** The part of ipcRenderer the bridge uses. */
export type IpcLike = {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
};

const refused = (message: string): Reply<Channel> => ({ ok: false, error: { code: 'invalid-argument', message } });

/** What a request gets when the main process did not answer it (it refused the sender, or crashed). */
export const NO_ANSWER: Reply<Channel> = {
  ok: false,
  error: { code: 'internal', message: 'The app could not reach its background process. Restart the app.' },
};

export function createBridge(ipc: IpcLike): OzekiBridge {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  // One subscription for every event; the Electron event object stops here.
  ipc.on(EVENT_CHANNEL, (_event, name, payload) => {
    if (typeof name !== 'string') return;
    // A copy: a listener may unsubscribe (itself or another) while they are called.
    for (const listener of [...(listeners.get(name) ?? [])]) {
      try {
        listener(payload);
      } catch (err) {
        console.error(err); // one broken listener must not starve the others
      }
    }
  });

  async function invoke(channel: unknown, ...args: unknown[]): Promise<Reply<Channel>> {
    if (!isChannelName(channel)) return refused('The app asked for something that does not exist.');
    let reply: unknown;
    try {
      reply = await ipc.invoke(channel, ...args);
    } catch (err) {
      // Arguments that cannot be cloned fail before anything is sent.
      if (err instanceof Error && /could not be cloned|An object could not be cloned/i.test(err.message)) {
        return refused('Invalid request: the arguments could not be sent.');
      }
      return NO_ANSWER;
    }
    return isReply(reply) ? reply : NO_ANSWER;
  }

  function on(event: unknown, listener: unknown): () => void {
    if (!isEventName(event)) throw new TypeError(`There is no event called ${JSON.stringify(String(event))}.`);
    if (typeof listener !== 'function') throw new TypeError('The listener must be a function.');
    const fn = listener as (payload: unknown) => void;
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(fn);
    return () => void set.delete(fn);
  }

  return { invoke: invoke as OzekiBridge['invoke'], on: on as OzekiBridge['on'] };
}

function isReply(value: unknown): value is Reply<Channel> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { ok?: unknown; error?: unknown };
  if (v.ok === true) return 'value' in v;
  return v.ok === false && typeof v.error === 'object' && v.error !== null;
}
