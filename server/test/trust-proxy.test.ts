/**
 * The login `urls` and `listeners` behind a proxy: `X-Forwarded-Proto` / `X-Forwarded-Host` are
 * honoured only with `trustProxy` (`--trust-proxy`), and ignored otherwise, so a client cannot make
 * an ordinary server hand out addresses of its choosing.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRequest, newStationId } from '../../protocol/index.js';
import { Store } from '../src/db/store.js';
import { DEMO_ACCOUNTS_FILE, seedDemo, type DemoAccount } from '../src/seed.js';
import { startServer, type RunningServer } from '../src/server.js';
import { rawPost, tempDataDir } from './harness.js';
import { killAllCli, startCli } from './cli-process.js';

const folders: string[] = [];
const servers: RunningServer[] = [];
/** The first demo account of each server's folder, by server URL. */
const accounts = new Map<string, DemoAccount>();

async function server(opts: { trustProxy?: boolean; publicUrl?: string }): Promise<RunningServer> {
  const dir = tempDataDir();
  folders.push(dir);
  const store = new Store(dir);
  let account: DemoAccount;
  try {
    account = (await seedDemo(store, dir, { conversations: 0 })).accounts[0]!;
  } finally {
    store.close();
  }
  const s = await startServer({ dataDir: dir, port: 0, log: () => {}, ...opts });
  servers.push(s);
  accounts.set(s.url, account);
  return s;
}

/** Logs in at `url` with extra headers; answers the login's urls and listeners. */
async function login(url: string, headers: Record<string, string>, who: DemoAccount = accounts.get(url)!) {
  const { body, headers: signed } = encodeRequest('login', { apikey: who.apikey }, { station: newStationId() });
  const reply = await rawPost(`${url}?srv=chatserver&api=chatlogin`, body, { ...signed, ...headers });
  expect(reply.http, reply.text).toBe(200);
  return reply.json as { urls: Record<string, string>; listeners: { udp: string; ws: string; wss: string } };
}

const FORWARDED = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'chat.example.com' };

let plain: RunningServer;
let trusting: RunningServer;

beforeAll(async () => {
  plain = await server({});
  trusting = await server({ trustProxy: true });
});

afterAll(async () => {
  for (const s of servers) await s.close();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('without trustProxy', () => {
  it('ignores X-Forwarded-Proto and X-Forwarded-Host: the addresses are built from Host', async () => {
    const { urls, listeners } = await login(plain.url, FORWARDED);
    const origin = `http://127.0.0.1:${plain.port}`;
    for (const url of Object.values(urls)) expect(url.startsWith(`${origin}/ozeki/index.php?`), url).toBe(true);
    expect(listeners.ws).toBe(`ws://127.0.0.1:${plain.port}/ozeki/ws`);
    expect(JSON.stringify({ urls, listeners })).not.toContain('chat.example.com');
    expect(JSON.stringify({ urls, listeners })).not.toContain('https:');
  });
});

describe('with trustProxy', () => {
  it('honours X-Forwarded-Proto and X-Forwarded-Host: https urls and a wss listener on the public host', async () => {
    const { urls, listeners } = await login(trusting.url, FORWARDED);
    expect(Object.keys(urls).length).toBeGreaterThan(5);
    for (const url of Object.values(urls)) expect(url.startsWith('https://chat.example.com/ozeki/index.php?'), url).toBe(true);
    expect(urls.conversation).toBe('https://chat.example.com/ozeki/index.php?srv=chatserver&api=chatconversation');
    expect(listeners.ws).toBe('wss://chat.example.com/ozeki/ws');
  });

  it('keeps the Host header when only the scheme is forwarded, and takes the first of a list', async () => {
    const protoOnly = await login(trusting.url, { 'X-Forwarded-Proto': 'https' });
    expect(protoOnly.urls.login).toBe(`https://127.0.0.1:${trusting.port}/ozeki/index.php?srv=chatserver&api=chatlogin`);
    expect(protoOnly.listeners.ws).toBe(`wss://127.0.0.1:${trusting.port}/ozeki/ws`);
    const listed = await login(trusting.url, { 'X-Forwarded-Proto': 'https, http', 'X-Forwarded-Host': 'chat.example.com:8443, inner.local' });
    expect(listed.urls.login).toBe('https://chat.example.com:8443/ozeki/index.php?srv=chatserver&api=chatlogin');
  });

  it('ignores forwarded values that are not a scheme or a host', async () => {
    const { urls, listeners } = await login(trusting.url, { 'X-Forwarded-Proto': 'javascript', 'X-Forwarded-Host': 'evil.example/path?x=' });
    expect(urls.login).toBe(`http://127.0.0.1:${trusting.port}/ozeki/index.php?srv=chatserver&api=chatlogin`);
    expect(listeners.ws).toBe(`ws://127.0.0.1:${trusting.port}/ozeki/ws`);
  });

  it('behaves as before when no forwarded header comes', async () => {
    const { urls } = await login(trusting.url, {});
    expect(urls.login).toBe(`http://127.0.0.1:${trusting.port}/ozeki/index.php?srv=chatserver&api=chatlogin`);
  });

  it('--public-url still wins', async () => {
    const fixed = await server({ trustProxy: true, publicUrl: 'https://fixed.example.org/ozeki/index.php' });
    const { urls, listeners } = await login(fixed.url, FORWARDED);
    expect(urls.login).toBe('https://fixed.example.org/ozeki/index.php?srv=chatserver&api=chatlogin');
    expect(listeners.ws).toBe('wss://fixed.example.org/ozeki/ws');
  });
});

describe('the --trust-proxy flag of the command line', () => {
  afterAll(killAllCli);
  const start = startCli;

  it('is described in --help', async () => {
    const { out, exited } = start(['--help']);
    expect((await exited).code).toBe(0);
    expect(out.stdout).toContain('--trust-proxy');
    expect(out.stdout).toMatch(/X-Forwarded-Proto/);
  });

  it('serve --trust-proxy honours the forwarded headers; without it they are ignored', async () => {
    for (const trust of [true, false]) {
      const dir = tempDataDir();
      folders.push(dir);
      const { child, out, exited } = start(['--port', '0', '--data', dir, '--seed', 'demo', ...(trust ? ['--trust-proxy'] : [])]);
      const deadline = Date.now() + 30_000;
      let url: string | null = null;
      while (!url) {
        url = /listening on (\S+)/.exec(out.stdout)?.[1] ?? null;
        if (!url && (Date.now() > deadline || child.exitCode !== null)) throw new Error(`the server did not start: ${out.stdout} ${out.stderr}`);
        if (!url) await new Promise((r) => setTimeout(r, 25));
      }
      const who = (JSON.parse(readFileSync(join(dir, DEMO_ACCOUNTS_FILE), 'utf8')) as DemoAccount[])[0]!;
      const { urls, listeners } = await login(url, FORWARDED, who);
      if (trust) {
        expect(urls.login).toBe('https://chat.example.com/ozeki/index.php?srv=chatserver&api=chatlogin');
        expect(listeners.ws).toBe('wss://chat.example.com/ozeki/ws');
      } else {
        expect(urls.login).toBe(`${url}?srv=chatserver&api=chatlogin`);
        expect(listeners.ws.startsWith('ws://127.0.0.1:')).toBe(true);
      }
      child.kill('SIGTERM');
      expect((await exited).code).toBe(0);
    }
  });
});
