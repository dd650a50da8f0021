import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeTightened, ensurePrivateFolder } from './private-files.js';
import { openSettings } from './settings/conf-settings.js';
import { openLocalDb } from './store/local-db.js';
import { TEST_DB_KEY } from '../../test/support/core/store/db-key.js';

const mode = (path: string): number => statSync(path).mode & 0o777;

describe.skipIf(process.platform === 'win32')('the data folder is private to its user, under umask 022', () => {
  let root: string;
  let oldUmask: number;

  beforeEach(() => {
    oldUmask = process.umask(0o022);
    root = mkdtempSync(join(tmpdir(), 'ozeki-private-'));
  });
  afterEach(() => {
    process.umask(oldUmask);
    rmSync(root, { recursive: true, force: true });
  });

  it('creates the folder, its missing parents, the settings and the database (with WAL and SHM) for the owner only', () => {
    const parent = join(root, 'config');
    const dataDir = join(parent, 'Ozeki Chat Desktop');
    // The settings store opens first in both hosts, as it did when the folder came out 0755.
    const { store } = openSettings(dataDir);
    store.update({ serverUrl: 'http://127.0.0.1:9080/ozeki/index.php' });
    const { db } = openLocalDb(dataDir, { key: TEST_DB_KEY });
    try {
      db.putDraft('conv-1', 'sealed draft');
      const files = readdirSync(dataDir);
      expect(files).toEqual(expect.arrayContaining(['settings.json', 'local.db', 'local.db-wal', 'local.db-shm']));
      expect(mode(parent)).toBe(0o700);
      expect(mode(dataDir)).toBe(0o700);
      for (const file of files) expect([file, mode(join(dataDir, file))]).toEqual([file, 0o600]);
    } finally {
      db.close();
    }
  });

  it('tightens a folder and files that other users could read, and says which', () => {
    const dataDir = join(root, 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'local.db'), '', { mode: 0o644 });
    writeFileSync(join(dataDir, 'settings.json'), '{}', { mode: 0o640 });
    writeFileSync(join(dataDir, 'already-private'), '', { mode: 0o600 });
    mkdirSync(join(dataDir, 'demo-server'), { mode: 0o755 });

    const tightened = ensurePrivateFolder(dataDir);

    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, 'local.db'))).toBe(0o600);
    expect(mode(join(dataDir, 'settings.json'))).toBe(0o600);
    expect(mode(join(dataDir, 'demo-server'))).toBe(0o700);
    expect(tightened).toHaveLength(4);
    expect(tightened).toContain(`${join(dataDir, 'local.db')} (0644 to 0600)`);
    expect(tightened.some((line) => line.includes('already-private'))).toBe(false);
    const line = describeTightened(tightened);
    expect(line).toContain('Made the data folder private');
    expect(line).toContain(`${dataDir} (0755 to 0700)`);
  });

  it('changes nothing and logs nothing when the folder is private already', () => {
    const dataDir = join(root, 'data');
    ensurePrivateFolder(dataDir);
    writeFileSync(join(dataDir, 'local.db'), '', { mode: 0o600 });
    expect(ensurePrivateFolder(dataDir)).toEqual([]);
    expect(describeTightened([])).toBeNull();
  });

  it('opening an existing 0644 database makes it and its WAL private', () => {
    const dataDir = join(root, 'data');
    openLocalDb(dataDir, { key: TEST_DB_KEY }).db.close();
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'local.db'), 0o644);
    const { db } = openLocalDb(dataDir, { key: TEST_DB_KEY });
    try {
      db.putDraft('conv-1', 'sealed draft');
      for (const file of readdirSync(dataDir)) expect([file, mode(join(dataDir, file))]).toEqual([file, 0o600]);
      expect(mode(dataDir)).toBe(0o700);
    } finally {
      db.close();
    }
  });
});
