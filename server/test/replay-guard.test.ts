/**
 * Replay refusal is per user across all of the user's stations, its memory stays bounded, the file
 * gives the space back, and the database is opened durable (synchronous = FULL).
 */
import Database from 'better-sqlite3';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeRequest, newStationId } from '../../protocol/index.js';
import { MIGRATIONS } from '../src/db/database.js';
import { SeenSignatures } from '../src/db/notifications.js';
import { DATABASE_FILE, Store } from '../src/db/store.js';
import { startServer } from '../src/server.js';
import { rawPost, startTestServer, tempDataDir, TestClient, type TestServer } from './harness.js';
import { expectRefused } from './refused.js';

const folders: string[] = [];
afterAll(() => folders.forEach((d) => rmSync(d, { recursive: true, force: true })));
function freshStore(): { store: Store; dir: string } {
  const dir = tempDataDir();
  folders.push(dir);
  return { store: new Store(dir, { log: () => {} }), dir };
}

describe('a replayed body on another station of the same user', () => {
  let t: TestServer;
  let stationA: TestClient;
  let stationB: TestClient;

  beforeAll(async () => {
    t = await startTestServer();
    stationA = await new TestClient(t.server.url, t.accounts[0]!).signIn();
    stationB = await new TestClient(t.server.url, t.accounts[0]!).signIn();
    expect(stationA.station).not.toBe(stationB.station);
  });
  afterAll(() => t.stop({ remove: true }));

  function signedOnA() {
    const { body, headers } = encodeRequest('conversationList', {}, { station: stationA.station, user: stationA.userid, apikey: stationA.account.apikey });
    return { url: stationA.urlFor('conversationList'), body, headers };
  }

  it('is refused (401) after station A accepted it', async () => {
    const req = signedOnA();
    expect((await rawPost(req.url, req.body, req.headers)).http).toBe(200);
    expectRefused(await rawPost(req.url, req.body, req.headers), 401, /replay/);
    const onB = await rawPost(req.url, req.body, { ...req.headers, 'Ozeki-Station': stationB.station });
    expectRefused(onB, 401, /replay/);
  });

  it('is refused on A when B took it first', async () => {
    const req = signedOnA();
    expect((await rawPost(req.url, req.body, { ...req.headers, 'Ozeki-Station': stationB.station })).http).toBe(200);
    expectRefused(await rawPost(req.url, req.body, req.headers), 401, /replay/);
  });

  it('leaves fresh bodies on both stations alone', async () => {
    expect((await stationA.call('conversationList', {})).http).toBe(200);
    expect((await stationB.call('conversationList', {})).http).toBe(200);
  });
});

