/**
 * What the tray and notifications need from the core, end to end: a real ChatService, a real
 * reference server on loopback, real SQLite files; and the DesktopController on top of it with a
 * recording host in place of Electron.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../server/test/harness.js';
import { createDispatcher } from '../../ipc/dispatcher.js';
import type { ServiceSignal } from '../chat-service.js';
import { eventually, openService, signIn, type ServiceUnderTest } from '../../../test/support/core/service-harness.js';
import { ONE_ACCOUNT_ID, oneAccount } from '../../../test/support/core/one-account.js';
import { ManualTimers } from '../../../test/support/core/manual-timers.js';
import { DesktopController, type DesktopHost, type Timers, type TrayView } from './desktop-controller.js';
import type { PlannedNotification } from './notification-policy.js';

let t: TestServer;
let alice: ServiceUnderTest;
let bob: ServiceUnderTest;
let carol: ServiceUnderTest;
const opened: ServiceUnderTest[] = [];
const signals = new Map<ServiceUnderTest, ServiceSignal[]>();

const h = (s: ServiceUnderTest) => s.service.handlers();
const named = (s: ServiceUnderTest, name: string) => s.service.snapshot().conversations.find((c) => c.name === name)!;
const arrivals = (s: ServiceUnderTest) => signals.get(s)!.flatMap((x) => (x.type === 'messages-arrived' ? x.messages : []));

async function open(account: number): Promise<ServiceUnderTest> {
  const sut = await openService();
  opened.push(sut);
  signals.set(sut, []);
  sut.service.onSignal((signal) => signals.get(sut)!.push(signal));
  await signIn(sut, t.server.url, t.accounts[account]!);
  await eventually(() => sut.service.snapshot().conversations.length === 2 && sut.service.connection === 'online', 10_000, 'the first sync');
  return sut;
}

/** Sends and waits until the server has it. */
async function send(from: ServiceUnderTest, conversationName: string, text: string) {
  const sent = await h(from)['messages:send'](named(from, conversationName).id, text);
  await from.service.settle();
  return sent;
}

beforeAll(async () => {
  t = await startTestServer();
  [alice, bob, carol] = [await open(0), await open(1), await open(2)];
});

afterAll(async () => {
  for (const s of opened) await s.close().catch(() => {});
  await t.stop({ remove: true });
});

