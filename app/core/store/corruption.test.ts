import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Action } from '../sync/actions.js';
import { LOCAL_DB_FILE, MIGRATIONS, openLocalDb } from './local-db.js';
import { accountFromLogin, type StoredAccount } from './local-store.js';
import { ME, cid, conversation, send, tempDir } from '../../../test/support/core/store/fixtures.js';
import { openRaw, TEST_DB_KEY } from '../../../test/support/core/store/db-key.js';

let tmp: ReturnType<typeof tempDir>;
let file: string;
beforeEach(() => {
  tmp = tempDir('ozeki-corrupt-');
  file = join(tmp.dir, LOCAL_DB_FILE);
});
afterEach(() => tmp.remove());

const asideFiles = (): string[] => readdirSync(tmp.dir).filter((f) => f.startsWith(`${LOCAL_DB_FILE}.`));

const account: StoredAccount = accountFromLogin('https://chat.example', 'ann@example.com', {
  status: 'OK',
  errormessage: '',
  server: '1.0',
  listeners: { udp: '', ws: 'ws://h', wss: '' },
  registration: '',
  rsakey: 'sealed-pem',
  userid: ME,
  fullname: 'Ann',
  nick: 'ann',
  urls: {},
});

/** Builds a real database: many conversations (a few MB of cache) and the given outbox. */
function buildDb(outbox: readonly Action[], conversations = 2000): number[] {
  const { db } = openLocalDb(tmp.dir, { key: TEST_DB_KEY });
  db.saveAccount(account);
  const seqs = outbox.map((a) => db.enqueue(a).seq!);
  db.replaceConversations(Array.from({ length: conversations }, (_, i) => conversation(cid(1000 + i), { displayname: `sealed:${'x'.repeat(600)}:${i}` })));
  db.close(); // checkpoints: everything is in the main file now
  expect(existsSync(`${file}-wal`)).toBe(false);
  return seqs;
}

/** Pages of a table or index, from SQLite's own page map. */
function pagesOf(name: string, pagetype?: 'leaf' | 'internal'): { pageno: number; ncell: number }[] {
  const db = openRaw(file, { readonly: true });
  try {
    return db
      .prepare(`SELECT pageno, ncell FROM dbstat WHERE name = ? ${pagetype ? 'AND pagetype = ?' : ''} ORDER BY pageno`)
      .all(...(pagetype ? [name, pagetype] : [name])) as { pageno: number; ncell: number }[];
  } finally {
    db.close();
  }
}

