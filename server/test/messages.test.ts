/**
 * Add (send), Download, Downloadpartial, the delivered/viewed reports, Clear and message expiry,
 * against a real reference server. Most tests work in a fresh group conversation of their own, so
 * they do not depend on each other's messages.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DecryptionError,
  decodeResponse,
  formatTimestamp,
  newMessageId,
  openMessage,
  parseTimestamp,
  reportExtensionSchema,
  sealMessage,
  toUnixSeconds,
  type OutgoingMessage,
} from '../../protocol/index.js';
import { addMessage } from '../src/admin.js';
import { createPayload, signInAll, startTestServer, type Reply, type TestClient, type TestServer } from './harness.js';
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

const MINUTE = 60_000;
const DAY = 86_400_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Conv = { id: string; instance: string; key: Buffer };
type Cursors = { id?: string; date?: string; reportid?: string; reportdate?: string };
type Item = { ID: string; Type: string; Created: string; ValidUntil: string; Data: string };
type FullReport = { ID: string; Type: string; Created: string; UserID: string; MessageIDs: string[] };

/** A fresh group conversation of the creator and `others`, created through the API. */
async function newConversation(creator: TestClient, others: TestClient[], name = 'Test group'): Promise<Conv> {
  const people = [creator, ...others].map((c) => ({ userid: c.userid, publickey: t.server.store.users.get(c.userid)!.publickey }));
  const { key, ...request } = createPayload(creator, people, name, true);
  const reply = await creator.call('create', request);
  expect(reply.http, reply.text).toBe(200);
  return { id: reply.json.conversation.id, instance: reply.json.conversation.instance, key };
}

/** A message as a client builds it: a new UUID, Created now, a week to live, Data sealed with the key. */
function draft(from: TestClient, key: Buffer, text: string, over: Partial<OutgoingMessage> = {}): OutgoingMessage {
  const now = Date.now();
  return {
    ID: newMessageId(),
    Type: 'Message',
    Created: formatTimestamp(now),
    ValidUntil: formatTimestamp(now + 7 * DAY),
    Data: sealMessage(key, { from: from.userid, text }),
    ...over,
  };
}

function add(client: TestClient, conv: { id: string; instance: string }, message: OutgoingMessage | string): Promise<Reply> {
  return client.call('add', {
    conversationid: conv.id,
    instance: conv.instance,
    message: typeof message === 'string' ? message : JSON.stringify(message),
  });
}

async function send(client: TestClient, conv: Conv, text: string): Promise<{ ID: string; Created: string }> {
  const reply = await add(client, conv, draft(client, conv.key, text));
  expect(reply.http, reply.text).toBe(200);
  return reply.json.message;
}

function download(client: TestClient, conv: { id: string; instance: string }, c: Cursors = {}): Promise<Reply> {
  return client.call('download', {
    conversationid: conv.id,
    instance: conv.instance,
    firstmessagedate: c.date ?? '',
    firstmessageid: c.id ?? '',
    firstreportdate: c.reportdate ?? '',
    firstreportid: c.reportid ?? '',
  });
}

function partial(client: TestClient, conv: { id: string; instance: string }, limit: number, c: Cursors = {}): Promise<Reply> {
  return client.call('downloadPartial', {
    conversationid: conv.id,
    instance: conv.instance,
    lastmessagedate: c.date ?? '',
    lastmessageid: c.id ?? '',
    lastreportdate: c.reportdate ?? '',
    lastreportid: c.reportid ?? '',
    limit,
  });
}

function viewed(client: TestClient, conv: { id: string; instance: string }, messageids: string[]): Promise<Reply> {
  const now = formatTimestamp(Date.now());
  return client.call('viewedReport', { conversationid: conv.id, instance: conv.instance, firstmessagedate: now, lastmessagedate: now, messageids });
}

async function messagesOf(client: TestClient, conv: Conv, c: Cursors = {}): Promise<Item[]> {
  const reply = await download(client, conv, c);
  expect(reply.http, reply.text).toBe(200);
  expect(decodeResponse('download', reply.json).ok).toBe(true);
  return reply.json.messages;
}

async function reportsOf(client: TestClient, conv: Conv): Promise<FullReport[]> {
  const reply = await download(client, conv);
  expect(reply.http, reply.text).toBe(200);
  for (const r of reply.json.reports) expect(reportExtensionSchema.safeParse(r).success, JSON.stringify(r)).toBe(true);
  return reply.json.reports;
}

