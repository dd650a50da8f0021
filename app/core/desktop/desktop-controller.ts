/**
 * The desktop integration without Electron: follows the ChatService and the settings, keeps the
 * tray's state, decides notifications, runs the Do not disturb timer, and carries out tray actions.
 * The host (app/electron/desktop-integration.ts) only draws what it is given and reports clicks, so
 * this runs, and is tested, under plain Node.
 */
import type { Availability, ConnectionState, ConversationView } from '../../ipc/views.js';
import type { ChatService } from '../chat-service.js';
import type { SettingsStore } from '../settings/settings.js';
import { dndUntilFor, isDndStale, nextDndCheck, type DndChoice } from './dnd.js';
import { systemZone, type Zone } from './local-time.js';
import { planNotifications, type Arrival, type PlannedNotification } from './notification-policy.js';
import { trayIcon, trayMenu, trayTooltip, unreadTotal, type TrayAction, type TrayIcon, type TrayMenuItem, type TrayState } from './tray-menu.js';

export type DesktopService = Pick<
  ChatService,
  'on' | 'onSignal' | 'snapshot' | 'connection' | 'availability' | 'openConversationId' | 'openConversation' | 'setAvailability' | 'syncNow'
>;

export type Timers = { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void };

export const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export type TrayView = { menu: TrayMenuItem[]; tooltip: string; icon: TrayIcon; unread: number };

export type DesktopHost = {
  platform: string;
  renderTray(view: TrayView): void;
  showNotification(notification: PlannedNotification): void;
  /** Takes back every notification shown (the user signed out: they are about someone else's chats now). */
  clearNotifications(): void;
  isWindowFocused(): boolean;
  showWindow(): void;
  quit(): void;
  zone?: Zone;
  locale?: string;
  now?: () => number;
  timers?: Timers;
  log?: (line: string) => void;
};

/** Events come in bursts (a sync touches every conversation): the tray is redrawn once per burst. */
export const RENDER_DELAY_MS = 150;
/** Arrivals are gathered until none came for this long... */
export const ARRIVAL_QUIET_MS = 500;
/** ...or this long after the first, so a steady trickle still shows. */
export const ARRIVAL_MAX_WAIT_MS = 2000;
/**
 * The conversation list (favourites, unread counts) is read this long after start: building every
 * view costs real time, and at launch the window's first paint needs the main process more. The
 * first sync usually brings the whole list before then anyway.
 */
export const INITIAL_LOAD_DELAY_MS = 1500;
/** A timer further out than this is set again when it fires (long timeouts overflow, and sleep skews them). */
const MAX_TIMER_MS = 60 * 60_000;

export class DesktopController {
  private readonly now: () => number;
  private readonly zone: Zone;
  private readonly timers: Timers;
  private readonly log: (line: string) => void;
  private readonly unsubscribe: (() => void)[] = [];

  private signedIn = false;
  /** Who is signed in: another account signing in is a new session. */
  private userid: string | null = null;
  private connection: ConnectionState = 'signed-out';
  private pendingCount = 0;
  private readonly conversations = new Map<string, ConversationView>();
  private sessionStart: number;

  private arrivals: Arrival[] = [];
  private firstArrivalAt = 0;
  private arrivalTimer: unknown = null;
  private renderTimer: unknown = null;
  private loadTimer: unknown = null;
  private dndTimer: unknown = null;
  private lastRendered = '';
  private loaded = false;
  private disposed = false;

  constructor(
    private readonly service: DesktopService,
    private readonly settings: SettingsStore,
    private readonly host: DesktopHost,
  ) {
    this.now = host.now ?? Date.now;
    this.zone = host.zone ?? systemZone;
    this.timers = host.timers ?? realTimers;
    this.log = host.log ?? (() => {});
    this.sessionStart = this.now();
  }