function smashPages(pagenos: readonly number[]): void {
  const pageSize = 4096;
  const fd = openSync(file, 'r+');
  try {
    for (const p of pagenos) writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (p - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
}

describe('opening a damaged local database', () => {
  it('sets aside a file of garbage bytes, starts fresh and says so', () => {
    const garbage = Buffer.from(Array.from({ length: 16384 }, (_, i) => (i * 7919 + 13) % 256));
    writeFileSync(file, garbage);

    const { db, notices, repaired } = openLocalDb(tmp.dir, { key: TEST_DB_KEY });
    try {
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(/^The local cache was damaged and has been rebuilt from the server; its unsent changes could not be read/);
      const aside = asideFiles();
      expect(aside).toHaveLength(1);
      expect(aside[0]).toMatch(/^local\.db\.corrupt-\d{4}-\d{2}-\d{2}T[\d-]+Z$/);
      expect(notices[0]).toContain(aside[0]);
      expect(readFileSync(join(tmp.dir, aside[0]!))).toEqual(garbage);
      expect(repaired?.reason).toMatch(/^corrupt: SQLITE_NOTADB/);
      // The fresh database works.
      expect(db.settings().schemaVersion).toBe(MIGRATIONS.length);
      expect(db.enqueue(send(cid(1), 1)).seq).not.toBeNull();
      expect(db.pending()).toHaveLength(1);
    } finally {
      db.close();
    }
    // And opens cleanly the next time.
    const again = openLocalDb(tmp.dir, { key: TEST_DB_KEY });
    expect(again.notices).toEqual([]);
    expect(again.db.pendingCount()).toBe(1);
    again.db.close();
  });

  it('rebuilds when cache pages are damaged and keeps every unsent change, in order, with the account', () => {
    const outbox: Action[] = [
      send(cid(1), 1),
      { kind: 'favorite', conversationId: cid(2) },
      { kind: 'color', conversationId: cid(2), color: '#abcdef' },
      send(cid(1), 2),
      { kind: 'clear', conversationId: cid(3), instance: 'Inst000001' },
    ];
    const seqs = buildDb(outbox);
    const convPages = pagesOf('conversations', 'leaf');
    expect(convPages.length).toBeGreaterThan(100);
    const outboxPages = pagesOf('outbox').map((p) => p.pageno);
    const middle = convPages.slice(Math.floor(convPages.length / 2), Math.floor(convPages.length / 2) + 5).map((p) => p.pageno);
    expect(middle.some((p) => outboxPages.includes(p) || p === 1)).toBe(false);
    smashPages(middle);

    const { db, notices, repaired } = openLocalDb(tmp.dir, { key: TEST_DB_KEY });
    try {
      expect(repaired?.reason).toMatch(/^corrupt: /);
      expect(notices).toEqual([
        expect.stringMatching(
          /^The local cache was damaged and has been rebuilt from the server; your 5 unsent changes were kept\. The old file was kept as local\.db\.corrupt-/,
        ),
      ]);
      expect(db.pending().map((p) => [p.seq, p.action])).toEqual(seqs.map((seq, i) => [seq, outbox[i]]));
      expect(db.conversations()).toEqual([]);
      expect(db.loadAccount()).toEqual(account);
      // New work continues after the recovered entries.
      expect(db.enqueue(send(cid(9), 9)).seq!).toBeGreaterThan(seqs[seqs.length - 1]!);
    } finally {
      db.close();
    }
  });

  it('after a clean shutdown opens unchecked, finds the damage a moment later, and rebuilds at the next launch keeping the outbox', () => {
    const outbox: Action[] = [send(cid(1), 1), { kind: 'favorite', conversationId: cid(2) }];
    const seqs = buildDb(outbox);
    const convPages = pagesOf('conversations', 'leaf');
    smashPages(convPages.slice(Math.floor(convPages.length / 2), Math.floor(convPages.length / 2) + 5).map((p) => p.pageno));

    const first = openLocalDb(tmp.dir, { key: TEST_DB_KEY, check: 'deferred' });
    expect(first.repaired).toBeUndefined();
    expect(first.db.pendingCount()).toBe(2);
    expect(first.db.checkIntegrity()).toMatch(/.+/);
    first.db.close();

    const next = openLocalDb(tmp.dir, { key: TEST_DB_KEY, check: 'deferred' });
    try {
      expect(next.repaired?.reason).toMatch(/^corrupt: /);
      expect(next.notices).toEqual([
        expect.stringMatching(/^The local cache was damaged and has been rebuilt from the server; your 2 unsent changes were kept/),
      ]);
      expect(next.db.pending().map((p) => [p.seq, p.action])).toEqual(seqs.map((seq, i) => [seq, outbox[i]]));
      expect(next.db.checkIntegrity()).toBeNull();
    } finally {
      next.db.close();
    }
    // Settled: the third launch opens the rebuilt file as it is.
    const third = openLocalDb(tmp.dir, { key: TEST_DB_KEY, check: 'deferred' });
    expect(third.repaired).toBeUndefined();
    third.db.close();
  });

  it('checks before it opens when the last run did not close the file (a crash or a power cut)', () => {
    buildDb([send(cid(1), 1)]);
    const crashed = openLocalDb(tmp.dir, { key: TEST_DB_KEY, check: 'deferred' });
    // Killed: the store is never closed, so its in-use mark stays. (The handle goes with the test.)
    const convPages = pagesOf('conversations', 'leaf');
    smashPages(convPages.slice(Math.floor(convPages.length / 2), Math.floor(convPages.length / 2) + 5).map((p) => p.pageno));
    const next = openLocalDb(tmp.dir, { key: TEST_DB_KEY, check: 'deferred' });
    try {
      expect(next.repaired?.reason).toMatch(/^corrupt: /);
      expect(next.db.pendingCount()).toBe(1);
    } finally {
      next.db.close();
      crashed.db.close();
    }
  });

  it('counts honestly when outbox pages themselves are damaged: what reads is kept in order, the rest is reported lost', () => {
    const outbox: Action[] = Array.from({ length: 120 }, (_, i) => send(cid(1 + (i % 7)), i, `sealed:${'y'.repeat(900)}:${i}`));
    const seqs = buildDb(outbox, 200);
    const leaves = pagesOf('outbox', 'leaf');
    expect(leaves.length).toBeGreaterThan(10);
    const victim = leaves[Math.floor(leaves.length / 2)]!;
    // Which seqs live on the page about to be destroyed.
    const onVictim = (() => {
      const db = openRaw(file, { readonly: true });
      try {
        const rows = db.prepare('SELECT seq FROM outbox ORDER BY seq').all() as { seq: number }[];
        // dbstat gives counts, not contents: walk the leaves in key order (by path) to find the victim's seqs.
        let offset = 0;
        const ordered = db.prepare("SELECT pageno, ncell FROM dbstat WHERE name = 'outbox' AND pagetype = 'leaf' ORDER BY path").all() as {
          pageno: number;
          ncell: number;
        }[];
        for (const leaf of ordered) {
          if (leaf.pageno === victim.pageno) return rows.slice(offset, offset + leaf.ncell).map((r) => r.seq);
          offset += leaf.ncell;
        }
        throw new Error('victim page not found');
      } finally {
        db.close();
      }
    })();
    expect(onVictim).toHaveLength(victim.ncell);
    smashPages([victim.pageno]);

    const { db, notices } = openLocalDb(tmp.dir, { key: TEST_DB_KEY });
    try {
      const kept = seqs.filter((s) => !onVictim.includes(s));
      expect(notices).toEqual([
        expect.stringMatching(
          new RegExp(
            `^The local cache was damaged and has been rebuilt from the server; your ${kept.length} unsent changes were kept, but ${onVictim.length} could not be recovered\\.`,
          ),
        ),
      ]);
      expect(db.pending().map((p) => p.seq)).toEqual(kept);
      expect(db.pending().map((p) => p.action)).toEqual(kept.map((s) => outbox[seqs.indexOf(s)]));
    } finally {
      db.close();
    }
  });

  it('sets aside a database from a newer schema version with a notice, carrying its unsent changes over', () => {
    const outbox: Action[] = [send(cid(1), 1), { kind: 'mute', conversationId: cid(1) }];
    const seqs = buildDb(outbox, 10);
    const raw = openRaw(file);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    // A newer version may write actions this one does not know: those cannot be carried over.
    raw.prepare('INSERT INTO outbox (conversation_id, kind, action, created_at) VALUES (\'c\', \'react\', \'{"kind":"react","conversationId":"c"}\', 0)').run();
    raw.close();

    const { db, notices } = openLocalDb(tmp.dir, { key: TEST_DB_KEY });
    try {
      expect(notices).toEqual([
        expect.stringMatching(
          /^The local cache was written by a newer version of Ozeki Chat Desktop, so it has been set aside and rebuilt from the server; your 2 unsent changes were kept, but 1 could not be recovered\. The old file was kept as local\.db\.newer-/,
        ),
      ]);
      expect(db.settings().schemaVersion).toBe(MIGRATIONS.length);
      expect(db.pending().map((p) => [p.seq, p.action])).toEqual(seqs.map((seq, i) => [seq, outbox[i]]));
      expect(asideFiles().filter((f) => !/-(wal|shm)$/.test(f))).toEqual([expect.stringMatching(/^local\.db\.newer-[\dTZ-]+$/)]);
    } finally {
      db.close();
    }
  });

  it('takes the -wal along when setting a file aside, so unsent changes that only reached the log are kept', () => {
    const seqs = buildDb([send(cid(1), 1)]);
    const convPages = pagesOf('conversations', 'leaf').map((p) => p.pageno);
    // A run that is killed right after an enqueue: the new entry is only in the write-ahead log.
    const { db: live } = openLocalDb(tmp.dir, { key: TEST_DB_KEY });
    const late = live.enqueue({ kind: 'hide', conversationId: cid(2) }).seq!;
    const crashed = tempDir('ozeki-crashed-');
    try {
      copyFileSync(file, join(crashed.dir, LOCAL_DB_FILE));
      copyFileSync(`${file}-wal`, join(crashed.dir, `${LOCAL_DB_FILE}-wal`));
      live.close();
      file = join(crashed.dir, LOCAL_DB_FILE);
      smashPages(convPages.slice(200, 204));

      const { db, notices } = openLocalDb(crashed.dir, { key: TEST_DB_KEY });
      try {
        expect(notices).toEqual([expect.stringMatching(/; your 2 unsent changes were kept\./)]);
        expect(db.pending().map((p) => p.seq)).toEqual([...seqs, late]);
      } finally {
        db.close();
      }
      expect(
        readdirSync(crashed.dir)
          .filter((f) => f.startsWith(`${LOCAL_DB_FILE}.corrupt-`))
          .map((f) => f.replace(/^.*Z/, '')),
      ).toContain('-wal');
    } finally {
      crashed.remove();
    }
  });

  it('never replays a leftover log without its database into a fresh one', () => {
    writeFileSync(`${file}-wal`, Buffer.alloc(4096, 1));
    const { db, notices } = openLocalDb(tmp.dir, { key: TEST_DB_KEY });
    try {
      expect(notices).toEqual([]);
      expect(existsSync(`${file}-wal`)).toBe(true); // the fresh database's own log
      expect(readdirSync(tmp.dir).some((f) => f.startsWith(`${LOCAL_DB_FILE}.orphan-`) && f.endsWith('-wal'))).toBe(true);
      expect(db.pendingCount()).toBe(0);
    } finally {
      db.close();
    }
  });

  it('sets aside something that cannot be opened as a database at all (a folder in its place)', () => {
    mkdirSync(file);
    writeFileSync(join(file, 'inside'), 'x');
    const { db, notices } = openLocalDb(tmp.dir, { key: TEST_DB_KEY });
    try {
      expect(notices).toEqual([
        expect.stringMatching(/^The local cache could not be opened and has been rebuilt from the server; its unsent changes could not be read/),
      ]);
      expect(db.enqueue(send(cid(1), 1)).seq).not.toBeNull();
      expect(asideFiles()).toHaveLength(1);
    } finally {
      db.close();
    }
  });

  it('a crash in the middle of a repair puts the damaged file back, so the next start repairs it again and loses nothing', () => {
    const outbox: Action[] = [send(cid(1), 1), { kind: 'unmute', conversationId: cid(4) }];
    const seqs = buildDb(outbox);
    smashPages(
      pagesOf('conversations', 'leaf')
        .slice(100, 103)
        .map((p) => p.pageno),
    );
    // The state a kill leaves after the set-aside and before the replacement moved into place.
    const aside = `${LOCAL_DB_FILE}.corrupt-2026-01-01T00-00-00-000Z`;
    renameSync(file, join(tmp.dir, aside));
    const other = tempDir('ozeki-half-');
    try {
      const { db: half } = openLocalDb(other.dir, { key: TEST_DB_KEY });
      half.setMeta('repair_source', aside);
      half.close();
      copyFileSync(join(other.dir, LOCAL_DB_FILE), join(tmp.dir, `${LOCAL_DB_FILE}.rebuilding`));
    } finally {
      other.remove();
    }

    const { db, notices } = openLocalDb(tmp.dir, { key: TEST_DB_KEY });
    try {
      expect(notices).toEqual([expect.stringMatching(/; your 2 unsent changes were kept\./)]);
      expect(db.pending().map((p) => [p.seq, p.action])).toEqual(seqs.map((seq, i) => [seq, outbox[i]]));
      expect(readdirSync(tmp.dir).filter((f) => f.includes('rebuilding'))).toEqual([]);
      expect(asideFiles().filter((f) => !/-(wal|shm)$/.test(f))).toHaveLength(1);
    } finally {
      db.close();
    }
  });

  it('a crash after a repair finished but before its file moved into place still delivers the file and its notice', () => {
    const other = tempDir('ozeki-done-');
    let seq: number;
    try {
      const { db: done } = openLocalDb(other.dir, { key: TEST_DB_KEY });
      seq = done.enqueue(send(cid(1), 1)).seq!;
      done.setMeta('repair_notice', 'The local cache was damaged and has been rebuilt from the server; your 1 unsent change was kept.');
      done.close();
      copyFileSync(join(other.dir, LOCAL_DB_FILE), join(tmp.dir, `${LOCAL_DB_FILE}.rebuilding`));
    } finally {
      other.remove();
    }
    const { db, notices } = openLocalDb(tmp.dir, { key: TEST_DB_KEY });
    try {
      expect(notices).toEqual(['The local cache was damaged and has been rebuilt from the server; your 1 unsent change was kept.']);
      expect(db.pending().map((p) => p.seq)).toEqual([seq]);
    } finally {
      db.close();
    }
    // Handed out once.
    const again = openLocalDb(tmp.dir, { key: TEST_DB_KEY });
    expect(again.notices).toEqual([]);
    again.db.close();
  });

  it('opens a healthy database without notices and without setting anything aside', () => {
    buildDb([send(cid(1), 1)], 50);
    const { db, notices } = openLocalDb(tmp.dir, { key: TEST_DB_KEY });
    expect(notices).toEqual([]);
    expect(db.pendingCount()).toBe(1);
    expect(db.conversations()).toHaveLength(50);
    db.close();
    expect(asideFiles()).toEqual([]);
  });
});
