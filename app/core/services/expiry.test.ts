/**
 * Disappearing messages with real parts: an encrypted local database on disk, the sweeper's own
 * timer stood in for by one that remembers its delay and runs when the test says, and the search
 * index the expired messages must leave. The conversations service is a recorder (the sweeper only
 * tells it which conversations changed).
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Events } from '../../ipc/contract.js';
import { openLocalDb } from '../store/local-db.js';
import type { LocalStore } from '../store/local-store.js';
import { CORPUS_OTHER, makeCorpus, type Corpus } from '../../../test/support/core/search-corpus.js';
import { DelayTimers } from '../../../test/support/core/delay-timers.js';
import { hitIds, sealedConversation, searchOver } from '../../../test/support/core/search-fixtures.js';
import { TEST_DB_KEY } from '../../../test/support/core/store/db-key.js';
import { cid, conversation, message, tempDir } from '../../../test/support/core/store/fixtures.js';
import { ServiceEvents } from './events.js';
import { ExpirySweeper } from './expiry.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const C1 = cid(1);
const C2 = cid(2);
const at = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

let tmp: ReturnType<typeof tempDir>;
let store: LocalStore;
let timers: DelayTimers;
let clock: { now: number };
let emitted: Events['messages:changed'][];
let told: { changed: string[]; emitted: string[][] };
let sweeper: ExpirySweeper;

beforeEach(() => {
  tmp = tempDir('ozeki-expiry-');
  store = openLocalDb(tmp.dir, { key: TEST_DB_KEY }).db;
  store.replaceConversations([conversation(C1), conversation(C2)]);
  timers = new DelayTimers();
  clock = { now: NOW };
  emitted = [];
  told = { changed: [], emitted: [] };
  const events = new ServiceEvents(() => {});
  events.on((event, payload) => {
    if (event === 'messages:changed') emitted.push(payload as Events['messages:changed']);
  });
  const conversations = {
    messagesChanged: (id: string) => told.changed.push(id),
    emit: (ids: readonly string[]) => told.emitted.push([...ids]),
  };
  sweeper = new ExpirySweeper({ store, conversations: conversations as never, events, now: () => clock.now, setTimer: timers.set, clearTimer: timers.clear });
});

afterEach(() => {
  sweeper.dispose();
  store.close();
  tmp.remove();
});

const held = (id: string): string[] =>
  store
    .messages(id, { limit: 100 })
    .map((m) => m.ID)
    .sort();

describe('the expiry sweeper', () => {
  it('deletes the messages whose time has come (at or before now) and keeps the rest', () => {
    store.putMessages(C1, [
      message('gone-earlier', at(NOW - 3 * HOUR), at(NOW - HOUR)),
      message('gone-now', at(NOW - 2 * HOUR), at(NOW)),
      message('stays', at(NOW - HOUR), at(NOW + 1000)),
    ]);
    store.putMessages(C2, [message('gone-too', at(NOW - HOUR), at(NOW - 1000)), message('stays-too', at(NOW - HOUR), '2099-01-01 00:00:00')]);
    sweeper.sweep();
    expect(held(C1)).toEqual(['stays']);
    expect(held(C2)).toEqual(['stays-too']);
  });

  it('tells the window which messages went, one messages:changed per conversation, and the list once', () => {
    store.putMessages(C1, [message('a', at(NOW - 3 * HOUR), at(NOW - HOUR)), message('b', at(NOW - 2 * HOUR), at(NOW - 1000))]);
    store.putMessages(C2, [message('c', at(NOW - HOUR), at(NOW)), message('d', at(NOW - HOUR), at(NOW + HOUR))]);
    sweeper.sweep();
    const byConversation = Object.fromEntries(emitted.map((e) => [e.conversationId, { ...e, removed: [...e.removed].sort() }]));
    expect(emitted).toHaveLength(2);
    expect(byConversation).toEqual({
      [C1]: { conversationId: C1, upserted: [], removed: ['a', 'b'], cleared: false },
      [C2]: { conversationId: C2, upserted: [], removed: ['c'], cleared: false },
    });
    // Their unread counts are counted again, and the list hears of both at once.
    expect([...told.changed].sort()).toEqual([C1, C2].sort());
    expect(told.emitted.map((ids) => [...ids].sort())).toEqual([[C1, C2].sort()]);
  });

  it('tells nothing when nothing expired', () => {
    store.putMessages(C1, [message('a', at(NOW - HOUR), at(NOW + HOUR))]);
    sweeper.sweep();
    expect(emitted).toEqual([]);
    expect(told).toEqual({ changed: [], emitted: [] });
    expect(held(C1)).toEqual(['a']);
  });

  it('sets its timer for the next message to expire', () => {
    store.putMessages(C1, [message('soon', at(NOW - HOUR), at(NOW + 5 * 60_000)), message('later', at(NOW - HOUR), at(NOW + 30 * 60_000))]);
    sweeper.sweep();
    expect(timers.only().ms).toBe(5 * 60_000);
  });

  it('waits at most an hour, and checks again then without deleting what has not expired', () => {
    store.putMessages(C1, [message('in-three-days', at(NOW - HOUR), at(NOW + 72 * HOUR))]);
    sweeper.sweep();
    expect(timers.only().ms).toBe(HOUR);
    clock.now += HOUR;
    timers.fire();
    expect(held(C1)).toEqual(['in-three-days']);
    expect(emitted).toEqual([]);
    expect(timers.only().ms).toBe(HOUR);
  });

  it('sets no timer when no message is left to expire', () => {
    store.putMessages(C1, [message('a', at(NOW - HOUR), at(NOW - 1000))]);
    sweeper.sweep();
    expect(timers.pending.size).toBe(0);
    sweeper.sweep();
    expect(timers.history).toHaveLength(0);
  });

  it('deletes the next message when its timer fires, and then sets the timer for the one after', () => {
    store.putMessages(C1, [message('first', at(NOW - HOUR), at(NOW + 10_000)), message('second', at(NOW - HOUR), at(NOW + 70_000))]);
    sweeper.sweep();
    expect(timers.only().ms).toBe(10_000);
    clock.now += 10_000;
    timers.fire();
    expect(held(C1)).toEqual(['second']);
    expect(emitted).toEqual([{ conversationId: C1, upserted: [], removed: ['first'], cleared: false }]);
    expect(timers.only().ms).toBe(60_000);
    clock.now += 60_000;
    timers.fire();
    expect(held(C1)).toEqual([]);
    expect(emitted.map((e) => e.removed)).toEqual([['first'], ['second']]);
    expect(timers.pending.size).toBe(0);
  });

  it('deletes everything due by then when its timer fires late, messages that came in meanwhile too', () => {
    store.putMessages(C1, [message('a', at(NOW - HOUR), at(NOW + 10_000))]);
    sweeper.sweep();
    // The laptop slept: the clock is past the expiry before the timer ran; a message comes in meanwhile, already expired too.
    clock.now += 20_000;
    store.putMessages(C1, [message('b', at(NOW - HOUR), at(NOW + 15_000))]);
    timers.fire();
    expect(held(C1)).toEqual([]);
    expect([...emitted[0]!.removed].sort()).toEqual(['a', 'b']);
  });

  it('keeps one timer: a new sweep (messages arrived) replaces the one set before', () => {
    store.putMessages(C1, [message('a', at(NOW - HOUR), at(NOW + 30 * 60_000))]);
    sweeper.sweep();
    const first = timers.only();
    store.putMessages(C1, [message('b', at(NOW - HOUR), at(NOW + 60_000))]);
    sweeper.sweep();
    expect(timers.cleared).toEqual([first.handle]);
    expect(timers.only().ms).toBe(60_000);
  });

  it('sweeps once for a burst of arrivals, in a moment, and then waits for the next expiry', () => {
    store.putMessages(C1, [message('a', at(NOW - HOUR), at(NOW + 30 * 60_000))]);
    sweeper.sweep();
    for (let i = 0; i < 50; i++) sweeper.soon();
    // The timer for the expiry gave way to one sweep now, not fifty.
    expect(timers.only().ms).toBe(0);
    store.putMessages(C1, [message('b', at(NOW - HOUR), at(NOW - 1000))]);
    timers.fire();
    expect(store.messages(C1, { limit: 10 }).map((m) => m.ID)).toEqual(['a']);
    expect(timers.only().ms).toBe(30 * 60_000);
  });

  it('stops when disposed: no timer left, and a sweep does nothing', () => {
    store.putMessages(C1, [message('a', at(NOW - HOUR), at(NOW + 60_000)), message('b', at(NOW - HOUR), at(NOW - 1000))]);
    sweeper.sweep();
    expect(timers.pending.size).toBe(1);
    sweeper.dispose();
    expect(timers.pending.size).toBe(0);
    clock.now += HOUR;
    sweeper.sweep();
    expect(held(C1)).toEqual(['a']);
    expect(timers.pending.size).toBe(0);
  });
});

describe('an expired message and the search index', () => {
  let corpus: Corpus;
  beforeAll(async () => {
    corpus = await makeCorpus({ conversations: 1, perConversation: 1 });
  });

  it('leaves the index when it expires: no longer found, while the messages around it still are', () => {
    const c = sealedConversation(corpus.keyring, cid(50), 'Disappearing');
    store.putConversation(c.conversation);
    const { search, indexer } = searchOver(store, corpus.keyring);
    store.putMessages(cid(50), [
      c.say('brief', NOW - HOUR, 'un café éphémère', { validUntil: at(NOW + 60_000) }).message,
      c.say('kept', NOW - HOUR + 1000, 'un café durable', { from: CORPUS_OTHER }).message,
    ]);
    indexer.drain();
    expect(hitIds(search.search({ text: 'cafe' })).sort()).toEqual(['brief', 'kept']);
    sweeper.sweep();
    expect(hitIds(search.search({ text: 'cafe' })).sort()).toEqual(['brief', 'kept']);
    clock.now += 60_000;
    timers.fire();
    expect(hitIds(search.search({ text: 'cafe' }))).toEqual(['kept']);
    expect(hitIds(search.search({ text: 'ephemere' }))).toEqual([]);
    expect(search.search({ text: 'cafe' }).waiting).toBe(0);
    indexer.dispose();
  });
});
