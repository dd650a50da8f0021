/**
 * What the Settings screen asks of the accounts registry, against a real reference server: the
 * preferences (kept across a restart, told once per change), signing out an account that is not
 * on screen, clearing what this device keeps of an account without losing what the user did, and
 * `ozekichat://` links.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, Events } from '../../ipc/contract.js';
import { startServer, type RunningServer } from '../../../server/src/server.js';
import { startTestServer, TestClient, type TestServer } from '../../../server/test/harness.js';
import { eventually, TestKeychain } from '../../../test/support/core/service-harness.js';
import { isCoreError } from '../errors.js';
import { openSettings } from '../settings/conf-settings.js';
import { Vault } from '../vault/vault.js';
import { AccountsService } from './accounts-service.js';

type Recorded = { event: EventName; payload: unknown };

let t: TestServer;
let again: RunningServer | null = null;

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  await again?.close();
  await t?.stop({ remove: true }).catch(() => {});
});

async function openRegistry(dataDir: string, keychain: TestKeychain) {
  const vault = await Vault.open({ backend: keychain });
  const { store: settings } = openSettings(dataDir);
  const registry = await AccountsService.open({
    dataDir,
    vault,
    settings,
    engine: { pollMs: { pushDown: 300, pushUp: 1000 }, maxAttempts: 3 },
    defer: (fn) => void setTimeout(fn, 0),
  });
  const events: Recorded[] = [];
  registry.on((event, payload) => events.push({ event, payload }));
  return { registry, events };
}

const signIn = (registry: AccountsService, who: { email: string; apikey: string; password: string }) =>
  registry.handlers()['session:sign-in']({ serverUrl: t.server.url, email: who.email, apiKey: who.apikey, password: who.password });

async function refusal(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('it was not refused');
}

describe('the Settings screen against the accounts registry', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ozeki-settings-'));
  const keychain = new TestKeychain();
  let opened: Awaited<ReturnType<typeof openRegistry>>;
  afterAll(async () => {
    await opened?.registry.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('changes a preference at once, tells the window once, and still has it after a restart', async () => {
    opened = await openRegistry(dataDir, keychain);
    const h = opened.registry.handlers();
    const before = await h['settings:get']();
    expect(before.preferences.appearance.zoom).toBe(100);
    expect(before.features).toMatchObject({ host: 'browser', startup: false, spellLanguages: null, updates: { state: 'unavailable' } });

    const answered = await h['settings:set']({ appearance: { zoom: 150 }, notifications: { quietHours: { enabled: true, days: [5, 1] } } });
    expect(answered.preferences.appearance).toEqual({ ...before.preferences.appearance, zoom: 150 });
    expect(answered.preferences.notifications.quietHours).toMatchObject({ enabled: true, days: [1, 5] });
    const told = opened.events.filter((e) => e.event === 'settings:changed');
    expect(told).toHaveLength(1);
    expect((told[0]!.payload as Events['settings:changed']).preferences).toEqual(answered.preferences);

    const refused = await refusal(() => h['settings:set']({ appearance: { zoom: 500 } } as never));
    expect(isCoreError(refused, 'invalid-argument')).toBe(true);

    await opened.registry.close();
    opened = await openRegistry(dataDir, keychain);
    expect((await opened.registry.handlers()['settings:get']()).preferences).toEqual(answered.preferences);
  });

  it('signs out an account that is not on screen, and the one on screen stays', async () => {
    const { registry } = opened;
    await signIn(registry, t.accounts[0]!);
    await signIn(registry, t.accounts[1]!);
    const [alice, bob] = registry.view().accounts;
    expect(registry.view().activeAccountId).toBe(bob!.id);

    await registry.handlers()['session:sign-out'](alice!.id);
    expect(registry.view().accounts.map((a) => a.email)).toEqual([bob!.email]);
    expect(registry.view().activeAccountId).toBe(bob!.id);
    expect(isCoreError(await refusal(() => registry.handlers()['session:sign-out'](alice!.id)), 'not-found')).toBe(true);
    await signIn(registry, t.accounts[0]!);
  }, 30_000);

  it('opens a link to an account and its conversation, and refuses a malformed one or one for nobody here', async () => {
    const { registry, events } = opened;
    const [alice, bob] = registry.list().sort((a, b) => a.email.localeCompare(b.email));
    await eventually(() => bob!.service.snapshot().conversations.length > 0, 15_000, 'bob to have his conversations');
    const conversation = bob!.service.snapshot().conversations[0]!;
    registry.switchTo(alice!.id);
    events.length = 0;

    registry.handlers()['links:open'](`ozekichat://open?account=${encodeURIComponent(bob!.email.toUpperCase())}&conversation=${conversation.id}`);
    expect(registry.activeAccountId).toBe(bob!.id);
    expect(events).toContainEqual({ event: 'ui:open-conversation', payload: { conversationId: conversation.id } });

    registry.switchTo(alice!.id);
    for (const [link, code] of [
      ['ozekichat://delete?account=bob%40demo.ozeki.chat', 'invalid-argument'],
      ['https://example.com/?account=bob%40demo.ozeki.chat', 'invalid-argument'],
      ['ozekichat://open?account=carol%40example.com', 'not-found'],
      [`ozekichat://open?account=${encodeURIComponent(bob!.email)}&conversation=${'0'.repeat(32)}`, 'not-found'],
    ] as const) {
      const err = await refusal(() => registry.handlers()['links:open'](link));
      expect(isCoreError(err, code), `${link}: ${String(err)}`).toBe(true);
      expect(registry.activeAccountId, link).toBe(alice!.id);
    }
  }, 30_000);

  it('clears an account’s local copy after sending what it had queued, keeps it signed in, and downloads it again', async () => {
    const { registry } = opened;
    const alice = registry.list().find((a) => a.email === t.accounts[0]!.email)!;
    await eventually(() => alice.service.snapshot().conversations.length > 0, 15_000, 'alice to have her conversations');
    const target = alice.service.snapshot().conversations[0]!;
    await alice.service.handlers()['drafts:set'](target.id, 'half a thought');
    await alice.service.handlers()['conversation:set-color'](target.id, '#abcdef');

    const result = await registry.handlers()['accounts:clear-local-data'](alice.id);
    expect(result).toEqual({ cleared: true });
    // The queued change reached the server before anything was removed.
    const onServer = await new TestClient(t.server.url, t.accounts[0]!).signIn();
    expect(JSON.stringify((await onServer.conversations()).find((c: { id: string }) => c.id === target.id))).toContain('abcdef');

    const reopened = registry.list().find((a) => a.id === alice.id)!;
    expect(reopened.service).not.toBe(alice.service);
    expect(reopened.service.profile?.email).toBe(t.accounts[0]!.email);
    expect(await reopened.service.handlers()['drafts:get']()).toEqual({});
    await eventually(() => reopened.service.snapshot().conversations.some((c) => c.id === target.id), 15_000, 'the list to be downloaded again');
  }, 40_000);

  it('offline, clears nothing while changes wait to be sent, and drops them only when the user says so', async () => {
    const { registry } = opened;
    const alice = registry.list().find((a) => a.email === t.accounts[0]!.email)!;
    const port = t.server.port;
    const target = alice.service.snapshot().conversations[0]!;
    await t.stop();
    await eventually(() => alice.service.connection !== 'online', 10_000, 'the server to be missed');
    await alice.service.handlers()['conversation:set-color'](target.id, '#123456');

    const kept = await registry.handlers()['accounts:clear-local-data'](alice.id);
    expect(kept).toEqual({ cleared: false, unsent: 1 });
    expect(registry.list().find((a) => a.id === alice.id)!.service).toBe(alice.service);
    expect(alice.service.snapshot().pendingCount).toBe(1);

    expect(await registry.handlers()['accounts:clear-local-data'](alice.id, { discardUnsent: true })).toEqual({ cleared: true });
    const reopened = registry.list().find((a) => a.id === alice.id)!.service;
    expect(reopened.snapshot().pendingCount).toBe(0);

    again = await startServer({ dataDir: t.dataDir, port, log: () => {} });
    await eventually(() => reopened.connection === 'online' && reopened.snapshot().conversations.length > 0, 20_000, 'alice back online');
    const onServer = await new TestClient(again.url, t.accounts[0]!).signIn();
    expect(JSON.stringify((await onServer.conversations()).find((c: { id: string }) => c.id === target.id))).not.toContain('123456');
  }, 60_000);
});
