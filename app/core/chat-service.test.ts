/**
 * The core end to end: a real ChatService, a real reference server on loopback, real SQLite files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneToOneConversationId, openMessage } from '../../protocol/index.js';
import { addUser, makeFriends } from '../../server/src/admin.js';
import { startServer, type RunningServer } from '../../server/src/server.js';
import { startTestServer, TestClient, type TestServer } from '../../server/test/harness.js';
import type { Events } from '../ipc/contract.js';
import type { ConversationView } from '../ipc/views.js';
import { eventually, openService, signIn, type ServiceUnderTest } from '../../test/support/core/service-harness.js';
import { filesUnder } from '../../test/support/files.js';

let t: TestServer;
let alice: ServiceUnderTest;
let bob: ServiceUnderTest;
let aliceOnServer: TestClient;
const opened: ServiceUnderTest[] = [];

const views = (s: ServiceUnderTest) => s.service.snapshot().conversations;
const withName = (s: ServiceUnderTest, name: string) => views(s).find((c) => c.name === name);
const h = (s: ServiceUnderTest) => s.service.handlers();

/** What the server holds for Alice, through a separate signed-in client. */
async function serverView(conversationId: string) {
  const list = await aliceOnServer.conversations();
  return list.find((c) => c.id === conversationId);
}

beforeAll(async () => {
  t = await startTestServer();
  alice = await openService();
  bob = await openService();
  opened.push(alice, bob);
  await signIn(alice, t.server.url, t.accounts[0]!);
  await signIn(bob, t.server.url, t.accounts[1]!);
  aliceOnServer = await new TestClient(t.server.url, t.accounts[0]!).signIn();
  await eventually(() => views(alice).length === 2 && views(bob).length === 2, 10_000, 'the first sync');
});

afterAll(async () => {
  for (const s of opened) await s.close().catch(() => {});
  await t.stop({ remove: true });
});

describe('signing in', () => {
  it('shows the conversations with their names decrypted and the friends with presence', async () => {
    const snapshot = alice.service.snapshot();
    expect(snapshot.profile).toMatchObject({ email: 'alice@demo.ozeki.chat', nick: 'Alice' });
    expect(snapshot.conversations.map((c) => c.name).sort()).toEqual(['Alice and Bob', 'Alice and Carol']);
    expect(snapshot.conversations.every((c) => c.nameDecrypted && !c.pending)).toBe(true);
    expect(snapshot.friends.map((f) => f.name)).toEqual(['Bob', 'Carol']);
    expect(snapshot.connection).toBe('online');
  });

  it('answers the first screen of the list alone when asked, in list order, and says whether that was all', async () => {
    const all = views(alice);
    const first = alice.service.snapshot({ first: 1 });
    expect(first.conversations.map((c) => c.id)).toEqual([all[0]!.id]);
    expect(first.complete).toBe(false);
    const whole = alice.service.snapshot({ first: 10 });
    expect(whole.conversations).toEqual(all);
    expect(whole.complete).toBe(true);
    expect(alice.service.snapshot().complete).toBe(true);
  });

  it('refuses a wrong encryption password with its own error, and a wrong API key with another', async () => {
    const other = await openService();
    opened.push(other);
    const account = t.accounts[2]!;
    await expect(
      h(other)['session:sign-in']({ serverUrl: t.server.url, email: account.email, apiKey: account.apikey, password: 'not the password' }),
    ).rejects.toMatchObject({ code: 'wrong-password' });
    await expect(
      h(other)['session:sign-in']({ serverUrl: t.server.url, email: account.email, apiKey: 'f'.repeat(64), password: account.password }),
    ).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(
      h(other)['session:sign-in']({ serverUrl: t.server.url, email: 'someone@else.example', apiKey: account.apikey, password: account.password }),
    ).rejects.toMatchObject({ code: 'refused' });
    expect(other.service.snapshot().profile).toBeNull();
  });
});