  start(): this {
    this.connection = this.service.connection;
    this.signedIn = this.connection !== 'signed-out';
    this.loadTimer = this.timers.set(() => {
      this.loadTimer = null;
      this.load();
      this.render();
    }, INITIAL_LOAD_DELAY_MS);

    this.unsubscribe.push(
      this.service.on((event, payload) => {
        switch (event) {
          case 'session:changed': {
            const { profile } = payload as { profile: { userid: string } | null };
            // Signed out, or another account signed in: what was shown is about someone else's chats.
            const switched = profile !== null && this.userid !== null && profile.userid !== this.userid;
            if ((profile === null && this.signedIn) || switched) this.onSignedOut();
            if (profile && profile.userid !== this.userid) this.sessionStart = this.now();
            this.signedIn = profile !== null;
            this.userid = profile?.userid ?? null;
            break;
          }
          case 'connection:changed': {
            const { state, pendingCount } = payload as { state: ConnectionState; pendingCount: number };
            this.connection = state;
            this.pendingCount = pendingCount;
            break;
          }
          case 'conversations:changed': {
            const { upserted, removed } = payload as { upserted: ConversationView[]; removed: string[] };
            for (const id of removed) this.conversations.delete(id);
            for (const c of upserted) this.conversations.set(c.id, c);
            break;
          }
          default:
            return;
        }
        this.scheduleRender();
      }),
      this.service.onSignal((signal) => {
        if (signal.type === 'messages-arrived') this.onArrival({ conversationId: signal.conversationId, messages: signal.messages });
        else this.scheduleRender();
      }),
    );
    this.render();
    return this;
  }

  dispose(): void {
    this.disposed = true;
    for (const off of this.unsubscribe.splice(0)) off();
    for (const timer of [this.arrivalTimer, this.renderTimer, this.dndTimer, this.loadTimer]) if (timer !== null) this.timers.clear(timer);
    this.arrivalTimer = this.renderTimer = this.dndTimer = this.loadTimer = null;
  }

  /** Reads the whole state from the service (once; events keep it current from then on). */
  private load(): void {
    if (this.loadTimer !== null) this.timers.clear(this.loadTimer);
    this.loadTimer = null;
    this.loaded = true;
    const snapshot = this.service.snapshot();
    this.signedIn = snapshot.profile !== null;
    this.userid = snapshot.profile?.userid ?? null;
    this.connection = snapshot.connection;
    this.pendingCount = snapshot.pendingCount;
    this.conversations.clear();
    for (const c of snapshot.conversations) this.conversations.set(c.id, c);
  }

  /** The tray's state now. */
  state(): TrayState {
    return {
      signedIn: this.signedIn,
      connection: this.connection,
      pendingCount: this.pendingCount,
      conversations: [...this.conversations.values()],
      availability: this.signedIn ? this.service.availability : ('available' satisfies Availability),
      dndUntil: this.settings.get().desktop.dndUntil,
      now: this.now(),
      zone: this.zone,
      ...(this.host.locale ? { locale: this.host.locale } : {}),
    };
  }

  /** Carries out a tray menu item. Failures are logged: a tray has nowhere to show them. */
  async perform(action: TrayAction): Promise<void> {
    switch (action.kind) {
      case 'show-window':
        this.host.showWindow();
        return;
      case 'open-conversation':
        this.openConversation(action.conversationId);
        return;
      case 'set-dnd':
        this.setDnd(action.choice);
        return;
      case 'set-availability':
        try {
          await this.service.setAvailability(action.availability);
        } catch (err) {
          this.log(`availability not changed: ${err instanceof Error ? err.message : String(err)}`);
        }
        this.render();
        return;
      case 'sync-now':
        try {
          await this.service.syncNow();
        } catch (err) {
          this.log(`sync now failed: ${err instanceof Error ? err.message : String(err)}`);
        }
        return;
      case 'quit':
        this.host.quit();
        return;
    }
  }

  /** A notification was clicked. */
  notificationClicked(notification: PlannedNotification): void {
    if (notification.conversationId) this.openConversation(notification.conversationId);
    else this.host.showWindow();
  }

  /** Shows the window on a conversation (a notification's or a favourite's). */
  openConversation(conversationId: string): void {
    this.host.showWindow();
    this.service.openConversation(conversationId);
  }