async function pageOf(client: TestClient, conv: Conv, limit: number, c: Cursors = {}): Promise<Item[]> {
  const reply = await partial(client, conv, limit, c);
  expect(reply.http, reply.text).toBe(200);
  expect(decodeResponse('downloadPartial', reply.json).ok).toBe(true);
  return reply.json.messages;
}

async function listed(client: TestClient, id: string): Promise<any> {
  const found = (await client.conversations()).find((c) => c.id === id);
  if (!found) throw new Error(`not listed: ${id}`);
  return found;
}

/** Inserts messages directly (as the admin tools do), `minutesApart` apart, ending a minute ago. */
function insertHistory(conv: Conv, from: TestClient, count: number, minutesApart = 1): string[] {
  const ids: string[] = [];
  const start = Date.now() - (count * minutesApart + 1) * MINUTE;
  t.server.store.transaction(() => {
    for (let k = 0; k < count; k++) {
      const id = newMessageId();
      const createdMs = start + k * minutesApart * MINUTE;
      addMessage(t.server.store, conv, { id, from: from.userid, text: `history ${k}`, createdMs, validUntilMs: createdMs + 30 * DAY });
      ids.push(id);
    }
  });
  return ids;
}

const ids = (items: { ID: string }[]) => items.map((m) => m.ID);

// ---------------------------------------------------------------------------------------- add

