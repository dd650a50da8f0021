/** The API client against the real reference server, seeded with the demo users. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKey, newStationId, type LoginResponse } from '../../../protocol/index.js';
import { startTestServer, type TestServer } from '../../../server/test/harness.js';
import { CoreError } from '../errors.js';
import { ApiClient, type Session } from './index.js';

let t: TestServer;
let alice: TestServer['accounts'][number];
const thrown: unknown[] = [];
/** Every API key the tests hand to the client, real or made up. */
const keys: string[] = [];
const fakeKey = (): string => {
  const k = newApiKey();
  keys.push(k);
  return k;
};

/** Runs `p`, expecting it to fail; keeps the error for the secrets check at the end. */
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

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const fastClient = () => new ApiClient({ retry: { sleep: async () => {} } });

async function signedIn(): Promise<{ client: ApiClient; login: LoginResponse; session: Session }> {
  const client = fastClient();
  const station = newStationId();
  const login = await client.login(t.server.url, station, alice.apikey);
  const session: Session = { baseUrl: t.server.url, station, userid: login.userid, apikey: alice.apikey, urls: login.urls };
  client.setSession(session);
  return { client, login, session };
}

beforeAll(async () => {
  t = await startTestServer();
  alice = t.accounts[0]!;
  keys.push(alice.apikey);
});

afterAll(async () => {
  await t?.stop({ remove: true });
});

