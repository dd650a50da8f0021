import type { Sqlite } from './connection.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCoreError } from '../errors.js';
import type { Action } from '../sync/actions.js';
import { LOCAL_DB_FILE, MIGRATIONS, openLocalDb } from './local-db.js';
import { accountFromLogin, type LocalStore, type SkippedRow } from './local-store.js';
import { ME, OTHER, cid, conversation, friend, message, report, send, tempDir } from '../../../test/support/core/store/fixtures.js';
import { openRaw, TEST_DB_KEY } from '../../../test/support/core/store/db-key.js';

const C1 = cid(1);
const C2 = cid(2);
const C3 = cid(3);

let tmp: ReturnType<typeof tempDir>;
let store: LocalStore;
let skipped: SkippedRow[];

const open = (): LocalStore => {
  const opened = openLocalDb(tmp.dir, { key: TEST_DB_KEY, onSkippedRow: (row) => skipped.push(row) });
  expect(opened.notices).toEqual([]);
  return opened.db;
};
const reopen = (): LocalStore => {
  store.close();
  store = open();
  return store;
};
/** A second connection, for writing what the store itself never would. */
const raw = <T>(fn: (db: Sqlite) => T): T => {
  const db = openRaw(join(tmp.dir, LOCAL_DB_FILE));
  try {
    return fn(db);
  } finally {
    db.close();
  }
};

beforeEach(() => {
  tmp = tempDir();
  skipped = [];
  store = open();
});
afterEach(() => {
  store.close();
  tmp.remove();
});

const login = {
  status: 'OK' as const,
  errormessage: '',
  server: 'Ozeki Chat 1.2.3',
  listeners: { udp: 'udp://h:1', ws: 'ws://h:2', wss: 'wss://h:3' },
  registration: '2026-01-01 00:00:00',
  rsakey: '-----BEGIN ENCRYPTED PRIVATE KEY-----\nsealed\n-----END ENCRYPTED PRIVATE KEY-----',
  userid: ME,
  fullname: 'Ann Example',
  nick: 'ann',
  urls: { avatar: 'https://h/a' },
};

describe('the local database file', () => {
  it('is created in WAL mode with synchronous FULL, foreign keys, a busy timeout and the current schema', () => {
    expect(store.file).toBe(join(tmp.dir, LOCAL_DB_FILE));
    expect(store.settings()).toEqual({ journalMode: 'wal', synchronous: 'FULL', foreignKeys: true, busyTimeoutMs: 5000, schemaVersion: MIGRATIONS.length });
    reopen();
    expect(store.settings()).toMatchObject({ journalMode: 'wal', synchronous: 'FULL', schemaVersion: MIGRATIONS.length });
  });
});