describe('add', () => {
  it('sends a sealed message; the receipt has no Data and a server Created; the recipient decrypts it', async () => {
    const conv = await newConversation(alice, [bob]);
    const message = draft(alice, conv.key, 'Hello Bob', { Created: formatTimestamp(Date.now() - 3600_000) });
    const before = Date.now();
    const reply = await add(alice, conv, message);
    expect(reply.http, reply.text).toBe(200);
    expect(decodeResponse('add', reply.json).ok).toBe(true);
    const receipt = reply.json.message;
    expect(Object.keys(receipt).sort()).toEqual(['Created', 'ID', 'Type', 'ValidUntil']);
    expect(receipt).toMatchObject({ ID: message.ID, Type: 'Message', ValidUntil: message.ValidUntil });
    // The server stamps Created with its own clock, not the hour-old one the client sent.
    expect(receipt.Created).not.toBe(message.Created);
    const created = parseTimestamp(receipt.Created)!;
    expect(created).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(created).toBeLessThanOrEqual(Date.now());

    const ofBob = await listed(bob, conv.id);
    const bobKey = bob.conversationKey(ofBob);
    const got = await messagesOf(bob, conv);
    expect(got).toHaveLength(1);
    expect(got[0]).toEqual({ ...receipt, Data: message.Data });
    expect(openMessage(bobKey, got[0]!.Data)).toEqual({ from: alice.userid, text: 'Hello Bob' });
  });

  it('is idempotent by ID: sending the same message again stores it once and returns the same receipt', async () => {
    const conv = await newConversation(alice, [bob]);
    const message = draft(alice, conv.key, 'Only once');
    const first = await add(alice, conv, message);
    expect(first.http).toBe(200);
    await sleep(1050); // so that a second stamp would differ
    const again = await add(alice, conv, message);
    expect(again.http, again.text).toBe(200);
    expect(again.json.message).toEqual(first.json.message);
    // A retry that re-sealed the text (fresh nonce) is still the same message.
    const resealed = await add(alice, conv, { ...message, Data: sealMessage(conv.key, { from: alice.userid, text: 'Only once' }) });
    expect(resealed.http).toBe(200);
    expect(resealed.json.message).toEqual(first.json.message);

    const got = await messagesOf(bob, conv);
    expect(ids(got)).toEqual([message.ID]);
    expect(got[0]!.Data).toBe(message.Data);
    expect((await listed(alice, conv.id)).lastmessageid).toBe(message.ID);
  });

  it('refuses an ID another participant already used in the conversation with 409', async () => {
    const conv = await newConversation(alice, [bob]);
    const message = draft(alice, conv.key, 'Mine');
    expect((await add(alice, conv, message)).http).toBe(200);
    const theft = await add(bob, conv, draft(bob, conv.key, 'Not yours', { ID: message.ID }));
    expectRefused(theft, 409, /already uses this ID/);
    const got = await messagesOf(alice, conv);
    expect(got).toHaveLength(1);
    expect(openMessage(conv.key, got[0]!.Data)).toEqual({ from: alice.userid, text: 'Mine' });
  });

  it('refuses invalid messages with 400 and a message that names the problem', async () => {
    const conv = await newConversation(alice, [bob]);
    const now = Date.now();
    const base = draft(alice, conv.key, 'x');
    const { Data: _data, ...noData } = base;
    const cases: [string, OutgoingMessage | string | object, RegExp][] = [
      ['not JSON', 'this is not json', /JSON string/],
      ['a JSON string, not an object', JSON.stringify('hello'), /message/],
      ['no Data', noData, /Data/],
      ['empty Data', { ...base, Data: '' }, /Data/],
      ['a bad UUID', { ...base, ID: 'not-a-uuid' }, /ID.*UUID/],
      ['a bad Created', { ...base, Created: '2024-13-01 00:00:00' }, /Created/],
      ['ValidUntil before Created', { ...base, Created: formatTimestamp(now), ValidUntil: formatTimestamp(now - MINUTE) }, /ValidUntil.*later than.*Created/],
      ['ValidUntil equal to Created', { ...base, Created: formatTimestamp(now), ValidUntil: formatTimestamp(now) }, /ValidUntil.*later than.*Created/],
      ['ValidUntil already passed', { ...base, Created: formatTimestamp(now - 2 * DAY), ValidUntil: formatTimestamp(now - DAY) }, /expired|passed/],
      ['a lifetime over 366 days', { ...base, Created: formatTimestamp(now), ValidUntil: formatTimestamp(now + 367 * DAY) }, /366 days/],
    ];
    for (const [what, message, text] of cases) {
      const reply = await add(alice, conv, typeof message === 'string' ? message : JSON.stringify(message));
      expectRefused(reply, 400, text, what);
    }
    expect(await messagesOf(bob, conv)).toEqual([]);
    expect((await listed(alice, conv.id)).lastmessageid).toBe('');
  });

  it('accepts a lifetime of exactly 366 days', async () => {
    const conv = await newConversation(alice, [bob]);
    const now = Date.now();
    const reply = await add(alice, conv, draft(alice, conv.key, 'long', { Created: formatTimestamp(now), ValidUntil: formatTimestamp(now + 366 * DAY) }));
    expect(reply.http, reply.text).toBe(200);
  });

  it('measures the 366-day limit from the Created the server stores, so a future-dated Created cannot stretch it', async () => {
    const conv = await newConversation(alice, [bob]);
    const now = Date.now();
    // By the client's own stamps this lives 300 days, but the server stamps Created now: 400 days.
    const message = draft(alice, conv.key, 'stretched', { Created: formatTimestamp(now + 100 * DAY), ValidUntil: formatTimestamp(now + 400 * DAY) });
    expectRefused(await add(alice, conv, message), 400, /366 days/);
    expect(await messagesOf(alice, conv)).toEqual([]);
  });

  it('refuses a conversation the sender is not part of (403) and an unknown one (404)', async () => {
    const conv = await newConversation(alice, [bob]);
    expectRefused(await add(carol, conv, draft(carol, conv.key, 'intruder')), 403);
    expectRefused(await add(alice, { id: 'f'.repeat(32), instance: conv.instance }, draft(alice, conv.key, 'nowhere')), 404);
    expect(await messagesOf(alice, conv)).toEqual([]);
  });
});

// ----------------------------------------------------------------------------------- download