describe('the demo account', () => {
  it('is offered to the renderer by address and e-mail only, and signs in without its secrets crossing', async () => {
    const account = t.accounts[2]!;
    const sut = await openService({
      options: { demo: () => ({ serverUrl: t.server.url, email: account.email, apiKey: account.apikey, password: account.password }) },
    });
    opened.push(sut);
    expect(await h(sut)['session:demo']()).toEqual({ serverUrl: t.server.url, email: account.email });
    const result = await h(sut)['session:sign-in-demo']();
    expect(result.profile.email).toBe(account.email);
    const seen = JSON.stringify({ result, events: sut.events });
    expect(seen.includes(account.apikey) || seen.includes(account.password)).toBe(false);
  });

  it('is not offered where the host has none', async () => {
    const sut = await openService();
    opened.push(sut);
    expect(await h(sut)['session:demo']()).toBeNull();
    await expect(h(sut)['session:sign-in-demo']()).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('actions', () => {
  it('show at once as pending, reach the server, and stay shown after the server answers', async () => {
    const conversation = withName(alice, 'Alice and Bob')!;
    await h(alice)['conversation:set-favorite'](conversation.id, true);
    await h(alice)['conversation:set-color'](conversation.id, '#BAE1FF');
    await h(alice)['conversation:set-muted'](conversation.id, true);
    const now = views(alice).find((c) => c.id === conversation.id)!;
    expect(now).toMatchObject({ favorite: true, color: '#bae1ff', muted: true, pending: true });
    expect(views(alice)[0]!.id).toBe(conversation.id); // favourites first

    await alice.service.settle();
    expect(views(alice).find((c) => c.id === conversation.id)).toMatchObject({ favorite: true, color: '#bae1ff', muted: true, pending: false });
    const onServer = await serverView(conversation.id);
    expect(onServer.properties[0]).toMatchObject({ isfavorite: true, ismuted: true, listitembackgroundcolor: '#bae1ff' });
    // Bob's view of the same conversation is his own.
    expect(views(bob).find((c) => c.id === conversation.id)).toMatchObject({ favorite: false, muted: false });

    await h(alice)['conversation:set-favorite'](conversation.id, false);
    await h(alice)['conversation:set-muted'](conversation.id, false);
    await alice.service.settle();
    expect((await serverView(conversation.id)).properties[0]).toMatchObject({ isfavorite: false, ismuted: false });
  });

  it('hides a conversation into the hidden list and unhides it', async () => {
    const conversation = withName(alice, 'Alice and Carol')!;
    await h(alice)['conversation:set-hidden'](conversation.id, true);
    expect((await h(alice)['conversations:hidden']()).map((c) => c.id)).toEqual([conversation.id]);
    await alice.service.settle();
    expect((await serverView(conversation.id)).properties[0].hideid).toBe(`${(await serverView(conversation.id)).instance};`);
    await h(alice)['conversation:set-hidden'](conversation.id, false);
    await alice.service.settle();
    expect(await h(alice)['conversations:hidden']()).toEqual([]);
    expect((await serverView(conversation.id)).properties[0].hideid).toBe('');
  });

  it('emits exactly one conversations:changed per set-favorite, set-muted and set-hidden, holding just that conversation', async () => {
    const conversation = withName(alice, 'Alice and Bob')!;
    await alice.service.settle();
    const changes = (from: number) =>
      alice.events
        .slice(from)
        .filter((e) => e.event === 'conversations:changed')
        .map((e) => e.payload as Events['conversations:changed']);
    const counted = async (run: () => Promise<void>) => {
      const from = alice.events.length;
      await run();
      const atOnce = changes(from);
      const atOnceEvents = alice.events.slice(from);
      await alice.service.settle();
      return { atOnce, atOnceEvents, delivered: changes(from).slice(atOnce.length) };
    };

    for (const [channel, flag] of [
      ['conversation:set-favorite', 'favorite'],
      ['conversation:set-muted', 'muted'],
      ['conversation:set-hidden', 'hidden'],
    ] as const) {
      for (const on of [true, false]) {
        const { atOnce, atOnceEvents, delivered } = await counted(() => h(alice)[channel](conversation.id, on));
        expect(atOnce, `${channel} ${on}`).toHaveLength(1);
        expect(atOnce[0]!.upserted.map((v) => [v.id, v[flag], v.pending])).toEqual([[conversation.id, on, true]]);
        expect(atOnce[0]!.removed).toEqual([]);
        // The engine alone says what is waiting: one connection event, one more change pending.
        const connection = atOnceEvents.filter((e) => e.event === 'connection:changed');
        expect(connection.map((e) => (e.payload as Events['connection:changed']).pendingCount)).toEqual([1]);
        // The server's answer clears the pending mark: one more, for the same conversation alone.
        expect(delivered.map((c) => c.upserted.map((v) => [v.id, v[flag], v.pending]))).toEqual([[[conversation.id, on, false]]]);
      }
    }
  });

  it('queues nothing for a state the conversation already has, and sends only the final state of a quick change of mind', async () => {
    const conversation = withName(alice, 'Alice and Bob')!;
    await alice.service.settle();
    const from = alice.events.length;
    await h(alice)['conversation:set-favorite'](conversation.id, false);
    await h(alice)['conversation:set-muted'](conversation.id, false);
    await h(alice)['conversation:set-hidden'](conversation.id, false);
    expect(alice.events.slice(from).filter((e) => e.event === 'conversations:changed')).toEqual([]);
    expect(alice.service.snapshot().pendingCount).toBe(0);

    await h(alice)['conversation:set-favorite'](conversation.id, true);
    await h(alice)['conversation:set-favorite'](conversation.id, true);
    expect(alice.service.snapshot().pendingCount).toBe(1);
    await h(alice)['conversation:set-favorite'](conversation.id, false);
    expect(alice.service.snapshot().pendingCount).toBe(0);
    await alice.service.settle();
    expect((await serverView(conversation.id)).properties[0].isfavorite).toBe(false);
  });

  it('rolls back a change the server refuses, keeps the rest, and says why', async () => {
    const conversation = withName(alice, 'Alice and Bob')!;
    // A conversation the server does not know (a stale cache entry): favouriting it is refused with 404.
    const ghost = { ...(await serverView(conversation.id)), id: 'e'.repeat(32) };
    (alice.service as unknown as { store: { putConversation(c: unknown): void } }).store.putConversation(ghost);
    const before = alice.events.length;
    await h(alice)['conversation:set-favorite'](ghost.id, true);
    await h(alice)['conversation:set-color'](conversation.id, '#ffd1dc');
    expect(views(alice).find((c) => c.id === ghost.id)?.favorite).toBe(true);
    await alice.service.settle();
    expect(views(alice).find((c) => c.id === ghost.id)?.favorite).toBe(false);
    expect(views(alice).find((c) => c.id === conversation.id)?.color).toBe('#ffd1dc');
    const failure = alice.events.slice(before).find((e) => e.event === 'action:failed');
    expect(failure?.payload).toMatchObject({ conversationId: ghost.id, action: 'favorite', error: { code: 'refused' } });
  });
});

describe('messages', () => {
  it('go both ways between two signed-in users, decrypted, with delivery ticks', async () => {
    const forAlice = withName(alice, 'Alice and Bob')!;
    const sent = await h(alice)['messages:send'](forAlice.id, 'Hello Bob, from the core test ✓');
    expect(sent).toMatchObject({ state: 'pending', mine: true, text: 'Hello Bob, from the core test ✓', fromName: 'Alice' });
    await alice.service.settle();

    const page = await eventually(
      async () => {
        const p = await h(bob)['messages:latest'](forAlice.id);
        return p.messages.some((m) => m.id === sent.id) ? p : undefined;
      },
      10_000,
      'Bob to receive the message',
    );
    const received = page.messages.find((m) => m.id === sent.id)!;
    expect(received).toMatchObject({ text: 'Hello Bob, from the core test ✓', mine: false, fromName: 'Alice', state: 'sent' });
    expect(page.messages.filter((m) => m.text?.startsWith('Hi! Have you tried')).length).toBe(1);

    await h(bob)['messages:mark-viewed'](forAlice.id, [sent.id]);
    await bob.service.settle();
    const seen = await eventually(
      async () => {
        const p = await h(alice)['messages:latest'](forAlice.id);
        return p.messages.find((m) => m.id === sent.id && m.state === 'viewed');
      },
      10_000,
      'the viewed tick',
    );
    expect(seen.state).toBe('viewed');

    const reply = await h(bob)['messages:send'](forAlice.id, 'Got it.');
    await bob.service.settle();
    await eventually(
      async () => (await h(alice)['messages:latest'](forAlice.id)).messages.find((m) => m.id === reply.id && m.text === 'Got it.'),
      10_000,
      'the reply',
    );
  });

  it('re-sends into the new instance when the conversation was cleared meanwhile (409)', async () => {
    const conversation = withName(alice, 'Alice and Bob')!;
    // Bob clears on the server; Alice's cache still has the old instance.
    await h(bob)['conversation:clear'](conversation.id);
    await bob.service.settle();
    const sent = await h(alice)['messages:send'](conversation.id, 'after the clear');
    await alice.service.settle();
    const page = await eventually(
      async () => {
        const p = await h(bob)['messages:latest'](conversation.id);
        return p.messages.some((m) => m.id === sent.id) ? p : undefined;
      },
      10_000,
      'the re-based message',
    );
    expect(page.messages.map((m) => m.text)).toEqual(['after the clear']);
  });

  it('starts a conversation with a new friend and can write in it before the server has it', async () => {
    // Dave joins and becomes Alice's friend (an administrator's doing).
    const dave = await addUser(t.server.store, { email: 'dave@demo.ozeki.chat', nick: 'Dave', fullname: 'Dave Davis', password: 'dave password' });
    makeFriends(t.server.store, t.accounts[0]!.userid, dave.userid);
    await h(alice)['sync:now']();
    await expect(h(alice)['conversation:start'](t.accounts[0]!.userid)).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(h(alice)['conversation:start']('9'.repeat(32))).rejects.toMatchObject({ code: 'not-found' });

    const started = await h(alice)['conversation:start'](dave.userid);
    expect(started).toMatchObject({ id: oneToOneConversationId(t.accounts[0]!.userid, dave.userid), name: 'Alice and Dave', pending: true });
    const first = await h(alice)['messages:send'](started.id, 'Welcome, Dave!');
    expect(first.state).toBe('pending');
    await alice.service.settle();
    expect(views(alice).find((c) => c.id === started.id)?.pending).toBe(false);
    // Starting it again finds the same conversation.
    expect((await h(alice)['conversation:start'](dave.userid)).id).toBe(started.id);

    const daveClient = await new TestClient(t.server.url, {
      email: 'dave@demo.ozeki.chat',
      userid: dave.userid,
      apikey: dave.apikey,
      password: 'dave password',
      nick: 'Dave',
      fullname: 'Dave Davis',
    }).signIn();
    const conversation = (await daveClient.conversations()).find((c) => c.id === started.id);
    const key = daveClient.conversationKey(conversation);
    const download = await daveClient.call('download', {
      conversationid: started.id,
      instance: conversation.instance,
      firstmessagedate: '',
      firstmessageid: '',
      firstreportdate: '',
      firstreportid: '',
    });
    expect(download.json.messages.map((m: { Data: string }) => openMessage(key, m.Data).text)).toEqual(['Welcome, Dave!']);
  });
});

describe('offline', () => {
  it('takes 200 mixed actions with the server down and delivers exactly the intended state when it is back', async () => {
    const sut = await openService();
    opened.push(sut);
    let server: RunningServer = await startServer({ dataDir: t.dataDir, port: 0, log: () => {} });
    // Same data as the main test server, on a port of its own, so it can be stopped.
    const port = server.port;
    await signIn(sut, server.url, t.accounts[2]!);
    await eventually(() => views(sut).length >= 2 && sut.service.connection === 'online', 10_000, 'online');
    const [c1, c2] = views(sut) as [ConversationView, ConversationView];
    await server.close();

    const intended = new Map<string, { favorite: boolean; muted: boolean; color: string }>();
    for (const c of [c1, c2]) intended.set(c.id, { favorite: c.favorite, muted: c.muted, color: c.color });
    const palette = ['#ffd1dc', '#bae1ff', '#baffc9', '#ffffba', '#ffdfba'];
    const texts: string[] = [];
    let seed = 7;
    const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 200; i++) {
      const c = rand() < 0.5 ? c1 : c2;
      const state = intended.get(c.id)!;
      const r = rand();
      if (r < 0.3) {
        state.favorite = !state.favorite;
        await h(sut)['conversation:set-favorite'](c.id, state.favorite);
      } else if (r < 0.55) {
        state.muted = !state.muted;
        await h(sut)['conversation:set-muted'](c.id, state.muted);
      } else if (r < 0.8) {
        state.color = palette[Math.floor(rand() * palette.length)]!;
        await h(sut)['conversation:set-color'](c.id, state.color);
      } else {
        const text = `offline message ${i}`;
        texts.push(text);
        await h(sut)['messages:send'](c.id, text);
      }
    }
    // Everything shows at once, and the banner has something to count.
    for (const [id, state] of intended) expect(views(sut).find((v) => v.id === id)).toMatchObject({ ...state, pending: true });
    await eventually(() => sut.service.connection === 'offline', 10_000, 'offline');
    const pending = sut.service.snapshot().pendingCount;
    expect(pending).toBeGreaterThan(0);
    // Contradicting pairs were folded away: far fewer entries than actions.
    expect(pending).toBeLessThan(texts.length + 2 * 3 + 1);

    server = await startServer({ dataDir: t.dataDir, port, log: () => {} });
    try {
      await h(sut)['sync:now']();
      await eventually(
        async () => {
          await sut.service.settle();
          return sut.service.snapshot().pendingCount === 0;
        },
        20_000,
        'the outbox to drain',
      );
      const carolOnServer = await new TestClient(server.url, t.accounts[2]!).signIn();
      const list = await carolOnServer.conversations();
      for (const [id, state] of intended) {
        const props = list.find((c) => c.id === id)!.properties[0];
        expect({ favorite: props.isfavorite, muted: props.ismuted, color: props.listitembackgroundcolor }).toEqual(state);
      }
      // Every message arrived exactly once.
      const all: string[] = [];
      for (const c of [c1, c2]) {
        const key = carolOnServer.conversationKey(list.find((x) => x.id === c.id));
        const res = await carolOnServer.call('download', {
          conversationid: c.id,
          instance: list.find((x) => x.id === c.id).instance,
          firstmessagedate: '',
          firstmessageid: '',
          firstreportdate: '',
          firstreportid: '',
        });
        for (const m of res.json.messages) all.push(openMessage(key, m.Data).text);
      }
      for (const text of texts) expect(all.filter((x) => x === text)).toHaveLength(1);
    } finally {
      await sut.close();
      await server.close();
    }
  });

  it('starts from the cache with the server down, and says it is offline', async () => {
    const sut = await openService();
    opened.push(sut);
    const server = await startServer({ dataDir: t.dataDir, port: 0, log: () => {} });
    await signIn(sut, server.url, t.accounts[1]!);
    await eventually(() => views(sut).length >= 2, 10_000, 'the first sync');
    const names = views(sut)
      .map((c) => c.name)
      .sort();
    await server.close();

    const restarted = await sut.reopen();
    opened.push(restarted);
    // Shown at once, before any network answer.
    expect(restarted.service.snapshot().profile?.email).toBe('bob@demo.ozeki.chat');
    expect(
      views(restarted)
        .map((c) => c.name)
        .sort(),
    ).toEqual(names);
    await eventually(() => restarted.service.connection === 'offline', 10_000, 'offline');
  });
});

describe('drafts', () => {
  it('are kept across a restart, sealed on disk, and forgotten when emptied or on sign-out', async () => {
    const sut = await openService();
    opened.push(sut);
    await signIn(sut, t.server.url, t.accounts[2]!);
    await eventually(() => views(sut).length >= 2, 10_000, 'the first sync');
    const [first, second] = views(sut) as [ConversationView, ConversationView];
    const words = 'a thought I have not finished yet';
    await h(sut)['drafts:set'](first.id, words);
    await h(sut)['drafts:set'](second.id, 'another');
    await h(sut)['drafts:set'](second.id, '  ');

    const restarted = await sut.reopen();
    opened.push(restarted);
    expect(await h(restarted)['drafts:get']()).toEqual({ [first.id]: words });
    const files = readdirSync(restarted.dataDir).map((f) => readFileSync(join(restarted.dataDir, f)));
    expect(files.some((bytes) => bytes.includes(words))).toBe(false);
    await expect(h(restarted)['drafts:set']('0'.repeat(32), 'nowhere')).rejects.toMatchObject({ code: 'not-found' });

    await h(restarted)['session:sign-out']();
    await signIn(restarted, t.server.url, t.accounts[2]!);
    expect(await h(restarted)['drafts:get']()).toEqual({});
  });
});

describe('secrets', () => {
  it('never appear in an event, a snapshot, or a file in the data folder', async () => {
    const account = t.accounts[0]!;
    const conversation = withName(alice, 'Alice and Bob')!;
    const keyring = (alice.service as unknown as { sessions: { current: { keyring: { conversationKey(c: unknown): Buffer } } } }).sessions.current.keyring;
    const cached = (alice.service as unknown as { store: { conversation(id: string): unknown } }).store.conversation(conversation.id);
    const conversationKey = keyring.conversationKey(cached).toString('base64');
    const { unlockPrivateKey } = await import('../../protocol/index.js');
    const login = aliceOnServer.login as { rsakey: string };
    const privatePem = unlockPrivateKey(login.rsakey, account.password).export({ type: 'pkcs1', format: 'pem' }).toString();
    const privateBody = privatePem.split('\n').slice(1, 4).join('');
    const secrets = [account.apikey, account.password, conversationKey, conversationKey.slice(0, 24), privateBody];

    const everything = JSON.stringify({ events: alice.events, snapshot: alice.service.snapshot() });
    for (const secret of secrets) expect(everything.includes(secret), `a secret leaked into events/snapshot`).toBe(false);

    for (const file of filesUnder(alice.dataDir)) {
      const bytes = readFileSync(file);
      for (const secret of secrets) {
        expect(bytes.includes(Buffer.from(secret)), `${file} holds a secret`).toBe(false);
      }
    }
  });

  it('are removed from the vault on sign-out, with the cache', async () => {
    const sut = await openService();
    opened.push(sut);
    await signIn(sut, t.server.url, t.accounts[2]!);
    await h(sut)['session:sign-out']();
    expect(sut.service.snapshot()).toMatchObject({ profile: null, connection: 'signed-out', conversations: [] });
    const restarted = await sut.reopen();
    opened.push(restarted);
    expect(restarted.service.snapshot().profile).toBeNull();
  });
});