describe('the cache keeps server objects as received', () => {
  it('round-trips the account, conversations, friends, messages and reports across a reopen, unknown fields included', () => {
    const account = accountFromLogin('https://chat.example', 'ann@example.com', login);
    store.saveAccount(account);
    const c1 = conversation(C1, { futurefield: { x: 1 } } as never);
    store.replaceConversations([c1, conversation(C2)]);
    store.replaceFriends([friend(OTHER, 'sealed:bob'), friend(ME, 'sealed:ann')]);
    const m1 = { ...message('m1', '2026-11-21 10:00:00'), Extra: 'kept' };
    store.putMessages(C1, [m1]);
    store.putReports(C1, [report('r1', '2026-11-21 10:00:01')]);

    reopen();
    expect(store.loadAccount()).toEqual(account);
    expect(store.conversations()).toEqual([c1, conversation(C2)]);
    expect(store.conversation(C1)).toEqual(c1);
    expect(store.conversation(C3)).toBeUndefined();
    expect(store.friends()).toEqual([friend(OTHER, 'sealed:bob'), friend(ME, 'sealed:ann')]);
    expect(store.messages(C1, { limit: 10 })).toEqual([m1]);
    expect(store.message(C1, 'm1')).toEqual(m1);
    expect(store.message(C2, 'm1')).toBeUndefined();
    expect(store.reports(C1)).toEqual([report('r1', '2026-11-21 10:00:01')]);
    expect(skipped).toEqual([]);
  });

  it('stores the private key exactly as the server sent it (still sealed)', () => {
    store.saveAccount(accountFromLogin('https://chat.example', 'ann@example.com', login));
    expect(raw((db) => db.prepare('SELECT rsakey FROM account').get())).toEqual({ rsakey: login.rsakey });
  });

  it('replaceConversations leaves exactly the given list, in its order, and forgets messages of conversations that went away', () => {
    store.replaceConversations([conversation(C1), conversation(C2)]);
    store.putMessages(C1, [message('m1', '2026-11-21 10:00:00')]);
    store.putMessages(C2, [message('m2', '2026-11-21 10:00:00')]);
    store.putReports(C2, [report('r2', '2026-11-21 10:00:00')]);

    store.replaceConversations([conversation(C3), conversation(C1, { displayname: 'sealed:renamed' })]);
    expect(store.conversations().map((c) => [c.id, c.displayname])).toEqual([
      [C3, `sealed:${C3}`],
      [C1, 'sealed:renamed'],
    ]);
    expect(store.messages(C1, { limit: 10 })).toHaveLength(1);
    expect(store.messages(C2, { limit: 10 })).toEqual([]);
    expect(store.reports(C2)).toEqual([]);

    store.replaceConversations([]);
    expect(store.conversations()).toEqual([]);
  });

  it('putConversation updates in place; removeConversation forgets it with its messages but not its outbox entries', () => {
    store.replaceConversations([conversation(C1), conversation(C2)]);
    store.putConversation(conversation(C1, { lastaccess: 5 }));
    store.putConversation(conversation(C3));
    expect(store.conversations().map((c) => [c.id, c.lastaccess])).toEqual([
      [C1, 5],
      [C2, 1_790_000_000],
      [C3, 1_790_000_000],
    ]);
    store.putMessages(C1, [message('m1', '2026-11-21 10:00:00')]);
    store.enqueue({ kind: 'favorite', conversationId: C1 });
    store.removeConversation(C1);
    expect(store.conversation(C1)).toBeUndefined();
    expect(store.messages(C1, { limit: 10 })).toEqual([]);
    expect(store.pendingCount()).toBe(1);
  });

  it('pages messages newest first, continuing strictly before the cursor, messages of one second in the order they came', () => {
    const all = [
      message('a', '2026-11-21 10:00:00'),
      message('b', '2026-11-21 10:00:01'),
      message('c', '2026-11-21 10:00:01'),
      message('d', '2026-11-21 10:00:02'),
      message('e', '2026-11-21 10:00:03'),
    ];
    store.putMessages(C1, [all[2]!, all[0]!, all[4]!]);
    store.putMessages(C1, [all[1]!, all[3]!, all[2]!]); // upsert: c twice stays one
    store.putMessages(C2, [message('x', '2026-11-21 11:00:00')]);

    const page1 = store.messages(C1, { limit: 2 });
    expect(page1.map((m) => m.ID)).toEqual(['e', 'd']);
    const last1 = page1[1]!;
    const page2 = store.messages(C1, { limit: 2, before: { created: last1.Created, id: last1.ID } });
    // c came first, b later (as news): in that second b is the newer.
    expect(page2.map((m) => m.ID)).toEqual(['b', 'c']);
    const last2 = page2[1]!;
    const page3 = store.messages(C1, { limit: 2, before: { created: last2.Created, id: last2.ID } });
    expect(page3.map((m) => m.ID)).toEqual(['a']);
    expect(store.messages(C1, { limit: 2, before: { created: '2026-11-21 10:00:00', id: 'a' } })).toEqual([]);
    expect(store.messages(C1, { limit: 0 })).toEqual([]);
  });

  it("keeps the server's order within a second: news after what is cached, an older page before it", () => {
    const second = '2026-11-21 10:00:00';
    // Ids sort the other way round from the order the server sent them in.
    store.putMessages(C1, [message('m5', second), message('m4', second)]);
    store.putMessages(C1, [message('m3', second), message('m2', second)], 'older');
    store.putMessages(C1, [message('m1', second)]);
    store.putMessages(C1, [message('m4', second), message('m0', second)]);
    const oldestFirst = store
      .messages(C1, { limit: 10 })
      .reverse()
      .map((m) => m.ID);
    expect(oldestFirst).toEqual(['m3', 'm2', 'm5', 'm4', 'm1', 'm0']);
    expect(store.messages(C1, { limit: 10, before: { created: second, id: 'm4' } }).map((m) => m.ID)).toEqual(['m5', 'm2', 'm3']);
    expect(store.newerMessages(C1, { created: second, id: 'm5' }, 10).map((m) => m.ID)).toEqual(['m4', 'm1', 'm0']);
  });

  it('upserting a message replaces what was stored for that ID', () => {
    store.putMessages(C1, [message('a', '2026-11-21 10:00:00', '2099-01-01 00:00:00', 'old')]);
    store.putMessages(C1, [message('a', '2026-11-21 10:00:00', '2099-01-01 00:00:00', 'new')]);
    expect(store.messages(C1, { limit: 10 }).map((m) => m.Data)).toEqual(['new']);
  });

  it('deletes messages whose ValidUntil has passed, and only those', () => {
    store.putMessages(C1, [
      message('gone', '2026-11-21 10:00:00', '2026-11-22 10:00:00'),
      message('edge', '2026-11-21 10:00:00', '2026-11-23 10:00:00'),
      message('kept', '2026-11-21 10:00:00', '2026-11-23 10:00:01'),
    ]);
    store.putMessages(C2, [message('gone2', '2026-11-21 10:00:00', '2026-11-20 00:00:00')]);
    expect(store.nextExpiry()).toBe(Date.UTC(2026, 10, 20));
    expect(
      store
        .deleteExpiredMessages(Date.UTC(2026, 10, 23, 10, 0, 0))
        .map((m) => m.id)
        .sort(),
    ).toEqual(['edge', 'gone', 'gone2']);
    expect(store.nextExpiry()).toBe(Date.UTC(2026, 10, 23, 10, 0, 1));
    expect(store.messages(C1, { limit: 10 }).map((m) => m.ID)).toEqual(['kept']);
    expect(store.messages(C2, { limit: 10 })).toEqual([]);
  });

  it('clearMessages empties one conversation’s messages and reports and leaves the others', () => {
    store.putMessages(C1, [message('a', '2026-11-21 10:00:00')]);
    store.putReports(C1, [report('r', '2026-11-21 10:00:00')]);
    store.putMessages(C2, [message('b', '2026-11-21 10:00:00')]);
    store.clearMessages(C1);
    expect(store.messages(C1, { limit: 10 })).toEqual([]);
    expect(store.reports(C1)).toEqual([]);
    expect(store.messages(C2, { limit: 10 })).toHaveLength(1);
  });

  it('returns reports oldest first', () => {
    store.putReports(C1, [report('r2', '2026-11-21 10:00:02'), report('r1', '2026-11-21 10:00:01')]);
    expect(store.reports(C1).map((r) => r.ID)).toEqual(['r1', 'r2']);
  });

  it('sign-out (clearAll) empties every table, the outbox included', () => {
    store.saveAccount(accountFromLogin('https://chat.example', 'ann@example.com', login));
    store.replaceConversations([conversation(C1)]);
    store.replaceFriends([friend(OTHER, 'sealed:bob')]);
    store.putMessages(C1, [message('a', '2026-11-21 10:00:00')]);
    store.putReports(C1, [report('r', '2026-11-21 10:00:00')]);
    store.enqueue({ kind: 'mute', conversationId: C1 });
    store.setMeta('cursor', 'x');

    store.clearAll();
    const counts = raw((db) =>
      Object.fromEntries(
        ['account', 'conversations', 'friends', 'messages', 'reports', 'outbox', 'meta'].map((t) => [
          t,
          (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n,
        ]),
      ),
    );
    expect(counts).toEqual({ account: 0, conversations: 0, friends: 0, messages: 0, reports: 0, outbox: 0, meta: 0 });
    expect(store.loadAccount()).toBeNull();
    expect(store.pending()).toEqual([]);
    expect(store.getMeta('cursor')).toBeUndefined();
  });

  it('gives the first conversations in list order, favourites first, from the table and from memory alike', () => {
    const fav = (id: string, lastaccess: number) =>
      conversation(id, { lastaccess, properties: [{ userid: ME, ismuted: false, isfavorite: true, hideid: '', listitembackgroundcolor: '#ffffff' }] });
    store.replaceConversations([conversation(C1, { lastaccess: 10 }), conversation(C2, { lastaccess: 30 }), fav(C3, 5), fav(cid(4), 7)]);
    store.putConversation(conversation(C1, { lastaccess: 50 }));
    const expected = [cid(4), C3, C1];
    expect(store.firstConversations(3).map((c) => c.id)).toEqual(expected);
    // A fresh run answers from the table's index without reading every row.
    expect(
      reopen()
        .firstConversations(3)
        .map((c) => c.id),
    ).toEqual(expected);
    store.conversations();
    expect(store.firstConversations(3).map((c) => c.id)).toEqual(expected);
  });

  it('fills the list-order columns of conversations cached before they existed', () => {
    store.close();
    rmSync(join(tmp.dir, LOCAL_DB_FILE));
    const db = openRaw(join(tmp.dir, LOCAL_DB_FILE));
    db.exec(MIGRATIONS[0]!);
    db.exec(MIGRATIONS[1]!);
    db.pragma('user_version = 2');
    const favorite = conversation(C2, {
      lastaccess: 1,
      properties: [{ userid: ME, ismuted: false, isfavorite: true, hideid: '', listitembackgroundcolor: '#ffffff' }],
    });
    for (const c of [conversation(C1, { lastaccess: 20 }), favorite, conversation(C3, { lastaccess: 30 })]) {
      db.prepare('INSERT INTO conversations (id, json, received_at) VALUES (?, ?, 0)').run(c.id, JSON.stringify(c));
    }
    db.close();
    store = open();
    expect(store.firstConversations(10).map((c) => c.id)).toEqual([C2, C3, C1]);
  });

  it('keeps the conversations it has read in step with every write, and rereads after a failed transaction', () => {
    store.replaceConversations([conversation(C1), conversation(C2)]);
    store.putConversation(conversation(C1, { lastaccess: 42 }));
    store.putConversation(conversation(C3));
    expect(store.conversations().map((c) => [c.id, c.lastaccess])).toEqual([
      [C1, 42],
      [C2, conversation(C2).lastaccess],
      [C3, conversation(C3).lastaccess],
    ]);
    store.removeConversation(C2);
    expect(() =>
      store.transaction(() => {
        store.putConversation(conversation(cid(4)));
        throw new Error('interrupted');
      }),
    ).toThrow('interrupted');
    expect(store.conversations().map((c) => c.id)).toEqual([C1, C3]);
    expect(
      reopen()
        .conversations()
        .map((c) => [c.id, c.lastaccess]),
    ).toEqual([
      [C1, 42],
      [C3, conversation(C3).lastaccess],
    ]);
  });

  it('skips and reports a row that does not parse instead of crashing, once per row', () => {
    store.replaceConversations([conversation(C1), conversation(C2)]);
    store.putMessages(C1, [message('a', '2026-11-21 10:00:00'), message('b', '2026-11-21 10:00:01'), message('c', '2026-11-21 10:00:02')]);
    raw((db) => {
      db.prepare('UPDATE conversations SET json = ? WHERE id = ?').run('{"id": broken', C1);
      db.prepare('UPDATE messages SET json = ? WHERE id = ?').run('{"ID":"b"}', 'b');
    });
    // Damaged on disk between runs: this run reads the rows for the first time.
    reopen();
    expect(store.conversations().map((c) => c.id)).toEqual([C2]);
    expect(store.conversations().map((c) => c.id)).toEqual([C2]);
    expect(store.conversation(C1)).toBeUndefined();
    // A skipped row does not shorten the page.
    expect(store.messages(C1, { limit: 2 }).map((m) => m.ID)).toEqual(['c', 'a']);
    expect(skipped.map((s) => [s.table, s.key])).toEqual([
      ['conversations', C1],
      ['messages', `${C1}/b`],
    ]);
    expect(skipped[0]!.reason).toMatch(/JSON/);
    expect(store.skippedRows()).toEqual(skipped);
  });

  it('treats an account row that does not read as nobody signed in, and says so', () => {
    store.saveAccount(accountFromLogin('https://chat.example', 'ann@example.com', login));
    raw((db) => db.prepare("UPDATE account SET listeners = '[]'").run());
    expect(store.loadAccount()).toBeNull();
    expect(skipped.map((s) => s.table)).toEqual(['account']);
  });
});

describe('the outbox', () => {
  it('keeps actions in the order they were enqueued, with fresh bookkeeping', () => {
    const actions: Action[] = [
      { kind: 'favorite', conversationId: C1 },
      send(C2, 1),
      { kind: 'color', conversationId: C1, color: '#ff0000' },
      { kind: 'viewed', conversationId: C2, instance: 'Inst000001', messageIds: ['m1'], first: '2026-11-21 10:00:00', last: '2026-11-21 10:00:00' },
      { kind: 'create', conversationId: C3, participantIds: [ME, OTHER], isgroup: false, displayname: 'sealed', secrets: { [ME]: 'w1', [OTHER]: 'w2' } },
      { kind: 'clear', conversationId: C2, instance: 'Inst000001' },
    ];
    const seqs = actions.map((a) => store.enqueue(a));
    expect(seqs.every((r) => r.seq !== null && r.removed.length === 0)).toBe(true);
    const pending = store.pending();
    expect(pending.map((p) => p.action)).toEqual(actions);
    expect(pending.map((p) => p.seq)).toEqual(seqs.map((r) => r.seq));
    expect(pending.map((p) => p.seq)).toEqual([...pending.map((p) => p.seq)].sort((a, b) => a - b));
    expect(pending[0]).toMatchObject({ attempts: 0, nextAttemptAt: 0, lastError: null, inFlight: false });
    expect(store.pendingCount()).toBe(6);
  });

  it('favorite then unfavorite leaves nothing to send', () => {
    const fav = store.enqueue({ kind: 'favorite', conversationId: C1 });
    expect(store.enqueue({ kind: 'unfavorite', conversationId: C1 })).toEqual({ seq: null, removed: [fav.seq] });
    expect(store.pending()).toEqual([]);
  });

  it('the same toggle twice is one entry', () => {
    const mute = store.enqueue({ kind: 'mute', conversationId: C1 });
    expect(store.enqueue({ kind: 'mute', conversationId: C1 })).toEqual({ seq: null, removed: [] });
    expect(store.pending().map((p) => p.seq)).toEqual([mute.seq]);
  });

  it('the last colour wins', () => {
    store.enqueue({ kind: 'color', conversationId: C1, color: '#111111' });
    store.enqueue(send(C1, 1));
    const second = store.enqueue({ kind: 'color', conversationId: C1, color: '#222222' });
    expect(second.removed).toHaveLength(1);
    const third = store.enqueue({ kind: 'color', conversationId: C1, color: '#333333' });
    expect(third.removed).toEqual([second.seq]);
    expect(store.pending().map((p) => p.action.kind === 'color' && p.action.color)).toEqual([false, '#333333']);
  });

  it('never coalesces away an entry that is being sent', () => {
    const fav = store.enqueue({ kind: 'favorite', conversationId: C1 });
    const color = store.enqueue({ kind: 'color', conversationId: C1, color: '#111111' });
    store.markInFlight(fav.seq!);
    store.markInFlight(color.seq!);
    const unfav = store.enqueue({ kind: 'unfavorite', conversationId: C1 });
    const color2 = store.enqueue({ kind: 'color', conversationId: C1, color: '#222222' });
    expect(unfav.removed).toEqual([]);
    expect(color2.removed).toEqual([]);
    expect(store.pending().map((p) => [p.seq, p.inFlight])).toEqual([
      [fav.seq, true],
      [color.seq, true],
      [unfav.seq, false],
      [color2.seq, false],
    ]);
  });

  it('only coalesces with entries of the same conversation', () => {
    store.enqueue({ kind: 'favorite', conversationId: C1 });
    expect(store.enqueue({ kind: 'unfavorite', conversationId: C2 }).seq).not.toBeNull();
    expect(store.pendingCount()).toBe(2);
  });

  it('complete deletes the entry; markInFlight counts each attempt; fail remembers the error and schedules a retry', () => {
    const a = store.enqueue(send(C1, 1)).seq!;
    const b = store.enqueue(send(C1, 2)).seq!;
    store.markInFlight(a);
    store.markInFlight(b);
    expect(store.complete(a)).toBe(true);
    expect(store.complete(a)).toBe(false);
    expect(store.fail(b, 'The server could not be reached.', 123_456)).toBe(true);
    store.markInFlight(b);
    store.fail(b, 'Timed out.', 234_567);
    expect(store.pending()).toEqual([expect.objectContaining({ seq: b, attempts: 2, lastError: 'Timed out.', nextAttemptAt: 234_567, inFlight: false })]);
  });

  it('replaceAction swaps the action but keeps its place in the queue', () => {
    const a = store.enqueue(send(C1, 1)).seq!;
    const b = store.enqueue(send(C1, 2)).seq!;
    const rebased: Action = { ...send(C1, 1), instance: 'Inst000002' };
    expect(store.replaceAction(a, rebased)).toBe(true);
    expect(store.pending().map((p) => [p.seq, p.action])).toEqual([
      [a, rebased],
      [b, send(C1, 2)],
    ]);
    expect(store.replaceAction(9999, rebased)).toBe(false);
  });

  it('never cancels an entry that was handed to the network, even after a restart: the opposite follows it', () => {
    const fav = store.enqueue({ kind: 'favorite', conversationId: C1 }).seq!;
    store.markInFlight(fav);
    reopen();
    store.resetInFlight();
    // The crashed run may have delivered the favourite: the unfavourite must still be sent.
    const unfav = store.enqueue({ kind: 'unfavorite', conversationId: C1 });
    expect(unfav.seq).not.toBeNull();
    expect(store.pending().map((p) => p.action.kind)).toEqual(['favorite', 'unfavorite']);
  });

  it('retryNow makes entries that backed off due at once, leaving those in flight alone', () => {
    const a = store.enqueue(send(C1, 1)).seq!;
    const b = store.enqueue({ kind: 'hide', conversationId: C2 }).seq!;
    store.markInFlight(a);
    store.fail(a, 'The server could not be reached.', Date.now() + 600_000);
    store.markInFlight(b);
    expect(store.retryNow()).toBe(1);
    expect(store.pending().map((p) => [p.seq, p.nextAttemptAt, p.inFlight])).toEqual([
      [a, 0, false],
      [b, 0, true],
    ]);
  });

  it('resetInFlight makes everything marked in flight pending again', () => {
    const a = store.enqueue(send(C1, 1)).seq!;
    const b = store.enqueue({ kind: 'hide', conversationId: C2 }).seq!;
    store.markInFlight(a);
    store.markInFlight(b);
    expect(store.resetInFlight()).toBe(2);
    expect(store.pending().every((p) => !p.inFlight)).toBe(true);
  });

  it('survives close and reopen, and new entries continue after the old ones', () => {
    const seqs = [store.enqueue(send(C1, 1)).seq, store.enqueue({ kind: 'hide', conversationId: C2 }).seq];
    reopen();
    expect(store.pending().map((p) => p.seq)).toEqual(seqs);
    const next = store.enqueue(send(C1, 3)).seq!;
    expect(next).toBeGreaterThan(seqs[1]!);
  });

  it('refuses to store something that is not a valid action', () => {
    const bad = [
      { kind: 'explode', conversationId: C1 },
      { kind: 'send', conversationId: C1, instance: 'I', message: { ID: 'not-a-uuid' } },
      { kind: 'color', conversationId: C1 },
    ];
    for (const action of bad) {
      expect(() => store.enqueue(action as unknown as Action)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    }
    expect(store.pendingCount()).toBe(0);
  });

  it('a transaction that throws leaves nothing behind', () => {
    expect(() =>
      store.transaction(() => {
        store.enqueue(send(C1, 1));
        store.putConversation(conversation(C1));
        throw new Error('changed my mind');
      }),
    ).toThrow('changed my mind');
    expect(store.pendingCount()).toBe(0);
    expect(store.conversations()).toEqual([]);
  });

  it('refuses an async transaction body and saves none of it', () => {
    expect(() =>
      store.transaction(async () => {
        store.enqueue(send(C1, 1));
      }),
    ).toThrow(expect.objectContaining({ code: 'internal' }));
    expect(store.pendingCount()).toBe(0);
  });

  it('skips an outbox row that does not read, reports it, and keeps coalescing the rest', () => {
    const fav = store.enqueue({ kind: 'favorite', conversationId: C1 }).seq!;
    const bad = store.enqueue(send(C1, 1)).seq!;
    raw((db) => db.prepare('UPDATE outbox SET action = ? WHERE seq = ?').run('{"kind":"teleport","conversationId":"x"}', bad));
    expect(store.pending().map((p) => p.seq)).toEqual([fav]);
    expect(store.pendingCount()).toBe(1);
    expect(store.enqueue({ kind: 'unfavorite', conversationId: C1 })).toEqual({ seq: null, removed: [fav] });
    expect(skipped).toEqual([{ table: 'outbox', key: String(bad), reason: 'unknown action kind "teleport"' }]);
  });

  it('reports a closed store as a storage error', () => {
    store.close();
    let caught: unknown;
    try {
      store.pending();
    } catch (err) {
      caught = err;
    }
    expect(isCoreError(caught, 'storage')).toBe(true);
    store = open();
  });
});