describe('download', () => {
  it('with empty cursors returns every message, oldest first, in the documented shape', async () => {
    const conv = await newConversation(alice, [bob]);
    const sent: string[] = [];
    for (let i = 0; i < 6; i++) sent.push((await send(i % 2 ? bob : alice, conv, `m${i}`)).ID);
    const reply = await download(alice, conv);
    expect(reply.http).toBe(200);
    expect(decodeResponse('download', reply.json).ok).toBe(true);
    expect(ids(reply.json.messages)).toEqual(sent);
    const texts = reply.json.messages.map((m: Item) => openMessage(conv.key, m.Data).text);
    expect(texts).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    const created = reply.json.messages.map((m: Item) => parseTimestamp(m.Created)!);
    expect([...created].sort((a, b) => a - b)).toEqual(created);
  });

  it('from a known message id returns that message and everything after it', async () => {
    const conv = await newConversation(alice, [bob]);
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) sent.push((await send(alice, conv, `m${i}`)).ID);
    expect(ids(await messagesOf(bob, conv, { id: sent[2]! }))).toEqual(sent.slice(2));
    expect(ids(await messagesOf(bob, conv, { id: sent[4]! }))).toEqual(sent.slice(4));
    expect(ids(await messagesOf(bob, conv, { id: sent[0]! }))).toEqual(sent);
  });

  it('from an unknown message id falls back to the date, inclusive; with neither it returns everything', async () => {
    const conv = await newConversation(alice, [bob]);
    const history = insertHistory(conv, bob, 6);
    const all = await messagesOf(alice, conv);
    expect(ids(all)).toEqual(history);
    const third = all[2]!;
    expect(ids(await messagesOf(alice, conv, { id: randomUUID(), date: third.Created }))).toEqual(history.slice(2));
    expect(ids(await messagesOf(alice, conv, { date: third.Created }))).toEqual(history.slice(2));
    // A date between two messages starts at the next one.
    const between = formatTimestamp(parseTimestamp(third.Created)! + 30_000);
    expect(ids(await messagesOf(alice, conv, { id: randomUUID(), date: between }))).toEqual(history.slice(3));
    expect(ids(await messagesOf(alice, conv, { id: randomUUID() }))).toEqual(history);
  });

  it('returns at most 500 messages per call; the next call continues from the last one', async () => {
    const conv = await newConversation(alice, [bob]);
    const history = insertHistory(conv, bob, 520, 0.01);
    const first = await messagesOf(alice, conv);
    expect(ids(first)).toEqual(history.slice(0, 500));
    const next = await messagesOf(alice, conv, { id: first.at(-1)!.ID, date: first.at(-1)!.Created });
    expect(ids(next)).toEqual(history.slice(499));
  });
});

// ---------------------------------------------------------------------------- downloadpartial

describe('downloadpartial', () => {
  it('pages backwards from the newest messages with no overlap and no gaps until exhausted', async () => {
    const conv = await newConversation(alice, [bob]);
    const sent: string[] = [];
    for (let i = 0; i < 120; i++) sent.push((await send(i % 3 ? alice : bob, conv, `n${i}`)).ID);

    const pages: Item[][] = [];
    let cursor: Cursors = {};
    for (;;) {
      const page = await pageOf(bob, conv, 50, cursor);
      pages.push(page);
      if (!page.length) break;
      cursor = { id: page[0]!.ID, date: page[0]!.Created };
      if (pages.length > 10) throw new Error('paging does not end');
    }
    expect(pages.map((p) => p.length)).toEqual([50, 50, 20, 0]);
    expect(ids(pages[0]!)).toEqual(sent.slice(70));
    expect(ids(pages[1]!)).toEqual(sent.slice(20, 70));
    expect(ids(pages[2]!)).toEqual(sent.slice(0, 20));
    const stitched = [...pages].reverse().flatMap(ids);
    expect(stitched).toEqual(sent);
    expect(new Set(stitched).size).toBe(120);
  });

  it('caps limit at 200 and returns the newest ones', async () => {
    const conv = await newConversation(alice, [bob]);
    const history = insertHistory(conv, bob, 210, 0.05);
    expect(ids(await pageOf(alice, conv, 1000))).toEqual(history.slice(10));
    expect(ids(await pageOf(alice, conv, 3))).toEqual(history.slice(207));
  });

  it('refuses a limit below 1', async () => {
    const conv = await newConversation(alice, [bob]);
    expectRefused(await partial(alice, conv, 0), 400, /limit/);
  });
});

// ------------------------------------------------------------------------------------- reports

