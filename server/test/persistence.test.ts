/**
 * What the reference server keeps on disk: everything a client relies on survives a restart, a
 * SIGTERM lets requests in flight finish, and even a SIGKILL loses no acknowledged write.
 */
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeRequest, formatTimestamp, newMessageId, openMessage, sealMessage } from '../../protocol/index.js';
import { DATABASE_FILE } from '../src/db/store.js';
import { DEMO_ACCOUNTS_FILE, type DemoAccount } from '../src/seed.js';
import { startServer, type RunningServer } from '../src/server.js';
import { rawPost, signInAll, startTestServer, tempDataDir, TestClient, type TestServer } from './harness.js';
import { expectRefused } from './refused.js';

/** The same station (and unlocked login data) talking to another server process on the same folder. */
function sameStationOn(old: TestClient, baseUrl: string): TestClient {
  const c = new TestClient(baseUrl, old.account);
  (c as { station: string }).station = old.station;
  c.login = old.login;
  return c;
}

async function sendMessage(from: TestClient, to: TestClient, text: string): Promise<{ conversationId: string; messageId: string }> {
  const conversation = await from.conversationWith(to);
  const key = from.conversationKey(conversation);
  const now = Date.now();
  const messageId = newMessageId();
  const message = JSON.stringify({
    ID: messageId,
    Type: 'Message',
    Created: formatTimestamp(now),
    ValidUntil: formatTimestamp(now + 86_400_000),
    Data: sealMessage(key, { from: from.userid, text }),
  });
  const reply = await from.call('add', { conversationid: conversation.id, instance: conversation.instance, message });
  expect(reply.http, reply.text).toBe(200);
  return { conversationId: conversation.id, messageId };
}

describe('a restart on the same data folder', () => {
  let first: TestServer;
  let second: TestServer;
  let alice: TestClient;
  let bob: TestClient;
  let carol: TestClient;
  let sent: { conversationId: string; messageId: string };
  let carolsMessage: { conversationId: string; messageId: string };
  let replay: { url: string; body: string; headers: Record<string, string> };

  beforeAll(async () => {
    first = await startTestServer();
    [alice, bob, carol] = (await signInAll(first)) as [TestClient, TestClient, TestClient];
    for (const c of [alice, bob, carol]) await c.call('notification', {});

    // Settings: a favourite, a colour and a hidden conversation.
    const withBob = await alice.conversationWith(bob);
    const withCarol = await alice.conversationWith(carol);
    expect((await alice.call('favorite', { conversationid: withBob.id })).http).toBe(200);
    expect((await alice.call('setColor', { conversationid: withBob.id, color: '#bae1ff' })).http).toBe(200);
    expect((await alice.call('hide', { conversationid: withCarol.id, hideid: `${withCarol.instance};` })).http).toBe(200);

    // A message Bob has downloaded (delivered report) and reported viewed.
    sent = await sendMessage(alice, bob, 'written before the restart');
    const bobsView = await bob.conversationWith(alice);
    await bob.newestPage(bobsView);
    const viewed = await bob.call('viewedReport', {
      conversationid: bobsView.id,
      instance: bobsView.instance,
      firstmessagedate: formatTimestamp(Date.now()),
      lastmessagedate: formatTimestamp(Date.now()),
      messageids: [sent.messageId],
    });
    expect(viewed.http, viewed.text).toBe(200);
    for (const c of [alice, bob, carol]) await c.call('notification', {});

    // Queued for Carol and not pulled before the restart.
    carolsMessage = await sendMessage(alice, carol, 'waiting in your queue');

    // A signed request that was answered, kept to be sent again later.
    const { body, headers } = encodeRequest('conversationList', {}, { station: bob.station, user: bob.userid, apikey: bob.account.apikey });
    replay = { url: bob.urlFor('conversationList'), body, headers };
    expect((await rawPost(replay.url, body, headers)).http).toBe(200);

    await first.stop();
    second = await first.restart();
    alice = sameStationOn(alice, second.server.url);
    bob = sameStationOn(bob, second.server.url);
    carol = sameStationOn(carol, second.server.url);
  });
  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    if (first) rmSync(first.dataDir, { recursive: true, force: true });
  });

  it('keeps the users: each can log in again with their API key and unlock the same private key', async () => {
    const again = await Promise.all(first.accounts.map((a) => new TestClient(second.server.url, a).signIn()));
    expect(again.map((c) => c.login.userid)).toEqual(first.accounts.map((a) => a.userid));
    expect(again.map((c) => c.login.rsakey)).toEqual([alice, bob, carol].map((c) => c.login.rsakey));
  });

  it('keeps the station binding: a signed call from the old station works without logging in again', async () => {
    const reply = await bob.call('friendsList', {});
    expect(reply.http, reply.text).toBe(200);
    expect(Object.keys(reply.json.friends).sort()).toEqual([alice.userid, carol.userid].sort());
  });

  it('keeps favourites, colours and hides', async () => {
    const withBob = await alice.conversationWith(bob);
    expect(withBob.properties[0]).toMatchObject({ isfavorite: true, listitembackgroundcolor: '#bae1ff', hideid: '' });
    expect(withBob.favoriteby).toEqual([alice.userid]);
    const withCarol = await alice.conversationWith(carol);
    expect(withCarol.properties[0]).toMatchObject({ isfavorite: false, hideid: `${withCarol.instance};` });
    const blocklist = await alice.call('blocklist', {});
    expect(blocklist.json.blockedconversations).toEqual([withCarol.id]);
    // Bob's own view of the same conversation is untouched.
    expect((await bob.conversationWith(alice)).properties[0]).toMatchObject({ isfavorite: false, listitembackgroundcolor: '#ffffff' });
  });

  it('keeps messages and the delivered and viewed reports', async () => {
    const conversation = await alice.conversationWith(bob);
    const page = await alice.newestPage(conversation);
    const key = alice.conversationKey(conversation);
    const mine = page.messages.find((m) => m.ID === sent.messageId);
    expect(mine).toBeDefined();
    expect(openMessage(key, mine!.Data)).toEqual({ from: alice.userid, text: 'written before the restart' });
    expect(page.messages).toHaveLength(5);
    const aboutMine = page.reports.filter((r) => r.MessageIDs.includes(sent.messageId));
    expect(aboutMine.map((r) => r.Type).sort()).toEqual(['delivered', 'viewed']);
    expect(aboutMine.every((r) => r.UserID === bob.userid)).toBe(true);
  });

  it('keeps notifications queued for a station that had not pulled them yet', async () => {
    const reply = await carol.call('notification', {});
    expect(reply.http, reply.text).toBe(200);
    expect(reply.json.conversationchangedof).toEqual([carolsMessage.conversationId]);
  });

  it('still refuses a request replayed after the restart', async () => {
    const url = new URL(replay.url);
    url.port = String(second.server.port);
    const reply = await rawPost(url.toString(), replay.body, replay.headers);
    expectRefused(reply, 401, /replay|already/i);
  });
});

