/**
 * What a list row and a pane header know of a conversation, end to end on a real server: the newest
 * message's preview and the unread count, groups created (offline too) under the id their creator
 * chose, and the disappearing-message timer that sets what the user sends there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMessage, parseTimestamp } from '../../../protocol/index.js';
import { startServer, type RunningServer } from '../../../server/src/server.js';
import { startTestServer, TestClient, type TestServer } from '../../../server/test/harness.js';
import type { ConversationView, MessageView } from '../../ipc/views.js';
import { eventually, openService, signIn, type ServiceUnderTest } from '../../../test/support/core/service-harness.js';
import { PREVIEW_CHARS } from '../views/conversation-summary.js';

let t: TestServer;
let alice: ServiceUnderTest;
let bob: ServiceUnderTest;
const opened: ServiceUnderTest[] = [];

const views = (s: ServiceUnderTest) => s.service.snapshot().conversations;
const withName = (s: ServiceUnderTest, name: string) => views(s).find((c) => c.name === name);
const h = (s: ServiceUnderTest) => s.service.handlers();

beforeAll(async () => {
  t = await startTestServer();
  alice = await openService();
  bob = await openService();
  opened.push(alice, bob);
  await signIn(alice, t.server.url, t.accounts[0]!);
  await signIn(bob, t.server.url, t.accounts[1]!);
  await eventually(() => views(alice).length === 2 && views(bob).length === 2, 10_000, 'the first sync');
});

afterAll(async () => {
  for (const s of opened) await s.close().catch(() => {});
  await t.stop({ remove: true });
});

describe('a row of the list', () => {
  it("shows the newest message with who wrote it, for both sides, and counts the reader's unread", async () => {
    const forAlice = withName(alice, 'Alice and Bob')!;
    await h(alice)['messages:send'](forAlice.id, 'first of two');
    const sent = await h(alice)['messages:send'](forAlice.id, 'see you at 8');
    // At once, before the server has it: the send waiting in the outbox is the newest.
    expect(withName(alice, 'Alice and Bob')!.last).toMatchObject({ mine: true, fromName: 'Alice', text: 'see you at 8' });

    const forBob = await eventually(
      () => {
        const c = withName(bob, 'Alice and Bob');
        return c?.last?.text === 'see you at 8' && c.unread >= 2 ? c : undefined;
      },
      15_000,
      "Bob's row to show Alice's message",
    );
    expect(forBob.last).toMatchObject({ mine: false, fromName: 'Alice' });
    expect(Math.abs(forBob.last!.created - sent.created)).toBeLessThan(5_000);

    // Read: the count goes, the preview stays.
    const page = await h(bob)['messages:latest'](forBob.id);
    await h(bob)['messages:mark-viewed'](
      forBob.id,
      page.messages.filter((m) => !m.mine).map((m) => m.id),
    );
    expect(withName(bob, 'Alice and Bob')).toMatchObject({ unread: 0, last: { text: 'see you at 8' } });
  });

  it('previews a long message of several lines as one line cut short', async () => {
    const c = withName(alice, 'Alice and Carol')!;
    const long = `Line one\n\n  line   two ${'🙂'.repeat(200)}`;
    await h(alice)['messages:send'](c.id, long);
    const text = withName(alice, 'Alice and Carol')!.last!.text!;
    expect(text.startsWith('Line one line two 🙂')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    expect(Array.from(text).length).toBeLessThanOrEqual(PREVIEW_CHARS);
    // Cut between emoji, never inside one (no lone surrogate).
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it('has no preview once the conversation is cleared, before the server has the clear', async () => {
    const c = withName(alice, 'Alice and Carol')!;
    await h(alice)['conversation:clear'](c.id);
    expect(withName(alice, 'Alice and Carol')).toMatchObject({ last: null, unread: 0 });
  });
});

describe('a device that never opened a conversation', () => {
  it('fills its row in the background: the preview, and as unread only what was not read on another device', async () => {
    const c = withName(alice, 'Alice and Bob')!;
    const texts = ['warm one', 'warm two', 'warm three'];
    const sent: MessageView[] = [];
    for (const text of texts) {
      // The server stamps whole seconds, and "viewed up to" is a time: each message a second of its own.
      const second = Math.floor(Date.now() / 1000);
      await eventually(() => Math.floor(Date.now() / 1000) > second, 2_000, 'the next second');
      sent.push(await h(alice)['messages:send'](c.id, text));
      await eventually(async () => (await alice.service.settle(), alice.service.snapshot().pendingCount === 0), 10_000, 'sent');
    }

    // Bob reads the first two on his phone (the API is enough).
    const bobElsewhere = await new TestClient(t.server.url, t.accounts[1]!).signIn();
    const onServer = (await bobElsewhere.conversations()).find((x) => x.id === c.id);
    const page = await bobElsewhere.newestPage(onServer);
    const read = page.messages.filter((m) => m.ID === sent[0]!.id || m.ID === sent[1]!.id);
    expect(read).toHaveLength(2);
    const report = await bobElsewhere.call('viewedReport', {
      conversationid: c.id,
      instance: onServer.instance,
      messageids: read.map((m) => m.ID),
      firstmessagedate: read[0]!.Created,
      lastmessagedate: read[1]!.Created,
    });
    expect(report.http).toBe(200);

    // A new computer: nothing cached, nothing opened.
    const fresh = await openService();
    opened.push(fresh);
    await signIn(fresh, t.server.url, t.accounts[1]!);
    const row = await eventually(
      () => {
        const v = withName(fresh, 'Alice and Bob');
        return v?.last?.text === 'warm three' ? v : undefined;
      },
      15_000,
      'the row to fill',
    );
    expect(row.unread).toBe(1);
    expect(row.last).toMatchObject({ fromName: 'Alice', mine: false });
    // Every conversation with messages got its first page, and the change reached the window.
    const changed = fresh.events.filter((e) => e.event === 'conversations:changed').flatMap((e) => e.payload.upserted);
    expect(changed.some((v) => v.id === c.id && v.last?.text === 'warm three')).toBe(true);
  });
});

describe('after signing in on a new computer', () => {
  it('every row of a conversation with history gets its preview without being opened', async () => {
    // A server of its own: only the demo's history, nothing sent live that a pull would bring.
    const quiet = await startTestServer();
    const fresh = await openService();
    try {
      await signIn(fresh, quiet.server.url, quiet.accounts[2]!);
      const rows = await eventually(
        () => {
          const list = views(fresh);
          return list.length === 2 && list.every((v) => v.last !== null) ? list : undefined;
        },
        15_000,
        'every row to have a preview',
      );
      for (const row of rows) expect(row.last!.text).toEqual(expect.any(String));
      // Nothing was opened: the messages came as first pages, not as a conversation's latest page.
      expect(fresh.events.some((e) => e.event === 'messages:changed')).toBe(false);
    } finally {
      await fresh.close();
      await quiet.stop({ remove: true });
    }
  });
});

describe('the disappearing-message timer', () => {
  it('sets ValidUntil on what is sent from then on, is kept across a restart, and off sends the default lifetime', async () => {
    const sut = await openService();
    opened.push(sut);
    await signIn(sut, t.server.url, t.accounts[2]!);
    const c = await eventually(() => views(sut)[0], 10_000, "Carol's list");
    expect(c.timer).toBe(0);

    await h(sut)['conversation:set-timer'](c.id, 3600);
    expect(views(sut).find((v) => v.id === c.id)!.timer).toBe(3600);
    const changed = sut.events.filter((e) => e.event === 'conversations:changed').at(-1)!;
    expect(changed.payload).toMatchObject({ upserted: [{ id: c.id, timer: 3600 }] });

    const hour = await h(sut)['messages:send'](c.id, 'gone in an hour');
    expect(hour.validUntil - hour.created).toBeGreaterThan(3_590_000);
    expect(hour.validUntil - hour.created).toBeLessThanOrEqual(3_600_000);

    const restarted = await sut.reopen();
    opened.push(restarted);
    expect(views(restarted).find((v) => v.id === c.id)!.timer).toBe(3600);
    // Only this conversation has it.
    expect(
      views(restarted)
        .filter((v) => v.id !== c.id)
        .every((v) => v.timer === 0),
    ).toBe(true);

    await h(restarted)['conversation:set-timer'](c.id, 0);
    const normal = await h(restarted)['messages:send'](c.id, 'kept as usual');
    expect(normal.validUntil - normal.created).toBeGreaterThan(364 * 86_400_000);

    // On the server too: the hour-long message carries its ValidUntil.
    await eventually(async () => (await restarted.service.settle(), restarted.service.snapshot().pendingCount === 0), 10_000, 'sent');
    const carol = await new TestClient(t.server.url, t.accounts[2]!).signIn();
    const onServer = await carol.newestPage((await carol.conversations()).find((x) => x.id === c.id));
    const stored = onServer.messages.find((m) => m.ID === hour.id)!;
    const lives = parseTimestamp(stored.ValidUntil)! - parseTimestamp(stored.Created)!;
    expect(lives).toBeGreaterThan(3_500_000);
    expect(lives).toBeLessThanOrEqual(3_600_000);
  });

  it('refuses a conversation that does not exist', async () => {
    await expect(h(alice)['conversation:set-timer']('0'.repeat(32), 60)).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('a new group', () => {
  it('is created offline under the id Alice chose, and once the server is back Bob sees all three members and reads her first message', async () => {
    const sut = await openService();
    opened.push(sut);
    let server: RunningServer = await startServer({ dataDir: t.dataDir, port: 0, log: () => {} });
    const port = server.port;
    try {
      await signIn(sut, server.url, t.accounts[0]!);
      await eventually(() => views(sut).length >= 2 && sut.service.connection === 'online', 10_000, 'online');
      const friends = sut.service.snapshot().friends;
      const memberIds = friends.filter((f) => f.name === 'Bob' || f.name === 'Carol').map((f) => f.userid);
      expect(memberIds).toHaveLength(2);
      await server.close();

      const group: ConversationView = await h(sut)['conversation:create-group']({ name: '  Trio ', memberIds });
      expect(group).toMatchObject({ name: 'Trio', isGroup: true, pending: true });
      expect(group.participants.map((p) => p.name).sort()).toEqual(['Alice', 'Bob', 'Carol']);
      await h(sut)['messages:send'](group.id, 'Welcome to Trio');
      expect(views(sut).find((v) => v.id === group.id)).toMatchObject({ pending: true, last: { text: 'Welcome to Trio', mine: true } });

      server = await startServer({ dataDir: t.dataDir, port, log: () => {} });
      await h(sut)['sync:now']();
      await eventually(async () => (await sut.service.settle(), sut.service.snapshot().pendingCount === 0), 20_000, 'the outbox to drain');
      expect(views(sut).find((v) => v.id === group.id)).toMatchObject({ pending: false, isGroup: true });

      // Bob, on another station, through the API alone.
      const bobOnServer = await new TestClient(server.url, t.accounts[1]!).signIn();
      const seen = (await bobOnServer.conversations()).find((c) => c.id === group.id);
      expect(seen).toBeDefined();
      expect(seen.isgroup).toBe(true);
      expect(seen.participantids).toHaveLength(3);
      const key = bobOnServer.conversationKey(seen);
      const page = await bobOnServer.newestPage(seen);
      expect(page.messages.map((m) => openMessage(key, m.Data).text)).toEqual(['Welcome to Trio']);
      // Exactly one Trio, whatever was retried.
      const trios = (await bobOnServer.conversations()).filter((c) => c.isgroup && c.participantids.length === 3);
      expect(trios).toHaveLength(1);
    } finally {
      await sut.close();
      await server.close();
    }
  });

  it('refuses members who are not friends, and a group of the user alone', async () => {
    await expect(h(alice)['conversation:create-group']({ name: 'Strangers', memberIds: ['e'.repeat(32)] })).rejects.toMatchObject({ code: 'not-found' });
    const me = alice.service.snapshot().profile!.userid;
    await expect(h(alice)['conversation:create-group']({ name: 'Just me', memberIds: [me] })).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});