describe('delivered reports', () => {
  it('are made once, when someone other than the sender first downloads a message', async () => {
    const conv = await newConversation(alice, [bob, carol]);
    const { ID } = await send(alice, conv, 'Did you get this?');

    // Alice downloading her own message reports nothing.
    await messagesOf(alice, conv);
    await pageOf(alice, conv, 50);
    expect(await reportsOf(alice, conv)).toEqual([]);

    await messagesOf(bob, conv);
    const reports = await reportsOf(alice, conv);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ Type: 'delivered', UserID: bob.userid, MessageIDs: [ID] });
    expect(reports[0]!.ID).toMatch(/^[0-9a-f-]{36}$/);
    expect((await listed(alice, conv.id)).lastreportid).toBe(reports[0]!.ID);

    // Downloading again, either way, makes no new report.
    await messagesOf(bob, conv);
    await pageOf(bob, conv, 50);
    expect(await reportsOf(alice, conv)).toEqual(reports);
  });

  it('cover only the messages that were new to the downloader, in one report per download', async () => {
    const conv = await newConversation(alice, [bob]);
    const a = await send(alice, conv, 'one');
    await messagesOf(bob, conv);
    const b = await send(alice, conv, 'two');
    const c = await send(alice, conv, 'three');
    const own = await send(bob, conv, 'mine');
    await pageOf(bob, conv, 50);
    const reports = await reportsOf(alice, conv);
    expect(reports.map((r) => [r.Type, r.UserID, r.MessageIDs])).toEqual([
      ['delivered', bob.userid, [a.ID]],
      ['delivered', bob.userid, [b.ID, c.ID]],
    ]);
    // Alice's download above (to read the reports) delivered Bob's message to her.
    const after = await reportsOf(bob, conv);
    expect(after.at(-1)).toMatchObject({ Type: 'delivered', UserID: alice.userid, MessageIDs: [own.ID] });
    expect(after).toHaveLength(3);
  });
});

describe('viewed reports', () => {
  it('Report "viewed" makes one report for the new ids; repeats, unknown ids and own messages make none', async () => {
    const conv = await newConversation(alice, [bob]);
    const m1 = await send(alice, conv, 'look');
    const m2 = await send(alice, conv, 'again');
    const mine = await send(bob, conv, "bob's own");
    // Downloads make delivered reports of their own; only the viewed ones matter here.
    const viewedReports = async () => (await reportsOf(alice, conv)).filter((r) => r.Type === 'viewed');
    expect(await viewedReports()).toEqual([]);

    const first = await viewed(bob, conv, [m1.ID, m2.ID]);
    expect(first.http, first.text).toBe(200);
    expect(decodeResponse('viewedReport', first.json).ok).toBe(true);
    let reports = await viewedReports();
    expect(reports).toHaveLength(1);
    const report = reports[0]!;
    expect(report).toMatchObject({ Type: 'viewed', UserID: bob.userid, MessageIDs: [m1.ID, m2.ID] });
    expect((await listed(bob, conv.id)).lastreportid).toBe(report.ID);

    expect((await viewed(bob, conv, [m1.ID, m2.ID])).http).toBe(200);
    expect((await viewed(bob, conv, [randomUUID()])).http).toBe(200);
    expect((await viewed(bob, conv, [mine.ID])).http).toBe(200);
    expect((await viewed(bob, conv, [m1.ID, m1.ID])).http).toBe(200);
    reports = await viewedReports();
    expect(reports).toEqual([report]);
    expect((await listed(bob, conv.id)).lastreportid).toBe(report.ID);

    // A mix: only the id that is new for Bob is reported.
    const m3 = await send(alice, conv, 'third');
    expect((await viewed(bob, conv, [m1.ID, randomUUID(), mine.ID, m3.ID])).http).toBe(200);
    reports = await viewedReports();
    expect(reports).toHaveLength(2);
    expect(reports[1]).toMatchObject({ Type: 'viewed', UserID: bob.userid, MessageIDs: [m3.ID] });
    expect((await listed(alice, conv.id)).lastreportid).toBe(reports[1]!.ID);

    // Alice viewing her own message reports nothing.
    expect((await viewed(alice, conv, [m1.ID, m3.ID])).http).toBe(200);
    expect(await viewedReports()).toEqual(reports);
  });

  it('refuses ids that are not UUIDs with 400', async () => {
    const conv = await newConversation(alice, [bob]);
    expectRefused(await viewed(bob, conv, ['nope']), 400, /messageids/);
    expectRefused(await viewed(bob, conv, []), 400, /messageids/);
  });
});

