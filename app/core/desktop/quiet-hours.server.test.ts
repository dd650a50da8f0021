/**
 * Quiet hours end to end: the real reference server, the real accounts registry with Alice signed
 * in and her preferences changed through the contract (settings:set), Bob writing to her from his
 * own client, and the DesktopController on top on a clock of the test's own, set inside a quiet
 * period and then moved out of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../server/test/harness.js';
import { eventually, openService, signIn, TestKeychain, type ServiceUnderTest } from '../../../test/support/core/service-harness.js';
import { ManualTimers } from '../../../test/support/core/manual-timers.js';
import type { NotificationSound } from '../../ipc/preferences.js';
import type { MessageView } from '../../ipc/views.js';
import { AccountsService } from '../accounts/accounts-service.js';
import { openSettings } from '../settings/conf-settings.js';
import type { SettingsStore } from '../settings/settings.js';
import { Vault } from '../vault/vault.js';
import { DesktopController, type DesktopHost, type TrayView } from './desktop-controller.js';
import { ianaZone, toWall } from './local-time.js';
import type { PlannedNotification } from './notification-policy.js';

const zone = ianaZone('Europe/Budapest');
const HOUR_MS = 3_600_000;

let t: TestServer;
let bob: ServiceUnderTest;
let registry: AccountsService;
let settings: SettingsStore;
const arrived: MessageView[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'ozeki-quiet-hours-'));

beforeAll(async () => {
  t = await startTestServer();
  bob = await openService();
  await signIn(bob, t.server.url, t.accounts[1]!);
  const vault = await Vault.open({ backend: new TestKeychain() });
  settings = openSettings(dataDir).store;
  registry = await AccountsService.open({ dataDir, vault, settings, engine: { pollMs: { pushDown: 300, pushUp: 1000 }, maxAttempts: 3 }, defer: () => {} });
  const alice = t.accounts[0]!;
  await registry.handlers()['session:sign-in']({ serverUrl: t.server.url, email: alice.email, apiKey: alice.apikey, password: alice.password });
  registry.onAccountSignal((_account, signal) => {
    if (signal.type === 'messages-arrived') arrived.push(...signal.messages);
  });
  await eventually(
    () => [bob.service, registry.list()[0]!.service].every((s) => s.connection === 'online' && s.snapshot().conversations.length === 2),
    15_000,
    'both synced',
  );
}, 30_000);

afterAll(async () => {
  await registry?.close();
  await bob?.close();
  await t?.stop({ remove: true });
  rmSync(dataDir, { recursive: true, force: true });
});

const h = () => registry.handlers();
const aliceSees = (name: string) =>
  registry
    .list()[0]!
    .service.snapshot()
    .conversations.find((c) => c.name === name)!;

/**
 * The controller on a clock that starts now (the server stamps messages with the real time, and
 * older ones would be history) and moves when the test says.
 */
function desktop() {
  const clock = { now: Date.now() };
  const timers = new ManualTimers();
  const seen = { notifications: [] as PlannedNotification[], sounds: [] as NotificationSound[], views: [] as TrayView[] };
  const host: DesktopHost = {
    platform: 'linux',
    locale: 'en-GB',
    zone,
    now: () => clock.now,
    timers,
    renderTray: (view) => seen.views.push(view),
    showNotification: (n) => seen.notifications.push(n),
    clearNotifications: () => {},
    isWindowFocused: () => false,
    showWindow: () => {},
    quit: () => {},
    playSound: (sound) => seen.sounds.push(sound),
  };
  const controller = new DesktopController(registry, settings, host);
  return { clock, timers, seen, controller, host };
}

/** Quiet hours from an hour before the clock to an hour after it, on the local wall clock, every day. */
function quietAround(now: number) {
  const minute = Math.floor(toWall(now, zone) / 60_000) % 1440;
  return { enabled: true, days: [0, 1, 2, 3, 4, 5, 6], start: (minute + 1440 - 60) % 1440, end: (minute + 60) % 1440 };
}

/** Bob writes to Alice; resolves once it reached her and the controller has had its say. */
async function bobWrites(conversationName: string, text: string, timers: ManualTimers): Promise<void> {
  const sent = await bob.service.handlers()['messages:send'](bob.service.snapshot().conversations.find((c) => c.name === conversationName)!.id, text);
  await bob.service.settle();
  await eventually(() => arrived.some((m) => m.id === sent.id), 10_000, `"${text}" reaching Alice`);
  timers.runAll();
}

/** A controller inside a quiet period around now, with Alice's "Alice and Bob" a favourite or not. */
async function insideQuietHours(opts: { favourite: boolean; favouritesBreakThrough: boolean }) {
  const d = desktop();
  d.controller.start();
  await h()['settings:set']({
    notifications: { quietHours: quietAround(d.clock.now), favouritesBreakThrough: opts.favouritesBreakThrough, soundName: 'knock' },
  });
  await h()['conversation:set-favorite'](aliceSees('Alice and Bob').id, opts.favourite);
  d.timers.runAll();
  return d;
}

describe('quiet hours on a real account', () => {
  it('hold back a message from a friend in a conversation that is not a favourite: no notification, no sound', async () => {
    const { timers, seen, controller } = await insideQuietHours({ favourite: false, favouritesBreakThrough: true });
    try {
      controller.render();
      expect(seen.views.at(-1)!.menu.find((i) => i.id === 'silence')).toMatchObject({
        label: expect.stringMatching(/^Quiet hours until .*\d:\d\d \(favorites still notify\)$/),
      });
      await bobWrites('Alice and Bob', 'Still up?', timers);
      expect([seen.notifications, seen.sounds]).toEqual([[], []]);
    } finally {
      controller.dispose();
    }
  });

  it('let a favourite through when favourites break through, with the chosen sound', async () => {
    const { timers, seen, controller } = await insideQuietHours({ favourite: true, favouritesBreakThrough: true });
    try {
      const chat = aliceSees('Alice and Bob');
      await bobWrites('Alice and Bob', 'It is important', timers);
      expect(seen.notifications).toEqual([
        { key: `conversation:${chat.id}`, title: 'Bob', body: 'It is important', conversationId: chat.id, accountId: registry.list()[0]!.id },
      ]);
      expect(seen.sounds).toEqual(['knock']);
    } finally {
      controller.dispose();
    }
  });

  it('notify again once the clock is past the quiet period', async () => {
    const { clock, timers, seen, controller } = await insideQuietHours({ favourite: false, favouritesBreakThrough: false });
    try {
      await bobWrites('Alice and Bob', 'Hush', timers);
      expect(seen.notifications).toEqual([]);
      clock.now += 2 * HOUR_MS;
      await bobWrites('Alice and Bob', 'Good morning', timers);
      expect(seen.notifications.map((n) => n.body)).toEqual(['Good morning']);
      expect(seen.sounds).toEqual(['knock']);
    } finally {
      controller.dispose();
    }
  });
});