describe('the database file', () => {
  it('is in WAL mode while the server runs, and a clean stop leaves no -wal content behind', async () => {
    const t = await startTestServer();
    try {
      expect(t.server.store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      const [alice, bob] = (await signInAll(t)) as [TestClient, TestClient];
      await sendMessage(alice, bob, 'a write to checkpoint');
      await t.stop();
      const wal = join(t.dataDir, `${DATABASE_FILE}-wal`);
      expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
      const db = new Database(join(t.dataDir, DATABASE_FILE), { readonly: true });
      try {
        expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
        expect(db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 13 });
      } finally {
        db.close();
      }
    } finally {
      await t.stop({ remove: true });
    }
  });
});

describe('a server that cannot start', () => {
  it('releases its database when the port is taken', async () => {
    const t = await startTestServer({ seed: false });
    const dir = tempDataDir();
    try {
      await expect(startServer({ dataDir: dir, port: t.server.port, log: () => {} })).rejects.toMatchObject({ code: 'EADDRINUSE' });
      // The last connection to close removes the -wal file; a leaked one keeps it.
      expect(existsSync(join(dir, DATABASE_FILE))).toBe(true);
      expect(existsSync(join(dir, `${DATABASE_FILE}-wal`))).toBe(false);
    } finally {
      await t.stop({ remove: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---- the real command line, as a child process ----

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(ROOT, 'server', 'src', 'cli.ts');
const LISTENING = /Ozeki Chat reference server listening on (\S+)/;

type Exit = { code: number | null; signal: NodeJS.Signals | null };

class ServerProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  private exit: Exit | null = null;

  constructor(args: string[]) {
    // Its own process group, so a SIGKILL reaches tsx's node child too.
    this.child = spawn(TSX, [CLI, ...args], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      }),
    );
  }

  /** The API URL printed on the "listening" line. */
  async url(timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = LISTENING.exec(this.stdout);
      if (m) return m[1]!;
      if (this.exit) throw new Error(`the server exited (${JSON.stringify(this.exit)}): ${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`no "listening" line within ${timeoutMs} ms: ${this.stdout} ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Waits for the exit, or fails after `ms`. */
  async exitWithin(ms: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still running ${ms} ms later: ${this.stdout} ${this.stderr}`)), ms);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the whole process group (tsx and the server under it), whatever state it is in. */
  killGroup(): void {
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

function demoAccounts(dataDir: string): DemoAccount[] {
  return JSON.parse(readFileSync(join(dataDir, DEMO_ACCOUNTS_FILE), 'utf8')) as DemoAccount[];
}

/** Favourites Alice's conversation with Bob through a body that arrives in two halves around SIGTERM. */
function slowFavorite(url: string, body: string, headers: Record<string, string>, agent: Agent, between: () => Promise<void>) {
  return new Promise<{ status: number; json: any; connection: string | undefined }>((resolve, reject) => {
    const bytes = Buffer.from(body);
    const half = Math.floor(bytes.length / 2);
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'Content-Length': String(bytes.length) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(text), connection: res.headers.connection });
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on('error', reject);
    req.write(bytes.subarray(0, half));
    between().then(
      () => req.end(bytes.subarray(half)),
      (err: unknown) => {
        req.destroy();
        reject(err);
      },
    );
  });
}

describe('the server process', () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  function tracked(args: string[]): ServerProcess {
    const p = new ServerProcess(args);
    cleanups.push(() => p.killGroup());
    return p;
  }
  function dataDir(): string {
    const dir = tempDataDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }
  async function openInProcess(dir: string): Promise<RunningServer> {
    const server = await startServer({ dataDir: dir, port: 0, log: () => {} });
    cleanups.push(() => server.close());
    return server;
  }

  it('on SIGTERM answers the request in flight, exits with code 0, and leaves the data intact', async () => {
    const dir = dataDir();
    const proc = tracked(['--port', '0', '--data', dir, '--seed', 'demo']);
    const url = await proc.url();
    const port = Number(new URL(url).port);
    const [aliceAccount, bobAccount] = demoAccounts(dir) as [DemoAccount, DemoAccount];
    const alice = await new TestClient(url, aliceAccount).signIn();
    const bob = new TestClient(url, bobAccount);
    const conversation = await alice.conversationWith(bob);

    const { body, headers } = encodeRequest(
      'favorite',
      { conversationid: conversation.id },
      { station: alice.station, user: alice.userid, apikey: alice.account.apikey },
    );
    // A keep-alive agent, as a real client has: the server must still hang up after answering.
    let refusedWhileClosing = false;
    const agent = new Agent({ keepAlive: true });
    cleanups.push(() => agent.destroy());
    const answer = await slowFavorite(alice.urlFor('favorite'), body, headers, agent, async () => {
      await new Promise((r) => setTimeout(r, 200));
      expect(proc.child.kill('SIGTERM')).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      // Still finishing this request, but no longer taking new connections.
      refusedWhileClosing = await refusesConnections(port);
    });
    expect(answer.status).toBe(200);
    expect(answer.connection).toBe('close');
    expect(refusedWhileClosing).toBe(true);
    expect(answer.json.conversation.properties[0].isfavorite).toBe(true);

    const exit = await proc.exitWithin(4000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(proc.stdout).toMatch(/SIGTERM/);
    expect(await refusesConnections(port)).toBe(true);
    const wal = join(dir, `${DATABASE_FILE}-wal`);
    expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);

    const server = await openInProcess(dir);
    const again = await new TestClient(server.url, aliceAccount).signIn();
    const list = await again.conversations();
    expect(list).toHaveLength(2);
    expect(list.find((c) => c.id === conversation.id).properties[0].isfavorite).toBe(true);
    const page = await again.newestPage(conversation);
    expect(page.messages.map((m) => openMessage(again.conversationKey(conversation), m.Data).text)).toContain('Hi! Have you tried the new desktop client yet?');
  }, 30_000);

  it('loses no acknowledged write when killed with SIGKILL', async () => {
    const dir = dataDir();
    const proc = tracked(['--port', '0', '--data', dir, '--seed', 'demo']);
    const url = await proc.url();
    const port = Number(new URL(url).port);
    const [aliceAccount, bobAccount] = demoAccounts(dir) as [DemoAccount, DemoAccount];
    const alice = await new TestClient(url, aliceAccount).signIn();
    const conversation = await alice.conversationWith(new TestClient(url, bobAccount));
    const reply = await alice.call('favorite', { conversationid: conversation.id });
    expect(reply.http, reply.text).toBe(200);

    proc.killGroup();
    expect((await proc.exitWithin(4000)).signal).toBe('SIGKILL');
    // The server itself (tsx's child) is gone too.
    for (let i = 0; i < 50 && !(await refusesConnections(port)); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await refusesConnections(port)).toBe(true);

    const server = await openInProcess(dir);
    const again = sameStationOn(alice, server.url);
    const list = await again.conversations();
    expect(list.find((c) => c.id === conversation.id).properties[0].isfavorite).toBe(true);
  }, 30_000);
});
