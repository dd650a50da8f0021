/**
 * Concurrent clients against one reference server: per-user settings toggled at once by different
 * users and by one user on two stations, and many simultaneous sends to one conversation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTimestamp, newMessageId, openMessage, sealMessage, type OutgoingMessage } from '../../protocol/index.js';
import { createPayload, signInAll, startTestServer, TestClient, type Reply, type TestServer } from './harness.js';
import { expectRefused } from './refused.js';

let t: TestServer;
let alice: TestClient;
let bob: TestClient;
let carol: TestClient;

beforeAll(async () => {
  t = await startTestServer();
  [alice, bob, carol] = (await signInAll(t)) as [TestClient, TestClient, TestClient];
});
afterAll(() => t.stop({ remove: true }));

// ------------------------------------------------------------------------------------ helpers

const DAY = 86_400_000;
type Conv = { id: string; instance: string; key: Buffer };
type State = { isfavorite: boolean; ismuted: boolean; color: string };

/** A small deterministic PRNG, so a failing run can be repeated. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** The caller's settings as one conversation object shows them, checking it is self-consistent. */
function stateOf(client: TestClient, conversation: any): State {
  expect(conversation.properties).toHaveLength(1);
  const p = conversation.properties[0];
  expect(p.userid).toBe(client.userid);
  expect(conversation.favoriteby).toEqual(p.isfavorite ? [client.userid] : []);
  expect(conversation.mutedby).toEqual(p.ismuted ? [client.userid] : []);
  expect(conversation.hiddenby).toEqual([]);
  return { isfavorite: p.isfavorite, ismuted: p.ismuted, color: p.listitembackgroundcolor };
}

async function listedState(client: TestClient, id: string): Promise<{ state: State; conversation: any }> {
  const conversation = (await client.conversations()).find((c) => c.id === id);
  if (!conversation) throw new Error(`not listed: ${id}`);
  return { state: stateOf(client, conversation), conversation };
}

async function newConversation(creator: TestClient, others: TestClient[]): Promise<Conv> {
  const people = [creator, ...others].map((c) => ({ userid: c.userid, publickey: t.server.store.users.get(c.userid)!.publickey }));
  const { key, ...request } = createPayload(creator, people, 'Busy group', true);
  const reply = await creator.call('create', request);
  expect(reply.http, reply.text).toBe(200);
  return { id: reply.json.conversation.id, instance: reply.json.conversation.instance, key };
}

function draft(from: TestClient, key: Buffer, text: string, id = newMessageId()): OutgoingMessage {
  const now = Date.now();
  return {
    ID: id,
    Type: 'Message',
    Created: formatTimestamp(now),
    ValidUntil: formatTimestamp(now + 7 * DAY),
    Data: sealMessage(key, { from: from.userid, text }),
  };
}

function add(client: TestClient, conv: Conv, message: OutgoingMessage): Promise<Reply> {
  return client.call('add', { conversationid: conv.id, instance: conv.instance, message: JSON.stringify(message) });
}

async function downloadAll(client: TestClient, conv: Conv): Promise<any[]> {
  const reply = await client.call('download', {
    conversationid: conv.id,
    instance: conv.instance,
    firstmessagedate: '',
    firstmessageid: '',
    firstreportdate: '',
    firstreportid: '',
  });
  expect(reply.http, reply.text).toBe(200);
  return reply.json.messages;
}

// ------------------------------------------------------------------------------------- tests

