/**
 * The API client against a hostile server: a node:http server on loopback that answers each request
 * as the test scripts it (errors, HTML pages, cut-off bodies, wrong types, silence). It counts the
 * requests it sees, which is how the tests prove how often the client retried.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { newApiKey, newStationId, isValidSignature } from '../../../protocol/index.js';
import { CoreError } from '../errors.js';
import { ApiClient, isCancelled, post, type ApiClientOptions } from './index.js';

type Seen = { headers: IncomingMessage['headers']; body: string };
type Handler = (res: ServerResponse, seen: Seen, n: number) => void;

type Hostile = { url: string; requests: Seen[]; close(): Promise<void> };

const servers: Hostile[] = [];

/** Request n is answered by script[n], the last entry answering every request after it. */
async function hostile(...script: Handler[]): Promise<Hostile> {
  const requests: Seen[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const n = requests.push(seen) - 1;
      script[Math.min(n, script.length - 1)]!(res, seen, n);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const h: Hostile = {
    url: `http://127.0.0.1:${port}/ozeki/index.php`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  servers.push(h);
  return h;
}

const json =
  (status: number, body: unknown): Handler =>
  (res) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
const html =
  (status: number): Handler =>
  (res) => {
    res.writeHead(status, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><html><body><h1>Bad Gateway</h1></body></html>');
  };
/** Promises more bytes than it sends, then cuts the connection. */
const truncated: Handler = (res) => {
  const body = JSON.stringify(OK_LIST);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(body.length + 100) });
  res.write(body.slice(0, 20), () => res.socket?.destroy());
};
const silentFor =
  (ms: number, then: Handler): Handler =>
  (res, seen, n) => {
    const timer = setTimeout(() => {
      if (!res.destroyed && !res.socket?.destroyed) then(res, seen, n);
    }, ms);
    res.on('close', () => clearTimeout(timer));
  };

const OK_LIST = { status: 'OK', errormessage: '', conversations: [] };
const refusal = (message: string) => ({ status: 'ERROR', errormessage: message });

const apikey = newApiKey();
const userid = 'a'.repeat(32);
const thrown: unknown[] = [];

/** A signed-in client of the hostile server, whose backoff waits are recorded instead of slept. */
function clientFor(h: Hostile, opts: ApiClientOptions = {}) {
  const delays: number[] = [];
  const client = new ApiClient({
    timeoutMs: 2000,
    ...opts,
    retry: { sleep: async (ms) => void delays.push(ms), random: () => 0.5, ...opts.retry },
  });
  client.setSession({ baseUrl: h.url, station: newStationId(), userid, apikey, urls: {} });
  return { client, delays };
}

async function failure(p: Promise<unknown>): Promise<CoreError> {
  const err = await p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  thrown.push(err);
  expect(err).toBeInstanceOf(CoreError);
  return err as CoreError;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('ApiClient against a hostile server', () => {
  it('retries a 500 with the JSON error body and succeeds on the next attempt', async () => {
    const h = await hostile(json(500, refusal('The server failed. Try again.')), json(200, OK_LIST));
    const { client, delays } = clientFor(h);
    const list = await client.call('conversationList', {});
    expect(list.conversations).toEqual([]);
    expect(h.requests).toHaveLength(2);
    expect(delays).toHaveLength(1);
  });

  it('signs every attempt afresh: a new nonce and a valid signature each time', async () => {
    const h = await hostile(json(503, refusal('Busy.')), json(503, refusal('Busy.')), json(200, OK_LIST));
    const { client } = clientFor(h);
    await client.call('conversationList', {});
    expect(h.requests).toHaveLength(3);
    const nonces = h.requests.map((r) => JSON.parse(r.body).nonce as string);
    expect(new Set(nonces).size).toBe(3);
    const signatures = h.requests.map((r) => r.headers['ozeki-signature'] as string);
    expect(new Set(signatures).size).toBe(3);
    for (const r of h.requests) expect(isValidSignature(r.body, apikey, r.headers['ozeki-signature'] as string)).toBe(true);
  });

  it('gives up on a 502 HTML page with "http-status" after the default 3 retries', async () => {
    const h = await hostile(html(502));
    const { client, delays } = clientFor(h);
    const err = await failure(client.call('conversationList', {}));
    expect(err.code).toBe('http-status');
    expect(err.transient).toBe(true);
    expect(err.httpStatus).toBe(502);
    expect(err.message).toContain(new URL(h.url).host);
    expect(err.message).toContain('502 (Bad Gateway)');
    expect(h.requests).toHaveLength(4);
    expect(delays).toHaveLength(3);
  });

  it('reports an HTML page with status 200 as "invalid-response"', async () => {
    const h = await hostile(html(200));
    const { client } = clientFor(h);
    const err = await failure(client.call('conversationList', {}, { retries: 1 }));
    expect(err.code).toBe('invalid-response');
    expect(err.message).toContain('web page');
    expect(err.message).toContain('Check the server address');
    expect(h.requests).toHaveLength(2);
  });

  it('retries an answer cut off in the middle (Content-Length larger than the bytes sent)', async () => {
    const h = await hostile(truncated, json(200, OK_LIST));
    const { client } = clientFor(h);
    const list = await client.call('conversationList', {});
    expect(list.status).toBe('OK');
    expect(h.requests).toHaveLength(2);
  });

  it('reports a cut-off answer that never recovers as transient "invalid-response"', async () => {
    const h = await hostile(truncated);
    const { client } = clientFor(h);
    const err = await failure(client.call('conversationList', {}, { retries: 2 }));
    expect(err.code).toBe('invalid-response');
    expect(err.transient).toBe(true);
    expect(err.message).toContain('was cut off before it was complete');
    expect(h.requests).toHaveLength(3);
  });

  it('does not retry an answer of the wrong shape, and names the field', async () => {
    const h = await hostile(json(200, { status: 'OK', errormessage: '', conversations: { a: 1 } }));
    const { client, delays } = clientFor(h);
    const err = await failure(client.call('conversationList', {}));
    expect(err.code).toBe('invalid-response');
    expect(err.transient).toBe(false);
    expect(err.message).toContain('conversations');
    expect(h.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('accepts the documented Download answer without a status, and nothing else without one', async () => {
    const h = await hostile(json(200, { messages: [], reports: [] }), json(200, { conversations: [] }));
    const { client } = clientFor(h);
    const download = await client.call('download', {
      conversationid: 'b'.repeat(32),
      instance: 'abcdefghij',
      firstmessagedate: '',
      firstmessageid: '',
      firstreportdate: '',
      firstreportid: '',
    });
    expect(download.messages).toEqual([]);
    const err = await failure(client.call('conversationList', {}));
    expect(err.code).toBe('invalid-response');
    expect(err.message).toContain('no status');
  });

  it('times out a slow answer after timeoutMs, retrying, then reports "timeout"', async () => {
    const h = await hostile(silentFor(5000, json(200, OK_LIST)));
    const { client, delays } = clientFor(h, { timeoutMs: 200 });
    const started = Date.now();
    const err = await failure(client.call('conversationList', {}));
    expect(err.code).toBe('timeout');
    expect(err.transient).toBe(true);
    expect(err.message).toContain(new URL(h.url).host);
    expect(h.requests).toHaveLength(4);
    expect(delays).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('treats status "ERROR" under HTTP 200 as a refusal, and "OK" with an errormessage as success', async () => {
    const h = await hostile(
      json(200, refusal('You are not a participant of this conversation.')),
      json(200, { ...OK_LIST, errormessage: 'Note: nothing new.' }),
    );
    const { client } = clientFor(h);
    const err = await failure(client.call('conversationList', {}));
    expect(err.code).toBe('refused');
    expect(err.transient).toBe(false);
    expect(err.message).toBe('You are not a participant of this conversation.');
    expect((await client.call('conversationList', {})).errormessage).toBe('Note: nothing new.');
    expect(h.requests).toHaveLength(2);
  });

  it('refuses at once a server address on a port that fetch blocks', async () => {
    const { client, delays } = clientFor(await hostile(json(200, OK_LIST)));
    const err = await failure(client.login('http://127.0.0.1:6000/ozeki/index.php', newStationId(), apikey));
    expect(err.code).toBe('network');
    expect(err.transient).toBe(false);
    expect(err.message).toContain('127.0.0.1:6000');
    expect(delays).toEqual([]);
  });

  it('does not retry a refused action (400 with the JSON error)', async () => {
    const h = await hostile(json(400, refusal('The colour must be written as #rrggbb, for example #bae1ff.')));
    const { client } = clientFor(h);
    const err = await failure(client.call('setColor', { conversationid: 'b'.repeat(32), color: 'red' }));
    expect(err.code).toBe('refused');
    expect(err.transient).toBe(false);
    expect(err.message).toBe('The colour must be written as #rrggbb, for example #bae1ff.');
    expect(h.requests).toHaveLength(1);
  });

  it('maps 401 to "unauthorized" and 409 to "stale-instance", neither retried', async () => {
    const h = await hostile(json(401, refusal('This station is not signed in. Log in first.')), json(409, refusal('Reload the conversation.')));
    const { client } = clientFor(h);
    expect((await failure(client.call('conversationList', {}))).code).toBe('unauthorized');
    const stale = await failure(client.call('clear', { conversationid: 'b'.repeat(32), instance: 'abcdefghij' }));
    expect(stale.code).toBe('stale-instance');
    expect(stale.message).toBe('Reload the conversation.');
    expect(h.requests).toHaveLength(2);
  });

  it('treats 429 with the JSON error as a transient refusal', async () => {
    const h = await hostile(json(429, refusal('Too many requests; slow down.')));
    const { client } = clientFor(h);
    const err = await failure(client.call('conversationList', {}, { retries: 1 }));
    expect(err.code).toBe('refused');
    expect(err.transient).toBe(true);
    expect(err.message).toBe('Too many requests; slow down.');
    expect(h.requests).toHaveLength(2);
  });

  it('reports a 404 page as "http-status" without retrying, and does not follow redirects', async () => {
    const h = await hostile(html(404), (res) => {
      res.writeHead(301, { Location: 'https://elsewhere.example/ozeki/index.php' });
      res.end();
    });
    const { client } = clientFor(h);
    const notFound = await failure(client.call('conversationList', {}));
    expect(notFound.code).toBe('http-status');
    expect(notFound.transient).toBe(false);
    expect(notFound.message).toContain('/ozeki/index.php');
    const moved = await failure(client.call('conversationList', {}));
    expect(moved.code).toBe('http-status');
    expect(moved.message).toContain('https://elsewhere.example/ozeki/index.php');
    expect(h.requests).toHaveLength(2);
  });

  it('reports a closed port as "network", naming the server, after the retries', async () => {
    const h = await hostile(json(200, OK_LIST));
    const { client, delays } = clientFor(h);
    await h.close();
    const err = await failure(client.call('conversationList', {}));
    expect(err.code).toBe('network');
    expect(err.transient).toBe(true);
    expect(err.message).toContain(new URL(h.url).host);
    expect(err.message).toContain('refused');
    expect(delays).toHaveLength(3);
  });

  it('records backoff delays that grow with full jitter and stay within the cap', async () => {
    const h = await hostile(json(500, refusal('The server failed.')));
    const randoms = [0.99, 0.99, 0.99, 0.99, 0.99, 0.25, 0.99];
    const { client, delays } = clientFor(h, {
      retry: { baseMs: 100, factor: 2, capMs: 1000, random: () => randoms.shift() ?? 0.99 },
    });
    const err = await failure(client.call('conversationList', {}, { retries: 7 }));
    expect(err.code).toBe('refused');
    expect(h.requests).toHaveLength(8);
    // Ceilings 100, 200, 400, 800, 1000 (cap), 1000, 1000; each delay is random() times its ceiling.
    expect(delays).toEqual([99, 198, 396, 792, 990, 250, 990]);
    for (const d of delays) expect(d).toBeLessThan(1000);
  });

  it('login retries twice by default', async () => {
    const h = await hostile(json(500, refusal('The server failed.')));
    const { client } = clientFor(h);
    const err = await failure(client.login(h.url, newStationId(), apikey));
    expect(err.code).toBe('refused');
    expect(h.requests).toHaveLength(3);
  });

  it('stops an aborted call at once: no retry, no further request', async () => {
    const h = await hostile(silentFor(5000, json(200, OK_LIST)));
    const { client, delays } = clientFor(h);
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const err = await failure(client.call('conversationList', {}, { signal: controller.signal }));
    expect(isCancelled(err)).toBe(true);
    expect(err.transient).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(h.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('stops an aborted call during its backoff wait', async () => {
    const h = await hostile(json(503, refusal('Busy.')));
    const client = new ApiClient({ retry: { baseMs: 60_000, capMs: 60_000, random: () => 0.9 } });
    client.setSession({ baseUrl: h.url, station: newStationId(), userid, apikey, urls: {} });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const err = await failure(client.call('conversationList', {}, { signal: controller.signal }));
    expect(isCancelled(err)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(h.requests).toHaveLength(1);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const h = await hostile(json(200, OK_LIST));
    const { client } = clientFor(h);
    const err = await failure(client.call('conversationList', {}, { signal: AbortSignal.abort() }));
    expect(isCancelled(err)).toBe(true);
    expect(h.requests).toHaveLength(0);
  });

  it('stops retrying when the session is cleared meanwhile', async () => {
    const h = await hostile(json(503, refusal('Busy.')));
    const client: ApiClient = new ApiClient({ retry: { sleep: async (): Promise<void> => client.clearSession() } });
    client.setSession({ baseUrl: h.url, station: newStationId(), userid, apikey, urls: {} });
    const err = await failure(client.call('conversationList', {}));
    expect(err.code).toBe('not-signed-in');
    expect(h.requests).toHaveLength(1);
  });

  it('blanks out the API key and signature when the server echoes them back', async () => {
    const echo: Handler = (res, seen) => json(400, refusal(`Bad request ${seen.body} signed ${String(seen.headers['ozeki-signature'])}`))(res, seen, 0);
    const h = await hostile(echo);
    const { client } = clientFor(h);
    const loginErr = await failure(client.login(h.url, newStationId(), apikey));
    expect(loginErr.message).toContain('[hidden]');
    expect(loginErr.message).not.toContain(apikey);
    const callErr = await failure(client.call('conversationList', {}));
    const signature = h.requests[1]!.headers['ozeki-signature'] as string;
    expect(callErr.message).not.toContain(signature);
    expect(callErr.message).toContain('[hidden]');
  });
});

describe('post (the transport)', () => {
  it('returns the status, body text and content type', async () => {
    const h = await hostile(json(418, { status: 'ERROR', errormessage: 'teapot' }));
    const res = await post({ url: h.url, body: '{}', headers: { 'Content-Type': 'application/json' }, timeoutMs: 1000 });
    expect(res).toMatchObject({ status: 418, text: '{"status":"ERROR","errormessage":"teapot"}', contentType: 'application/json' });
  });

  it('refuses answers larger than the limit', async () => {
    const h = await hostile((res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('x'.repeat(10_000));
    });
    const err = await failure(post({ url: h.url, body: '{}', headers: {}, timeoutMs: 1000, maxResponseBytes: (1024 * 1024) / 256 }));
    expect(err.code).toBe('invalid-response');
    expect(err.transient).toBe(false);
  });

  it('uses an injected fetch', async () => {
    const seen: string[] = [];
    const res = await post({
      url: 'http://injected.test/ozeki/index.php',
      body: '{}',
      headers: {},
      timeoutMs: 1000,
      fetch: async (url) => {
        seen.push(url);
        return new Response('{"ok":1}', { status: 200, headers: { 'Content-Type': 'application/json' } });
      },
    });
    expect(seen).toEqual(['http://injected.test/ozeki/index.php']);
    expect(res.text).toBe('{"ok":1}');
  });
});

describe('secrets', () => {
  // Runs last in this file: it reads every error the tests above collected.
  it('no error the client produced carries the API key, in its message or anything it holds', () => {
    expect(thrown.length).toBeGreaterThan(10);
    for (const err of thrown) {
      const text = `${inspect(err, { depth: 20, showHidden: true })} ${JSON.stringify(err)} ${String(err)}`;
      expect(text).not.toContain(apikey);
    }
  });
});
