/**
 * The controller's own behaviour (redraw bursts, the Do not disturb timer, gathering arrivals, tray
 * actions) on a stand-in service, with a clock and timers the test moves by hand.
 */
import { describe, expect, it } from 'vitest';
import type { EventName, Events } from '../../ipc/contract.js';
import type { Availability, ConnectionState, ConversationView, MessageView, Snapshot } from '../../ipc/views.js';
import type { ServiceSignal } from '../chat-service.js';
import { memorySettings } from '../settings/settings.js';
import { conversationId, conversationView } from '../../../test/support/core/views.js';
import {
  ARRIVAL_MAX_WAIT_MS,
  ARRIVAL_QUIET_MS,
  DesktopController,
  INITIAL_LOAD_DELAY_MS,
  RENDER_DELAY_MS,
  type DesktopHost,
  type DesktopService,
  type Timers,
  type TrayView,
} from './desktop-controller.js';
import { DND_HOUR_MS } from './dnd.js';
import { fromWall, ianaZone } from './local-time.js';
import type { PlannedNotification } from './notification-policy.js';
import type { TrayMenuItem } from './tray-menu.js';

const zone = ianaZone('Europe/Budapest');
const START = fromWall(Date.UTC(2025, 5, 10, 14, 0), zone);
const PROFILE = { userid: 'a'.repeat(32), email: 'alice@example.test', nick: 'Alice', fullname: 'Alice', serverUrl: 'http://127.0.0.1:1' };
const cid = conversationId;

const conversation = conversationView;

let seq = 0;
function message(n: number, created: number, over: Partial<MessageView> = {}): MessageView {
  return {
    id: `00000000-0000-4000-8000-${(seq++).toString(16).padStart(12, '0')}`,
    conversationId: cid(n),
    from: 'b'.repeat(32),
    fromName: 'Bob',
    mine: false,
    text: 'hi',
    created,
    validUntil: created + 86_400_000,
    state: 'sent',
    replyTo: null,
    reactions: [],
    editedAt: 0,
    deleted: false,
    file: null,
    ...over,
  };
}

