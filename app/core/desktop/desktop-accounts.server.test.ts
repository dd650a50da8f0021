/**
 * The tray and notifications over several accounts, end to end: a real accounts registry with two
 * users of one reference server signed in (Alice and Carol), Bob writing to both from his own
 * client, and the DesktopController on top with a recording host in place of Electron.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../server/test/harness.js';
import { eventually, openService, signIn, TestKeychain, type ServiceUnderTest } from '../../../test/support/core/service-harness.js';
import { AccountsService } from '../accounts/accounts-service.js';
import { openSettings } from '../settings/conf-settings.js';
import type { SettingsStore } from '../settings/settings.js';
import { Vault } from '../vault/vault.js';
import { ManualTimers } from '../../../test/support/core/manual-timers.js';
import { DesktopController, type DesktopHost, type Timers, type TrayView } from './desktop-controller.js';
import type { PlannedNotification } from './notification-policy.js';
import type { TrayMenuItem } from './tray-menu.js';

let t: TestServer;
let bob: ServiceUnderTest;
let registry: AccountsService;
let settings: SettingsStore;
const dataDir = mkdtempSync(join(tmpdir(), 'ozeki-desktop-accounts-'));
const keychain = new TestKeychain();

beforeAll(async () => {
  t = await startTestServer();
  bob = await openService();
  await signIn(bob, t.server.url, t.accounts[1]!);
  const vault = await Vault.open({ backend: keychain });
  settings = openSettings(dataDir).store;
  registry = await AccountsService.open({ dataDir, vault, settings, engine: { pollMs: { pushDown: 300, pushUp: 1000 }, maxAttempts: 3 }, defer: () => {} });
  for (const who of [t.accounts[0]!, t.accounts[2]!]) {
    await registry.handlers()['session:sign-in']({ serverUrl: t.server.url, email: who.email, apiKey: who.apikey, password: who.password });
  }
  await eventually(
    () => [bob.service, ...registry.list().map((a) => a.service)].every((s) => s.connection === 'online' && s.snapshot().conversations.length === 2),
    15_000,
    'everyone synced',
  );
}, 30_000);

afterAll(async () => {
  await registry?.close();
  await bob?.close();
  await t?.stop({ remove: true });
  rmSync(dataDir, { recursive: true, force: true });
});

function recordingHost(timers: Timers) {
  const host = {
    views: [] as TrayView[],
    notifications: [] as PlannedNotification[],
    shown: 0,
  };
  const desktop: DesktopHost = {
    platform: 'linux',
    locale: 'en-GB',
    timers,
    renderTray: (view) => host.views.push(view),
    showNotification: (n) => host.notifications.push(n),
    clearNotifications: () => {},
    isWindowFocused: () => false,
    showWindow: () => void host.shown++,
    quit: () => {},
  };
  return { host, desktop };
}

const labels = (items: TrayMenuItem[]) => items.filter((i) => i.type === 'normal').map((i) => (i as { label: string }).label);

describe('the desktop over several accounts', () => {
  it('names the account in each notification, and a click opens that account and conversation', async () => {
    const timers = new ManualTimers();
    const { host, desktop } = recordingHost(timers);
    const controller = new DesktopController(registry, settings, desktop).start();
    const windowEvents: { event: string; payload: unknown }[] = [];
    const off = registry.on((event, payload) => windowEvents.push({ event, payload }));
    try {
      const [alice, carol] = registry.list();
      await registry.handlers()['accounts:switch'](alice!.id);
      const toAlice = bob.service.snapshot().conversations.find((c) => c.name === 'Alice and Bob')!;
      const toCarol = bob.service.snapshot().conversations.find((c) => c.name === 'Bob and Carol')!;
      const sentA = await bob.service.handlers()['messages:send'](toAlice.id, 'Hello Alice');
      const sentC = await bob.service.handlers()['messages:send'](toCarol.id, 'Hello Carol');
      await bob.service.settle();
      await eventually(
        () => {
          timers.runAll();
          return host.notifications.length >= 2;
        },
        10_000,
        'both notifications',
      );
      const byBody = Object.fromEntries(host.notifications.map((n) => [n.body, n]));
      expect(byBody['Hello Alice']).toMatchObject({ title: 'Bob · alice@demo.ozeki.chat', conversationId: sentA.conversationId, accountId: alice!.id });
      expect(byBody['Hello Carol']).toMatchObject({ title: 'Bob · carol@demo.ozeki.chat', conversationId: sentC.conversationId, accountId: carol!.id });

      windowEvents.length = 0;
      controller.notificationClicked(byBody['Hello Carol']!);
      expect(registry.activeAccountId).toBe(carol!.id);
      expect(windowEvents.map((e) => e.event)).toEqual(['accounts:changed', 'ui:open-conversation']);
      expect(windowEvents[1]!.payload).toEqual({ conversationId: sentC.conversationId });
      expect(host.shown).toBe(1);
    } finally {
      off();
      controller.dispose();
    }
  }, 20_000);

  it('shows the total unread of every account in the tray, and a section of favourites per account', async () => {
    const timers = new ManualTimers();
    const { host, desktop } = recordingHost(timers);
    const controller = new DesktopController(registry, settings, desktop).start();
    try {
      for (const { service } of registry.list()) {
        const first = service.snapshot().conversations[0]!;
        await service.handlers()['conversation:set-favorite'](first.id, true);
      }
      timers.runAll();
      controller.render();
      const view = host.views.at(-1)!;
      const total = registry
        .list()
        .flatMap((a) => a.service.snapshot().conversations)
        .filter((c) => !c.muted && !c.hidden)
        .reduce((n, c) => n + c.unread, 0);
      expect(total).toBeGreaterThan(0);
      expect(view.unread).toBe(total);
      const shown = labels(view.menu);
      const aliceAt = shown.indexOf('alice@demo.ozeki.chat');
      const carolAt = shown.indexOf('carol@demo.ozeki.chat');
      expect(aliceAt).toBeGreaterThan(0);
      expect(carolAt).toBeGreaterThan(aliceAt);
      const carolFavorite = view.menu.find((i) => i.id.startsWith(`favorite:${registry.list()[1]!.id}:`));
      expect(carolFavorite).toMatchObject({ action: { kind: 'open-conversation', accountId: registry.list()[1]!.id } });
    } finally {
      controller.dispose();
    }
  });

  it('gives an account that opens after launch its tray section, with its favourites', async () => {
    const before = registry.list().map((a) => ({ id: a.id, email: a.email }));
    const onScreen = registry.activeAccountId!;
    await registry.close();
    const vault = await Vault.open({ backend: keychain });
    registry = await AccountsService.open({ dataDir, vault, settings, engine: { pollMs: { pushDown: 300, pushUp: 1000 }, maxAttempts: 3 }, defer: () => {} });
    const timers = new ManualTimers();
    const { host, desktop } = recordingHost(timers);
    const controller = new DesktopController(registry, settings, desktop).start();
    try {
      timers.runAll();
      controller.render();
      const other = before.find((a) => a.id !== onScreen)!;
      expect(labels(host.views.at(-1)!.menu)).not.toContain(other.email);

      await registry.opened();
      timers.runAll();
      controller.render();
      const view = host.views.at(-1)!;
      expect(labels(view.menu)).toEqual(expect.arrayContaining(before.map((a) => a.email)));
      expect(view.menu.some((i) => i.id.startsWith(`favorite:${other.id}:`))).toBe(true);
    } finally {
      controller.dispose();
    }
  }, 20_000);
});
