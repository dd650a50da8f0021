/**
 * The desktop integration without Electron: follows every signed-in account (the accounts registry)
 * and the settings, keeps the tray's state (the total unread, a section per account), decides
 * notifications (naming their account when there are several; what holds them back, the Silence of
 * quiet-hours.ts, applies to all) and plays one sound per batch shown, runs one timer for the next
 * change of that silence, and carries out tray actions.
 * The host (app/electron/desktop-integration.ts) only draws what it is given and reports clicks, so
 * this runs, and is tested, under plain Node.
 */
import type { NotificationSound } from '../../ipc/preferences.js';
import type { Availability, Silence, Snapshot } from '../../ipc/views.js';
import { UNWATCHED_SYSTEM_DND, type SystemDndSource } from '../settings/host-features.js';
import type { SettingsStore } from '../settings/settings.js';
import { followAccountEvent, type AccountState, type DesktopService } from './desktop-accounts.js';
import { ArrivalBatch, planBatch, showBatch, type AccountArrival } from './desktop-notifications.js';
import { dndUntilFor, isDndStale, type DndChoice } from './dnd.js';
import { systemZone, type Zone } from './local-time.js';
import type { PlannedNotification } from './notification-policy.js';
import { nextSilenceCheck, silenceAt, type SilenceInput } from './quiet-hours.js';
import { realTimers, type Timers } from './timers.js';
import { trayIcon, trayMenu, trayTooltip, unreadTotal, type TrayAction, type TrayIcon, type TrayMenuItem, type TrayState } from './tray-menu.js';

export type { DesktopService } from './desktop-accounts.js';
export { ARRIVAL_MAX_WAIT_MS, ARRIVAL_QUIET_MS } from './desktop-notifications.js';
export { realTimers, type Timers } from './timers.js';

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
  /** Plays a notification sound (once per batch of notifications shown, when the preferences say so). */
  playSound?(sound: NotificationSound): void;
  /** The system's Do not disturb, where the host reads it (system-dnd.ts); without it, it counts as unreadable. */
  systemDnd?: SystemDndSource;
  zone?: Zone;
  locale?: string;
  now?: () => number;
  timers?: Timers;
  log?: (line: string) => void;
};

