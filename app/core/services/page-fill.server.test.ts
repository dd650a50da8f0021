/**
 * A page of messages to show is full even when the newest server pages hold nothing but
 * reactions: the core fetches on until it has a page to show (services/page-fill.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { richPlaintext } from '../../../protocol/index.js';
import { startTestServer, TestClient, type TestServer } from '../../../server/test/harness.js';
import { eventually, openService, signIn, type ServiceUnderTest } from '../../../test/support/core/service-harness.js';

let t: TestServer;
let alice: ServiceUnderTest;

beforeAll(async () => {
  t = await startTestServer();
  const bob = await new TestClient(t.server.url, t.accounts[1]!).signIn();
  const conversation = (await bob.conversations()).find((c) => c.participantids.includes(t.accounts[0]!.userid) && !c.isgroup && c.participantids.length === 2);
  const ids: string[] = [];
  for (let i = 0; i < 60; i++) ids.push((await bob.send(conversation, `word ${i}`)).id);
  // An evening of reactions after the last word: taken back and given again, 150 times.
  for (let i = 0; i < 150; i++) await bob.send(conversation, richPlaintext.react(bob.userid, { id: ids[59]!, text: 'word 59' }, '👍', i % 2 === 1));
  alice = await openService();
  await signIn(alice, t.server.url, t.accounts[0]!);
  await eventually(() => alice.service.snapshot().conversations.find((c) => c.name === 'Alice and Bob'), 10_000, 'the first sync');
}, 60_000);

afterAll(async () => {
  await alice?.close().catch(() => {});
  await t.stop({ remove: true });
});

describe('pages behind a run of reactions', () => {
  it('shows a full page of words, not an empty conversation, and the older ones after it', async () => {
    const id = alice.service.snapshot().conversations.find((c) => c.name === 'Alice and Bob')!.id;
    const latest = await alice.service.handlers()['messages:latest'](id);
    const words = latest.messages.map((m) => m.text).filter((text) => text?.startsWith('word'));
    expect(words).toHaveLength(50);
    expect(words.at(-1)).toBe('word 59');
    expect(latest.hasOlder).toBe(true);
    // Bob's last word on the matter: given (the 150th).
    expect(latest.messages.find((m) => m.text === 'word 59')!.reactions).toEqual([expect.objectContaining({ emoji: '👍', count: 1 })]);
    const oldestShown = latest.messages.find((m) => m.text?.startsWith('word'))!;
    const older = await alice.service.handlers()['messages:older'](id, oldestShown.id);
    expect(older.messages.map((m) => m.text).filter((text) => text?.startsWith('word'))).toHaveLength(10);
  });
});