describe('the conversation summary', () => {
  it('lastmessageid and lastaccess follow the newest message, lastreportid the newest report', async () => {
    const conv = await newConversation(alice, [bob]);
    const fresh = await listed(alice, conv.id);
    expect(fresh.lastmessageid).toBe('');
    expect(fresh.lastreportid).toBe('');

    const a = await send(alice, conv, 'first');
    let view = await listed(bob, conv.id);
    expect(view.lastmessageid).toBe(a.ID);
    expect(view.lastaccess).toBe(toUnixSeconds(parseTimestamp(a.Created)!));
    expect(view.lastreportid).toBe('');

    await sleep(1050);
    const b = await send(bob, conv, 'second');
    view = await listed(alice, conv.id);
    expect(view.lastmessageid).toBe(b.ID);
    expect(view.lastaccess).toBe(toUnixSeconds(parseTimestamp(b.Created)!));
    expect(view.lastaccess).toBeGreaterThan(toUnixSeconds(parseTimestamp(a.Created)!));

    await messagesOf(bob, conv); // Alice's message is now delivered to Bob
    await messagesOf(alice, conv); // and Bob's to Alice
    const reports = await reportsOf(bob, conv); // nothing new for Bob: no further report
    expect(reports.map((r) => [r.Type, r.UserID, r.MessageIDs])).toEqual([
      ['delivered', bob.userid, [a.ID]],
      ['delivered', alice.userid, [b.ID]],
    ]);
    expect((await listed(bob, conv.id)).lastreportid).toBe(reports[1]!.ID);
    expect((await listed(alice, conv.id)).lastreportid).toBe(reports[1]!.ID);
    // A report does not move lastmessageid or lastaccess.
    view = await listed(bob, conv.id);
    expect(view.lastmessageid).toBe(b.ID);
    expect(view.lastaccess).toBe(toUnixSeconds(parseTimestamp(b.Created)!));

    // Re-sending an older message (idempotent) does not move the summary back.
    expect((await add(alice, conv, draft(alice, conv.key, 'first', { ID: a.ID }))).http).toBe(200);
    expect((await listed(bob, conv.id)).lastmessageid).toBe(b.ID);
  });
});

// --------------------------------------------------------------------------------------- clear

describe('clear', () => {
  it('deletes the history for everyone, starts a new 10-character instance and resets the last ids', async () => {
    const conv = await newConversation(alice, [bob, carol]);
    const m = await send(alice, conv, 'soon gone');
    await messagesOf(bob, conv);
    await viewed(bob, conv, [m.ID]);
    expect((await reportsOf(carol, conv)).length).toBe(2);

    const reply = await bob.call('clear', { conversationid: conv.id, instance: conv.instance });
    expect(reply.http, reply.text).toBe(200);
    expect(decodeResponse('clear', reply.json).ok).toBe(true);
    const cleared = reply.json.conversation;
    expect(cleared.instance).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(cleared.instance).not.toBe(conv.instance);
    expect(cleared.lastmessageid).toBe('');
    expect(cleared.lastreportid).toBe('');
    expect(cleared.properties).toHaveLength(1);
    expect(cleared.properties[0].userid).toBe(bob.userid);

    const now = { ...conv, instance: cleared.instance as string };
    for (const client of [alice, bob, carol]) {
      const view = await listed(client, conv.id);
      expect(view).toMatchObject({ instance: now.instance, lastmessageid: '', lastreportid: '' });
      const all = await download(client, now);
      expect(all.json.messages).toEqual([]);
      expect(all.json.reports).toEqual([]);
      expect(await pageOf(client, now, 50)).toEqual([]);
    }

    // The new instance takes messages as usual, including the old ID (the history is gone).
    const again = await add(alice, now, draft(alice, conv.key, 'fresh start', { ID: m.ID }));
    expect(again.http, again.text).toBe(200);
    expect(ids(await messagesOf(bob, now))).toEqual([m.ID]);
  });

  it('refuses the old instance with 409 for add, download, downloadpartial, viewed and clear', async () => {
    const conv = await newConversation(alice, [bob]);
    const m = await send(alice, conv, 'before');
    const reply = await alice.call('clear', { conversationid: conv.id, instance: conv.instance });
    expect(reply.http).toBe(200);
    const stale = conv;

    expectRefused(await add(alice, stale, draft(alice, conv.key, 'late')), 409, /cleared/);
    expectRefused(await download(bob, stale), 409, /cleared/);
    expectRefused(await partial(bob, stale, 50), 409, /cleared/);
    expectRefused(await viewed(bob, stale, [m.ID]), 409, /cleared/);
    expectRefused(await bob.call('clear', { conversationid: conv.id, instance: stale.instance }), 409, /cleared/);

    const current = { ...conv, instance: reply.json.conversation.instance as string };
    expect(await messagesOf(bob, current)).toEqual([]);
    expect((await listed(bob, conv.id)).instance).toBe(current.instance);
  });
});