describe('two clients toggling the same conversation at once end consistent', () => {
  it('Alice and Bob toggling favourite and mute 40 times each, at the same time, each end with their own last action', async () => {
    const id = (await alice.conversationWith(bob)).id as string;
    const actions = ['favorite', 'unfavorite', 'mute', 'unmute'] as const;

    async function run(client: TestClient, seed: number): Promise<State> {
      const next = prng(seed);
      const expected: State = { isfavorite: false, ismuted: false, color: '#ffffff' };
      for (let i = 0; i < 40; i++) {
        const action = actions[Math.floor(next() * actions.length)]!;
        const reply = await client.call(action, { conversationid: id });
        expect(reply.http, reply.text).toBe(200);
        if (action === 'favorite' || action === 'unfavorite') expected.isfavorite = action === 'favorite';
        else expected.ismuted = action === 'mute';
        // Each answer shows this client's own state after its own action, whatever the other does.
        expect(stateOf(client, reply.json.conversation)).toEqual(expected);
      }
      return expected;
    }

    const [aliceLast, bobLast] = await Promise.all([run(alice, 1), run(bob, 2)]);
    expect(aliceLast).not.toEqual(bobLast); // the seeds give them different endings, so a mix-up would show
    expect((await listedState(alice, id)).state).toEqual(aliceLast);
    expect((await listedState(bob, id)).state).toEqual(bobLast);
  });

  it('Alice on two stations firing 30 parallel requests each ends with one state that both stations list', async () => {
    const id = (await alice.conversationWith(carol)).id as string;
    const second = await new TestClient(t.server.url, alice.account).signIn();
    expect(second.station).not.toBe(alice.station);
    const carolBefore = await listedState(carol, id);

    const settled: { state: State; http: number; text: string }[] = [];
    const fire = (client: TestClient, station: number, i: number): Promise<void> => {
      const kind = i % 3;
      // Distinct colours, half of them in upper case, so a state can be traced to one answer.
      const hex = (station * 0x100 + i + 0x10).toString(16).padStart(6, '0');
      const request =
        kind === 0
          ? client.call('favorite', { conversationid: id })
          : kind === 1
            ? client.call('unfavorite', { conversationid: id })
            : client.call('setColor', { conversationid: id, color: `#${i % 2 ? hex.toUpperCase() : hex}` });
      return request.then((reply) => {
        const state = reply.http === 200 ? stateOf(alice, reply.json.conversation) : { isfavorite: false, ismuted: false, color: '' };
        settled.push({ state, http: reply.http, text: reply.text });
      });
    };
    await Promise.all([...Array.from({ length: 30 }, (_, i) => fire(alice, 1, i)), ...Array.from({ length: 30 }, (_, i) => fire(second, 2, i))]);

    expect(settled).toHaveLength(60);
    for (const s of settled) {
      expect(s.http, s.text).toBe(200);
      expect(s.text).not.toMatch(/SQLITE|BUSY|locked/i);
      expect(s.state.color).toMatch(/^#[0-9a-f]{6}$/);
    }

    const one = await listedState(alice, id);
    const two = await listedState(second, id);
    expect(two.conversation).toEqual(one.conversation);
    // The final state is what one of the last answers said (the last request the server handled).
    const last = settled.slice(-10).map((s) => s.state);
    expect(last).toContainEqual(one.state);
    // Carol's view of the same conversation is untouched.
    expect((await listedState(carol, id)).conversation).toEqual(carolBefore.conversation);
  });
});

describe('concurrent sends', () => {
  it('stores 50 simultaneous messages from Alice and Bob exactly once each, in one order for everyone', async () => {
    const conv = await newConversation(alice, [bob, carol]);
    const drafts = Array.from({ length: 50 }, (_, i) => {
      const from = i % 2 ? bob : alice;
      return { from, message: draft(from, conv.key, `parallel ${i}`) };
    });
    const replies = await Promise.all(drafts.map(({ from, message }) => add(from, conv, message)));
    for (const r of replies) expect(r.http, r.text).toBe(200);

    const sentIds = drafts.map((d) => d.message.ID).sort();
    const forward = await downloadAll(carol, conv);
    const order = forward.map((m) => m.ID as string);
    expect([...order].sort()).toEqual(sentIds);
    expect(new Set(order).size).toBe(50);

    for (const client of [alice, bob, carol]) {
      const page = (await client.newestPage(conv, 200)).messages;
      expect(page.map((m) => m.ID)).toEqual(order);
    }
    // Created never goes backwards in that order, and every message opens to what was sent.
    const created = forward.map((m) => m.Created as string);
    expect([...created].sort()).toEqual(created);
    const texts = new Map(drafts.map((d) => [d.message.ID, { from: d.from.userid, text: openMessage(conv.key, d.message.Data).text }]));
    for (const m of forward) expect(openMessage(conv.key, m.Data)).toEqual(texts.get(m.ID));
    // The conversation's last message is the last one in that order.
    expect((await alice.conversations()).find((c) => c.id === conv.id).lastmessageid).toBe(order.at(-1));
  });

  it('stores one message when the same ID is sent 10 times at once', async () => {
    const conv = await newConversation(alice, [bob]);
    const message = draft(alice, conv.key, 'retry storm');
    const replies = await Promise.all(Array.from({ length: 10 }, () => add(alice, conv, message)));
    for (const r of replies) expect(r.http, r.text).toBe(200);
    const receipts = replies.map((r) => r.json.message);
    for (const r of receipts) expect(r).toEqual(receipts[0]);
    const stored = await downloadAll(bob, conv);
    expect(stored.map((m) => m.ID)).toEqual([message.ID]);
    expect(stored[0].Data).toBe(message.Data);
  });

  it('lets only one sender win when Alice and Bob send the same ID at once; the other gets 409', async () => {
    const conv = await newConversation(alice, [bob]);
    const id = newMessageId();
    const fromAlice = draft(alice, conv.key, 'from Alice', id);
    const fromBob = draft(bob, conv.key, 'from Bob', id);
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? add(bob, conv, fromBob) : add(alice, conv, fromAlice)).then((r) => ({ who: i % 2 ? bob : alice, r }))),
    );
    const stored = await downloadAll(alice, conv);
    expect(stored).toHaveLength(1);
    const winner = openMessage(conv.key, stored[0].Data).from === alice.userid ? alice : bob;
    for (const { who, r } of replies) {
      if (who === winner) {
        expect(r.http, r.text).toBe(200);
        expect(r.json.message.ID).toBe(id);
      } else {
        expectRefused(r, 409);
      }
    }
  });
});
