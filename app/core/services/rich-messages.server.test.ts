/**
 * Replies, reactions, edits and deletes (profile) end to end on a real server: two ChatServices
 * (Alice and Bob), and a hostile third station that writes what it likes inside the encryption.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagePlaintext } from '../../../protocol/index.js';
import { startServer, type RunningServer } from '../../../server/src/server.js';
import { startTestServer, TestClient, type TestServer } from '../../../server/test/harness.js';
import type { MessageView } from '../../ipc/views.js';
import { eventually, openService, signIn, type ServiceUnderTest } from '../../../test/support/core/service-harness.js';

let t: TestServer;
let alice: ServiceUnderTest;
let bob: ServiceUnderTest;
let conversationId: string;
const opened: ServiceUnderTest[] = [];

const h = (s: ServiceUnderTest) => s.service.handlers();
const withName = (s: ServiceUnderTest, name: string) => s.service.snapshot().conversations.find((c) => c.name === name);

/** The message with this id as `s` sees it now (latest page). */
async function seen(s: ServiceUnderTest, id: string): Promise<MessageView | undefined> {
  return (await h(s)['messages:latest'](conversationId)).messages.find((m) => m.id === id);
}

async function settled(s: ServiceUnderTest): Promise<void> {
  await eventually(async () => (await s.service.settle(), s.service.snapshot().pendingCount === 0), 10_000, 'the outbox to drain');
}

/** A message written by another station, with any plaintext at all (a hostile or a newer client). */
async function sendRaw(client: TestClient, body: MessagePlaintext): Promise<string> {
  return (
    await client.send(
      (await client.conversations()).find((c) => c.id === conversationId),
      body,
    )
  ).id;
}

beforeAll(async () => {
  t = await startTestServer();
  alice = await openService();
  bob = await openService();
  opened.push(alice, bob);
  await signIn(alice, t.server.url, t.accounts[0]!);
  await signIn(bob, t.server.url, t.accounts[1]!);
  await eventually(() => withName(alice, 'Alice and Bob') && withName(bob, 'Alice and Bob'), 10_000, 'the first sync');
  conversationId = withName(alice, 'Alice and Bob')!.id;
});

afterAll(async () => {
  for (const s of opened) await s.close().catch(() => {});
  await t.stop({ remove: true });
});

