/**
 * The data folder holds every user's API key: it is 0700 and every file in it 0600 whatever the
 * umask (here the common 022, under which a plain SQLite file would be 0644), and an older folder
 * with wider modes is tightened at start, with a log line per path.
 */
import Database from 'better-sqlite3';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../src/db/store.js';
import { DEMO_ACCOUNTS_FILE, type DemoAccount } from '../src/seed.js';
import { startServer } from '../src/server.js';
import { killAllCli, startCli } from './cli-process.js';
import { startTestServer, tempDataDir, TestClient } from './harness.js';

const mode = (path: string): number => statSync(path).mode & 0o777;
/** [name, mode] of every entry in the folder, for readable failures. */
const modes = (dir: string): [string, number][] => readdirSync(dir).map((f) => [f, mode(join(dir, f))]);

const folders: string[] = [];
afterAll(() => {
  killAllCli();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(process.platform === 'win32')('the data folder is private to the server user, under umask 022', () => {
  let oldUmask: number;
  beforeEach(() => {
    oldUmask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(oldUmask);
  });

  it('serve --seed demo on a new folder: the folders it makes are 0700, every file in them 0600', async () => {
    const root = tempDataDir();
    folders.push(root);
    const dataDir = join(root, 'made', 'by', 'server');
    // The child inherits this process's umask 022.
    const { child, out, exited } = startCli(['--port', '0', '--data', dataDir, '--seed', 'demo']);
    let url: string | undefined;
    for (const deadline = Date.now() + 30_000; !url;) {
      url = /listening on (\S+)/.exec(out.stdout)?.[1];
      if (!url && (child.exitCode !== null || Date.now() > deadline)) throw new Error(`the server did not start: ${out.stdout} ${out.stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    try {
      const accounts = JSON.parse(readFileSync(join(dataDir, DEMO_ACCOUNTS_FILE), 'utf8')) as DemoAccount[];
      const alice = await new TestClient(url, accounts[0]!).signIn();
      const [conversation] = await alice.conversations();
      expect((await alice.call('favorite', { conversationid: conversation.id })).http).toBe(200);

      for (const d of [join(root, 'made'), join(root, 'made', 'by'), dataDir]) expect([d, mode(d)]).toEqual([d, 0o700]);
      const files = readdirSync(dataDir);
      // The files SQLite makes itself are there, so their modes were checked too.
      expect(files).toEqual(expect.arrayContaining([DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`, DEMO_ACCOUNTS_FILE]));
      for (const entry of modes(dataDir)) expect(entry).toEqual([entry[0], 0o600]);
      // Nothing needed tightening: the folder was private from the start.
      expect(out.stderr).not.toMatch(/Tightened/);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    for (const entry of modes(dataDir)) expect(entry).toEqual([entry[0], 0o600]);
  });

  it('tightens an existing 0755 folder with a 0644 server.db (and its other files), saying so in the log', async () => {
    // A folder as an older server left it under umask 022.
    const first = await startTestServer();
    folders.push(first.dataDir);
    await first.stop();
    const dir = first.dataDir;
    chmodSync(dir, 0o755);
    chmodSync(join(dir, DATABASE_FILE), 0o644);
    chmodSync(join(dir, DEMO_ACCOUNTS_FILE), 0o644);
    writeFileSync(join(dir, 'server.log'), 'old log\n', { mode: 0o644 });
    mkdirSync(join(dir, 'not-ours'), { mode: 0o755 });
    expect(mode(join(dir, DATABASE_FILE))).toBe(0o644);

    const lines: string[] = [];
    const server = await startServer({ dataDir: dir, port: 0, log: (l) => lines.push(l) });
    try {
      expect(mode(dir)).toBe(0o700);
      for (const entry of modes(dir).filter(([f]) => f !== 'not-ours')) expect(entry).toEqual([entry[0], 0o600]);
      // Sub-folders are not the server's: it does not reach into them.
      expect(mode(join(dir, 'not-ours'))).toBe(0o755);
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.stringMatching(new RegExp(`${escape(dir)} from 0755 to 0700`)),
          expect.stringMatching(new RegExp(`${escape(join(dir, DATABASE_FILE))} from 0644 to 0600`)),
          expect.stringMatching(new RegExp(`${escape(join(dir, DEMO_ACCOUNTS_FILE))} from 0644 to 0600`)),
          expect.stringMatching(new RegExp(`${escape(join(dir, 'server.log'))} from 0644 to 0600`)),
        ]),
      );
      expect(lines.filter((l) => l.includes('Tightened'))).toHaveLength(4);
    } finally {
      await server.close();
    }
    // Started again, there is nothing left to say.
    const quiet: string[] = [];
    const again = await startServer({ dataDir: dir, port: 0, log: (l) => quiet.push(l) });
    await again.close();
    expect(quiet.filter((l) => l.includes('Tightened'))).toEqual([]);
  });

  it('a database SQLite left at 0644 with its -wal and -shm is opened 0600 throughout', async () => {
    const dir = tempDataDir();
    folders.push(dir);
    const raw = new Database(join(dir, DATABASE_FILE));
    raw.pragma('journal_mode = WAL');
    raw.exec('CREATE TABLE t (x)');
    expect(mode(join(dir, DATABASE_FILE))).toBe(0o644);
    const server = await startServer({ dataDir: dir, port: 0, log: () => {} }).catch((err: unknown) => {
      raw.close();
      throw err;
    });
    try {
      for (const entry of modes(dir)) expect(entry).toEqual([entry[0], 0o600]);
    } finally {
      await server.close();
      raw.close();
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