describe('ApiClient against the reference server', () => {
  it('logs a demo account in and returns the validated login response with its urls', async () => {
    const client = fastClient();
    const login = await client.login(t.server.url, newStationId(), alice.apikey);
    expect(login.status).toBe('OK');
    expect(login.userid).toBe(alice.userid);
    expect(login.nick).toBe('Alice');
    expect(login.rsakey).toContain('BEGIN RSA PRIVATE KEY');
    expect(login.urls.conversation).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ozeki\/index\.php\?srv=chatserver&api=chatconversation$/);
    expect(login.urls.login).toContain('api=chatlogin');
    expect(login.listeners.ws).toMatch(/^ws:\/\//);
  });

  it('makes signed calls: lists conversations and marks one as a favourite', async () => {
    const { client } = await signedIn();
    const list = await client.call('conversationList', {});
    expect(list.conversations.length).toBeGreaterThanOrEqual(2);
    const target = list.conversations[0]!;
    const fav = await client.call('favorite', { conversationid: target.id });
    expect(fav.conversation.id).toBe(target.id);
    expect(fav.conversation.properties.find((p) => p.userid === alice.userid)?.isfavorite).toBe(true);
    // Calls in quick succession have distinct nonces, so the replay check never trips.
    const again = await Promise.all([client.call('conversationList', {}), client.call('conversationList', {}), client.call('blocklist', {})]);
    expect(again.map((r) => r.status)).toEqual(['OK', 'OK', 'OK']);
  });

  it('refuses a wrong API key at login with "unauthorized" and a sentence about the key', async () => {
    const err = await failure(fastClient().login(t.server.url, newStationId(), fakeKey()));
    expect(err.code).toBe('unauthorized');
    expect(err.transient).toBe(false);
    expect(err.httpStatus).toBe(401);
    expect(err.message).toMatch(/^The server did not accept this API key\./);
  });

  it('refuses a server address that is not http(s) before sending anything', async () => {
    for (const bad of ['ftp://127.0.0.1/ozeki/index.php', 'file:///etc/passwd', '127.0.0.1:9080', '', 'http://user:pw@127.0.0.1/']) {
      const err = await failure(fastClient().login(bad, newStationId(), alice.apikey));
      expect(err.code).toBe('invalid-argument');
      expect(err.message).toContain('http://');
    }
  });

  it('reports a call from a station that never logged in as "unauthorized"', async () => {
    const client = fastClient();
    client.setSession({ baseUrl: t.server.url, station: newStationId(), userid: alice.userid, apikey: alice.apikey, urls: {} });
    const err = await failure(client.call('conversationList', {}));
    expect(err.code).toBe('unauthorized');
    expect(err.transient).toBe(false);
    expect(err.message).toContain('This station is not signed in');
    expect(err.message).toContain('127.0.0.1');
  });

  it('reports calls signed with the wrong key as "unauthorized"', async () => {
    const { client, session } = await signedIn();
    client.setSession({ ...session, apikey: fakeKey() });
    const err = await failure(client.call('conversationList', {}));
    expect(err.code).toBe('unauthorized');
    expect(err.message).toContain('signature is not valid');
  });

  it("passes on the server's sentence when it refuses a bad colour", async () => {
    const { client } = await signedIn();
    const [conversation] = (await client.call('conversationList', {})).conversations;
    const err = await failure(client.call('setColor', { conversationid: conversation!.id, color: 'red' }));
    expect(err.code).toBe('refused');
    expect(err.transient).toBe(false);
    expect(err.httpStatus).toBe(400);
    expect(err.message).toBe('The colour must be written as #rrggbb, for example #bae1ff.');
  });

  it('reports a stale conversation instance as "stale-instance"', async () => {
    const { client } = await signedIn();
    const [conversation] = (await client.call('conversationList', {})).conversations;
    const stale = conversation!.instance === 'AAAAAAAAAA' ? 'BBBBBBBBBB' : 'AAAAAAAAAA';
    const err = await failure(client.call('clear', { conversationid: conversation!.id, instance: stale }));
    expect(err.code).toBe('stale-instance');
    expect(err.httpStatus).toBe(409);
    expect(err.message).toContain('cleared since you last loaded it');
  });

  it('uses the urls from login, not the base address, once signed in', async () => {
    const { client, session } = await signedIn();
    // Nothing listens on the base address's port: only the urls can make this work.
    const deadBase = `http://127.0.0.1:${await closedPort()}/ozeki/index.php`;
    client.setSession({ ...session, baseUrl: deadBase });
    expect(client.urlFor('conversationList')).toBe(session.urls.conversation);
    const list = await client.call('conversationList', {});
    expect(list.status).toBe('OK');
    // Without urls the same session goes to the (wrong) base address and fails to connect.
    client.setSession({ ...session, baseUrl: deadBase, urls: {} });
    const err = await failure(client.call('conversationList', {}, { retries: 0 }));
    expect(err.code).toBe('network');
    expect(err.message).toContain(`${new URL(deadBase).host}: the connection was refused`);
  });

  it('falls back to the base address when a url from the server is not an absolute http(s) URL', async () => {
    const { client, session } = await signedIn();
    client.setSession({ ...session, urls: { ...session.urls, conversation: '/ozeki/index.php?srv=chatserver&api=chatconversation' } });
    expect(client.urlFor('conversationList')).toBe(`${t.server.url}?srv=chatserver&api=chatconversation`);
    expect((await client.call('conversationList', {})).status).toBe('OK');
  });

  it('refuses calls while nobody is signed in, and after clearSession', async () => {
    const { client } = await signedIn();
    client.clearSession();
    const err = await failure(client.call('conversationList', {}));
    expect(err.code).toBe('not-signed-in');
    expect(client.sessionInfo).toBeNull();
  });

  it('checks a payload against the request schema before sending it', async () => {
    const { client } = await signedIn();
    const err = await failure(client.call('favorite', { conversationid: 'not-an-id' }));
    expect(err.code).toBe('invalid-argument');
    expect(err.message).toContain('conversationid');
  });

  it('never puts an API key, right or wrong, into an error or what it carries', () => {
    expect(thrown.length).toBeGreaterThan(5);
    for (const err of thrown) {
      const text = `${inspect(err, { depth: 20, showHidden: true })} ${JSON.stringify(err)} ${String(err)}`;
      for (const key of keys) expect(text).not.toContain(key);
    }
  });
});
