import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMessage, openText } from '../../protocol/index.js';
import { signInAll, startTestServer, type TestClient, type TestServer } from './harness.js';

let t: TestServer;
let alice: TestClient;
let bob: TestClient;

beforeAll(async () => {
  t = await startTestServer();
  [alice, bob] = (await signInAll(t)) as [TestClient, TestClient];
});
afterAll(() => t.stop({ remove: true }));

describe('a seeded demo server', () => {
  it('lets Bob read what Alice wrote in their conversation, decrypted with his own key', async () => {
    const conversation = await bob.conversationWith(alice);
    const key = bob.conversationKey(conversation);
    expect(openText(key, conversation.displayname)).toBe('Alice and Bob');
    const page = await bob.newestPage(conversation);
    const texts = page.messages.map((m) => openMessage(key, m.Data));
    expect(texts[0]).toEqual({ from: alice.userid, text: 'Hi! Have you tried the new desktop client yet?' });
    expect(texts).toHaveLength(4);
  });
});