describe('the replay memory stays bounded', () => {
  const t0 = Date.UTC(2030, 0, 1);

  it('purge forgets the signatures whose window has ended, and only those', () => {
    const { store } = freshStore();
    try {
      expect(store.seenSignatures.remember('u1', 'sig-old', t0 + 300_000, t0)).toBe(true);
      expect(store.seenSignatures.remember('u1', 'sig-new', t0 + 900_000, t0)).toBe(true);
      expect(store.seenSignatures.remember('u1', 'sig-old', t0 + 300_000, t0)).toBe(false);
      // Another user's identical signature is that user's business.
      expect(store.seenSignatures.remember('u2', 'sig-old', t0 + 300_000, t0)).toBe(true);
      expect(store.seenSignatures.purge(t0 + 300_000)).toBe(0); // still inside its window
      expect(store.seenSignatures.purge(t0 + 300_001)).toBe(2);
      expect(store.seenSignatures.count()).toBe(1);
      expect(store.seenSignatures.remember('u1', 'sig-new', t0 + 900_000, t0 + 300_001)).toBe(false);
    } finally {
      store.close();
    }
  });

  it('still refuses a replay after a restart inside its window, and forgets it after', () => {
    const { store, dir } = freshStore();
    store.seenSignatures.remember('u1', 'sig-before-restart', t0 + 300_000, t0);
    store.close();
    const again = new Store(dir, { log: () => {} });
    try {
      expect(again.seenSignatures.count()).toBe(1);
      expect(again.seenSignatures.remember('u1', 'sig-before-restart', t0 + 300_000, t0 + 1000)).toBe(false);
      expect(again.seenSignatures.purge(t0 + 300_001)).toBe(1);
      expect(again.db.prepare('SELECT count(*) AS n FROM replay_log').get()).toEqual({ n: 0 });
    } finally {
      again.close();
    }
  });

  it('purges every PURGE_EVERY inserts too, with the clock it is given, so a burst cannot outgrow the timer', () => {
    const { store } = freshStore();
    try {
      const n = SeenSignatures.PURGE_EVERY;
      store.transaction(() => {
        for (let i = 0; i < n - 1; i++) store.seenSignatures.remember('u1', `a${i}`, t0 + 1000, t0);
      });
      expect(store.seenSignatures.count()).toBe(n - 1);
      // Ten minutes later, the next insert is the n-th: the expired ones go.
      store.seenSignatures.remember('u1', 'late', t0 + 1_000_000, t0 + 600_000);
      expect(store.seenSignatures.count()).toBe(1);
    } finally {
      store.close();
    }
  });

  it('the file shrinks again after many signatures are purged (auto_vacuum = INCREMENTAL)', () => {
    const { store, dir } = freshStore();
    const file = join(dir, DATABASE_FILE);
    try {
      const db = store.db;
      expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);
      const before = db.pragma('page_count', { simple: true }) as number;
      store.transaction(() => {
        for (let i = 0; i < 30_000; i++) store.seenSignatures.remember(`user${i % 7}`, `${i}`.padStart(64, 'f'), t0 + 300_000, t0);
      });
      db.pragma('wal_checkpoint(TRUNCATE)');
      const peak = db.pragma('page_count', { simple: true }) as number;
      const peakBytes = statSync(file).size;
      expect(peak).toBeGreaterThan(before + 500);

      store.transaction(() => store.seenSignatures.purge(t0 + 300_001));
      expect(db.pragma('freelist_count', { simple: true })).toBeGreaterThan(500);
      expect(store.reclaimSpace()).toBeGreaterThan(500);
      expect(db.pragma('freelist_count', { simple: true })).toBe(0);
      const after = db.pragma('page_count', { simple: true }) as number;
      expect(after).toBeLessThan(before + 10);
      db.pragma('wal_checkpoint(TRUNCATE)');
      expect(statSync(file).size).toBeLessThan(peakBytes / 10);
    } finally {
      store.close();
    }
  });

  it("the server's upkeep timer purges expired signatures and gives the pages back", async () => {
    const dir = tempDataDir();
    folders.push(dir);
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const server = await startServer({ dataDir: dir, port: 0, log: () => {} });
    try {
      const { store } = server;
      const now = Date.now();
      store.transaction(() => {
        for (let i = 0; i < 5000; i++) store.seenSignatures.remember('u1', `${i}`.padStart(64, '0'), now - 1, now - 600_000);
      });
      store.seenSignatures.remember('u1', 'still-valid', now + 300_000, now);
      expect(store.db.pragma('freelist_count', { simple: true })).toBe(0);
      vi.advanceTimersByTime(60_000);
      expect(store.seenSignatures.count()).toBe(1);
      expect(store.db.pragma('freelist_count', { simple: true })).toBe(0);
    } finally {
      vi.useRealTimers();
      await server.close();
    }
  });
});

describe('upgrading a version 1 database', () => {
  it('keeps what v1 remembered, under the user it was for, and converts the file to incremental auto_vacuum', () => {
    const dir = tempDataDir();
    folders.push(dir);
    const file = join(dir, DATABASE_FILE);
    const station = newStationId();
    const now = Date.UTC(2030, 0, 1);
    const v1 = new Database(file);
    v1.pragma('journal_mode = WAL');
    v1.exec(MIGRATIONS[0] as string);
    v1.pragma('user_version = 1');
    v1.prepare("INSERT INTO users (id, email, apikey, nick, fullname, publickey, rsakey, created) VALUES ('u1', 'a@b', 'k', 'n', 'f', 'p', 'r', 0)").run();
    v1.prepare('INSERT INTO stations (id, user_id, bound_at) VALUES (?, ?, 0)').run(station, 'u1');
    const seen = v1.prepare('INSERT INTO seen_signatures (scope, signature, expires) VALUES (?, ?, ?)');
    seen.run(station, 'by-station', now + 1000);
    seen.run('user:u1', 'by-user', now + 1000);
    seen.run(newStationId(), 'unbound-station', now + 1000);
    expect(v1.pragma('auto_vacuum', { simple: true })).toBe(0);
    v1.close();

    const store = new Store(dir, { log: () => {} });
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(store.db.pragma('auto_vacuum', { simple: true })).toBe(2);
      expect(store.seenSignatures.count()).toBe(2);
      expect(store.seenSignatures.remember('u1', 'by-station', now + 1000, now)).toBe(false);
      expect(store.seenSignatures.remember('u1', 'by-user', now + 1000, now)).toBe(false);
    } finally {
      store.close();
    }
  });
});

describe('durability', () => {
  it('the database is opened with synchronous = FULL (2), in WAL mode', async () => {
    const { store } = freshStore();
    try {
      expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      store.close();
    }
    const dir = tempDataDir();
    folders.push(dir);
    const server = await startServer({ dataDir: dir, port: 0, log: () => {} });
    try {
      expect(server.store.db.pragma('synchronous', { simple: true })).toBe(2);
    } finally {
      await server.close();
    }
  });
});

afterEach(() => {
  vi.useRealTimers();
});
