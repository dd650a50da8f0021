/**
 * The core against a bad server: a real ChatService signed in THROUGH a scriptable proxy in front
 * of a real reference server. The proxy answers chosen calls with 500s, HTML pages, cut-off bodies,
 * wrong types, late answers and refusals; a separate client talking to the server directly says
 * what really landed there.
 *
 * Push is off (the engine's poll drives the pulls) so that every request goes through the proxy.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatTimestamp, newMessageId, openMessage, sealMessage } from '../../protocol/index.js';
import { startTestServer, TestClient, type TestServer } from '../../server/test/harness.js';
import type { ConnectionState, ConversationView } from '../ipc/views.js';
import { ApiClient } from './api/client.js';
import { call, startHostileProxy, type HostileProxy } from '../../test/support/core/hostile-proxy.js';
import { eventually, openService, signIn, type RecordedEvent, type ServiceUnderTest } from '../../test/support/core/service-harness.js';

let t: TestServer;
let proxy: HostileProxy;
let aliceOnServer: TestClient;
let bobOnServer: TestClient;

/** Anything that escaped as an unhandled rejection or an uncaught exception fails the test it happened in. */
const escaped: unknown[] = [];
const onEscape = (reason: unknown) => void escaped.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onEscape);
  process.on('uncaughtException', onEscape);
  t = await startTestServer();
  proxy = await startHostileProxy(t.server.url);
  aliceOnServer = await new TestClient(t.server.url, t.accounts[0]!).signIn();
  bobOnServer = await new TestClient(t.server.url, t.accounts[1]!).signIn();
});

afterAll(async () => {
  process.off('unhandledRejection', onEscape);
  process.off('uncaughtException', onEscape);
  await proxy?.close();
  await t?.stop({ remove: true });
});

// ------------------------------------------------------------------------------------ one session per test

type Sut = ServiceUnderTest & { logs: string[]; api: ApiClient };
let sut: Sut;
let ab: ConversationView;
let ac: ConversationView;

async function aliceThroughProxy(): Promise<Sut> {
  const logs: string[] = [];
  // A short timeout and short client-side backoff keep the faults quick; the logic is the same.
  const api = new ApiClient({ timeoutMs: 300, retry: { baseMs: 10, factor: 2, capMs: 40 } });
  const s = await openService({ options: { api, push: false, log: (line) => logs.push(line) } });
  await signIn(s, proxy.url, t.accounts[0]!);
  await eventually(() => s.service.snapshot().conversations.length === 2 && s.service.connection === 'online', 10_000, 'the first sync');
  return Object.assign(s, { logs, api });
}

beforeEach(async () => {
  escaped.length = 0;
  proxy.heal();
  sut = await aliceThroughProxy();
  ab = byName('Alice and Bob');
  ac = byName('Alice and Carol');
});

afterEach(async () => {
  proxy.heal();
  await sut.close();
  // Back to the seeded look, directly on the server, so each test starts from the same state.
  for (const id of [ab.id, ac.id]) {
    await aliceOnServer.call('unfavorite', { conversationid: id });
    await aliceOnServer.call('unmute', { conversationid: id });
    await aliceOnServer.call('setColor', { conversationid: id, color: '#ffffff' });
  }
  expect(escaped, 'an unhandled rejection or uncaught exception').toEqual([]);
});

// ------------------------------------------------------------------------------------ helpers

const h = () => sut.service.handlers();
const view = (id: string) => sut.service.snapshot().conversations.find((c) => c.id === id)!;
function byName(name: string): ConversationView {
  const found = sut.service.snapshot().conversations.find((c) => c.name === name);
  if (!found) throw new Error(`no conversation "${name}"`);
  return found;
}

/** Alice's own properties of a conversation, as the server holds them. */
async function onServer(id: string): Promise<{ isfavorite: boolean; ismuted: boolean; listitembackgroundcolor: string }> {
  const found = (await aliceOnServer.conversations()).find((c) => c.id === id);
  return found.properties[0];
}

