/**
 * The reference server's command line, run for real (`tsx server/src/cli.ts`): demo seeding, the
 * administration commands (while a server runs on the same folder), help and refusals.
 */
import Database from 'better-sqlite3';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_KEY_PATTERN,
  WrongEncryptionPasswordError,
  cipherSize,
  newFileId,
  oneToOneConversationId,
  openMessage,
  openText,
  unlockPrivateKey,
  userIdFromEmail,
} from '../../protocol/index.js';
import { DATABASE_FILE } from '../src/db/store.js';
import { DEMO_ACCOUNTS_FILE, type DemoAccount } from '../src/seed.js';
import { killAllCli, killGroup, startCli, type CliFinished as Finished } from './cli-process.js';
import { tempDataDir, TestClient } from './harness.js';
import { expectRefused } from './refused.js';

const LISTENING = /Ozeki Chat reference server listening on (\S+)/;

const folders: string[] = [];

function dataDir(): string {
  const dir = tempDataDir();
  folders.push(dir);
  return dir;
}

const start = startCli;

/** Runs a command to its end. */
async function run(...args: string[]): Promise<Finished> {
  const { child, exited } = start(args);
  const timer = setTimeout(() => killGroup(child), 20_000);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

type ServerChild = { url: string; stop(): Promise<Finished>; out: { stdout: string; stderr: string } };

/** Starts `serve` and waits for the "listening" line. */
async function serve(...args: string[]): Promise<ServerChild> {
  const { child, out, exited } = start(['--port', '0', ...args]);
  let ended: Finished | null = null;
  void exited.then((f) => (ended = f));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = LISTENING.exec(out.stdout);
    if (m) return { url: m[1]!, out, stop: () => (child.kill('SIGTERM'), exited) };
    if (ended || Date.now() > deadline) throw new Error(`the server did not start: ${out.stdout} ${out.stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

afterAll(() => {
  killAllCli();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

function accountsIn(dir: string): DemoAccount[] {
  return JSON.parse(readFileSync(join(dir, DEMO_ACCOUNTS_FILE), 'utf8')) as DemoAccount[];
}

function counts(dir: string): Record<string, number> {
  const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
  try {
    const out: Record<string, number> = {};
    for (const table of ['users', 'friendships', 'conversations', 'participants', 'messages']) {
      out[table] = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    }
    return out;
  } finally {
    db.close();
  }
}

describe('serve --seed demo, and the administration commands beside it', () => {
  let dir: string;
  let server: ServerChild;
  let accounts: DemoAccount[];
  let clients: TestClient[];
  const dave = { email: 'dave@example.com', nick: 'Dave', fullname: 'Dave Davis', password: 'dave-encryption-1' };
  let daveAccount: DemoAccount;

  beforeAll(async () => {
    dir = dataDir();
    server = await serve('--data', dir, '--seed', 'demo');
    accounts = accountsIn(dir);
    clients = await Promise.all(accounts.map((a) => new TestClient(server.url, a).signIn()));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('prints where the demo accounts are', () => {
    expect(server.out.stdout).toContain(`Seeded demo accounts in ${join(dir, DEMO_ACCOUNTS_FILE)}`);
  });

  it('writes demo-accounts.json: at least three accounts with exactly email, userid, apikey, password, nick, fullname', () => {
    expect(Array.isArray(accounts)).toBe(true);
    expect(accounts.length).toBeGreaterThanOrEqual(3);
    for (const a of accounts) {
      expect(Object.keys(a).sort()).toEqual(['apikey', 'email', 'fullname', 'nick', 'password', 'userid']);
      expect(a.userid).toBe(userIdFromEmail(a.email.toLowerCase()));
      expect(a.apikey).toMatch(API_KEY_PATTERN);
      expect(a.apikey).toMatch(/^[0-9a-f]{64}$/);
      for (const field of ['email', 'password', 'nick', 'fullname'] as const) expect(a[field]).not.toBe('');
    }
    expect(new Set(accounts.map((a) => a.email)).size).toBe(accounts.length);
  });

  it('lets every demo account log in and unlock its rsakey with its password', () => {
    for (const c of clients) {
      expect(c.login.userid).toBe(c.userid);
      expect(unlockPrivateKey(c.login.rsakey, c.account.password).asymmetricKeyType).toBe('rsa');
      expect(() => unlockPrivateKey(c.login.rsakey, `${c.account.password}x`)).toThrow(WrongEncryptionPasswordError);
    }
  });

  it('makes all demo users friends, with a 1:1 conversation per pair holding messages that decrypt', async () => {
    for (const me of clients) {
      const others = clients.filter((c) => c !== me);
      const friends = await me.call('friendsList', {});
      expect(Object.keys(friends.json.friends).sort()).toEqual(others.map((o) => o.userid).sort());

      for (const other of others) {
        const conversation = await me.conversationWith(other);
        expect(conversation.id).toBe(oneToOneConversationId(me.userid, other.userid));
        expect(conversation.isgroup).toBe(false);
        const key = me.conversationKey(conversation);
        expect(openText(key, conversation.displayname)).toMatch(new RegExp(`${me.account.nick}|${other.account.nick}`));
        const messages = (await me.newestPage(conversation)).messages.map((m) => openMessage(key, m.Data));
        expect(messages.length).toBeGreaterThanOrEqual(2);
        for (const m of messages) {
          expect([me.userid, other.userid]).toContain(m.from);
          expect(m.text.length).toBeGreaterThan(0);
        }
      }
    }
  });

  it('add-user prints the API key once, and that key logs in', async () => {
    const result = await run('add-user', '--data', dir, '--email', dave.email, '--nick', dave.nick, '--fullname', dave.fullname, '--password', dave.password);
    expect(result.code, result.stderr).toBe(0);
    const keys = `${result.stdout}${result.stderr}`.match(/\b[0-9a-f]{64}\b/g) ?? [];
    expect(keys).toHaveLength(1);
    const userid = userIdFromEmail(dave.email);
    expect(result.stdout).toContain(userid);
    daveAccount = { ...dave, userid, apikey: keys[0]! };

    const client = await new TestClient(server.url, daveAccount).signIn();
    expect(client.login).toMatchObject({ userid, nick: 'Dave', fullname: 'Dave Davis' });
    expect(unlockPrivateKey(client.login.rsakey, dave.password).asymmetricKeyType).toBe('rsa');
  });

  it('add-user refuses an e-mail that already exists, with a clear message and exit code 2', async () => {
    const result = await run('add-user', '--data', dir, '--email', 'Alice@Demo.Ozeki.Chat', '--nick', 'Alice2', '--password', 'another-password');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/already exists/);
    expect(result.stderr).toContain('alice@demo.ozeki.chat');
    expect(result.stdout).not.toMatch(/[0-9a-f]{64}/);
  });

  it('add-friends makes two users friends of each other', async () => {
    const alice = clients[0]!;
    const result = await run('add-friends', '--data', dir, '--email', dave.email, '--email', alice.account.email);
    expect(result.code, result.stderr).toBe(0);
    const daveClient = await new TestClient(server.url, daveAccount).signIn();
    expect(Object.keys((await daveClient.call('friendsList', {})).json.friends)).toEqual([alice.userid]);
    expect(Object.keys((await alice.call('friendsList', {})).json.friends)).toContain(daveAccount.userid);
    // Alice's running client hears about her new friend on its next pull.
    expect((await alice.call('notification', {})).json.friendavailabilitesof).toContain(daveAccount.userid);
  });

  it("add-conversation creates a conversation in both users' lists, with a key wrapped for each of them", async () => {
    const alice = clients[0]!;
    const result = await run('add-conversation', '--data', dir, '--email', dave.email, '--email', alice.account.email, '--name', 'Dave meets Alice');
    expect(result.code, result.stderr).toBe(0);
    const id = oneToOneConversationId(daveAccount.userid, alice.userid);
    expect(result.stdout).toContain(id);

    expect((await alice.call('notification', {})).json.conversationlistchangedof).toContain(id);
    const daveClient = await new TestClient(server.url, daveAccount).signIn();
    for (const c of [daveClient, alice]) {
      const conversation = (await c.conversations()).find((x) => x.id === id);
      expect(conversation, c.account.nick).toBeDefined();
      expect(conversation.participantids.sort()).toEqual([daveAccount.userid, alice.userid].sort());
      expect(openText(c.conversationKey(conversation), conversation.displayname)).toBe('Dave meets Alice');
    }
  });

  it('add-conversation with three e-mails makes a group', async () => {
    const [alice, bob] = clients as [TestClient, TestClient];
    const result = await run('add-conversation', '--data', dir, '--email', dave.email, '--email', alice.account.email, '--email', bob.account.email);
    expect(result.code, result.stderr).toBe(0);
    const id = /Created conversation ([0-9a-f]{32})/.exec(result.stdout)![1]!;
    const conversation = (await bob.conversations()).find((x) => x.id === id);
    expect(conversation.isgroup).toBe(true);
    expect(openText(bob.conversationKey(conversation), conversation.displayname)).toBe(`${dave.email}, ${alice.account.email}, ${bob.account.email}`);
  });

  it('does not duplicate anything when seeding the same folder again', async () => {
    const before = counts(dir);
    const file = readFileSync(join(dir, DEMO_ACCOUNTS_FILE), 'utf8');
    const again = await serve('--data', dir, '--seed', 'demo');
    const ended = await again.stop();
    expect(ended.code).toBe(0);
    expect(ended.stdout).toMatch(/Already seeded/);
    expect(counts(dir)).toEqual(before);
    expect(readFileSync(join(dir, DEMO_ACCOUNTS_FILE), 'utf8')).toBe(file);
  });
});

describe('serve --seed demo --conversations', () => {
  it('gives the first demo user that many extra conversations, all readable with their key', async () => {
    const dir = dataDir();
    const server = await serve('--data', dir, '--seed', 'demo', '--conversations', '25');
    try {
      const [first] = accountsIn(dir) as [DemoAccount];
      const alice = await new TestClient(server.url, first).signIn();
      const list = await alice.conversations();
      expect(list).toHaveLength(27);
      const names = list.map((c) => openText(alice.conversationKey(c), c.displayname));
      for (let n = 1; n <= 25; n++) expect(names).toContain(`Project ${n}`);
    } finally {
      await server.stop();
    }
  });
});

describe('serve --file-quota', () => {
  it('caps what each user may store, in MiB: a file over it is refused with 507, one within it is not', async () => {
    const dir = dataDir();
    const server = await serve('--data', dir, '--seed', 'demo', '--file-quota', '1');
    try {
      const alice = await new TestClient(server.url, accountsIn(dir)[0]!).signIn();
      const [conversation] = await alice.conversations();
      const begin = (bytes: number) => alice.call('fileBegin', { fileid: newFileId(), conversationid: conversation.id, bytes });
      expectRefused(
        await begin(cipherSize(1024 * 1024)),
        507,
        new RegExp(`needs ${cipherSize(1024 * 1024).toLocaleString('en-US')} bytes, but only 1,048,576 bytes of your 1 MB of file storage`),
      );
      expect((await begin(cipherSize(1000 * 1000))).http).toBe(200);
    } finally {
      await server.stop();
    }
  });
});

describe('help and refusals', () => {
  it('--help prints the usage and exits 0', async () => {
    const result = await run('--help');
    expect(result.code).toBe(0);
    for (const word of ['--port', '--data', '--seed demo', '--file-quota', 'add-user', 'add-friends', 'add-conversation'])
      expect(result.stdout).toContain(word);
  });

  it('refuses a bad --port with a clear message and a non-zero exit', async () => {
    const dir = dataDir();
    for (const port of ['abc', '70000', '1.5']) {
      const result = await run('--port', port, '--data', dir);
      expect(result.code, port).not.toBe(0);
      expect(result.code, port).toBe(2);
      expect(result.stderr, port).toMatch(/--port must be a whole number from 0 to 65535/);
    }
    expect(existsSync(join(dir, DATABASE_FILE))).toBe(false);
  });

  it('refuses a bad --file-quota with a clear message and exit code 2', async () => {
    for (const quota of ['lots', '1.5']) {
      const result = await run('--file-quota', quota, '--data', dataDir());
      expect(result.code, quota).toBe(2);
      expect(result.stderr, quota).toMatch(/--file-quota \(MiB\) must be a whole number from 0 to 1048576/);
    }
  });

  it('says so when the port is already in use, and exits 1', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as { port: number }).port;
      const result = await run('--port', String(port), '--data', dataDir());
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/already in use/);
    } finally {
      blocker.close();
    }
  });

  it('refuses an unknown command with exit code 2, without creating a database', async () => {
    const dir = dataDir();
    const result = await run('frobnicate', '--data', dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown command "frobnicate"');
    expect(existsSync(join(dir, DATABASE_FILE))).toBe(false);
  });

  it('refuses add-user without the options it needs, with exit code 2', async () => {
    const result = await run('add-user', '--data', dataDir(), '--email', 'eve@example.com');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/add-user needs --email, --nick and --password/);
  });
});