  setDnd(choice: DndChoice): void {
    this.writeDnd(dndUntilFor(choice, this.now(), this.zone));
    this.render();
  }

  // ------------------------------------------------------------------------------ tray

  private scheduleRender(): void {
    if (this.disposed || this.renderTimer !== null) return;
    this.renderTimer = this.timers.set(() => {
      this.renderTimer = null;
      this.render();
    }, RENDER_DELAY_MS);
  }

  /** Draws the tray now (only when something shows differently) and sets the Do not disturb timer. */
  render(): void {
    if (this.disposed) return;
    if (this.renderTimer !== null) {
      this.timers.clear(this.renderTimer);
      this.renderTimer = null;
    }
    // A Do not disturb that ended while the app was closed (or that the clock made absurd) is off.
    if (isDndStale(this.settings.get().desktop.dndUntil, this.now())) this.writeDnd(null);
    const state = this.state();
    const view: TrayView = {
      menu: trayMenu(state),
      tooltip: trayTooltip(state),
      icon: trayIcon(state, this.host.platform),
      unread: unreadTotal(state.conversations),
    };
    const key = JSON.stringify(view);
    if (key !== this.lastRendered) {
      this.lastRendered = key;
      try {
        this.host.renderTray(view);
      } catch (err) {
        this.log(`tray not updated: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    this.scheduleDndCheck(state.dndUntil);
  }

  private scheduleDndCheck(dndUntil: number | null): void {
    if (this.dndTimer !== null) this.timers.clear(this.dndTimer);
    this.dndTimer = null;
    const at = nextDndCheck(dndUntil, this.now(), this.zone);
    if (at === null) return;
    this.dndTimer = this.timers.set(
      () => {
        this.dndTimer = null;
        this.render();
      },
      Math.min(Math.max(0, at - this.now()), MAX_TIMER_MS),
    );
  }

  private writeDnd(dndUntil: number | null): void {
    try {
      this.settings.update({ desktop: { ...this.settings.get().desktop, dndUntil } });
    } catch (err) {
      this.log(`Do not disturb not saved: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  // ------------------------------------------------------------------------------ notifications

  private onArrival(arrival: Arrival): void {
    if (this.disposed) return;
    const now = this.now();
    if (!this.arrivals.length) this.firstArrivalAt = now;
    this.arrivals.push(arrival);
    if (this.arrivalTimer !== null) this.timers.clear(this.arrivalTimer);
    const wait = Math.max(0, Math.min(ARRIVAL_QUIET_MS, this.firstArrivalAt + ARRIVAL_MAX_WAIT_MS - now));
    this.arrivalTimer = this.timers.set(() => {
      this.arrivalTimer = null;
      this.flushArrivals();
    }, wait);
  }

  /** Decides and shows the notifications for what arrived since the last time. */
  flushArrivals(): void {
    if (this.arrivalTimer !== null) this.timers.clear(this.arrivalTimer);
    this.arrivalTimer = null;
    const arrivals = this.arrivals;
    this.arrivals = [];
    if (!arrivals.length || !this.signedIn) return;
    // Muted or not, and the names, come from the list.
    if (!this.loaded) this.load();
    const planned = planNotifications(arrivals, {
      now: this.now(),
      sessionStart: this.sessionStart,
      dndUntil: this.settings.get().desktop.dndUntil,
      conversation: (id) => this.conversations.get(id),
      openConversationId: this.service.openConversationId,
      windowFocused: this.host.isWindowFocused(),
    });
    for (const notification of planned) {
      try {
        this.host.showNotification(notification);
      } catch (err) {
        this.log(`notification not shown: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private onSignedOut(): void {
    this.conversations.clear();
    this.arrivals = [];
    if (this.arrivalTimer !== null) this.timers.clear(this.arrivalTimer);
    this.arrivalTimer = null;
    try {
      this.host.clearNotifications();
    } catch (err) {
      this.log(`notifications not cleared: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

export function startDesktopController(service: DesktopService, settings: SettingsStore, host: DesktopHost): DesktopController {
  return new DesktopController(service, settings, host).start();
}
