/**
 * Every refusal in the profile's error list, with its HTTP status and the profile's
 * `{"status":"ERROR","errormessage":"<a sentence>"}` body; and hostile input that must never crash,
 * hang or leak internals from the server.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API,
  SERVICE,
  encodeRequest,
  endpointUrl,
  formatTimestamp,
  newMessageId,
  newNonce,
  newStationId,
  sealMessage,
  signBody,
  type CallName,
  type PayloadOf,
} from '../../protocol/index.js';
import { TestClient, createPayload, signInAll, startTestServer, type TestServer } from './harness.js';
import { expectErrorBody, expectNoInternals, expectRefused } from './refused.js';

// ---------------------------------------------------------------------------------------------
// Plumbing
// ---------------------------------------------------------------------------------------------

type Answer = { http: number; json: any; text: string; contentType: string; allow: string | null };

async function send(url: string, body: string | Uint8Array | undefined, headers: Record<string, string> = {}, method = 'POST'): Promise<Answer> {
  const res = await fetch(url, {
    method,
    ...(body === undefined ? {} : { body }),
    headers: { 'Content-Type': 'application/json', ...headers },
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { http: res.status, json, text, contentType: res.headers.get('content-type') ?? '', allow: res.headers.get('allow') };
}

/** Any answer to hostile input: never 5xx; a success is the OK shape, anything else the error shape. */
function expectSane(answer: { http: number; json: any; text: string }, where: string): void {
  expect(answer.http, `${where}: ${answer.text.slice(0, 200)}`).toBeLessThan(500);
  expect(answer.http, where).toBeGreaterThanOrEqual(200);
  if (answer.http === 200) {
    expect(typeof answer.json === 'object' && answer.json !== null, `${where}: JSON answer`).toBe(true);
    if ('status' in answer.json) expect(answer.json.status, where).toBe('OK');
    expectNoInternals(answer.text);
  } else {
    expectErrorBody(answer.text, answer.json, `${where} (HTTP ${answer.http})`);
  }
}

type RawAnswer = { status: number | null; headers: string; body: string; closed: boolean; ms: number };

/** Writes bytes on a plain TCP socket and reads what comes back until the server closes it (or `waitMs`). */
function rawExchange(port: number, data: string | Buffer, waitMs = 5000): Promise<RawAnswer> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split >= 0 ? text.slice(0, split) : text;
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      resolve({ status: status ? Number(status[1]) : null, headers: head, body: split >= 0 ? text.slice(split + 4) : '', closed, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.write(data);
  });
}

function expectRawError(answer: RawAnswer, status: number): void {
  expect(answer.status, answer.headers).toBe(status);
  expect(answer.headers).toMatch(/\r\nContent-Type: application\/json/i);
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    json = undefined;
  }
  expectErrorBody(answer.body, json, `raw HTTP ${status}`);
}

/** A seeded PRNG, so a failing garbage case can be reproduced. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// Server and clients
// ---------------------------------------------------------------------------------------------

let t: TestServer;
let alice: TestClient;
let bob: TestClient;
let carol: TestClient;
let slowClient: Promise<RawAnswer>;

const SLOW_CLIENT_LIMIT_MS = 20_000;

beforeAll(async () => {
  t = await startTestServer();
  [alice, bob, carol] = (await signInAll(t)) as [TestClient, TestClient, TestClient];
  // Started now so its 15 s request timeout runs alongside the other tests; checked near the end.
  const half = '{"action":"list","clientversioncode":3,';
  slowClient = rawExchange(
    t.server.port,
    `POST /ozeki/index.php?srv=chatserver&api=chatconversation HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${half.length * 2}\r\n\r\n${half}`,
    SLOW_CLIENT_LIMIT_MS + 5000,
  );
});
afterAll(() => t.stop({ remove: true }));

const urlOf = (api: string, srv: string = SERVICE.chat): string => endpointUrl(t.server.url, srv, api);
const conversationUrl = (): string => urlOf(API.conversation);

function signedHeaders(client: TestClient, body: string | Uint8Array): Record<string, string> {
  return { 'Ozeki-Station': client.station, 'Ozeki-User': client.userid, 'Ozeki-Signature': signBody(body, client.account.apikey) };
}

/** A body with the common fields (timestamp, clientversioncode, nonce) and these, signed by `client`. */
function signedCall(client: TestClient, url: string, fields: Record<string, unknown>): Promise<Answer> {
  const body = JSON.stringify({ ...fields, ...TestClient.common() });
  return send(url, body, signedHeaders(client, body));
}

/** Like `TestClient.call`, but keeps the answer's headers. */
function call<N extends CallName>(client: TestClient, name: N, payload: PayloadOf<N>): Promise<Answer> {
  const { body, headers } = encoded(client, name, payload);
  return send(client.urlFor(name), body, headers);
}

function encoded<N extends CallName>(client: TestClient, name: N, payload: PayloadOf<N>, now?: number) {
  return encodeRequest(name, payload, { station: client.station, user: client.userid, apikey: client.account.apikey }, now);
}

