/**
 * The change notifications of the profile: the per-station queues that Notification drains, what
 * each change queues for whom, availability as friends see it, and the push socket that hints
 * "pull now".
 */
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import {
  CLIENT_VERSION_CODE,
  PRESENCE_TIMEOUT_SECONDS,
  PUSH_CLOSE,
  PUSH_PATH,
  formatTimestamp,
  newMessageId,
  newStationId,
  openText,
  sealMessage,
  signBody,
} from '../../protocol/index.js';
import { createPayload, rawPost, signInAll, startTestServer, TestClient, type TestServer } from './harness.js';
import { expectRefused } from './refused.js';

type Queues = { friendavailabilitesof: string[]; conversationchangedof: string[]; conversationlistchangedof: string[] };
const EMPTY: Queues = { friendavailabilitesof: [], conversationchangedof: [], conversationlistchangedof: [] };

/** Calls Notification for this client's station and returns the three queues. */
async function pull(c: TestClient): Promise<Queues> {
  const reply = await c.call('notification', {});
  expect(reply.http, reply.text).toBe(200);
  const { friendavailabilitesof, conversationchangedof, conversationlistchangedof } = reply.json as Queues;
  return { friendavailabilitesof, conversationchangedof, conversationlistchangedof };
}

async function drainAll(...clients: TestClient[]): Promise<void> {
  for (const c of clients) await pull(c);
}

/** Sends an encrypted text message from `from` into their 1:1 conversation with `to`. */
async function sendMessage(from: TestClient, to: TestClient, text: string): Promise<string> {
  const conversation = await from.conversationWith(to);
  const key = from.conversationKey(conversation);
  const now = Date.now();
  const message = JSON.stringify({
    ID: newMessageId(),
    Type: 'Message',
    Created: formatTimestamp(now),
    ValidUntil: formatTimestamp(now + 86_400_000),
    Data: sealMessage(key, { from: from.userid, text }),
  });
  const reply = await from.call('add', { conversationid: conversation.id, instance: conversation.instance, message });
  expect(reply.http, reply.text).toBe(200);
  return conversation.id as string;
}

async function availabilityOf(viewer: TestClient, friend: TestClient): Promise<string> {
  const reply = await viewer.call('friendsList', {});
  expect(reply.http, reply.text).toBe(200);
  const entry = (reply.json.availabilities as { friendid: string; availability: string }[]).find((a) => a.friendid === friend.userid);
  if (!entry) throw new Error(`${friend.account.nick} is not in ${viewer.account.nick}'s friends list`);
  return entry.availability;
}

// ---- raw push sockets: every frame in order, and how the socket ended ----

type RawSocket = {
  ws: WebSocket;
  frames: { type: string; errormessage?: string }[];
  closed: Promise<{ code: number; reason: string }>;
};
const openSockets: WebSocket[] = [];

function pushUrl(t: TestServer): string {
  return `ws://127.0.0.1:${t.server.port}${PUSH_PATH}`;
}

async function rawSocket(url: string): Promise<RawSocket> {
  const ws = new WebSocket(url);
  openSockets.push(ws);
  const frames: RawSocket['frames'] = [];
  ws.on('message', (data) => frames.push(JSON.parse(data.toString())));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('error', () => {});
  return { ws, frames, closed };
}

function authFrame(c: TestClient, opts: { now?: number; apikey?: string } = {}): string {
  const body = JSON.stringify({ action: 'subscribe', ...TestClient.common(opts.now) });
  return JSON.stringify({ type: 'auth', station: c.station, user: c.userid, signature: signBody(body, opts.apikey ?? c.account.apikey), body });
}

async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

afterEach(() => {
  for (const ws of openSockets.splice(0)) ws.terminate();
});

