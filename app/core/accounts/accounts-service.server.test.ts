/**
 * The accounts registry against two real reference servers: three accounts (two users of the
 * first server, one of the second) signed in at once, each with its own folder, keychain entry
 * and station; acting offline on one while another is online; a restart that brings them all
 * back; signing out only the one on screen.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, Events } from '../../ipc/contract.js';
import { startServer, type RunningServer } from '../../../server/src/server.js';
import { startTestServer, TestClient, type TestServer } from '../../../server/test/harness.js';
import { eventually, TestKeychain } from '../../../test/support/core/service-harness.js';
import { openSettings } from '../settings/conf-settings.js';
import { KEYCHAIN_SERVICE } from '../vault/secret-backend.js';
import { Vault } from '../vault/vault.js';
import { AccountsService } from './accounts-service.js';

type Recorded = { event: EventName; payload: unknown };

let one: TestServer;
let two: TestServer;
let twoAgain: RunningServer | null = null;

beforeAll(async () => {
  [one, two] = await Promise.all([startTestServer(), startTestServer()]);
});

afterAll(async () => {
  await twoAgain?.close();
  await one?.stop({ remove: true });
  await two?.stop({ remove: true }).catch(() => {});
});

async function openRegistry(dataDir: string, keychain: TestKeychain | null, defer: (fn: () => void) => void = (fn) => void setTimeout(fn, 0)) {
  const vault = await Vault.open({ backend: keychain ?? null });
  const { store: settings } = openSettings(dataDir);
  const registry = await AccountsService.open({
    dataDir,
    vault,
    settings,
    engine: { pollMs: { pushDown: 300, pushUp: 1000 }, maxAttempts: 3 },
    defer,
  });
  const events: Recorded[] = [];
  registry.on((event, payload) => events.push({ event, payload }));
  return { registry, settings, events };
}

const signIn = (registry: AccountsService, server: { url: string }, who: { email: string; apikey: string; password: string }) =>
  registry.handlers()['session:sign-in']({ serverUrl: server.url, email: who.email, apiKey: who.apikey, password: who.password });

const emails = (registry: AccountsService) =>
  registry.view().accounts.map((a) => `${a.email} ${a.serverUrl.includes(String(one.server.port)) ? 'one' : 'two'}`);

describe('several accounts in one registry', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ozeki-accounts-'));
  const keychain = new TestKeychain();
  let opened: Awaited<ReturnType<typeof openRegistry>>;
  afterAll(async () => {
    await opened?.registry.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs three accounts in on two servers, each syncing into its own folder, keychain entry and station', async () => {
    opened = await openRegistry(dataDir, keychain);
    const { registry, settings } = opened;
    await signIn(registry, one.server, one.accounts[0]!);
    await signIn(registry, one.server, one.accounts[1]!);
    // The same e-mail address on another server is another account.
    await signIn(registry, two.server, two.accounts[0]!);
    expect(emails(registry)).toEqual(['alice@demo.ozeki.chat one', 'bob@demo.ozeki.chat one', 'alice@demo.ozeki.chat two']);
    const ids = registry.view().accounts.map((a) => a.id);
    expect(new Set(ids).size).toBe(3);
    expect(registry.view().activeAccountId).toBe(ids[2]);

    await eventually(
      () => registry.list().every((a) => a.service.connection === 'online' && a.service.snapshot().conversations.length > 0),
      15_000,
      'all three synced',
    );
    for (const id of ids) expect(existsSync(join(dataDir, 'accounts', id, 'local.db'))).toBe(true);
    expect([...keychain.entries.keys()].filter((k) => k.startsWith(`${KEYCHAIN_SERVICE}\n`))).toHaveLength(3);
    expect(new Set(Object.values(settings.get().stations)).size).toBe(3);
    // Each account sees its own side of the data: Alice's and Bob's lists on the first server differ.
    const [alice, bob] = registry.list();
    expect(alice!.service.snapshot().profile?.email).toBe('alice@demo.ozeki.chat');
    expect(bob!.service.snapshot().profile?.email).toBe('bob@demo.ozeki.chat');
  }, 30_000);

  it('routes every channel to the account on screen, and tells the window only of that one', async () => {
    const { registry, events } = opened;
    const [alice, , aliceTwo] = registry.view().accounts;
    await registry.handlers()['accounts:switch'](alice!.id);
    const snapshot = await registry.handlers()['state:snapshot']();
    expect(snapshot).toMatchObject({ activeAccountId: alice!.id, profile: { email: 'alice@demo.ozeki.chat', serverUrl: one.server.url } });
    expect(events.at(-1)).toMatchObject({ event: 'accounts:changed', payload: { activeAccountId: alice!.id } });

    // A change on the account off screen reaches the window only as its summary, never as its conversations.
    events.length = 0;
    const offScreen = registry.list()[2]!.service;
    const target = offScreen.snapshot().conversations[0]!;
    await offScreen.handlers()['conversation:set-favorite'](target.id, !target.favorite);
    expect(events.filter((e) => e.event === 'conversations:changed')).toEqual([]);
    // And an action through the contract lands on the account on screen.
    const mine = snapshot.conversations[0]!;
    await registry.handlers()['conversation:set-muted'](mine.id, true);
    const changed = events.filter((e) => e.event === 'conversations:changed') as { payload: Events['conversations:changed'] }[];
    expect(changed).toHaveLength(1);
    expect(changed[0]!.payload.upserted.map((c) => [c.id, c.muted])).toEqual([[mine.id, true]]);
    expect(
      registry
        .list()[2]!
        .service.snapshot()
        .conversations.find((c) => c.id === mine.id)?.muted ?? false,
    ).toBe(false);
    void aliceTwo;
  });

  it('keeps a draft typed just before another account took the screen with the account it was typed in', async () => {
    const { registry } = opened;
    const [alice, bob] = registry.view().accounts;
    await registry.handlers()['accounts:switch'](bob!.id);
    // Alice and Bob share a conversation: its id alone would not say whose draft it is.
    const shared = registry
      .list()[0]!
      .service.snapshot()
      .conversations.find((c) => c.name.includes('Bob'))!;
    await registry.handlers()['drafts:set'](shared.id, "Alice's half-typed words", alice!.id);
    expect(await registry.handlers()['drafts:get']()).not.toHaveProperty(shared.id);
    await registry.handlers()['accounts:switch'](alice!.id);
    expect(await registry.handlers()['drafts:get']()).toMatchObject({ [shared.id]: "Alice's half-typed words" });
    await registry.handlers()['drafts:set'](shared.id, '', alice!.id);
    await expect(registry.handlers()['drafts:set'](shared.id, 'x', 'ffffffffffffffff')).rejects.toMatchObject({ code: 'not-found' });
  });

  it("counts each account's unread messages as its list does, muted and hidden left out", async () => {
    const { registry } = opened;
    await eventually(() => registry.view().accounts.every((a) => a.unread >= 0), 2000);
    for (const { id, service } of registry.list()) {
      const fromList = service
        .snapshot()
        .conversations.filter((c) => !c.muted && !c.hidden)
        .reduce((n, c) => n + c.unread, 0);
      expect(registry.view().accounts.find((a) => a.id === id)!.unread, id).toBe(fromList);
    }
  });

  it('lets the user act on an offline account while another is online, and each outbox drains on its own', async () => {
    const { registry } = opened;
    const [alice, , aliceTwo] = registry.list();
    const port = two.server.port;
    await two.stop();
    await eventually(() => aliceTwo!.service.connection !== 'online', 10_000, 'the second server to be missed');

    const offlineTarget = aliceTwo!.service.snapshot().conversations[0]!;
    await aliceTwo!.service.handlers()['conversation:set-color'](offlineTarget.id, '#c0ffee');
    const onlineTarget = alice!.service.snapshot().conversations[0]!;
    await alice!.service.handlers()['conversation:set-color'](onlineTarget.id, '#beefed');
    await eventually(async () => {
      await alice!.service.settle();
      return alice!.service.snapshot().pendingCount === 0;
    }, 10_000);
    expect(aliceTwo!.service.snapshot().pendingCount).toBeGreaterThan(0);

    twoAgain = await startServer({ dataDir: two.dataDir, port, log: () => {} });
    await eventually(
      async () => {
        await aliceTwo!.service.syncNow().catch(() => {});
        return aliceTwo!.service.snapshot().pendingCount === 0 && aliceTwo!.service.connection === 'online';
      },
      15_000,
      'the second outbox to drain',
    );
    const onTwo = await new TestClient(twoAgain.url, two.accounts[0]!).signIn();
    const landed = (await onTwo.conversations()).find((c: { id: string }) => c.id === offlineTarget.id);
    expect(JSON.stringify(landed)).toContain('c0ffee');
  }, 40_000);

  /** An app restart whose deferred launch work waits for the test: returns the accounts before it, and that work. */
  async function restartHoldingDeferred() {
    const before = opened.registry.view();
    await opened.registry.close();
    const deferred: (() => void)[] = [];
    opened = await openRegistry(dataDir, keychain, (fn) => void deferred.push(fn));
    return { before, deferred };
  }

  it('brings every account back after a restart: the one on screen first, the others once the window has its first screen', async () => {
    const { before, deferred } = await restartHoldingDeferred();
    const { registry } = opened;
    const launched = registry.view();
    // Listed by name from the settings while they open; only the one on screen has opened.
    expect(launched.accounts.map((a) => [a.id, a.email, a.name])).toEqual(before.accounts.map((a) => [a.id, a.email, a.name]));
    expect(launched.activeAccountId).toBe(before.activeAccountId);
    expect(registry.list().map((a) => a.id)).toEqual([before.activeAccountId]);
    expect(registry.snapshot({ first: 5 }).profile?.email).toBe(before.accounts.find((a) => a.id === before.activeAccountId)!.email);

    const allOpen = registry.opened();
    for (const fn of deferred.splice(0)) fn();
    await allOpen;
    expect(registry.list().map((a) => a.id)).toEqual(before.accounts.map((a) => a.id));
    expect(registry.list().every((a) => a.service.profile !== null)).toBe(true);
  }, 20_000);

  it('puts an account chosen before it opened on screen once it has', async () => {
    const { before, deferred } = await restartHoldingDeferred();
    const other = before.accounts.find((a) => a.id !== before.activeAccountId)!;
    const switching = opened.registry.handlers()['accounts:switch'](other.id);
    for (const fn of deferred.splice(0)) fn();
    await switching;
    expect(opened.registry.view().activeAccountId).toBe(other.id);
    expect(opened.registry.snapshot().profile?.email).toBe(other.email);
  }, 20_000);

  it('signs out only the account on screen: its secrets and folder go, the next account takes the screen', async () => {
    const { registry } = opened;
    const [first, second, third] = registry.view().accounts;
    await registry.handlers()['accounts:switch'](second!.id);
    await registry.handlers()['session:sign-out']();
    expect(registry.view().accounts.map((a) => a.id)).toEqual([first!.id, third!.id]);
    expect(registry.view().activeAccountId).toBe(third!.id);
    expect(existsSync(join(dataDir, 'accounts', second!.id))).toBe(false);
    expect(keychain.entries.size).toBe(2);
    expect(registry.list().every((a) => a.service.profile !== null)).toBe(true);
  });

  it('adds nothing for a sign-in that fails, and leaves no folder behind', async () => {
    const { registry } = opened;
    // The accounts and the one on screen, not their connections, which go on changing meanwhile.
    const listed = () => {
      const view = registry.view();
      return { active: view.activeAccountId, accounts: view.accounts.map(({ id, email, name, serverUrl }) => ({ id, email, name, serverUrl })) };
    };
    const before = listed();
    await expect(signIn(registry, one.server, { ...one.accounts[2]!, apikey: 'f'.repeat(64) })).rejects.toMatchObject({ code: 'unauthorized' });
    expect(listed()).toEqual(before);
    const ids = registry.view().accounts.map((a) => a.id);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(join(dataDir, 'accounts')).sort()).toEqual([...ids].sort());
  });
});