/** The decrypted texts of a conversation's messages, as the server holds them. */
async function messagesOnServer(id: string): Promise<{ id: string; text: string }[]> {
  const conversation = (await aliceOnServer.conversations()).find((c) => c.id === id);
  const key = aliceOnServer.conversationKey(conversation);
  const res = await aliceOnServer.call('download', {
    conversationid: id,
    instance: conversation.instance,
    firstmessagedate: '',
    firstmessageid: '',
    firstreportdate: '',
    firstreportid: '',
  });
  return res.json.messages.map((m: { ID: string; Data: string }) => ({ id: m.ID, text: openMessage(key, m.Data).text }));
}

const drained = (what = 'the outbox to drain') =>
  eventually(() => sut.service.snapshot().pendingCount === 0 && sut.service.connection === 'online', 15_000, what);

const states = (events: RecordedEvent[]): ConnectionState[] => events.flatMap((e) => (e.event === 'connection:changed' ? [e.payload.state] : []));

/** The connection went offline, and later came back online. */
function wentOfflineAndBack(events: RecordedEvent[]): boolean {
  const seen = states(events);
  const offlineAt = seen.indexOf('offline');
  return offlineAt >= 0 && seen.indexOf('online', offlineAt) > offlineAt;
}

const failures = (events: RecordedEvent[]) => events.flatMap((e) => (e.event === 'action:failed' ? [e.payload] : []));

// ------------------------------------------------------------------------------------ the tests

describe('signing in through the proxy', () => {
  it('uses the URLs the server handed out, which point at the proxy', () => {
    const origin = new URL(proxy.url).origin;
    const urls = Object.values(sut.api.sessionInfo!.urls);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(new URL(url).origin).toBe(origin);
    expect(proxy.seen.some((s) => s.api === 'chatconversation' && s.action === 'list')).toBe(true);
  });

  it('passes the push socket through untouched', async () => {
    const carol = await new TestClient(proxy.url, t.accounts[2]!).signIn();
    expect(new URL(carol.login.listeners.ws).port).toBe(new URL(proxy.url).port);
    const socket = await carol.openPush();
    socket.close();
  });
});