/** Events come in bursts (a sync touches every conversation): the tray is redrawn once per burst. */
export const RENDER_DELAY_MS = 150;
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

  private readonly accounts = new Map<string, AccountState>();

  private readonly arrivals: ArrivalBatch;
  private renderTimer: unknown = null;
  private loadTimer: unknown = null;
  private silenceTimer: unknown = null;
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
    this.arrivals = new ArrivalBatch(this.timers, this.now, () => this.flushArrivals());
  }

  /** The account's state, made when first heard of. */
  private account(id: string): AccountState {
    let state = this.accounts.get(id);
    if (!state) {
      const listed = this.service.list().find((a) => a.id === id);
      const connection = listed?.service.connection ?? 'signed-out';
      state = {
        email: listed?.email ?? '',
        signedIn: connection !== 'signed-out',
        userid: null,
        connection,
        pendingCount: 0,
        conversations: new Map(),
        sessionStart: this.now(),
      };
      this.accounts.set(id, state);
      // Opened after the first load (the registry opens the accounts not on screen after launch): read it whole now.
      if (this.loaded && listed) this.loadAccount(state, listed.service.snapshot());
    }
    return state;
  }

  start(): this {
    for (const { id } of this.service.list()) this.account(id);
    this.loadTimer = this.timers.set(() => {
      this.loadTimer = null;
      this.load();
      this.render();
    }, INITIAL_LOAD_DELAY_MS);

    this.unsubscribe.push(
      this.service.onAccountEvent((accountId, event, payload) => {
        const account = this.account(accountId);
        const followed = followAccountEvent(account, event, payload, this.now());
        if (followed === 'ignored') return;
        if (followed === 'signed-out') this.onSignedOut(accountId);
        this.scheduleRender();
      }),
      this.service.onAccountSignal((accountId, signal) => {
        if (signal.type === 'messages-arrived') this.onArrival({ accountId, conversationId: signal.conversationId, messages: signal.messages });
        else this.scheduleRender();
      }),
      // The preferences (quiet hours, notifications off) and the system's Do not disturb change what the tray says.
      this.service.onSettingsChanged(() => this.scheduleRender()),
      (this.host.systemDnd ?? UNWATCHED_SYSTEM_DND).onChange(() => this.scheduleRender()),
    );
    this.render();
    return this;
  }

  dispose(): void {
    this.disposed = true;
    for (const off of this.unsubscribe.splice(0)) off();
    this.arrivals.take();
    for (const timer of [this.renderTimer, this.silenceTimer, this.loadTimer]) if (timer !== null) this.timers.clear(timer);
    this.renderTimer = this.silenceTimer = this.loadTimer = null;
  }

  /** Reads every account's whole state (once; events keep it current from then on). */
  private load(): void {
    if (this.loadTimer !== null) this.timers.clear(this.loadTimer);
    this.loadTimer = null;
    for (const { id, service } of this.service.list()) this.loadAccount(this.account(id), service.snapshot());
    this.loaded = true;
  }

  private loadAccount(account: AccountState, snapshot: Snapshot): void {
    account.signedIn = snapshot.profile !== null;
    account.userid = snapshot.profile?.userid ?? null;
    account.connection = snapshot.connection;
    account.pendingCount = snapshot.pendingCount;
    account.conversations.clear();
    for (const c of snapshot.conversations) account.conversations.set(c.id, c);
  }

  /** The signed-in accounts, in the switcher's order (one signed out or gone drops out). */
  private signedInAccounts(): { id: string; state: AccountState }[] {
    const listed = this.service.list();
    for (const id of this.accounts.keys()) if (!listed.some((a) => a.id === id)) this.accounts.delete(id);
    return listed.map(({ id }) => ({ id, state: this.account(id) })).filter((a) => a.state.signedIn);
  }

  /** The tray's state now: the account on screen's connection, every account's conversations. */
  state(): TrayState {
    const accounts = this.signedInAccounts();
    const shown = accounts.find((a) => a.id === this.service.activeAccountId) ?? accounts[0];
    const signedIn = shown !== undefined;
    return {
      signedIn,
      connection: shown?.state.connection ?? 'signed-out',
      pendingCount: shown?.state.pendingCount ?? 0,
      conversations: accounts.flatMap((a) => [...a.state.conversations.values()]),
      accounts: accounts.map((a) => ({ id: a.id, label: a.state.email, conversations: [...a.state.conversations.values()] })),
      availability: signedIn ? this.service.availability : ('available' satisfies Availability),
      dndUntil: this.settings.get().desktop.dndUntil,
      silence: this.silence(),
      now: this.now(),
      zone: this.zone,
      ...(this.host.locale ? { locale: this.host.locale } : {}),
    };
  }

  /** What the silence is worked out from, now. */
  private silenceInput(): SilenceInput {
    const settings = this.settings.get();
    return {
      notifications: settings.preferences.notifications,
      dndUntil: settings.desktop.dndUntil,
      systemDnd: (this.host.systemDnd ?? UNWATCHED_SYSTEM_DND).status(),
      now: this.now(),
      zone: this.zone,
    };
  }

  /** What holds notifications back now (quiet-hours.ts has the rules). */
  silence(): Silence {
    return silenceAt(this.silenceInput());
  }

  /** Carries out a tray menu item. Failures are logged: a tray has nowhere to show them. */
  async perform(action: TrayAction): Promise<void> {
    switch (action.kind) {
      case 'show-window':
        this.host.showWindow();
        return;
      case 'open-conversation':
        this.openConversation(action.conversationId, action.accountId);
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
    if (notification.conversationId) this.openConversation(notification.conversationId, notification.accountId);
    else this.host.showWindow();
  }

  /** Shows the window on a conversation (a notification's or a favourite's), and its account. */
  openConversation(conversationId: string, accountId?: string): void {
    this.host.showWindow();
    const account = accountId ?? this.service.activeAccountId ?? this.service.list()[0]?.id;
    if (account) this.service.openConversation(account, conversationId);
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

  /** Draws the tray now (only when something shows differently) and sets the timer for the silence's next change. */
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
    this.scheduleSilenceCheck();
  }

  /** One timer: Do not disturb ending, quiet hours starting or ending, midnight for the labels. */
  private scheduleSilenceCheck(): void {
    if (this.silenceTimer !== null) this.timers.clear(this.silenceTimer);
    this.silenceTimer = null;
    const at = nextSilenceCheck(this.silenceInput());
    if (at === null) return;
    this.silenceTimer = this.timers.set(
      () => {
        this.silenceTimer = null;
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

  private onArrival(arrival: AccountArrival): void {
    if (!this.disposed) this.arrivals.add(arrival);
  }

  /** Decides and shows the notifications for what arrived since the last time, with one sound for them all. */
  flushArrivals(): void {
    const arrivals = this.arrivals.take();
    const accounts = this.signedInAccounts();
    if (!arrivals.length || !accounts.length) return;
    // Muted or not, favourite or not, and the names, come from the list.
    if (!this.loaded) this.load();
    const { notifications } = this.settings.get().preferences;
    const planned = planBatch(arrivals, accounts, {
      now: this.now(),
      silence: this.silence(),
      content: notifications.content,
      activeAccountId: this.service.activeAccountId,
      openConversationId: this.service.openConversationId,
      windowFocused: this.host.isWindowFocused(),
    });
    showBatch(planned, this.host, notifications.sound ? notifications.soundName : null, this.log);
  }

  private onSignedOut(accountId: string): void {
    this.accounts.get(accountId)?.conversations.clear();
    this.arrivals.drop(accountId);
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