describe('the conversation on screen', () => {
  it('is what the window last said through ui:conversation-opened; null clears it; a malformed id is refused and changes nothing', async () => {
    const dispatch = createDispatcher(h(alice));
    const id = named(alice, 'Alice and Bob').id;
    expect(await dispatch('ui:conversation-opened', [id])).toEqual({ ok: true, value: undefined });
    expect(alice.service.openConversationId).toBe(id);
    for (const bad of [[id.toUpperCase()], ['x'], [], [id, id], [42]]) {
      const reply = await dispatch('ui:conversation-opened', bad);
      expect(reply, JSON.stringify(bad)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    }
    expect(alice.service.openConversationId).toBe(id);
    expect(await dispatch('ui:conversation-opened', [null])).toEqual({ ok: true, value: undefined });
    expect(alice.service.openConversationId).toBeNull();
  });

  it('can be changed from the main process: openConversation asks the window with ui:open-conversation', () => {
    const id = named(alice, 'Alice and Carol').id;
    const before = alice.events.length;
    alice.service.openConversation(id);
    expect(alice.events.slice(before)).toEqual([{ event: 'ui:open-conversation', payload: { conversationId: id } }]);
  });
});

describe('messages arriving', () => {
  it('signals a message from someone else once, decrypted with its sender, when it comes in', async () => {
    const sent = await send(bob, 'Alice and Bob', 'Are you there, Alice?');
    const arrived = await eventually(() => arrivals(alice).find((m) => m.id === sent.id), 10_000, 'the arrival');
    expect(arrived).toMatchObject({ text: 'Are you there, Alice?', fromName: 'Bob', mine: false, conversationId: named(alice, 'Alice and Bob').id });
    // Catching up again finds nothing new.
    await h(alice)['sync:now']();
    await alice.service.settle();
    expect(arrivals(alice).filter((m) => m.id === sent.id)).toHaveLength(1);
  });

  it('does not signal my own messages, nor pages of history the window asks for', async () => {
    const before = signals.get(alice)!.length;
    await send(alice, 'Alice and Bob', 'Yes, here.');
    for (const c of alice.service.snapshot().conversations) await h(alice)['messages:latest'](c.id);
    await alice.service.settle();
    expect(signals.get(alice)!.slice(before)).toEqual([]);
  });

  it('in a conversation never opened on this device, signals only the new message, not the history around it', async () => {
    // Carol has never opened "Alice and Carol" (the seed put messages in it), nor has Alice here.
    const fresh = await open(0);
    const sent = await send(carol, 'Alice and Carol', 'New from Carol');
    const arrived = await eventually(() => (arrivals(fresh).some((m) => m.id === sent.id) ? arrivals(fresh) : undefined), 10_000, 'the arrival');
    expect(arrived.map((m) => m.text)).toEqual(['New from Carol']);
    // The history is in the cache all the same.
    const page = await h(fresh)['messages:latest'](named(fresh, 'Alice and Carol').id);
    expect(page.messages.length).toBeGreaterThan(1);
  });
});

describe('my availability', () => {
  it('is available until changed, then what reached the server, kept across a restart, and forgotten on sign-out', async () => {
    const sut = await open(2);
    expect(sut.service.availability).toBe('available');
    expect(sut.service.snapshot().availability).toBe('available');
    const told: unknown[] = [];
    const off = sut.service.on((event, payload) => {
      if (event === 'presence:changed') told.push(payload);
    });
    await h(sut)['presence:set']('busy');
    off();
    expect(sut.service.availability).toBe('busy');
    expect(sut.service.snapshot().availability).toBe('busy');
    // The window hears of it once, as the tray does.
    expect(told).toEqual([{ availability: 'busy' }]);
    expect(signals.get(sut)).toContainEqual({ type: 'availability-changed', availability: 'busy' });

    const restarted = await sut.reopen();
    opened.push(restarted);
    expect(restarted.service.availability).toBe('busy');
    await h(restarted)['session:sign-out']();
    expect(restarted.service.availability).toBe('available');
  });
});

// ------------------------------------------------------------------------------ the controller

/** Alice's service as a registry of one, hearing her settings change as AccountsService does. */
const aliceAlone = () => oneAccount(alice.service, undefined, alice.settings);

type RecordingHost = DesktopHost & { focused: boolean; views: TrayView[]; notifications: PlannedNotification[]; shown: number };

function recordingHost(timers: Timers): RecordingHost {
  const host: RecordingHost = {
    platform: 'linux',
    locale: 'en-GB',
    timers,
    focused: false,
    views: [] as TrayView[],
    notifications: [] as PlannedNotification[],
    shown: 0,
    renderTray: (view: TrayView) => host.views.push(view),
    showNotification: (n: PlannedNotification) => host.notifications.push(n),
    clearNotifications: () => {},
    isWindowFocused: () => host.focused,
    showWindow: () => void host.shown++,
    quit: () => {},
  };
  return host;
}

describe('the desktop controller on a real service', () => {
  it('notifies of a new message, badges the tray, and opens the conversation on click', async () => {
    const timers = new ManualTimers();
    const host = recordingHost(timers);
    const controller = new DesktopController(aliceAlone(), alice.settings, host).start();
    try {
      const sent = await send(bob, 'Alice and Bob', 'Ping from Bob');
      await eventually(() => arrivals(alice).some((m) => m.id === sent.id), 10_000, 'the arrival');
      timers.runAll();
      expect(host.notifications).toEqual([
        { key: `conversation:${sent.conversationId}`, title: 'Bob', body: 'Ping from Bob', conversationId: sent.conversationId, accountId: ONE_ACCOUNT_ID },
      ]);
      expect(host.views.at(-1)!.icon.file).toBe('tray-unread.png');
      expect(host.views.at(-1)!.tooltip).toMatch(/^Ozeki Chat · \d+ unread messages?$/);

      const before = alice.events.length;
      controller.notificationClicked(host.notifications[0]!);
      expect(host.shown).toBe(1);
      expect(alice.events.slice(before)).toContainEqual({ event: 'ui:open-conversation', payload: { conversationId: sent.conversationId } });
    } finally {
      controller.dispose();
    }
  });

  it('stays quiet for a muted conversation, during Do not disturb, and for the conversation on screen in a focused window', async () => {
    const timers = new ManualTimers();
    const host = recordingHost(timers);
    const settings = alice.settings;
    const controller = new DesktopController(aliceAlone(), settings, host).start();
    const id = named(alice, 'Alice and Bob').id;
    const deliver = async (text: string) => {
      const sent = await send(bob, 'Alice and Bob', text);
      await eventually(() => arrivals(alice).some((m) => m.id === sent.id), 10_000, 'the arrival');
      timers.runAll();
    };
    try {
      await h(alice)['conversation:set-muted'](id, true);
      await deliver('muted');
      await h(alice)['conversation:set-muted'](id, false);

      await controller.perform({ kind: 'set-dnd', choice: 'hour' });
      expect(settings.get().desktop.dndUntil).toBeGreaterThan(Date.now());
      await deliver('do not disturb');
      await controller.perform({ kind: 'set-dnd', choice: 'off' });
      expect(settings.get().desktop.dndUntil).toBeNull();

      await h(alice)['ui:conversation-opened'](id);
      host.focused = true;
      await deliver('on screen');
      expect(host.notifications).toEqual([]);

      host.focused = false;
      await deliver('window in the background');
      expect(host.notifications.map((n) => n.body)).toEqual(['window in the background']);
    } finally {
      controller.dispose();
      await h(alice)['ui:conversation-opened'](null);
    }
  });
});