function message(from: TestClient, key: Buffer): string {
  const now = Date.now();
  return JSON.stringify({
    ID: newMessageId(),
    Type: 'Message',
    Created: formatTimestamp(now),
    ValidUntil: formatTimestamp(now + 86_400_000),
    Data: sealMessage(key, { from: from.userid, text: 'refusal test' }),
  });
}

// ---------------------------------------------------------------------------------------------
// 400
// ---------------------------------------------------------------------------------------------

describe('400: requests the server cannot read', () => {
  it('a body that is not JSON is refused with 400', async () => {
    for (const body of ['{"action": "list", ', 'action=list', '', '\u00ff\u00fe{}']) {
      expectRefused(await send(conversationUrl(), body, signedHeaders(alice, body)), 400, /JSON/);
    }
  });

  it('a JSON body that is not an object is refused with 400', async () => {
    for (const body of ['[{"action":"list"}]', '"list"', 'null', '42', 'true']) {
      expectRefused(await send(conversationUrl(), body, signedHeaders(alice, body)), 400, /object/);
    }
  });

  it('a body without an action is refused with 400', async () => {
    expectRefused(await signedCall(alice, conversationUrl(), {}), 400, /action/);
    expectRefused(await signedCall(alice, conversationUrl(), { action: 42 }), 400, /action/);
  });

  it('an unknown action is refused with 400', async () => {
    expectRefused(await signedCall(alice, conversationUrl(), { action: 'explode' }), 400, /action/);
    // An action that exists, but on another api.
    expectRefused(await signedCall(alice, urlOf(API.friends), { action: 'favorite' }), 400, /action/);
  });

  it('a missing field is refused with 400 naming the field', async () => {
    expectRefused(await signedCall(alice, conversationUrl(), { action: 'favorite' }), 400, /conversationid/);
    const { body } = encoded(alice, 'conversationList', {});
    const withoutTimestamp = body.replace(/"timestamp":"[^"]*",?/, '');
    expect(withoutTimestamp).not.toContain('timestamp');
    expectRefused(await send(conversationUrl(), withoutTimestamp, signedHeaders(alice, withoutTimestamp)), 400, /timestamp/);
  });

  it('an ill-typed field is refused with 400', async () => {
    const c = await alice.conversationWith(bob);
    expectRefused(await signedCall(alice, conversationUrl(), { action: 'favorite', conversationid: 12345 }), 400, /conversationid/);
    expectRefused(
      await signedCall(alice, conversationUrl(), {
        action: 'downloadpartial',
        conversationid: c.id,
        instance: c.instance,
        lastmessagedate: '',
        lastmessageid: '',
        lastreportdate: '',
        lastreportid: '',
        limit: '50',
      }),
      400,
      /limit/,
    );
    const body = JSON.stringify({ action: 'list', clientversioncode: '3', timestamp: formatTimestamp(), nonce: newNonce() });
    expectRefused(await send(conversationUrl(), body, signedHeaders(alice, body)), 400, /clientversioncode/);
    const badTime = JSON.stringify({ action: 'list', clientversioncode: 3, timestamp: '2024-02-31 10:00:00', nonce: newNonce() });
    expectRefused(await send(conversationUrl(), badTime, signedHeaders(alice, badTime)), 400, /timestamp/);
  });

  it('a colour that is not #rrggbb is refused with 400', async () => {
    const c = await alice.conversationWith(bob);
    for (const color of ['red', '#fff', '#gggggg', '#bae1ff0', '']) {
      expectRefused(await call(alice, 'setColor', { conversationid: c.id, color }), 400, /colou?r/i);
    }
  });

  it('a hideid that is not "<instance>;" is refused with 400', async () => {
    const c = await alice.conversationWith(bob);
    for (const hideid of ['nope', c.instance, '; DROP TABLE participants;', '']) {
      expectRefused(await call(alice, 'hide', { conversationid: c.id, hideid }), 400, /hideid/);
    }
  });

  it('an add whose message is not a JSON-encoded message object is refused with 400', async () => {
    const c = await alice.conversationWith(bob);
    const good = JSON.parse(message(alice, alice.conversationKey(c))) as Record<string, unknown>;
    const bad = [
      '{"ID": broken',
      '[]',
      JSON.stringify({ ...good, ID: 'not-a-uuid' }),
      JSON.stringify({ ...good, Data: undefined }),
      JSON.stringify({ ...good, Created: '2024-03-08T14:12:48Z' }),
      JSON.stringify({ ...good, ValidUntil: good.Created }),
    ];
    for (const m of bad) {
      expectRefused(await call(alice, 'add', { conversationid: c.id, instance: c.instance, message: m }), 400, /message|ValidUntil/i);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 401
// ---------------------------------------------------------------------------------------------

describe('401: callers the server cannot trust', () => {
  it('a call without Ozeki-Signature is refused with 401', async () => {
    const { body, headers } = encoded(alice, 'conversationList', {});
    delete headers['Ozeki-Signature'];
    expectRefused(await send(conversationUrl(), body, headers), 401, /Signature/);
  });

  it('a call without Ozeki-User is refused with 401', async () => {
    const { body, headers } = encoded(alice, 'conversationList', {});
    delete headers['Ozeki-User'];
    expectRefused(await send(conversationUrl(), body, headers), 401, /User/);
  });

  it('a body changed by one byte after signing is refused with 401', async () => {
    const { body, headers } = encoded(alice, 'conversationList', {});
    const bytes = Buffer.from(body, 'utf8');
    const at = bytes.indexOf('"nonce":"') + 9;
    bytes[at] = bytes[at] === 0x30 ? 0x31 : 0x30;
    expectRefused(await send(conversationUrl(), bytes, headers), 401, /signature/);
    // The untouched bytes are still fine.
    expect((await send(conversationUrl(), body, headers)).http).toBe(200);
  });

  it('a signature made with another key or in upper-case hex is refused with 401', async () => {
    const { body, headers } = encoded(alice, 'conversationList', {});
    expectRefused(await send(conversationUrl(), body, { ...headers, 'Ozeki-Signature': signBody(body, bob.account.apikey) }), 401);
    expectRefused(await send(conversationUrl(), body, { ...headers, 'Ozeki-Signature': headers['Ozeki-Signature']!.toUpperCase() }), 401);
  });

  it('login with an unknown apikey is refused with 401', async () => {
    const { body, headers } = encodeRequest('login', { apikey: randomBytes(32).toString('hex') }, { station: newStationId() });
    expectRefused(await send(urlOf(API.login), body, headers), 401, /API key/);
  });

  it('a call from an unknown user is refused with 401', async () => {
    const stranger = { station: alice.station, user: randomBytes(16).toString('hex'), apikey: randomBytes(32).toString('hex') };
    const { body, headers } = encodeRequest('conversationList', {}, stranger);
    expectRefused(await send(conversationUrl(), body, headers), 401);
  });

  it('a signed call from a station that never logged in is refused with 401', async () => {
    const { body, headers } = encodeRequest('conversationList', {}, { station: newStationId(), user: alice.userid, apikey: alice.account.apikey });
    expectRefused(await send(conversationUrl(), body, headers), 401, /station/i);
  });

  it('a station bound to another user is refused with 401, for calls and for login', async () => {
    const { body, headers } = encodeRequest('conversationList', {}, { station: bob.station, user: alice.userid, apikey: alice.account.apikey });
    expectRefused(await send(conversationUrl(), body, headers), 401, /station/i);
    const login = encodeRequest('login', { apikey: alice.account.apikey }, { station: bob.station });
    expectRefused(await send(urlOf(API.login), login.body, login.headers), 401, /station/i);
  });

  it('a timestamp 301 s old or 301 s ahead is refused with 401; 299 s either way is accepted', async () => {
    // Timestamps have one-second resolution: start early in a second so the request arrives within it.
    while (Date.now() % 1000 > 400) await new Promise((resolve) => setTimeout(resolve, 20));
    const second = Math.floor(Date.now() / 1000) * 1000;
    const at = async (offsetSeconds: number) => {
      const { body, headers } = encoded(alice, 'conversationList', {}, second + offsetSeconds * 1000);
      return send(conversationUrl(), body, headers);
    };
    const [old301, ahead301, old299, ahead299] = await Promise.all([at(-301), at(301), at(-299), at(299)]);
    expectRefused(old301, 401, /timestamp/);
    expectRefused(ahead301, 401, /timestamp/);
    expect(old299.http, old299.text).toBe(200);
    expect(ahead299.http, ahead299.text).toBe(200);
  });

  it('a replayed request is refused with 401', async () => {
    const { body, headers } = encoded(alice, 'conversationList', {});
    expect((await send(conversationUrl(), body, headers)).http).toBe(200);
    expectRefused(await send(conversationUrl(), body, headers), 401, /replay|already/i);
  });

  it('a refused request spends its signature too: sending the same bytes again is a replay', async () => {
    const { body, headers } = encoded(alice, 'favorite', { conversationid: 'f'.repeat(32) });
    expectRefused(await send(conversationUrl(), body, headers), 404, /conversation/i);
    expectRefused(await send(conversationUrl(), body, headers), 401, /replay|already/i);
  });

  it('a body without a nonce is accepted once, then refused as a replay', async () => {
    const body = JSON.stringify({ action: 'list', clientversioncode: 3, timestamp: formatTimestamp() });
    const headers = signedHeaders(alice, body);
    expect((await send(conversationUrl(), body, headers)).http).toBe(200);
    expectRefused(await send(conversationUrl(), body, headers), 401, /replay|already/i);
  });
});

// ---------------------------------------------------------------------------------------------
// 403, 404, 409
// ---------------------------------------------------------------------------------------------

describe('403, 404 and 409: conversations', () => {
  it('a caller who is not a participant is refused with 403', async () => {
    const keys = new Map<string, string>();
    for (const client of [alice, bob]) {
      const list = await client.call('friendsList', {});
      for (const a of list.json.availabilities as { friendid: string; publickey: string }[]) keys.set(a.friendid, a.publickey);
    }
    const { key: _key, ...payload } = createPayload(
      alice,
      [alice, bob].map((p) => ({ userid: p.userid, publickey: keys.get(p.userid)! })),
      'Alice and Bob only',
      true,
    );
    const created = await alice.call('create', payload);
    expect(created.http, created.text).toBe(200);
    const group = created.json.conversation as { id: string; instance: string };
    expectRefused(await call(carol, 'favorite', { conversationid: group.id }), 403, /participant/);
    expectRefused(
      await call(carol, 'download', {
        conversationid: group.id,
        instance: group.instance,
        firstmessagedate: '',
        firstmessageid: '',
        firstreportdate: '',
        firstreportid: '',
      }),
      403,
    );
  });

  it('an unknown conversation id is refused with 404', async () => {
    expectRefused(await call(alice, 'favorite', { conversationid: randomBytes(16).toString('hex') }), 404, /conversation/);
  });

  it('an unknown path is refused with 404', async () => {
    const base = new URL(t.server.url);
    for (const path of ['/nothing', '/ozeki/other.php', '/ozeki/index.php/extra', '/ozeki/ws']) {
      const { body, headers } = encoded(alice, 'conversationList', {});
      expectRefused(await send(`${base.origin}${path}?srv=chatserver&api=chatconversation`, body, headers), 404);
    }
  });

  it('an unknown api or service is refused with 404', async () => {
    for (const url of [urlOf('chatnothing'), urlOf(API.conversation, 'nothing'), `${t.server.url}`]) {
      const { body, headers } = encoded(alice, 'conversationList', {});
      expectRefused(await send(url, body, headers), 404, /srv=/);
    }
  });

  it('an add quoting the instance from before a clear is refused with 409', async () => {
    const c = await alice.conversationWith(carol);
    const key = alice.conversationKey(c);
    const cleared = await alice.call('clear', { conversationid: c.id, instance: c.instance });
    expect(cleared.http, cleared.text).toBe(200);
    expectRefused(await call(alice, 'add', { conversationid: c.id, instance: c.instance, message: message(alice, key) }), 409, /cleared|reload/i);
    expectRefused(await call(carol, 'clear', { conversationid: c.id, instance: c.instance }), 409);
    // The new instance works.
    const fresh = cleared.json.conversation.instance as string;
    expect((await alice.call('add', { conversationid: c.id, instance: fresh, message: message(alice, key) })).http).toBe(200);
  });

  it('a workspace name registered by someone else is refused with 409', async () => {
    expect((await alice.call('workspaceRegister', { workspacename: 'refusals.ozeki.chat' })).http).toBe(200);
    expectRefused(await call(bob, 'workspaceRegister', { workspacename: 'refusals.ozeki.chat' }), 409);
  });
});

// ---------------------------------------------------------------------------------------------
// 413, 405
// ---------------------------------------------------------------------------------------------

const MiB = 1024 * 1024;

describe('413 and 405: size and method', () => {
  it('a body over 1 MiB with a Content-Length is refused with 413', async () => {
    const body = JSON.stringify({ action: 'list', pad: 'x'.repeat(MiB) });
    expectRefused(await send(conversationUrl(), body, signedHeaders(alice, body)), 413, /larger/);
  });

  it('a body of exactly 1 MiB is still read', async () => {
    const fields = { action: 'list', ...TestClient.common(), pad: '' };
    fields.pad = 'x'.repeat(MiB - Buffer.byteLength(JSON.stringify(fields)));
    const body = JSON.stringify(fields);
    expect(Buffer.byteLength(body)).toBe(MiB);
    const answer = await send(conversationUrl(), body, signedHeaders(alice, body));
    expect(answer.http, answer.text.slice(0, 200)).toBe(200);
  });

  it('a chunked body over 1 MiB without a Content-Length is refused with 413', async () => {
    const url = new URL(conversationUrl());
    const answer = await new Promise<{ status: number; type: string; body: string; contentLength: boolean }>((resolve, reject) => {
      const req = http.request({
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: url.pathname + url.search,
        headers: { 'Content-Type': 'application/json', ...signedHeaders(alice, 'x') },
      });
      let contentLength = true;
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body, contentLength }));
      });
      // The server may hang up while we are still writing; the answer has arrived by then.
      req.on('error', (err) => setTimeout(() => reject(err), 1000));
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 2 * MiB) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      contentLength = req.getHeader('content-length') !== undefined;
      pump();
    });
    expect(answer.contentLength, 'the request went out chunked').toBe(false);
    expect(answer.status).toBe(413);
    expect(answer.type).toMatch(/^application\/json/);
    expectErrorBody(answer.body, JSON.parse(answer.body), 'chunked 413');
  });

  it('GET, PUT and DELETE are refused with 405 and Allow: POST', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const body = method === 'GET' ? undefined : '{"action":"list"}';
      const answer = await send(conversationUrl(), body, {}, method);
      expectRefused(answer, 405, /POST/);
      expect(answer.allow).toBe('POST');
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The documented header sets of Notification and workspace registration
// ---------------------------------------------------------------------------------------------

describe('calls with the documented partial header sets', () => {
  it('notification is accepted with Ozeki-Station alone', async () => {
    const { body, headers } = encodeRequest('notification', {}, { station: bob.station });
    expect(Object.keys(headers).sort()).toEqual(['Content-Type', 'Ozeki-Station']);
    const answer = await send(urlOf(API.notification), body, headers);
    expect(answer.http, answer.text).toBe(200);
    expect(answer.json.status).toBe('OK');
  });

  it('notification from a station that never logged in is refused with 401', async () => {
    const { body, headers } = encodeRequest('notification', {}, { station: newStationId() });
    expectRefused(await send(urlOf(API.notification), body, headers), 401, /station/i);
  });

  it('notification with a user header but a bad signature is refused with 401', async () => {
    const { body, headers } = encoded(bob, 'notification', {});
    expectRefused(await send(urlOf(API.notification), body, { ...headers, 'Ozeki-Signature': signBody(body, alice.account.apikey) }), 401);
    expectRefused(await send(urlOf(API.notification), body, { ...headers, 'Ozeki-User': alice.userid }), 401);
  });

  it('workspaceregister is accepted without a station header and without a timestamp; its replay is refused', async () => {
    const body = JSON.stringify({ action: 'workspaceregister', workspacename: 'carol.ozeki.chat' });
    const headers = { 'Ozeki-User': carol.userid, 'Ozeki-Signature': signBody(body, carol.account.apikey) };
    const first = await send(urlOf(API.workspace, SERVICE.owner), body, headers);
    expect(first.http, first.text).toBe(200);
    expect(first.json).toEqual({ status: 'OK', errormessage: '' });
    expectRefused(await send(urlOf(API.workspace, SERVICE.owner), body, headers), 401, /replay|already/i);
  });

  it('workspaceregister without a signature is refused with 401', async () => {
    const body = JSON.stringify({ action: 'workspaceregister', workspacename: 'nobody.ozeki.chat' });
    expectRefused(await send(urlOf(API.workspace, SERVICE.owner), body, { 'Ozeki-User': carol.userid }), 401);
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile input
// ---------------------------------------------------------------------------------------------

type Garbage = { label: string; api: string; srv?: string; body: string | Buffer; sign: boolean };

function garbageBodies(count: number, seed: number, ctx: { conversationid: string; instance: string }): Garbage[] {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const hex = (n: number) => bytes(n).toString('hex');
  const apis = [...Object.values(API), 'chatnothing', '__proto__', ''];
  const actions = [
    'login',
    'useravailable',
    'setavailability',
    'list',
    'viewed',
    'download',
    'downloadpartial',
    'add',
    'clear',
    'favorite',
    'unfavorite',
    'setlistitembackgroundcolor',
    'mute',
    'unmute',
    'hide',
    'unhide',
    'blocklist',
    'workspaceregister',
    'create',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'valueOf',
    '',
  ];
  const randomUnicode = (n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) {
      const r = rnd();
      s +=
        r < 0.1
          ? '\u0000'
          : r < 0.2
            ? '\ud83d'
            : r < 0.3
              ? '\udc00'
              : r < 0.4
                ? '🙂'
                : r < 0.5
                  ? '"'
                  : r < 0.6
                    ? '\\'
                    : String.fromCodePoint(int(0x10ffff + 1) & ~0x800);
    }
    return s;
  };
  const randomValue = (depth = 0): unknown => {
    switch (int(depth > 2 ? 8 : 11)) {
      case 0:
        return null;
      case 1:
        return rnd() < 0.5;
      case 2:
        return pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER]);
      case 3:
        return randomUnicode(int(40));
      case 4:
        return hex(16);
      case 5:
        return pick(['', ' ', '#ffffff', '2024-03-08 14:12:48', ctx.conversationid, ctx.instance, `${ctx.instance};`]);
      case 6:
        return 'y'.repeat(int(5000));
      case 7:
        return pick(['__proto__', 'constructor', 'prototype']);
      case 8:
        return Array.from({ length: int(5) }, () => randomValue(depth + 1));
      case 9:
        return { [pick(['__proto__', 'constructor', 'a', 'action'])]: randomValue(depth + 1) };
      default:
        return { action: pick(actions), conversationid: randomValue(depth + 1) };
    }
  };
  const fieldNames = [
    'conversationid',
    'instance',
    'message',
    'messageids',
    'limit',
    'color',
    'hideid',
    'participantids',
    'isgroup',
    'displayname',
    'secrets',
    'availability',
    'workspacename',
    'apikey',
    'timestamp',
    'clientversioncode',
    'firstmessageid',
    'lastmessagedate',
    'lastmessageid',
    'lastreportdate',
    'lastreportid',
    'firstmessagedate',
    'firstreportid',
    'firstreportdate',
  ];
  const deepArrays = '['.repeat(100_000) + ']'.repeat(100_000);
  let deepObjects = '1';
  for (let i = 0; i < 50_000; i++) deepObjects = `{"a":${deepObjects}}`;

  const fixed: Garbage[] = [
    { label: '100000 nested arrays', api: API.conversation, body: deepArrays, sign: true },
    { label: '100000 nested arrays, unsigned', api: API.notification, body: deepArrays, sign: false },
    { label: '50000 nested objects', api: API.conversation, body: deepObjects, sign: true },
    {
      label: 'nested arrays in a field',
      api: API.conversation,
      body: `{"action":"list","clientversioncode":3,"timestamp":"${formatTimestamp()}","x":${deepArrays}}`,
      sign: true,
    },
    {
      label: 'nested objects in conversationid',
      api: API.conversation,
      body: `{"action":"favorite","conversationid":${deepObjects},"clientversioncode":3,"timestamp":"${formatTimestamp()}"}`,
      sign: true,
    },
    {
      label: 'nested arrays in add message',
      api: API.conversation,
      body: JSON.stringify({ action: 'add', conversationid: ctx.conversationid, instance: ctx.instance, message: deepArrays, ...TestClient.common() }),
      sign: true,
    },
    { label: 'huge action', api: API.conversation, body: JSON.stringify({ action: 'z'.repeat(900_000) }), sign: true },
    {
      label: 'huge message',
      api: API.conversation,
      body: JSON.stringify({ action: 'add', conversationid: ctx.conversationid, instance: ctx.instance, message: 'm'.repeat(900_000), ...TestClient.common() }),
      sign: true,
    },
    {
      label: 'huge valid-looking message Data',
      api: API.conversation,
      body: JSON.stringify({
        action: 'add',
        conversationid: ctx.conversationid,
        instance: ctx.instance,
        message: JSON.stringify({
          ID: newMessageId(),
          Type: 'Message',
          Created: formatTimestamp(),
          ValidUntil: formatTimestamp(Date.now() + 60_000),
          Data: 'A'.repeat(800_000),
        }),
        ...TestClient.common(),
      }),
      sign: true,
    },
    { label: 'huge unicode string', api: API.friends, body: JSON.stringify({ action: 'list', ...TestClient.common(), pad: '🙂'.repeat(200_000) }), sign: true },
    { label: 'huge apikey at login', api: API.login, body: JSON.stringify({ action: 'login', apikey: 'k'.repeat(900_000) }), sign: false },
    { label: 'many keys', api: API.conversation, body: JSON.stringify(Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]))), sign: true },
    {
      label: 'long array of messageids',
      api: API.reports,
      body: JSON.stringify({
        action: 'viewed',
        conversationid: ctx.conversationid,
        instance: ctx.instance,
        firstmessagedate: formatTimestamp(),
        lastmessagedate: formatTimestamp(),
        messageids: Array.from({ length: 20_000 }, () => newMessageId()),
        ...TestClient.common(),
      }),
      sign: true,
    },
    { label: '__proto__ holding the action', api: API.conversation, body: '{"__proto__":{"action":"list"},"clientversioncode":3}', sign: true },
    {
      label: '__proto__ beside the action',
      api: API.conversation,
      body: `{"action":"list","__proto__":{"polluted":true,"isAdmin":true},"clientversioncode":3,"timestamp":"${formatTimestamp()}","nonce":"${newNonce()}"}`,
      sign: true,
    },
    {
      label: 'constructor.prototype',
      api: API.conversation,
      body: `{"action":"list","constructor":{"prototype":{"polluted":true}},"clientversioncode":3,"timestamp":"${formatTimestamp()}","nonce":"${newNonce()}"}`,
      sign: true,
    },
    { label: 'action __proto__', api: API.conversation, body: '{"action":"__proto__"}', sign: true },
    { label: 'action constructor', api: API.conversation, body: '{"action":"constructor"}', sign: true },
    { label: 'action toString', api: API.friends, body: '{"action":"toString"}', sign: true },
    { label: 'srv __proto__', api: '__proto__', srv: '__proto__', body: '{"action":"list"}', sign: true },
    {
      label: 'secrets with __proto__',
      api: API.conversation,
      body: JSON.stringify({
        action: 'create',
        participantids: [alice.userid, bob.userid],
        isgroup: true,
        displayname: 'x',
        secrets: JSON.parse(`{"__proto__":"x","${alice.userid}":"y"}`),
        ...TestClient.common(),
      }),
      sign: true,
    },
    {
      label: 'participant __proto__',
      api: API.conversation,
      body: JSON.stringify({
        action: 'create',
        participantids: ['__proto__', alice.userid],
        isgroup: false,
        displayname: 'x',
        secrets: {},
        ...TestClient.common(),
      }),
      sign: true,
    },
    {
      label: 'availability __proto__',
      api: API.availability,
      body: JSON.stringify({ action: 'setavailability', availability: '__proto__', ...TestClient.common() }),
      sign: true,
    },
    { label: 'null', api: API.conversation, body: 'null', sign: true },
    { label: 'empty array', api: API.conversation, body: '[]', sign: true },
    { label: 'array of an action', api: API.conversation, body: '[{"action":"list"}]', sign: false },
    { label: 'number', api: API.conversation, body: '1e309', sign: true },
    { label: 'negative zero', api: API.conversation, body: '-0', sign: false },
    { label: 'action null', api: API.conversation, body: '{"action":null}', sign: true },
    {
      label: 'all fields null',
      api: API.conversation,
      body: JSON.stringify(Object.fromEntries([['action', 'downloadpartial'], ...fieldNames.map((f) => [f, null])])),
      sign: true,
    },
    { label: 'NUL bytes', api: API.conversation, body: Buffer.from('{"action":"list\u0000","x":"\u0000"}'), sign: true },
    { label: 'invalid UTF-8', api: API.conversation, body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d]), sign: true },
    { label: 'UTF-16 with BOM', api: API.conversation, body: Buffer.from('\ufeff{"action":"list"}', 'utf16le'), sign: true },
    { label: 'lone surrogates', api: API.conversation, body: '{"action":"\\ud800","conversationid":"\\udfff"}', sign: true },
    {
      label: 'duplicate keys',
      api: API.conversation,
      body: `{"action":"list","action":"clear","clientversioncode":3,"timestamp":"${formatTimestamp()}"}`,
      sign: true,
    },
  ];

  const out = [...fixed];
  while (out.length < count) {
    const i = out.length;
    const kind = int(6);
    if (kind === 0) {
      out.push({ label: `random bytes #${i}`, api: pick(apis), body: bytes(int(2000)), sign: rnd() < 0.5 });
    } else if (kind === 1) {
      out.push({ label: `random unicode #${i}`, api: pick(apis), body: randomUnicode(int(500)), sign: rnd() < 0.5 });
    } else if (kind === 2) {
      out.push({ label: `random JSON value #${i}`, api: pick(apis), body: JSON.stringify(randomValue()) ?? 'null', sign: rnd() < 0.7 });
    } else {
      // A plausible request with some fields replaced by hostile values: these get past the signature.
      const fields: Record<string, unknown> = { action: pick(actions), ...TestClient.common(), conversationid: ctx.conversationid, instance: ctx.instance };
      for (let n = 1 + int(4); n > 0; n--) fields[pick(fieldNames)] = randomValue();
      if (rnd() < 0.2) delete fields.timestamp;
      out.push({
        label: `mutated request #${i}`,
        api: pick(apis),
        srv: rnd() < 0.1 ? SERVICE.owner : SERVICE.chat,
        body: JSON.stringify(fields),
        sign: rnd() < 0.9,
      });
    }
  }
  return out;
}