describe('the Notification queues', () => {
  let t: TestServer;
  let alice: TestClient;
  let bob: TestClient;
  let carol: TestClient;

  beforeAll(async () => {
    t = await startTestServer();
    [alice, bob, carol] = (await signInAll(t)) as [TestClient, TestClient, TestClient];
  });
  afterAll(() => t?.stop({ remove: true }));
  beforeEach(() => drainAll(alice, bob, carol));

  it('drains the calling station: a second call right after returns empty arrays', async () => {
    const id = await sendMessage(alice, bob, 'drain me');
    expect((await pull(bob)).conversationchangedof).toEqual([id]);
    expect(await pull(bob)).toEqual(EMPTY);
  });

  it("queues a sent message for the recipient's station as conversationchangedof, not for the sender's own", async () => {
    const id = await sendMessage(alice, bob, 'hello Bob');
    expect(await pull(bob)).toEqual({ ...EMPTY, conversationchangedof: [id] });
    expect(await pull(alice)).toEqual(EMPTY);
    expect(await pull(carol)).toEqual(EMPTY);
  });

  it("queues a favourite for the user's other station only, and nothing for the other participant", async () => {
    const aliceElsewhere = await new TestClient(t.server.url, alice.account).signIn();
    await drainAll(aliceElsewhere, bob);
    const conversation = await alice.conversationWith(bob);
    const reply = await alice.call('favorite', { conversationid: conversation.id });
    expect(reply.http, reply.text).toBe(200);

    expect(await pull(aliceElsewhere)).toEqual({ ...EMPTY, conversationlistchangedof: [conversation.id] });
    expect(await pull(alice)).toEqual(EMPTY);
    expect(await pull(bob)).toEqual(EMPTY);
  });

  it("queues a created conversation as conversationlistchangedof for every participant's stations but the creating one", async () => {
    const aliceElsewhere = await new TestClient(t.server.url, alice.account).signIn();
    await drainAll(aliceElsewhere);
    // Alice's own public key, as her friends see it.
    const bobsFriends = (await bob.call('friendsList', {})).json.availabilities as { friendid: string; publickey: string }[];
    const alicesFriends = (await alice.call('friendsList', {})).json.availabilities as { friendid: string; publickey: string }[];
    const key = (c: TestClient, list: { friendid: string; publickey: string }[]) => ({
      userid: c.userid,
      publickey: list.find((f) => f.friendid === c.userid)!.publickey,
    });
    const { key: _conversationKey, ...payload } = createPayload(
      alice,
      [key(alice, bobsFriends), key(bob, alicesFriends), key(carol, alicesFriends)],
      'Team',
      true,
    );
    const reply = await alice.call('create', payload);
    expect(reply.http, reply.text).toBe(200);
    const id = reply.json.conversation.id as string;

    for (const station of [bob, carol, aliceElsewhere]) {
      expect(await pull(station)).toEqual({ ...EMPTY, conversationlistchangedof: [id] });
    }
    expect(await pull(alice)).toEqual(EMPTY);
    // Bob can read the name with his own copy of the key.
    const bobsView = (await bob.conversations()).find((c) => c.id === id);
    expect(openText(bob.conversationKey(bobsView), bobsView.displayname)).toBe('Team');
  });

  it('answers a Notification that carries only the Ozeki-Station header, as documented', async () => {
    const id = await sendMessage(alice, bob, 'station only');
    const body = JSON.stringify({ action: 'download', clientversioncode: CLIENT_VERSION_CODE, timestamp: formatTimestamp(Date.now()) });
    const reply = await rawPost(bob.urlFor('notification'), body, { 'Ozeki-Station': bob.station });
    expect(reply.http, reply.text).toBe(200);
    expect(reply.json).toMatchObject({ status: 'OK', conversationchangedof: [id], friendavailabilitesof: [], conversationlistchangedof: [] });
    // It drained Bob's queue.
    expect(await pull(bob)).toEqual(EMPTY);
  });

  it('refuses a station-only Notification from a station that never logged in', async () => {
    const body = JSON.stringify({ action: 'download', clientversioncode: CLIENT_VERSION_CODE, timestamp: formatTimestamp(Date.now()) });
    const reply = await rawPost(bob.urlFor('notification'), body, { 'Ozeki-Station': newStationId() });
    expectRefused(reply, 401);
  });

  it("refuses a Notification whose Ozeki-User is not the station's account", async () => {
    const body = JSON.stringify({ action: 'download', ...TestClient.common() });
    const reply = await rawPost(bob.urlFor('notification'), body, {
      'Ozeki-Station': bob.station,
      'Ozeki-User': alice.userid,
      'Ozeki-Signature': signBody(body, alice.account.apikey),
    });
    expectRefused(reply, 401);
  });
});