describe('transient faults on an action', () => {
  it('a 500 with a JSON error: the favourite shows at once, is retried, and lands once the server recovers', async () => {
    const rule = proxy.fail(call('favorite'), { kind: 'error500' });
    const before = sut.events.length;
    await h()['conversation:set-favorite'](ab.id, true);
    expect(view(ab.id)).toMatchObject({ favorite: true, pending: true });

    await eventually(() => rule.hits >= 2, 10_000, 'a retry');
    // Still failing: shown, waiting, and not on the server.
    expect(view(ab.id)).toMatchObject({ favorite: true, pending: true });
    expect((await onServer(ab.id)).isfavorite).toBe(false);
    expect(sut.logs.some((l) => l.includes('The server failed to handle this request'))).toBe(true);

    rule.stop();
    await drained();
    expect(view(ab.id)).toMatchObject({ favorite: true, pending: false });
    expect((await onServer(ab.id)).isfavorite).toBe(true);
    expect(failures(sut.events.slice(before))).toEqual([]);
  });

  it('a 502 HTML page from a gateway: offline, the colour is retried until it lands, and the log names the status', async () => {
    const rule = proxy.fail(call('setColor'), { kind: 'html502' }, { times: 2 });
    const before = sut.events.length;
    await h()['conversation:set-color'](ab.id, '#BAE1FF');
    expect(view(ab.id)).toMatchObject({ color: '#bae1ff', pending: true });
    await drained();
    expect(rule.hits).toBe(2);
    expect(view(ab.id)).toMatchObject({ color: '#bae1ff', pending: false });
    expect((await onServer(ab.id)).listitembackgroundcolor).toBe('#bae1ff');
    expect(sut.logs.some((l) => l.includes('502 (Bad Gateway)'))).toBe(true);
    expect(wentOfflineAndBack(sut.events.slice(before))).toBe(true);
    expect(failures(sut.events)).toEqual([]);
  });

  it('a 200 with an HTML page instead of JSON: offline, and the mute is retried until it lands', async () => {
    const rule = proxy.fail(call('mute'), { kind: 'html200' }, { times: 2 });
    const before = sut.events.length;
    await h()['conversation:set-muted'](ac.id, true);
    expect(view(ac.id)).toMatchObject({ muted: true, pending: true });
    await drained();
    expect(rule.hits).toBe(2);
    expect(view(ac.id)).toMatchObject({ muted: true, pending: false });
    expect((await onServer(ac.id)).ismuted).toBe(true);
    expect(sut.logs.some((l) => l.includes('web page instead of an API answer'))).toBe(true);
    expect(wentOfflineAndBack(sut.events.slice(before))).toBe(true);
    expect(failures(sut.events)).toEqual([]);
  });

  it('an answer cut off after the server stored the message: sent again, and on the server exactly once', async () => {
    const rule = proxy.fail(call('add'), { kind: 'truncated' }, { times: 2 });
    const before = sut.events.length;
    const sent = await h()['messages:send'](ab.id, 'cut off twice');
    expect(sent).toMatchObject({ state: 'pending', text: 'cut off twice', mine: true });
    await drained();
    expect(rule.hits).toBe(2);
    const page = await h()['messages:latest'](ab.id);
    expect(page.messages.filter((m) => m.id === sent.id)).toEqual([expect.objectContaining({ text: 'cut off twice', state: 'sent' })]);
    expect((await messagesOnServer(ab.id)).filter((m) => m.id === sent.id)).toHaveLength(1);
    expect(wentOfflineAndBack(sut.events.slice(before))).toBe(true);
  });

  it('answers slower than the client waits: offline, then back online, and the favourite lands once', async () => {
    const rule = proxy.fail(call('favorite'), { kind: 'slow', ms: 1000 }, { times: 2 });
    const before = sut.events.length;
    await h()['conversation:set-favorite'](ac.id, true);
    expect(view(ac.id)).toMatchObject({ favorite: true, pending: true });
    await eventually(() => sut.service.connection === 'offline', 5_000, 'offline');
    await drained();
    expect(rule.hits).toBe(2);
    expect(wentOfflineAndBack(sut.events.slice(before))).toBe(true);
    expect(view(ac.id)).toMatchObject({ favorite: true, pending: false });
    expect((await onServer(ac.id)).isfavorite).toBe(true);
    expect(failures(sut.events.slice(before))).toEqual([]);
  });

  it('a server that does not answer at all: offline, reconnecting, then online with everything delivered', async () => {
    const down = proxy.fail({}, { kind: 'drop' });
    const before = sut.events.length;
    await h()['conversation:set-favorite'](ab.id, true);
    await h()['conversation:set-color'](ac.id, '#ffd1dc');
    await eventually(() => sut.service.connection === 'offline', 5_000, 'offline');
    expect(sut.service.snapshot()).toMatchObject({ pendingCount: 2 });
    expect(view(ab.id)).toMatchObject({ favorite: true, pending: true });
    expect(view(ac.id)).toMatchObject({ color: '#ffd1dc', pending: true });

    down.stop();
    await drained();
    expect(wentOfflineAndBack(sut.events.slice(before))).toBe(true);
    expect(await onServer(ab.id)).toMatchObject({ isfavorite: true });
    expect(await onServer(ac.id)).toMatchObject({ listitembackgroundcolor: '#ffd1dc' });
  });
});