// -------------------------------------------------------------------------------------- expiry

describe('expiry', () => {
  it('never serves a message whose ValidUntil has passed', async () => {
    const conv = await newConversation(alice, [bob]);
    const keep = await send(alice, conv, 'stays');
    // ValidUntil between 1 and 2 seconds from now, on a whole second.
    const validUntilMs = Math.ceil(Date.now() / 1000) * 1000 + 1000;
    const id = newMessageId();
    addMessage(t.server.store, conv, { id, from: alice.userid, text: 'self-destructs', createdMs: Date.now(), validUntilMs });
    expect(ids(await messagesOf(bob, conv))).toEqual([keep.ID, id]);

    await sleep(validUntilMs - Date.now() + 200);
    expect(ids(await messagesOf(bob, conv))).toEqual([keep.ID]);
    expect(ids(await messagesOf(alice, conv))).toEqual([keep.ID]);
    expect(ids(await pageOf(bob, conv, 50))).toEqual([keep.ID]);
    expect(ids(await messagesOf(bob, conv, { id }))).toEqual([]);
  });

  it('takes no viewed report for an expired message, and the purge removes it with its receipts', async () => {
    const conv = await newConversation(alice, [bob]);
    const validUntilMs = Math.ceil(Date.now() / 1000) * 1000 + 1000;
    const id = newMessageId();
    addMessage(t.server.store, conv, { id, from: alice.userid, text: 'brief', createdMs: Date.now(), validUntilMs });
    await messagesOf(bob, conv); // Bob's download records a delivered receipt while it is alive
    const receipts = () =>
      t.server.store.db.prepare('SELECT count(*) AS n FROM receipts WHERE conversation_id = ? AND message_id = ?').get(conv.id, id) as { n: number };
    expect(receipts().n).toBe(1);
    const reportsBefore = (await reportsOf(alice, conv)).length;

    await sleep(validUntilMs - Date.now() + 200);
    const at = formatTimestamp(validUntilMs - 1000);
    const viewed = await bob.call('viewedReport', {
      conversationid: conv.id,
      instance: conv.instance,
      firstmessagedate: at,
      lastmessagedate: at,
      messageids: [id],
    });
    expect(viewed.http, viewed.text).toBe(200);
    expect(await reportsOf(alice, conv)).toHaveLength(reportsBefore);

    expect(t.server.store.messages.purgeExpired(Date.now())).toBeGreaterThanOrEqual(1);
    expect(receipts().n).toBe(0);
    expect(t.server.store.messages.get(conv.id, id)).toBeUndefined();
  });
});

// -------------------------------------------------------------------------- end-to-end crypto

describe('end-to-end encryption', () => {
  it("lets Bob decrypt Alice's message with the key he unwraps from his own secret", async () => {
    const ofAlice = await alice.conversationWith(bob);
    const aliceKey = alice.conversationKey(ofAlice);
    const conv = { id: ofAlice.id as string, instance: ofAlice.instance as string, key: aliceKey };
    const { ID } = await send(alice, conv, 'Only Bob can read this 🔒');

    const ofBob = await bob.conversationWith(alice);
    expect(ofBob.secret).not.toBe(ofAlice.secret);
    const bobKey = bob.conversationKey(ofBob);
    const got = (await messagesOf(bob, conv)).find((m) => m.ID === ID)!;
    expect(openMessage(bobKey, got.Data)).toEqual({ from: alice.userid, text: 'Only Bob can read this 🔒' });
    // The server stores only ciphertext.
    expect(got.Data).not.toContain('Only Bob');
  });

  it("fails with DecryptionError on a message sealed with another conversation's key", async () => {
    const aliceBob = await alice.conversationWith(bob);
    const aliceCarol = await alice.conversationWith(carol);
    const wrongKey = alice.conversationKey(aliceCarol);
    const conv = { id: aliceBob.id as string, instance: aliceBob.instance as string, key: wrongKey };
    const { ID } = await send(alice, conv, 'sealed with the wrong key');

    const bobKey = bob.conversationKey(await bob.conversationWith(alice));
    const got = (await messagesOf(bob, conv)).find((m) => m.ID === ID)!;
    expect(() => openMessage(bobKey, got.Data)).toThrow(DecryptionError);
    expect(openMessage(wrongKey, got.Data).text).toBe('sealed with the wrong key');
  });
});