describe('availability as friends see it', () => {
  let t: TestServer;
  afterEach(() => t?.stop({ remove: true }));

  it('shows a user who has never been seen as "offline", and "available" once they sign in', async () => {
    t = await startTestServer();
    const [aliceAccount, bobAccount, carolAccount] = t.accounts as [(typeof t.accounts)[0], (typeof t.accounts)[0], (typeof t.accounts)[0]];
    const alice = await new TestClient(t.server.url, aliceAccount).signIn();
    const bob = new TestClient(t.server.url, bobAccount);
    const carol = new TestClient(t.server.url, carolAccount);
    expect(await availabilityOf(alice, bob)).toBe('offline');
    expect(await availabilityOf(alice, carol)).toBe('offline');
    await pull(alice);

    await bob.signIn();
    expect(await availabilityOf(alice, bob)).toBe('available');
    expect(await availabilityOf(alice, carol)).toBe('offline');
    expect((await pull(alice)).friendavailabilitesof).toEqual([bob.userid]);
  });

  it('changes what Friends/List shows with useravailable and setavailability, and tells every friend', async () => {
    t = await startTestServer();
    const [alice, bob, carol] = (await signInAll(t)) as [TestClient, TestClient, TestClient];
    await drainAll(alice, bob, carol);

    for (const state of ['away', 'busy', 'offline'] as const) {
      const reply = await alice.call('setAvailability', { availability: state });
      expect(reply.http, reply.text).toBe(200);
      expect(await availabilityOf(bob, alice)).toBe(state);
      expect(await availabilityOf(carol, alice)).toBe(state);
      expect((await pull(bob)).friendavailabilitesof).toEqual([alice.userid]);
      expect((await pull(carol)).friendavailabilitesof).toEqual([alice.userid]);
      expect((await pull(alice)).friendavailabilitesof).toEqual([]);
    }

    const back = await alice.call('availability', {});
    expect(back.http, back.text).toBe(200);
    expect(await availabilityOf(bob, alice)).toBe('available');
    expect((await pull(bob)).friendavailabilitesof).toEqual([alice.userid]);
    expect((await pull(carol)).friendavailabilitesof).toEqual([alice.userid]);
  });

  it('does not wake friends when the availability stays the same', async () => {
    t = await startTestServer();
    const [alice, bob, carol] = (await signInAll(t)) as [TestClient, TestClient, TestClient];
    await drainAll(alice, bob, carol);
    expect((await alice.call('availability', {})).http).toBe(200);
    expect(await pull(bob)).toEqual(EMPTY);
    expect((await alice.call('setAvailability', { availability: 'busy' })).http).toBe(200);
    expect((await pull(bob)).friendavailabilitesof).toEqual([alice.userid]);
    expect((await alice.call('setAvailability', { availability: 'busy' })).http).toBe(200);
    expect(await pull(bob)).toEqual(EMPTY);
    expect(await pull(carol)).toEqual({ ...EMPTY, friendavailabilitesof: [alice.userid] });
  });

  it('refuses an availability state the profile does not know', async () => {
    t = await startTestServer();
    const [alice] = (await signInAll(t)) as [TestClient];
    const reply = await alice.signed('setAvailability', { action: 'setavailability', availability: 'sleeping', ...TestClient.common() });
    expectRefused(reply, 400);
  });
});