/** A clock and timers that move only when the test says. */
class ManualTime implements Timers {
  now = START;
  private next = 0;
  private readonly due = new Map<number, { at: number; fn: () => void }>();
  set(fn: () => void, ms: number): number {
    this.due.set(++this.next, { at: this.now + ms, fn });
    return this.next;
  }
  clear(handle: unknown): void {
    this.due.delete(handle as number);
  }
  /** Moves the clock forward, running every timer that comes due on the way, in order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const [id, first] = [...this.due].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
      if (id === undefined || first!.at > end) break;
      this.due.delete(id);
      this.now = Math.max(this.now, first!.at);
      first!.fn();
    }
    this.now = end;
  }
  get count(): number {
    return this.due.size;
  }
}

class FakeService {
  connection: ConnectionState = 'online';
  snapshots = 0;
  availability: Availability = 'available';
  openConversationId: string | null = null;
  readonly opened: string[] = [];
  failSetAvailability = false;
  private readonly listeners = new Set<(event: EventName, payload: unknown) => void>();
  private readonly signalListeners = new Set<(signal: ServiceSignal) => void>();
  constructor(private readonly snap: Snapshot) {}
  on(listener: (event: EventName, payload: unknown) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  onSignal(listener: (signal: ServiceSignal) => void) {
    this.signalListeners.add(listener);
    return () => this.signalListeners.delete(listener);
  }
  snapshot(): Snapshot {
    this.snapshots++;
    return this.snap;
  }
  openConversation(id: string): void {
    this.opened.push(id);
  }
  async setAvailability(availability: Availability): Promise<void> {
    if (this.failSetAvailability) throw new Error('The server cannot be reached.');
    this.availability = availability;
    this.signal({ type: 'availability-changed', availability });
  }
  async syncNow(): Promise<void> {
    throw new Error('The server cannot be reached.');
  }
  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const l of this.listeners) l(event, payload);
  }
  signal(signal: ServiceSignal): void {
    for (const l of this.signalListeners) l(signal);
  }
  get subscribers(): number {
    return this.listeners.size + this.signalListeners.size;
  }
}

const ACCOUNT = '0123456789abcdef';

/** The fake service as the registry of its one account. */
function oneAccount(service: FakeService): DesktopService {
  return {
    onAccountEvent: (listener) => service.on((event, payload) => listener(ACCOUNT, event, payload as never)),
    onAccountSignal: (listener) => service.onSignal((signal) => listener(ACCOUNT, signal)),
    list: () => [{ id: ACCOUNT, email: PROFILE.email, service }],
    activeAccountId: ACCOUNT,
    get availability() {
      return service.availability;
    },
    get openConversationId() {
      return service.openConversationId;
    },
    openConversation: (accountId, conversationId) => {
      expect(accountId).toBe(ACCOUNT);
      service.openConversation(conversationId);
    },
    setAvailability: (availability) => service.setAvailability(availability),
    syncNow: () => service.syncNow(),
  };
}

function setup(opts: { conversations?: ConversationView[]; dndUntil?: number | null; load?: boolean } = {}) {
  const time = new ManualTime();
  const service = new FakeService({
    accounts: [],
    activeAccountId: ACCOUNT,
    profile: PROFILE,
    keychain: { persistent: true, reason: null },
    connection: 'online',
    pendingCount: 0,
    conversations: opts.conversations ?? [conversation(1), conversation(2)],
    friends: [],
    availability: 'available',
    notices: [],
    complete: true,
  });
  const settings = memorySettings();
  if (opts.dndUntil !== undefined) settings.update({ desktop: { dndUntil: opts.dndUntil, trayHintShown: false } });
  const host = {
    views: [] as TrayView[],
    notifications: [] as PlannedNotification[],
    cleared: 0,
    shown: 0,
    quits: 0,
    logged: [] as string[],
  };
  const desktopHost: DesktopHost = {
    platform: 'win32',
    locale: 'en-GB',
    zone,
    now: () => time.now,
    timers: time,
    renderTray: (view) => host.views.push(view),
    showNotification: (n) => host.notifications.push(n),
    clearNotifications: () => void host.cleared++,
    isWindowFocused: () => false,
    showWindow: () => void host.shown++,
    quit: () => void host.quits++,
    log: (line) => host.logged.push(line),
  };
  const controller = new DesktopController(oneAccount(service), settings, desktopHost).start();
  if (opts.load !== false) time.advance(INITIAL_LOAD_DELAY_MS);
  return { time, service, settings, host, controller };
}

const item = (view: TrayView | undefined, id: string): TrayMenuItem | undefined => {
  const walk = (items: TrayMenuItem[]): TrayMenuItem | undefined => {
    for (const i of items) {
      if (i.id === id) return i;
      if (i.type === 'submenu') {
        const found = walk(i.submenu);
        if (found) return found;
      }
    }
    return undefined;
  };
  return view && walk(view.menu);
};

describe('the tray drawing', () => {
  it('is drawn at once on start without the conversation list, which it reads a moment later, so the window paints first', () => {
    const { time, service, host } = setup({ conversations: [conversation(1, { favorite: true, unread: 2 })], load: false });
    expect(service.snapshots).toBe(0);
    expect(host.views).toHaveLength(1);
    expect(host.views[0]).toMatchObject({ unread: 0, tooltip: 'Ozeki Chat · no unread messages' });
    time.advance(INITIAL_LOAD_DELAY_MS);
    expect(service.snapshots).toBe(1);
    expect(host.views.at(-1)).toMatchObject({ unread: 2, tooltip: 'Ozeki Chat · 2 unread messages' });
    expect(item(host.views.at(-1), `favorite:${cid(1)}`)).toBeDefined();
  });

  it('reads the list at once when messages arrive before it did, to know which are muted', () => {
    const { time, service, host } = setup({ conversations: [conversation(1, { muted: true })], load: false });
    service.signal({ type: 'messages-arrived', conversationId: cid(1), messages: [message(1, START)] });
    time.advance(ARRIVAL_QUIET_MS);
    expect(service.snapshots).toBe(1);
    expect(host.notifications).toEqual([]);
  });

  it('is drawn at once on start, then once per burst of changes, and not again when nothing shows differently', () => {
    const { time, service, host } = setup();
    expect(host.views).toHaveLength(1);
    expect(host.views[0]!.tooltip).toBe('Ozeki Chat · no unread messages');

    service.emit('conversations:changed', { upserted: [conversation(1, { unread: 2 })], removed: [] });
    service.emit('conversations:changed', { upserted: [conversation(2, { unread: 1 })], removed: [] });
    service.emit('connection:changed', { state: 'online', pendingCount: 0 });
    expect(host.views).toHaveLength(1);
    time.advance(RENDER_DELAY_MS);
    expect(host.views).toHaveLength(2);
    expect(host.views[1]).toMatchObject({ tooltip: 'Ozeki Chat · 3 unread messages', unread: 3, icon: { file: 'tray-unread.png' } });

    service.emit('friends:changed', { friends: [] });
    service.emit('connection:changed', { state: 'online', pendingCount: 0 });
    time.advance(RENDER_DELAY_MS);
    expect(host.views).toHaveLength(2);
  });

  it('follows sign-out: no favorites or counts, and the notifications shown are taken back', () => {
    const { time, service, host } = setup({ conversations: [conversation(1, { favorite: true, unread: 5 })] });
    expect(item(host.views.at(-1), `favorite:${cid(1)}`)).toBeDefined();
    service.emit('session:changed', { profile: null, keychain: { persistent: true, reason: null } });
    service.emit('connection:changed', { state: 'signed-out', pendingCount: 0 });
    time.advance(RENDER_DELAY_MS);
    expect(host.cleared).toBe(1);
    expect(host.views.at(-1)).toMatchObject({ tooltip: 'Ozeki Chat · signed out', unread: 0 });
    expect(item(host.views.at(-1), `favorite:${cid(1)}`)).toBeUndefined();
  });

  it('redraws when the availability changes, and logs (does not throw) when the server cannot take it', async () => {
    const { service, host, controller } = setup();
    await controller.perform({ kind: 'set-availability', availability: 'away' });
    expect(item(host.views.at(-1), 'availability')).toMatchObject({ label: 'Availability: Away' });
    service.failSetAvailability = true;
    await controller.perform({ kind: 'set-availability', availability: 'busy' });
    expect(item(host.views.at(-1), 'availability')).toMatchObject({ label: 'Availability: Away' });
    expect(host.logged).toEqual(['availability not changed: The server cannot be reached.']);
  });
});

describe('Do not disturb in the controller', () => {
  it('is saved in the settings and shown at once, and turns itself off when the hour is over', () => {
    const { time, settings, host, controller } = setup();
    controller.setDnd('hour');
    expect(settings.get().desktop.dndUntil).toBe(time.now + DND_HOUR_MS);
    expect(item(host.views.at(-1), 'dnd')).toMatchObject({ label: 'Do not disturb: on until 15:00' });

    time.advance(DND_HOUR_MS - 1);
    expect(item(host.views.at(-1), 'dnd')).toMatchObject({ label: 'Do not disturb: on until 15:00' });
    time.advance(1);
    expect(settings.get().desktop.dndUntil).toBeNull();
    expect(item(host.views.at(-1), 'dnd')).toMatchObject({ label: 'Do not disturb' });
    expect(item(host.views.at(-1), 'dnd:off')).toMatchObject({ checked: true });
    expect(time.count).toBe(0);
  });

  it('"until tomorrow" reads "tomorrow" until midnight and the plain time after it, then ends at 08:00', () => {
    const { time, settings, host, controller } = setup();
    controller.setDnd('tomorrow');
    expect(item(host.views.at(-1), 'dnd')).toMatchObject({ label: 'Do not disturb: on until tomorrow 8:00' });
    time.advance(10 * DND_HOUR_MS); // 00:00
    expect(item(host.views.at(-1), 'dnd')).toMatchObject({ label: 'Do not disturb: on until 8:00' });
    time.advance(8 * DND_HOUR_MS); // 08:00
    expect(settings.get().desktop.dndUntil).toBeNull();
    expect(item(host.views.at(-1), 'dnd:off')).toMatchObject({ checked: true });
  });

  it('that ended while the app was closed is cleared on start', () => {
    const { settings, host } = setup({ dndUntil: START - 1 });
    expect(settings.get().desktop.dndUntil).toBeNull();
    expect(item(host.views[0], 'dnd')).toMatchObject({ label: 'Do not disturb' });
  });

  it('that is still on after a restart goes on, and keeps notifications away', () => {
    const { time, service, host } = setup({ dndUntil: START + DND_HOUR_MS });
    expect(item(host.views[0], 'dnd:hour')).toMatchObject({ checked: true });
    service.signal({ type: 'messages-arrived', conversationId: cid(1), messages: [message(1, START)] });
    time.advance(ARRIVAL_MAX_WAIT_MS);
    expect(host.notifications).toEqual([]);
  });
});

describe('arrivals in the controller', () => {
  it('are gathered while they keep coming, then make one decision', () => {
    const { time, service, host } = setup();
    service.signal({ type: 'messages-arrived', conversationId: cid(1), messages: [message(1, START)] });
    time.advance(ARRIVAL_QUIET_MS - 1);
    service.signal({ type: 'messages-arrived', conversationId: cid(1), messages: [message(1, START + 1, { text: 'second' })] });
    time.advance(ARRIVAL_QUIET_MS - 1);
    expect(host.notifications).toEqual([]);
    time.advance(1);
    expect(host.notifications).toEqual([
      { key: `conversation:${cid(1)}`, title: 'Conversation 1', body: '2 new messages\nBob: second', conversationId: cid(1), accountId: ACCOUNT },
    ]);
  });

  it('still show during a steady trickle, at most a couple of seconds after the first', () => {
    const { time, service, host } = setup();
    for (let i = 0; i * (ARRIVAL_QUIET_MS - 100) < ARRIVAL_MAX_WAIT_MS; i++) {
      service.signal({ type: 'messages-arrived', conversationId: cid(1), messages: [message(1, START)] });
      time.advance(ARRIVAL_QUIET_MS - 100);
    }
    expect(host.notifications).toHaveLength(1);
  });

  it('from before the session began are history and make nothing', () => {
    const { time, service, host } = setup();
    service.signal({ type: 'messages-arrived', conversationId: cid(1), messages: [message(1, START - 3_600_000)] });
    time.advance(ARRIVAL_MAX_WAIT_MS);
    expect(host.notifications).toEqual([]);
  });

  it('are dropped when the user signs out before they show', () => {
    const { time, service, host } = setup();
    service.signal({ type: 'messages-arrived', conversationId: cid(1), messages: [message(1, START)] });
    service.emit('session:changed', { profile: null, keychain: { persistent: true, reason: null } });
    time.advance(ARRIVAL_MAX_WAIT_MS);
    expect(host.notifications).toEqual([]);
  });
});

describe('tray actions', () => {
  it('open the window, a favorite conversation, and quit', async () => {
    const { service, host, controller } = setup();
    await controller.perform({ kind: 'show-window' });
    await controller.perform({ kind: 'open-conversation', conversationId: cid(2) });
    await controller.perform({ kind: 'quit' });
    expect({ shown: host.shown, quits: host.quits, opened: service.opened }).toEqual({ shown: 2, quits: 1, opened: [cid(2)] });
  });

  it('a click on the summary notification shows the window without choosing a conversation', () => {
    const { service, host, controller } = setup();
    controller.notificationClicked({ key: 'summary', title: 'Ozeki Chat', body: '9 new messages in 4 conversations', conversationId: null });
    expect({ shown: host.shown, opened: service.opened }).toEqual({ shown: 1, opened: [] });
  });

  it('log a sync that fails instead of throwing out of the menu', async () => {
    const { host, controller } = setup();
    await controller.perform({ kind: 'sync-now' });
    expect(host.logged).toEqual(['sync now failed: The server cannot be reached.']);
  });

  it('stop with dispose: no listener, timer or drawing is left behind', () => {
    const { time, service, host, controller } = setup();
    controller.setDnd('hour');
    service.emit('conversations:changed', { upserted: [conversation(3)], removed: [] });
    const drawn = host.views.length;
    controller.dispose();
    expect(service.subscribers).toBe(0);
    expect(time.count).toBe(0);
    time.advance(DND_HOUR_MS);
    expect(host.views).toHaveLength(drawn);
  });
});
