/**
 * The page-side bridge, driven from Node with `ws` as its WebSocket: against the real host for the
 * contract, and against a silent stand-in server for what happens when the connection drops.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { Events } from '../ipc/contract.js';
import { eventually } from '../../test/support/core/service-harness.js';
import { createBridge, LOST_CONNECTION, type SocketLike } from './bridge-client.js';
import { startHostFixture, type HostFixture } from '../../test/support/browser-host/fixture.js';

let f: HostFixture;
const stops: (() => void)[] = [];

/** A bridge as the page would have it, with `ws` standing in for the browser's WebSocket. */
function bridgeTo(url: string, origin: string, delays = { minDelayMs: 20, maxDelayMs: 100 }) {
  const made = createBridge({ url, connect: (u) => new WebSocket(u, { origin }) as unknown as SocketLike, ...delays });
  stops.push(made.stop);
  return made;
}
const hostBridge = () => bridgeTo(`ws://127.0.0.1:${f.port}/__ozeki/ipc?token=${f.host.token}`, f.origin).bridge;

beforeAll(async () => {
  f = await startHostFixture();
});
afterAll(async () => {
  for (const stop of stops) stop();
  await f?.close();
});

describe('against the host', () => {
  it('queues requests made while connecting and resolves them with the Reply', async () => {
    const bridge = hostBridge();
    const [snapshot, bad] = await Promise.all([bridge.invoke('state:snapshot'), bridge.invoke('conversation:set-favorite', 'nope', true)]);
    expect(snapshot.ok && snapshot.value.profile?.email).toBe('alice@demo.ozeki.chat');
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('delivers events to listeners until they unsubscribe, and a throwing listener does not stop the others', async () => {
    const bridge = hostBridge();
    const seen: Events['conversations:changed'][] = [];
    const stopped: unknown[] = [];
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {});
    const unsubscribeBroken = bridge.on('conversations:changed', () => {
      throw new Error('a broken listener');
    });
    bridge.on('conversations:changed', (p) => seen.push(p));
    const unsubscribe = bridge.on('conversations:changed', (p) => stopped.push(p));
    unsubscribe();
    const conversation = f.alice.service.snapshot().conversations[0]!;
    expect(await bridge.invoke('conversation:set-muted', conversation.id, true)).toEqual({ ok: true });
    await eventually(() => seen.some((p) => p.upserted.some((c) => c.id === conversation.id && c.muted)), 10_000, 'the change event');
    expect(stopped).toEqual([]);
    expect(reported).toHaveBeenCalled();
    unsubscribeBroken();
    reported.mockRestore();
    await f.alice.service.settle();
  });

  it.each([
    ['without a token', () => ''],
    ['with a wrong token', () => 'x'.repeat(43)],
    ['with the token of an earlier run', () => f.host.token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))],
  ])('opened %s, says how to get a working address instead of "reload"', async (_, token) => {
    const { bridge } = bridgeTo(`ws://127.0.0.1:${f.port}/__ozeki/ipc?token=${encodeURIComponent(token())}`, f.origin);
    const reply = await bridge.invoke('state:snapshot');
    expect(reply).toEqual(LOST_CONNECTION);
    expect(!reply.ok && reply.error.message).toContain('Start the app again, or use the address it printed.');
    expect(!reply.ok && reply.error.message).not.toMatch(/reload/i);
  });

  it('is refused without the right origin, and then answers every request with the lost-connection error', async () => {
    const { bridge } = bridgeTo(`ws://127.0.0.1:${f.port}/__ozeki/ipc?token=${f.host.token}`, 'http://evil.example');
    expect(await bridge.invoke('state:snapshot')).toEqual(LOST_CONNECTION);
  });
});

describe('when the connection drops', () => {
  let wss: WebSocketServer;
  let url: string;
  const connections: WebSocket[] = [];
  const received: string[][] = [];

  beforeAll(async () => {
    // A host that accepts and never answers, so requests are in flight when it hangs up.
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (ws) => {
      const frames: string[] = [];
      received.push(frames);
      connections.push(ws);
      ws.on('message', (d) => frames.push(String(d)));
    });
    await new Promise((resolve) => wss.once('listening', resolve));
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    for (const ws of connections) ws.terminate();
    await new Promise((resolve) => wss.close(resolve));
  });

  it('resolves pending invokes with the network error, reconnects, and sends what comes next', async () => {
    const { bridge } = bridgeTo(url, 'http://127.0.0.1');
    const first = bridge.invoke('sync:now');
    await eventually(() => connections.length === 1);
    await eventually(() => received[0]!.length === 1, 5_000, 'the queued request');
    expect(JSON.parse(received[0]![0]!)).toEqual({ id: 1, channel: 'sync:now', args: [] });
    connections[0]!.terminate();
    expect(await first).toEqual(LOST_CONNECTION);

    await eventually(() => connections.length === 2, 5_000, 'the reconnection');
    const second = connections[1]!;
    second.on('message', (d) => {
      const { id } = JSON.parse(String(d));
      second.send(JSON.stringify({ id, reply: { ok: true } }));
    });
    await eventually(() => second.readyState === WebSocket.OPEN);
    expect(await bridge.invoke('sync:now')).toEqual({ ok: true });
  });

  it('does not leave a request waiting out the backoff when the host is gone for good', async () => {
    const { bridge } = bridgeTo('ws://127.0.0.1:1/', 'http://127.0.0.1', { minDelayMs: 60_000, maxDelayMs: 60_000 });
    expect(await bridge.invoke('state:snapshot')).toEqual(LOST_CONNECTION); // the first attempt fails
    const started = Date.now();
    expect(await bridge.invoke('state:snapshot')).toEqual(LOST_CONNECTION); // retried at once, not in a minute
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