describe('a flaky period', () => {
  it('messages sent while every kind of fault happens each exist exactly once on the server', async () => {
    // Each fault answers one send attempt, in this order. The first two reached the server and
    // only their answers were lost; the client cannot tell and sends the same message again.
    proxy.fail(call('add'), { kind: 'truncated' }, { times: 1 });
    proxy.fail(call('add'), { kind: 'slow', ms: 800 }, { times: 1 });
    proxy.fail(call('add'), { kind: 'html502' }, { times: 1 });
    // Meanwhile the list and the notifications misbehave too.
    proxy.fail(call('conversationList'), { kind: 'error500' }, { times: 1 });
    proxy.fail(call('notification'), { kind: 'truncated' }, { times: 1 });
    const texts = ['flaky one', 'flaky two', 'flaky three'];
    const sent = [];
    for (const text of texts) sent.push(await h()['messages:send'](ab.id, text));
    expect(sent.map((m) => m.state)).toEqual(['pending', 'pending', 'pending']);

    await drained();
    const stored = await messagesOnServer(ab.id);
    for (const m of sent) expect(stored.filter((s) => s.id === m.id)).toHaveLength(1);
    // In the order they were written, and shown once each, as sent.
    expect(stored.filter((s) => texts.includes(s.text)).map((s) => s.text)).toEqual(texts);
    const page = await h()['messages:latest'](ab.id);
    for (const m of sent) expect(page.messages.filter((x) => x.id === m.id)).toEqual([expect.objectContaining({ state: 'sent' })]);
    expect(failures(sut.events)).toEqual([]);
  });
});

describe('refusals and wrong answers', () => {
  it('a 400 refusal rolls back just that change and says why; the next change to the same conversation lands', async () => {
    const sentence = 'This conversation cannot be marked as a favourite right now.';
    proxy.fail(call('favorite'), { kind: 'refuse', message: sentence }, { times: 1 });
    const before = sut.events.length;
    await h()['conversation:set-favorite'](ab.id, true);
    await h()['conversation:set-color'](ab.id, '#baffc9');
    expect(view(ab.id)).toMatchObject({ favorite: true, color: '#baffc9', pending: true });

    await drained();
    expect(view(ab.id)).toMatchObject({ favorite: false, color: '#baffc9', pending: false });
    expect(failures(sut.events.slice(before))).toEqual([{ conversationId: ab.id, action: 'favorite', error: { code: 'refused', message: sentence } }]);
    expect(await onServer(ab.id)).toMatchObject({ isfavorite: false, listitembackgroundcolor: '#baffc9' });
  });

  it('an answer with wrong types is tried a few times, then dropped with a clear error, and the server state wins', async () => {
    const rule = proxy.fail(call('setColor'), {
      kind: 'edit',
      edit: (json) => ({ ...json, conversation: { ...json.conversation, properties: { userid: 'not a list' } } }),
    });
    const before = sut.events.length;
    await h()['conversation:set-color'](ac.id, '#ffdfba');
    expect(view(ac.id)).toMatchObject({ color: '#ffdfba', pending: true });

    const [failure] = await eventually(
      () => {
        const found = failures(sut.events.slice(before));
        return found.length ? found : undefined;
      },
      15_000,
      'the change to be given up',
    );
    // The harness allows 3 attempts.
    expect(rule.hits).toBe(3);
    expect(failure).toMatchObject({ conversationId: ac.id, action: 'color', error: { code: 'invalid-response' } });
    expect(failure!.error.message).toMatch(/not valid at conversation\.properties/);
    expect(failure!.error.message).toMatch(/version this app does not support/);
    expect(sut.service.snapshot().pendingCount).toBe(0);
    // The server did apply it (only its answers were garbled): the app catches up on what it holds,
    // from the list, never from the garbled answer.
    expect((await onServer(ac.id)).listitembackgroundcolor).toBe('#ffdfba');
    await eventually(() => view(ac.id).color === '#ffdfba' && !view(ac.id).pending, 10_000, 'the server state');
    expect(rule.hits).toBe(3);
  });
});