const GARBAGE_SEED = 20240308;

describe('hostile input never crashes or hangs the server', () => {
  it('300 garbage bodies each get a JSON answer, never a 5xx or a stack trace', async () => {
    const c = await alice.conversationWith(bob);
    const cases = garbageBodies(300, GARBAGE_SEED, { conversationid: c.id, instance: c.instance });
    expect(cases).toHaveLength(300);
    const statuses = new Map<number, number>();
    for (let i = 0; i < cases.length; i += 6) {
      await Promise.all(
        cases.slice(i, i + 6).map(async (g) => {
          const body = typeof g.body === 'string' ? g.body : new Uint8Array(g.body);
          const answer = await send(urlOf(g.api, g.srv), body, g.sign ? signedHeaders(alice, body) : { 'Ozeki-Station': alice.station });
          statuses.set(answer.http, (statuses.get(answer.http) ?? 0) + 1);
          expectSane(answer, `${g.label} (seed ${GARBAGE_SEED})`);
        }),
      );
    }
    // Mostly refusals, and the hostile bodies really did reach past the parser.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(100);
    // Nothing leaked into Object.prototype of the (in-process) server.
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('random header values each get a JSON answer, never a 5xx', async () => {
    const rnd = prng(GARBAGE_SEED + 1);
    const ascii = (n: number) =>
      Array.from({ length: n }, () => String.fromCharCode(0x20 + Math.floor(rnd() * 95)))
        .join('')
        .trim() || 'x';
    const hex = (n: number) =>
      randomBytes(Math.ceil(n / 2))
        .toString('hex')
        .slice(0, n);
    const values = (real: string) => [
      ascii(1 + Math.floor(rnd() * 300)),
      hex(31),
      hex(33),
      real.toUpperCase(),
      `${real}, ${real}`,
      ` ${real}`,
      'x'.repeat(8000),
      real,
    ];
    for (let i = 0; i < 60; i++) {
      const { body, headers } = encoded(alice, 'conversationList', {});
      const pick = (real: string) => {
        const options = values(real);
        return options[Math.floor(rnd() * options.length)]!;
      };
      const mixed: Record<string, string> = {
        'Content-Type': rnd() < 0.3 ? ascii(40) : 'application/json',
        'Ozeki-Station': pick(headers['Ozeki-Station']!),
        'Ozeki-User': pick(headers['Ozeki-User']!),
        'Ozeki-Signature': pick(headers['Ozeki-Signature']!),
      };
      if (rnd() < 0.2) delete mixed[['Ozeki-Station', 'Ozeki-User', 'Ozeki-Signature'][Math.floor(rnd() * 3)]!];
      expectSane(await send(conversationUrl(), body, mixed), `headers ${JSON.stringify(mixed).slice(0, 200)}`);
    }
    // Headers Node itself rejects, sent raw.
    for (const extra of ['Content-Length: abc', 'Content-Length: -1', 'Content-Length: 2\r\nTransfer-Encoding: chunked', 'Ozeki-Station: \u00ff\u00fe']) {
      const answer = await rawExchange(
        t.server.port,
        Buffer.from(
          `POST /ozeki/index.php?srv=chatserver&api=chatconversation HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\nConnection: close\r\n\r\n{}`,
          'latin1',
        ),
      );
      expect(answer.status, `${extra}: ${answer.headers}`).not.toBeNull();
      expect(answer.status!, extra).toBeGreaterThanOrEqual(400);
      expect(answer.status!, extra).toBeLessThan(500);
      expect(answer.closed, `${extra}: socket closed`).toBe(true);
    }
  });

  it('a Host header that does not make a URL still gets a working login, not a 500', async () => {
    const body = JSON.stringify({ action: 'login', apikey: alice.account.apikey });
    for (const host of ['localhost:99999', '[::1]:70000', 'exa_mple.com']) {
      const answer = await rawExchange(
        t.server.port,
        `POST /ozeki/index.php?srv=chatserver&api=chatlogin HTTP/1.1\r\nHost: ${host}\r\nOzeki-Station: ${alice.station}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      expect(answer.status, `${host}: ${answer.body.slice(0, 200)}`).toBe(200);
      const json = JSON.parse(answer.body) as { urls: Record<string, string> };
      for (const url of Object.values(json.urls)) expect(() => new URL(url)).not.toThrow();
    }
  });

  it('a request line that is not HTTP gets a JSON 400 and a closed socket', async () => {
    for (const line of ['HELLO THERE\r\n\r\n', 'POST\r\n\r\n', '\u0000\u0001\u0002\r\n\r\n', 'POST /ozeki/index.php HTTP/9.9\r\n\r\n']) {
      const answer = await rawExchange(t.server.port, Buffer.from(line, 'latin1'));
      expectRawError(answer, 400);
      expect(answer.closed, 'socket closed').toBe(true);
    }
  });

  it('a request target that is not a URL gets a JSON 400, not a 500', async () => {
    const answer = await rawExchange(t.server.port, 'POST http://[bad/ozeki/index.php HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
    expectRawError(answer, 400);
  });

  it('a WebSocket upgrade whose target is not a URL is refused with JSON, not a crash', async () => {
    // On its own server: when the upgrade handler throws, the abandoned socket keeps that server
    // from ever closing, and this file's server must still shut down cleanly.
    const own = await startTestServer({ seed: false });
    try {
      const answer = await rawExchange(
        own.server.port,
        'GET http://[bad/ozeki/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
        3000,
      );
      expect(answer.status, 'the server answered the upgrade').not.toBeNull();
      expect(answer.status!).toBeGreaterThanOrEqual(400);
      expect(answer.status!).toBeLessThan(500);
      expectRawError(answer, answer.status!);
      expect(answer.closed, 'socket closed').toBe(true);
    } finally {
      await Promise.race([own.stop(), new Promise((resolve) => setTimeout(resolve, 2000))]);
      rmSync(own.dataDir, { recursive: true, force: true });
    }
  });

  it('oversized headers get a JSON 431', async () => {
    const answer = await rawExchange(
      t.server.port,
      `POST /ozeki/index.php?srv=chatserver&api=chatconversation HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(40_000)}\r\nContent-Length: 2\r\n\r\n{}`,
    );
    expectRawError(answer, 431);
    expect(answer.closed).toBe(true);
  });

  it('a client that sends half a body and stops is answered 408 or cut off within 20 s', async () => {
    const answer = await slowClient;
    expect(answer.closed, `the server gave up on the slow client within ${SLOW_CLIENT_LIMIT_MS} ms`).toBe(true);
    expect(answer.ms).toBeLessThanOrEqual(SLOW_CLIENT_LIMIT_MS);
    if (answer.status !== null) expectRawError(answer, 408);
  }, 30_000);

  it('after all of that, a normal signed call still answers 200', async () => {
    const started = Date.now();
    const list = await alice.call('conversationList', {});
    expect(list.http, list.text).toBe(200);
    expect(list.json.status).toBe('OK');
    const note = await bob.call('notification', {});
    expect(note.http, note.text).toBe(200);
    expect(Date.now() - started, 'the server answers promptly').toBeLessThan(5000);
  });
});
