/**
 * The desktop controller on a stand-in service (one account, a conversation list of the test's
 * choosing), a memory settings store, a switchable system Do not disturb and a recording host, on a
 * clock and timers the test moves by hand: what app/core/desktop/desktop-controller*.test.ts share.
 */
import type { EventName, Events } from '../../../app/ipc/contract.js';
import type { NotificationSound, Preferences } from '../../../app/ipc/preferences.js';
import type { Availability, ConnectionState, ConversationView, MessageView, Snapshot, SystemDndStatus } from '../../../app/ipc/views.js';
import type { ServiceSignal } from '../../../app/core/chat-service.js';
import { memorySettings, type SettingsStore } from '../../../app/core/settings/settings.js';
import {
  DesktopController,
  INITIAL_LOAD_DELAY_MS,
  type DesktopHost,
  type DesktopService,
  type Timers,
  type TrayView,
} from '../../../app/core/desktop/desktop-controller.js';
import { fromWall, ianaZone } from '../../../app/core/desktop/local-time.js';
import type { PlannedNotification } from '../../../app/core/desktop/notification-policy.js';
import type { TrayMenuItem } from '../../../app/core/desktop/tray-menu.js';
import { conversationId, conversationView } from './views.js';

export const zone = ianaZone('Europe/Budapest');
export const START = fromWall(Date.UTC(2025, 5, 10, 14, 0), zone);
export const PROFILE = { userid: 'a'.repeat(32), email: 'alice@example.test', nick: 'Alice', fullname: 'Alice', serverUrl: 'http://127.0.0.1:1' };
export const cid = conversationId;

export const conversation = conversationView;

let seq = 0;
export function message(n: number, created: number, over: Partial<MessageView> = {}): MessageView {
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
export class ManualTime implements Timers {
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

export class FakeService {
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

export const ACCOUNT = '0123456789abcdef';

/** The fake service as the registry of its one account (which hears the settings as AccountsService does). */
function oneAccount(service: FakeService, settings: SettingsStore): DesktopService {
  return {
    onSettingsChanged: (listener) => settings.onChange(() => listener()),
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
      if (accountId !== ACCOUNT) throw new Error(`opened on account ${accountId}, not ${ACCOUNT}`);
      service.openConversation(conversationId);
    },
    setAvailability: (availability) => service.setAvailability(availability),
    syncNow: () => service.syncNow(),
  };
}

/** The system's Do not disturb, switched by the test. */
export class FakeSystemDnd {
  current: SystemDndStatus = { readable: true, on: false };
  private readonly listeners = new Set<() => void>();
  status = () => this.current;
  onChange(listener: () => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  set(on: boolean): void {
    this.current = { readable: true, on };
    for (const l of this.listeners) l();
  }
  get listening(): number {
    return this.listeners.size;
  }
}

type NotificationPrefs = Preferences['notifications'];
export type SetupOptions = {
  conversations?: ConversationView[];
  dndUntil?: number | null;
  load?: boolean;
  notifications?: Partial<Omit<NotificationPrefs, 'quietHours'>> & { quietHours?: Partial<NotificationPrefs['quietHours']> };
  at?: number;
};

export function setNotifications(settings: SettingsStore, over: NonNullable<SetupOptions['notifications']>): void {
  const preferences = settings.get().preferences;
  const notifications = { ...preferences.notifications, ...over, quietHours: { ...preferences.notifications.quietHours, ...over.quietHours } };
  settings.update({ preferences: { ...preferences, notifications } });
}

export function setup(opts: SetupOptions = {}) {
  const time = new ManualTime();
  if (opts.at !== undefined) time.now = opts.at;
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
  if (opts.notifications) setNotifications(settings, opts.notifications);
  const systemDnd = new FakeSystemDnd();
  const host = {
    views: [] as TrayView[],
    notifications: [] as PlannedNotification[],
    cleared: 0,
    shown: 0,
    quits: 0,
    sounds: [] as NotificationSound[],
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
    playSound: (sound) => host.sounds.push(sound),
    systemDnd,
    log: (line) => host.logged.push(line),
  };
  const controller = new DesktopController(oneAccount(service, settings), settings, desktopHost).start();
  if (opts.load !== false) time.advance(INITIAL_LOAD_DELAY_MS);
  return { time, service, settings, systemDnd, host, controller };
}

export const item = (view: TrayView | undefined, id: string): TrayMenuItem | undefined => {
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