describe('rich messages between two people', () => {
  let question: MessageView;
  let answer: MessageView;

  it('a reply quotes its message, for both sides', async () => {
    question = await h(bob)['messages:send'](conversationId, 'Dinner at 8?');
    await settled(bob);
    await eventually(() => seen(alice, question.id), 10_000, 'Alice to have the question');
    answer = await h(alice)['messages:send'](conversationId, 'Yes!', { replyTo: question.id });
    expect(answer.replyTo).toEqual({ id: question.id, fromName: 'Bob', mine: false, excerpt: 'Dinner at 8?', present: true });
    await settled(alice);
    const onBob = await eventually(() => seen(bob, answer.id), 10_000, 'Bob to have the answer');
    expect(onBob.text).toBe('Yes!');
    expect(onBob.replyTo).toMatchObject({ id: question.id, mine: true, excerpt: 'Dinner at 8?', present: true });
  });

  it('reactions count by emoji and person, for both sides, and are never messages of their own', async () => {
    await h(alice)['messages:react'](conversationId, question.id, '👍', true);
    // At once, from the outbox.
    expect((await seen(alice, question.id))!.reactions).toEqual([{ emoji: '👍', count: 1, mine: true, names: ['You'] }]);
    await settled(alice);
    await eventually(async () => (await seen(bob, question.id))?.reactions.length === 1, 10_000, "Bob to see Alice's reaction");
    await h(bob)['messages:react'](conversationId, question.id, '👍', true);
    await h(bob)['messages:react'](conversationId, question.id, '🎉', true);
    await settled(bob);
    await eventually(async () => (await seen(alice, question.id))?.reactions.find((r) => r.emoji === '👍')?.count === 2, 10_000, 'two thumbs');
    expect((await seen(alice, question.id))!.reactions).toEqual([
      { emoji: '👍', count: 2, mine: true, names: ['You', 'Bob'] },
      { emoji: '🎉', count: 1, mine: false, names: ['Bob'] },
    ]);
    // Taken back.
    await h(alice)['messages:react'](conversationId, question.id, '👍', false);
    await settled(alice);
    await eventually(async () => (await seen(bob, question.id))?.reactions.find((r) => r.emoji === '👍')?.count === 1, 10_000, 'one thumb');
    // None of them is a message in the log, the preview or the unread count.
    const page = await h(bob)['messages:latest'](conversationId);
    expect(page.messages.some((m) => m.text?.startsWith('Reacted') || m.text?.startsWith('Removed'))).toBe(false);
    expect(withName(bob, 'Alice and Bob')!.last?.text).toBe('Yes!');
  });

  it('an edit changes the text for both sides, marked edited, and search finds the new words only', async () => {
    await h(alice)['messages:edit'](conversationId, answer.id, 'Yes, at 8:30!');
    expect(await seen(alice, answer.id)).toMatchObject({ text: 'Yes, at 8:30!' });
    await settled(alice);
    const edited = await eventually(
      async () => {
        const m = await seen(bob, answer.id);
        return m?.text === 'Yes, at 8:30!' ? m : undefined;
      },
      10_000,
      'Bob to see the edit',
    );
    expect(edited.editedAt).toBeGreaterThan(0);
    expect(withName(bob, 'Alice and Bob')!.last?.text).toBe('Yes, at 8:30!');
    await eventually(async () => (await h(bob)['search:messages']({ text: '8:30' })).groups.length === 1, 10_000, 'the edit to be searchable');
    expect((await h(bob)['search:messages']({ text: 'Edited' })).groups).toEqual([]);
    await expect(h(bob)['messages:edit'](conversationId, answer.id, 'mine now')).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('a delete leaves a tombstone on both sides, and the reply that quoted it says so', async () => {
    const reply = await h(bob)['messages:send'](conversationId, 'Great', { replyTo: answer.id });
    await settled(bob);
    await h(alice)['messages:delete'](conversationId, answer.id);
    await settled(alice);
    const gone = await eventually(
      async () => {
        const m = await seen(bob, answer.id);
        return m?.deleted ? m : undefined;
      },
      10_000,
      'Bob to see the delete',
    );
    expect(gone).toMatchObject({ text: null, deleted: true, reactions: [] });
    expect((await seen(bob, reply.id))!.replyTo).toMatchObject({ excerpt: null, present: false });
    expect((await h(bob)['search:messages']({ text: '8:30' })).groups).toEqual([]);
  });
});

describe('from a hostile or broken peer', () => {
  it("ignores an edit or delete of someone else's message, and shows a malformed effect as the text it carries", async () => {
    const mine = await h(alice)['messages:send'](conversationId, 'The original');
    await settled(alice);
    const evil = await new TestClient(t.server.url, t.accounts[1]!).signIn();
    const bobId = t.accounts[1]!.userid;
    await sendRaw(evil, { from: bobId, text: 'Edited: forged', edit: { id: mine.id, text: 'forged' } });
    await sendRaw(evil, { from: bobId, text: 'Deleted a message', delete: { id: mine.id } });
    const odd = await sendRaw(evil, { from: bobId, text: 'Reacted ok', react: { id: mine.id, emoji: 'ok', on: true } });
    await eventually(async () => (await h(alice)['messages:latest'](conversationId)).messages.some((m) => m.id === odd), 10_000, 'the odd one to arrive');
    const page = await h(alice)['messages:latest'](conversationId);
    expect(page.messages.find((m) => m.id === mine.id)).toMatchObject({ text: 'The original', deleted: false, editedAt: 0, reactions: [] });
    expect(page.messages.find((m) => m.id === odd)).toMatchObject({ text: 'Reacted ok' });
  });
});

describe('offline', () => {
  it('sends nothing for a reaction taken back, or a message deleted, before the server was back', async () => {
    const sut = await openService();
    opened.push(sut);
    const server: RunningServer = await startServer({ dataDir: t.dataDir, port: 0, log: () => {} });
    try {
      await signIn(sut, server.url, t.accounts[0]!);
      await eventually(() => withName(sut, 'Alice and Bob') && sut.service.connection === 'online', 10_000, 'online');
      const target = (await h(sut)['messages:latest'](conversationId)).messages.at(-1)!;
      await server.close();
      await h(sut)['messages:react'](conversationId, target.id, '🔥', true);
      expect(sut.service.snapshot().pendingCount).toBe(1);
      await h(sut)['messages:react'](conversationId, target.id, '🔥', false);
      expect(sut.service.snapshot().pendingCount).toBe(0);
      const draft = await h(sut)['messages:send'](conversationId, 'oops');
      expect(sut.service.snapshot().pendingCount).toBe(1);
      await h(sut)['messages:delete'](conversationId, draft.id);
      expect(sut.service.snapshot().pendingCount).toBe(0);
      expect((await h(sut)['messages:latest'](conversationId)).messages.some((m) => m.id === draft.id)).toBe(false);
    } finally {
      await sut.close();
      await server.close().catch(() => {});
    }
  });
});
