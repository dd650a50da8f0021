/**
 * Sign-in without a usable keychain: it still works for this run and says so, and nothing secret
 * is left behind on disk. Three ways the keychain can be unusable: turned off, not found at start
 * (the loader finds no keychain service), and found but refusing the first write.
 */
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClient, type TestServer } from '../../server/test/harness.js';
import type { SignInResult } from '../ipc/contract.js';
import type { Notice } from '../ipc/views.js';
import { ChatService } from './chat-service.js';
import { openSettings } from './settings/conf-settings.js';
import { eventually, TestKeychain, type RecordedEvent } from '../../test/support/core/service-harness.js';
import { Vault } from './vault/vault.js';
import { filesUnder } from '../../test/support/files.js';

let t: TestServer;
let aliceOnServer: TestClient;
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  t = await startTestServer();
  aliceOnServer = await new TestClient(t.server.url, t.accounts[0]!).signIn();
});

afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => {});
  await t?.stop({ remove: true });
});

/** A keychain that answers reads but refuses every write, as a locked keychain does. */
class LockedOnWrite extends TestKeychain {
  writes = 0;
  constructor(private readonly failure: (secret: string) => Error) {
    super();
  }
  override async set(_service: string, _account: string, secret: string): Promise<void> {
    this.writes++;
    throw this.failure(secret);
  }
}

type Case = {
  name: string;
  /** A vault as the app would open it at launch (called again for a restart). */
  vault: () => Promise<Vault>;
  /** What the reason must say. */
  reason: RegExp;
  persistentAtStart: boolean;
};

const NO_SERVICE = 'No keychain service is running (Secret Service over D-Bus). Install and start GNOME Keyring or KWallet to stay signed in between launches.';
const locked = new LockedOnWrite(() => new Error('The keychain is locked.'));

const cases: Case[] = [
  { name: 'the keychain is turned off', vault: () => Vault.open({ backend: null }), reason: /turned off/, persistentAtStart: false },
  {
    name: 'no keychain service is found at start',
    vault: () => Vault.open({ load: async () => ({ unavailable: NO_SERVICE }) }),
    reason: /No keychain service is running/,
    persistentAtStart: false,
  },
  {
    name: 'the keychain works at start but refuses the first write',
    vault: () => Vault.open({ backend: locked }),
    reason: /keychain is locked/,
    persistentAtStart: true,
  },
];

type Opened = { service: ChatService; events: RecordedEvent[]; dataDir: string };

async function open(dataDir: string, vault: Vault): Promise<Opened> {
  const { store: settings } = openSettings(dataDir);
  const service = await ChatService.open({ dataDir, vault, settings, push: false, engine: { pollMs: { pushDown: 500, pushUp: 2000 }, maxAttempts: 3 } });
  const events: RecordedEvent[] = [];
  service.on((event, payload) => events.push({ event, payload } as RecordedEvent));
  cleanup.push(() => service.close());
  return { service, events, dataDir };
}

/** Files under `dir` that contain any of `secrets`, as bytes. */
function filesHolding(dir: string, secrets: string[]): string[] {
  return filesUnder(dir).filter((file) => {
    const bytes = readFileSync(file);
    return secrets.some((s) => bytes.includes(Buffer.from(s)));
  });
}

for (const c of cases)
  describe(`when ${c.name}`, () => {
    const account = () => t.accounts[0]!;
    let dataDir: string;
    let first: Opened;
    let result: SignInResult;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'ozeki-keychain-test-'));
      cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
      first = await open(dataDir, await c.vault());
      expect(first.service.snapshot().keychain.persistent).toBe(c.persistentAtStart);
      const a = account();
      result = await first.service.handlers()['session:sign-in']({ serverUrl: t.server.url, email: a.email, apiKey: a.apikey, password: a.password });
    });

    it('signs in for this session, and the result says the sign-in is not kept, and why', () => {
      expect(result.profile).toMatchObject({ email: account().email, nick: 'Alice' });
      expect(result.keychain.persistent).toBe(false);
      expect(result.keychain.reason).toMatch(c.reason);
      expect(first.service.snapshot()).toMatchObject({ profile: { email: account().email }, keychain: result.keychain });
      const changed = first.events.filter((e) => e.event === 'session:changed').at(-1);
      expect(changed?.payload).toMatchObject({ keychain: { persistent: false } });
    });

    it('tells the user, in a notice, that they will sign in again next launch', () => {
      const notices = first.events.flatMap((e) => (e.event === 'notice' ? [e.payload as Notice] : []));
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatchObject({ level: 'warning', retryable: false });
      expect(notices[0]!.message).toMatch(/sign in again next launch/);
      expect(notices[0]!.message).toContain(result.keychain.reason!.replace(/\.$/, ''));
      expect(first.service.snapshot().notices).toEqual(notices);
    });

    it('lets actions work: a favourite reaches the server', async () => {
      await eventually(() => first.service.snapshot().conversations.length === 2 && first.service.connection === 'online', 10_000, 'the first sync');
      const conversation = first.service.snapshot().conversations.find((x) => x.name === 'Alice and Bob')!;
      await first.service.handlers()['conversation:set-favorite'](conversation.id, true);
      await eventually(() => first.service.snapshot().pendingCount === 0, 10_000, 'the favourite to be sent');
      const onServer = (await aliceOnServer.conversations()).find((x) => x.id === conversation.id);
      expect(onServer.properties[0].isfavorite).toBe(true);
      await aliceOnServer.call('unfavorite', { conversationid: conversation.id });
    });

    it('keeps no API key or password in any file of the data folder', () => {
      expect(filesUnder(dataDir).length).toBeGreaterThan(0);
      expect(filesHolding(dataDir, [account().apikey, account().password])).toEqual([]);
    });

    it('is signed out after a restart on the same folder, and the folder still holds no secret', async () => {
      await first.service.close();
      const restarted = await open(dataDir, await c.vault());
      expect(restarted.service.snapshot()).toMatchObject({ profile: null, connection: 'signed-out', conversations: [] });
      await expect(restarted.service.handlers()['conversation:set-favorite']('0'.repeat(32), true)).rejects.toMatchObject({ code: 'not-signed-in' });
      await restarted.service.close();
      expect(filesHolding(dataDir, [account().apikey, account().password])).toEqual([]);
    });
  });

describe('a keychain whose refusal quotes what it was given', () => {
  it('does not repeat the secret in the reason or the notice', async () => {
    const echoing = new LockedOnWrite((secret) => new Error(`Cannot store item ${secret}: access denied`));
    const dataDir = mkdtempSync(join(tmpdir(), 'ozeki-keychain-test-'));
    cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const opened = await open(dataDir, await Vault.open({ backend: echoing }));
    const a = t.accounts[1]!;
    const result = await opened.service.handlers()['session:sign-in']({ serverUrl: t.server.url, email: a.email, apiKey: a.apikey, password: a.password });
    expect(echoing.writes).toBe(1);
    expect(result.keychain).toEqual({ persistent: false, reason: 'The keychain could not be used.' });
    const everything = JSON.stringify({ result, events: opened.events, snapshot: opened.service.snapshot() });
    expect(everything).not.toContain(a.apikey);
    expect(everything).not.toContain(a.password);
  });
});