describe('fetches that go wrong never corrupt the cache', () => {
  const lastGood = () => {
    const s = sut.service.snapshot();
    return { conversations: s.conversations, friends: s.friends };
  };

  it('a garbled conversation list, friends list or notification leaves the last good data in the snapshot', async () => {
    const good = lastGood();
    expect(good.friends.map((f) => f.name)).toEqual(['Bob', 'Carol']);

    const rounds = [
      // Valid JSON, wrong types; one conversation dropped so a partial accept would show.
      proxy.fail(
        call('conversationList'),
        {
          kind: 'edit',
          edit: (json) => ({ ...json, conversations: [{ ...json.conversations[0], properties: 'oops' }] }),
        },
        { times: 2 },
      ),
      proxy.fail(call('conversationList'), { kind: 'html502' }, { times: 2 }),
      proxy.fail(call('friendsList'), { kind: 'edit', edit: (json) => ({ ...json, availabilities: { bob: 'here' } }) }, { times: 2 }),
      proxy.fail(call('friendsList'), { kind: 'html200' }, { times: 2 }),
      proxy.fail(call('notification'), { kind: 'edit', edit: (json) => ({ ...json, conversationchangedof: 42 }) }, { times: 1 }),
      proxy.fail(call('notification'), { kind: 'truncated' }, { times: 1 }),
    ];
    for (let i = 0; i < 8 && rounds.some((r) => r.remaining > 0); i++) {
      // "Sync now" says when it failed, with a sentence; the cache is untouched either way.
      const syncNow = h()['sync:now'];
      await syncNow().catch((err: { code?: string; message?: string }) => {
        expect(['invalid-response', 'http-status', 'network', 'timeout']).toContain(err.code);
        expect(err.message).toMatch(/^[A-Z].+\.$/);
      });
      expect(lastGood()).toEqual(good);
    }
    expect(rounds.every((r) => r.remaining === 0)).toBe(true);
    // The poll runs meanwhile; nothing it saw broke anything either.
    await eventually(() => sut.service.connection === 'online', 10_000, 'online');
    expect(lastGood()).toEqual(good);
  });

  it('a conversation list that times out leaves the cache as it was, and the app says it is offline', async () => {
    const good = sut.service.snapshot().conversations;
    const rule = proxy.fail(call('conversationList'), { kind: 'slow', ms: 800 }, { times: 2 });
    await expect(h()['sync:now']()).rejects.toMatchObject({ code: 'timeout' });
    expect(sut.service.connection).toBe('offline');
    expect(sut.service.snapshot().conversations).toEqual(good);
    await eventually(() => rule.remaining === 0 && sut.service.connection === 'online', 15_000, 'back online');
    expect(sut.service.snapshot().conversations).toEqual(good);
  });

  it('opening a conversation while the server sends an HTML page shows the cached messages', async () => {
    const cached = await h()['messages:latest'](ab.id);
    expect(cached.messages.length).toBeGreaterThan(0);
    proxy.fail(call('downloadPartial'), { kind: 'html502' });
    const page = await h()['messages:latest'](ab.id);
    expect(page.messages.map((m) => m.id)).toEqual(cached.messages.map((m) => m.id));
  });
});

describe('notification answers lost on the way', () => {
  it.each([
    { how: 'cut off', fault: { kind: 'truncated' } as const },
    { how: 'too late', fault: { kind: 'slow', ms: 800 } as const },
  ])('a message named in a notification answer that arrived $how still arrives', async ({ fault }) => {
    // The conversation was opened earlier, so its messages are cached.
    await h()['messages:latest'](ab.id);
    // The server drains the station's queue as it answers; that answer never reaches the app whole.
    const lost = proxy.fail(call('notification'), fault, { times: 1 });
    const conversation = (await bobOnServer.conversations()).find((c) => c.id === ab.id);
    const key = bobOnServer.conversationKey(conversation);
    const now = Date.now();
    const message = {
      ID: newMessageId(),
      Type: 'Message',
      Created: formatTimestamp(now),
      ValidUntil: formatTimestamp(now + 86_400_000),
      Data: sealMessage(key, { from: bobOnServer.userid, text: 'sent while the answer was lost' }),
    };
    const reply = await bobOnServer.call('add', { conversationid: ab.id, instance: conversation.instance, message: JSON.stringify(message) });
    expect(reply.http).toBe(200);
    await eventually(() => lost.hits === 1, 5_000, 'the lost notification');

    // Without opening the conversation: the list and the message events must catch up on their own.
    await eventually(
      () => sut.events.some((e) => e.event === 'messages:changed' && e.payload.conversationId === ab.id && e.payload.upserted.some((m) => m.id === message.ID)),
      10_000,
      'the message to arrive',
    );
    expect(view(ab.id).unread).toBeGreaterThan(0);
  });
});
