/**
 * Issue 8 item 2: the client must not follow addresses a login response names on another host, and
 * must not send the API key over plain http to a machine that is not loopback without the user's
 * explicit "Sign in anyway".
 *
 * A hostile front (the scriptable proxy) sits before the REAL reference server and rewrites the login
 * answer so `urls` / `listeners` point at a capture listener on ANOTHER loopback address
 * (127.0.0.2; Linux routes all of 127.0.0.0/8 to lo). The capture listener must see no connection at
 * all, and the sign-in must fail with an error naming both addresses.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newStationId } from '../../protocol/index.js';
import { startTestServer, type TestServer } from '../../server/test/harness.js';
import { createDispatcher } from '../ipc/dispatcher.js';
import { ApiClient } from './api/client.js';
import { isCoreError } from './errors.js';
import { startHostileProxy, type HostileProxy } from '../../test/support/core/hostile-proxy.js';
import { openService, signIn, type ServiceUnderTest } from '../../test/support/core/service-harness.js';

type Capture = { host: string; port: number; connections: number; close(): Promise<void> };

/** A TCP listener that only counts who connects (and hangs up on them). */
async function startCapture(host: string): Promise<Capture> {
  const sockets = new Set<Socket>();
  const capture = { host, port: 0, connections: 0 } as Capture;
  const server: Server = createServer((socket) => {
    capture.connections++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  capture.port = (server.address() as AddressInfo).port;
  capture.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return capture;
}

/** Points one URL at the capture listener, keeping its scheme, path and query. */
function toCapture(text: string, capture: Capture): string {
  if (!text) return text;
  const url = new URL(text);
  url.hostname = capture.host;
  url.port = String(capture.port);
  return url.toString();
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let t: TestServer;
let capture: Capture;
let proxy: HostileProxy;
const services: ServiceUnderTest[] = [];

beforeAll(async () => {
  t = await startTestServer();
  capture = await startCapture('127.0.0.2');
});

afterEach(async () => {
  await proxy?.close();
  for (const s of services.splice(0)) await s.close();
});

afterAll(async () => {
  await capture?.close();
  await t?.stop({ remove: true });
});

async function service(): Promise<ServiceUnderTest> {
  const sut = await openService();
  services.push(sut);
  return sut;
}

describe('a login response naming another host', () => {
  it('every url and the push listener on 127.0.0.2: the sign-in fails naming both addresses, and nothing reaches 127.0.0.2', async () => {
    proxy = await startHostileProxy(t.server.url);
    let rewritten = '';
    proxy.fail(
      { api: 'chatlogin', action: 'login' },
      {
        kind: 'edit',
        edit: (json: { urls: Record<string, string>; listeners: Record<string, string> }) => {
          for (const key of Object.keys(json.urls)) json.urls[key] = toCapture(json.urls[key]!, capture);
          json.listeners.ws = toCapture(json.listeners.ws!, capture);
          rewritten = json.urls.conversation!;
          return json;
        },
      },
    );
    const sut = await service();
    const before = capture.connections;

    const dispatch = createDispatcher(sut.service.handlers());
    const a = t.accounts[0]!;
    const reply = await dispatch('session:sign-in', [{ serverUrl: proxy.url, email: a.email, apiKey: a.apikey, password: a.password }]);
    expect(reply.ok).toBe(false);
    const error = reply.ok ? null : reply.error;
    expect(error?.code).toBe('invalid-response');
    // Both addresses, so a person can see what went wrong: where they signed in, and where it pointed.
    expect(error?.message).toContain(proxy.url);
    expect(error?.message).toContain(`127.0.0.2:${capture.port}`);
    expect(rewritten).toContain(`127.0.0.2:${capture.port}`);
    expect(error?.message).not.toContain(a.apikey);

    // Not signed in, and nothing goes to the capture listener, now or a moment later (sync, push).
    expect(sut.service.snapshot().profile).toBeNull();
    await pause(1500);
    expect(capture.connections - before).toBe(0);
    expect(proxy.seen.map((s) => s.api)).toEqual(['chatlogin']);
  });

  it('only the push listener on another host: refused the same way, no socket is opened', async () => {
    proxy = await startHostileProxy(t.server.url);
    proxy.fail(
      { api: 'chatlogin' },
      {
        kind: 'edit',
        edit: (json: { listeners: Record<string, string> }) => ({ ...json, listeners: { ...json.listeners, ws: `ws://127.0.0.2:${capture.port}/ozeki/ws` } }),
      },
    );
    const sut = await service();
    const before = capture.connections;
    const err = await signIn(sut, proxy.url, t.accounts[1]!).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isCoreError(err, 'invalid-response')).toBe(true);
    expect((err as Error).message).toContain(proxy.url);
    expect((err as Error).message).toContain(`ws://127.0.0.2:${capture.port}/ozeki/ws`);
    expect((err as Error).message).toContain('listeners.ws');
    await pause(1000);
    expect(capture.connections - before).toBe(0);
  });

  it("the same host on another port is followed (as in Ozeki's example)", async () => {
    // The proxy hands out the real server's own port: same host (127.0.0.1), another port than the sign-in.
    proxy = await startHostileProxy(t.server.url);
    const direct = new URL(t.server.url);
    proxy.fail(
      { api: 'chatlogin' },
      {
        kind: 'edit',
        edit: (json: { urls: Record<string, string> }) => {
          for (const key of Object.keys(json.urls)) {
            const url = new URL(json.urls[key]!);
            url.port = direct.port;
            json.urls[key] = url.toString();
          }
          return json;
        },
      },
    );
    const client = new ApiClient({ loginRetries: 0 });
    const login = await client.login(proxy.url, newStationId(), t.accounts[2]!.apikey);
    expect(new URL(login.urls.conversation!).port).toBe(direct.port);
  });
});

describe('plain http to a host that is not loopback', () => {
  const REMOTE = 'http://chat.example.invalid:9080/ozeki/index.php';

  function recordingFetch() {
    const urls: string[] = [];
    const fetch = async (url: string) => {
      urls.push(url);
      return new Response(JSON.stringify({ status: 'ERROR', errormessage: 'Unknown API key.' }), {
        status: 401,
        headers: { 'Content-Type': 'application/json' },
      });
    };
    return { urls, fetch };
  }

  it('is refused with insecure-connection before anything is sent, unless the request says the user accepted', async () => {
    const { urls, fetch } = recordingFetch();
    const sut = await openService({ options: { api: new ApiClient({ fetch, loginRetries: 0 }) } });
    services.push(sut);
    const dispatch = createDispatcher(sut.service.handlers());
    const request = { serverUrl: REMOTE, email: 'alice@example.com', apiKey: 'f'.repeat(64), password: 'p' };

    const refused = await dispatch('session:sign-in', [request]);
    expect(refused).toMatchObject({ ok: false, error: { code: 'insecure-connection' } });
    expect(refused.ok ? '' : refused.error.message).toContain('chat.example.invalid:9080');
    expect(refused.ok ? '' : refused.error.message).toMatch(/unencrypted/);
    expect(urls).toEqual([]);

    // The contract validates the acceptance: only a boolean.
    const malformed = await dispatch('session:sign-in', [{ ...request, allowInsecure: 'yes' } as never]);
    expect(malformed).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(urls).toEqual([]);

    const accepted = await dispatch('session:sign-in', [{ ...request, allowInsecure: true }]);
    expect(accepted).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(urls).toHaveLength(1);
    expect(new URL(urls[0]!).host).toBe('chat.example.invalid:9080');
  });

  it('loopback http and https need no acceptance', async () => {
    const { urls, fetch } = recordingFetch();
    const client = new ApiClient({ fetch, loginRetries: 0 });
    for (const base of [
      'http://127.0.0.1:9/ozeki/index.php',
      'http://localhost:9/ozeki/index.php',
      'http://[::1]:9/ozeki/index.php',
      'https://chat.example.invalid/ozeki/index.php',
    ]) {
      const err = await client.login(base, newStationId(), 'f'.repeat(64)).catch((e: unknown) => e);
      expect(isCoreError(err, 'unauthorized'), base).toBe(true);
    }
    expect(urls).toHaveLength(4);
  });
});