describe('accounts where the keychain is memory only', () => {
  it('says per account, after a restart, that it is signed out and must be added again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ozeki-accounts-memory-'));
    try {
      let { registry } = await openRegistry(dataDir, null);
      await signIn(registry, one.server, one.accounts[0]!);
      await signIn(registry, one.server, one.accounts[1]!);
      const notices = registry.snapshot().notices.map((n) => n.message);
      expect(notices.filter((m) => m.includes('kept for this session only'))).toHaveLength(2);
      expect(notices.some((m) => m.includes('bob@demo.ozeki.chat'))).toBe(true);
      expect(registry.view().accounts.every((a) => !a.persistent)).toBe(true);
      await registry.close();
      ({ registry } = await openRegistry(dataDir, null));
      expect(registry.view()).toEqual({ accounts: [], activeAccountId: null });
      const after = registry.snapshot().notices.map((n) => n.message);
      // The one on screen last is tried first.
      expect(after.filter((m) => m.includes('signed out'))).toEqual([
        expect.stringContaining('bob@demo.ozeki.chat'),
        expect.stringContaining('alice@demo.ozeki.chat'),
      ]);
      await registry.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 20_000);
});

describe('an account whose local database had to be rebuilt', () => {
  it('signs in again with the sign-in the keychain kept, and says the cache was rebuilt', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ozeki-accounts-rebuilt-'));
    const keychain = new TestKeychain();
    try {
      let { registry } = await openRegistry(dataDir, keychain);
      await signIn(registry, one.server, one.accounts[1]!);
      await registry.close();
      // The database's key is gone from the keychain (a reset keychain, another machine's), the sign-in stays.
      for (const [name, entry] of keychain.entries) {
        const { dbkey: _gone, ...rest } = JSON.parse(entry) as Record<string, string>;
        keychain.entries.set(name, JSON.stringify(rest));
      }
      ({ registry } = await openRegistry(dataDir, keychain));
      try {
        expect(registry.view().accounts.map((a) => a.email)).toEqual([one.accounts[1]!.email]);
        expect(registry.snapshot().profile?.email).toBe(one.accounts[1]!.email);
        expect(
          registry
            .snapshot()
            .notices.map((n) => n.message)
            .join(' '),
        ).toMatch(/keychain no longer holds its key, and has been rebuilt from the server/);
        await eventually(() => registry.snapshot().conversations.length >= 2, 10_000, 'the rebuilt cache to sync');
        // And the new key is kept for the next launch.
        expect(Object.keys(JSON.parse([...keychain.entries.values()][0]!) as object)).toContain('dbkey');
      } finally {
        await registry.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