describe('the push socket', () => {
  let t: TestServer;
  let alice: TestClient;
  let bob: TestClient;
  let carol: TestClient;

  beforeAll(async () => {
    t = await startTestServer();
    [alice, bob, carol] = (await signInAll(t)) as [TestClient, TestClient, TestClient];
  });
  afterAll(() => t?.stop({ remove: true }));
  beforeEach(() => drainAll(alice, bob, carol));

  it('answers an authenticated first frame with ready, and nothing else when the queue is empty', async () => {
    const s = await rawSocket(alice.login.listeners.ws);
    s.ws.send(authFrame(alice));
    await waitFor(() => s.frames.length > 0);
    // A change Alice must hear about is the fence: whatever the server sent after ready came
    // before it, so the frames are exactly ready and then that one changed.
    await sendMessage(bob, alice, 'after ready');
    await waitFor(() => s.frames.length > 1);
    expect(s.frames).toEqual([{ type: 'ready' }, { type: 'changed' }]);
  });

  it('hands out the push URL at the profile path', () => {
    expect(new URL(alice.login.listeners.ws as string).pathname).toBe(PUSH_PATH);
  });

  it("sends Bob's socket a changed frame within a second of Alice's message, and the pull then returns the conversation", async () => {
    const socket = await bob.openPush();
    const started = Date.now();
    const id = await sendMessage(alice, bob, 'ping');
    await socket.next('changed', 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await pull(bob)).conversationchangedof).toEqual([id]);
    socket.close();
  });

  it('does not poke the socket of the station that made the change', async () => {
    const socket = await alice.openPush();
    await sendMessage(alice, bob, 'my own change');
    await expect(socket.next('changed', 300)).rejects.toThrow();
    socket.close();
  });

  it('sends changed right after ready when notifications were already queued', async () => {
    await sendMessage(alice, bob, 'while you were away');
    const s = await rawSocket(bob.login.listeners.ws);
    s.ws.send(authFrame(bob));
    await waitFor(() => s.frames.length >= 2);
    expect(s.frames).toEqual([{ type: 'ready' }, { type: 'changed' }]);
  });

  it('closes a socket that sends nothing with code 4408 after about 5 seconds', async () => {
    const s = await rawSocket(pushUrl(t));
    const opened = Date.now();
    const { code } = await s.closed;
    const waited = Date.now() - opened;
    expect(code).toBe(PUSH_CLOSE.authTimeout);
    expect(code).toBe(4408);
    expect(waited).toBeGreaterThanOrEqual(4500);
    expect(waited).toBeLessThan(7000);
  }, 15_000);

  async function refusedWith(first: string | Buffer, opts: { binary?: boolean } = {}): Promise<RawSocket['frames']> {
    const s = await rawSocket(pushUrl(t));
    s.ws.send(first, { binary: opts.binary ?? false });
    const { code } = await s.closed;
    expect(code).toBe(PUSH_CLOSE.authFailed);
    return s.frames;
  }

  it('refuses a first frame that is not JSON with an error frame and close code 4401', async () => {
    const frames = await refusedWith('hello server');
    expect(frames).toHaveLength(1);
    expect(frames[0]!.type).toBe('error');
    expect(frames[0]!.errormessage).toMatch(/JSON/);
  });

  it('refuses a first frame that is JSON but not an auth frame', async () => {
    const frames = await refusedWith(JSON.stringify({ type: 'hello' }));
    expect(frames.map((f) => f.type)).toEqual(['error']);
  });

  it('refuses a first frame with a bad signature', async () => {
    const frames = await refusedWith(authFrame(alice, { apikey: bob.account.apikey }));
    expect(frames.map((f) => f.type)).toEqual(['error']);
    expect(frames[0]!.errormessage).toMatch(/signature/i);
  });

  it('refuses a first frame with a stale timestamp', async () => {
    const frames = await refusedWith(authFrame(alice, { now: Date.now() - 10 * 60_000 }));
    expect(frames.map((f) => f.type)).toEqual(['error']);
    expect(frames[0]!.errormessage).toMatch(/timestamp/i);
  });

  it('refuses a replayed first frame', async () => {
    const frame = authFrame(alice);
    const first = await rawSocket(pushUrl(t));
    first.ws.send(frame);
    await waitFor(() => first.frames.length > 0);
    expect(first.frames[0]).toEqual({ type: 'ready' });

    const frames = await refusedWith(frame);
    expect(frames.map((f) => f.type)).toEqual(['error']);
    expect(frames[0]!.errormessage).toMatch(/replay|already/i);
  });

  it('refuses a first frame from a station that never logged in', async () => {
    const stranger = new TestClient(t.server.url, alice.account);
    const frames = await refusedWith(authFrame(stranger));
    expect(frames.map((f) => f.type)).toEqual(['error']);
  });

  it('refuses a binary first frame, even one holding a valid auth frame', async () => {
    const frames = await refusedWith(Buffer.from(authFrame(alice)), { binary: true });
    expect(frames.map((f) => f.type)).toEqual(['error']);
  });

  it('refuses a WebSocket upgrade on any path but the push path', async () => {
    for (const path of ['/other', '/ozeki/index.php', `${PUSH_PATH}/x`]) {
      const ws = new WebSocket(`ws://127.0.0.1:${t.server.port}${path}`);
      openSockets.push(ws);
      const status = await new Promise<number>((resolve, reject) => {
        ws.once('unexpected-response', (req, res) => {
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        ws.once('open', () => reject(new Error(`upgrade on ${path} was accepted`)));
        ws.on('error', () => {});
      });
      expect(status, path).toBe(404);
    }
  });
});

describe('presence kept by a push socket', () => {
  let t: TestServer;
  afterEach(async () => {
    vi.useRealTimers();
    await t?.stop({ remove: true });
  });

  it('keeps a user with an open socket "online" for friends after the presence timeout; without one they go offline', async () => {
    t = await startTestServer();
    const [alice, bob, carol] = (await signInAll(t)) as [TestClient, TestClient, TestClient];
    const socket = await alice.openPush();
    const later = (ms: number) => vi.setSystemTime(Date.now() + ms);

    later((PRESENCE_TIMEOUT_SECONDS + 60) * 1000);
    expect(await availabilityOf(bob, alice)).toBe('available');
    expect(await availabilityOf(bob, carol)).toBe('offline');

    // Closing the socket counts as the last sign of life: offline only a timeout later.
    // Wait for the server itself to let go of the socket, so the close happens before the clock moves.
    socket.close();
    await waitFor(() => t.server.push.connectionCount === 0);
    expect(await availabilityOf(bob, alice)).toBe('available');
    later((PRESENCE_TIMEOUT_SECONDS + 60) * 1000);
    expect(await availabilityOf(carol, alice)).toBe('offline');
  });
});

describe('shutting down with sockets open', () => {
  it('closes every push socket with code 1001 when the server closes', async () => {
    const t = await startTestServer();
    try {
      const [alice] = (await signInAll(t)) as [TestClient];
      const s = await rawSocket(alice.login.listeners.ws);
      s.ws.send(authFrame(alice));
      await waitFor(() => s.frames.length > 0);
      const waiting = await rawSocket(pushUrl(t));
      await t.stop();
      expect((await s.closed).code).toBe(PUSH_CLOSE.serverShutdown);
      expect((await waiting.closed).code).toBe(1001);
    } finally {
      await t.stop({ remove: true });
    }
  });

  it('does not let a peer that never answers the close frame hold the shutdown', async () => {
    const t = await startTestServer({ seed: false });
    const peer = connect(t.server.port, '127.0.0.1');
    try {
      await new Promise<void>((resolve, reject) => {
        peer.once('connect', resolve);
        peer.once('error', reject);
      });
      // A WebSocket handshake by hand; afterwards the peer reads but never answers anything.
      let received = '';
      peer.on('data', (d: Buffer) => (received += d.toString('latin1')));
      peer.write(
        `GET ${PUSH_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
      await waitFor(() => received.startsWith('HTTP/1.1 101'));
      const started = Date.now();
      await t.stop();
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      peer.destroy();
      await t.stop({ remove: true });
    }
  }, 15_000);
});
