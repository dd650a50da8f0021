import { describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL } from '../ipc/electron-channels.js';
import { createBridge, NO_ANSWER, type IpcLike } from './preload-bridge.js';

/** An ipcRenderer stand-in: records invokes, answers with `answer`, and lets the test emit events. */
function fakeIpc(answer: (channel: string, args: unknown[]) => Promise<unknown> = async () => ({ ok: true, value: 'fine' })) {
  const invoked: { channel: string; args: unknown[] }[] = [];
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => void>();
  const ipc: IpcLike = {
    invoke: (channel, ...args) => {
      invoked.push({ channel, args });
      return answer(channel, args);
    },
    on: (channel, listener) => handlers.set(channel, listener),
  };
  const emit = (...args: unknown[]) => handlers.get(EVENT_CHANNEL)?.({ sender: 'the electron event', ports: [] }, ...args);
  return { ipc, invoked, handlers, emit };
}

describe('window.ozeki in the preload', () => {
  it('has exactly invoke and on', () => {
    const bridge = createBridge(fakeIpc().ipc);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
    expect(typeof bridge.invoke).toBe('function');
    expect(typeof bridge.on).toBe('function');
  });

  it('sends a contract channel with its arguments and returns the main process reply', async () => {
    const { ipc, invoked } = fakeIpc(async () => ({ ok: true, value: { conversations: [] } }));
    const bridge = createBridge(ipc);
    await expect(bridge.invoke('conversation:set-muted', 'a'.repeat(32), true)).resolves.toEqual({ ok: true, value: { conversations: [] } });
    expect(invoked).toEqual([{ channel: 'conversation:set-muted', args: ['a'.repeat(32), true] }]);
  });

  it('refuses a channel the contract does not have, without sending anything', async () => {
    const { ipc, invoked } = fakeIpc();
    const invoke = createBridge(ipc).invoke as (channel: unknown) => Promise<unknown>;
    for (const channel of ['ozeki:event', 'shell:open', '__proto__', 'toString', '', 42]) {
      await expect(invoke(channel)).resolves.toEqual({ ok: false, error: { code: 'invalid-argument', message: expect.any(String) } });
    }
    expect(invoked).toEqual([]);
  });

  it('answers "no answer" when the main process refuses or fails, instead of throwing into the page', async () => {
    const bridge = createBridge(fakeIpc(() => Promise.reject(new Error("Error invoking remote method 'state:snapshot': Error: Refused."))).ipc);
    await expect(bridge.invoke('state:snapshot')).resolves.toEqual(NO_ANSWER);
  });

  it('says so when the arguments cannot be sent', async () => {
    const bridge = createBridge(fakeIpc(() => Promise.reject(new Error('An object could not be cloned.'))).ipc);
    await expect(bridge.invoke('messages:send', 'a'.repeat(32), 'hi')).resolves.toEqual({
      ok: false,
      error: { code: 'invalid-argument', message: 'Invalid request: the arguments could not be sent.' },
    });
  });

  it('passes on only reply-shaped answers', async () => {
    const bridge = createBridge(fakeIpc(async () => ({ something: 'else' })).ipc);
    await expect(bridge.invoke('state:snapshot')).resolves.toEqual(NO_ANSWER);
  });

  it('gives listeners the payload only, never the Electron event', () => {
    const { ipc, emit } = fakeIpc();
    const bridge = createBridge(ipc);
    const listener = vi.fn();
    bridge.on('notice', listener);
    emit('notice', { id: 'n1', level: 'info', message: 'hello' });
    expect(listener.mock.calls).toEqual([[{ id: 'n1', level: 'info', message: 'hello' }]]);
  });

  it('delivers an event to the listeners of that event only', () => {
    const { ipc, emit } = fakeIpc();
    const bridge = createBridge(ipc);
    const onNotice = vi.fn();
    const onFriends = vi.fn();
    bridge.on('notice', onNotice);
    bridge.on('friends:changed', onFriends);
    emit('friends:changed', { friends: [] });
    expect(onNotice).not.toHaveBeenCalled();
    expect(onFriends).toHaveBeenCalledOnce();
  });

  it('stops calling a listener once it unsubscribes, and keeps calling the others', () => {
    const { ipc, emit } = fakeIpc();
    const bridge = createBridge(ipc);
    const first = vi.fn();
    const second = vi.fn();
    const off = bridge.on('notice', first);
    bridge.on('notice', second);
    off();
    emit('notice', {});
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledOnce();
  });

  it('keeps calling the other listeners when one throws', () => {
    const { ipc, emit } = fakeIpc();
    const bridge = createBridge(ipc);
    const after = vi.fn();
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    bridge.on('notice', () => {
      throw new Error('broken listener');
    });
    bridge.on('notice', after);
    emit('notice', {});
    expect(after).toHaveBeenCalledOnce();
    quiet.mockRestore();
  });

  it('refuses to subscribe to an event the contract does not have, or without a function', () => {
    const bridge = createBridge(fakeIpc().ipc);
    expect(() => bridge.on('ozeki:event' as never, () => {})).toThrow(TypeError);
    expect(() => bridge.on('__proto__' as never, () => {})).toThrow(TypeError);
    expect(() => bridge.on('notice', 'not a function' as never)).toThrow(TypeError);
  });

  it('ignores events from the main process that nobody listens to or that are malformed', () => {
    const { ipc, emit } = fakeIpc();
    const bridge = createBridge(ipc);
    const listener = vi.fn();
    bridge.on('notice', listener);
    emit('not-an-event', {});
    emit(undefined, {});
    emit({ name: 'notice' }, {});
    expect(listener).not.toHaveBeenCalled();
  });

  it('listens on the one event channel only', () => {
    const { ipc, handlers } = fakeIpc();
    createBridge(ipc);
    expect([...handlers.keys()]).toEqual([EVENT_CHANNEL]);
  });
});
