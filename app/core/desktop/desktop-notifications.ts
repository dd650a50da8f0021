/**
 * Notifications in batches, for the desktop controller: arrivals are gathered for a moment (a sync
 * brings many at once), the batch is planned over every signed-in account (each account's own rules,
 * notification-policy.ts, under the one silence and content choice that apply to all; with several
 * accounts each notification says whose it is), and shown with one sound for the whole batch.
 */
import type { NotificationSound } from '../../ipc/preferences.js';
import type { Silence } from '../../ipc/views.js';
import type { AccountState } from './desktop-accounts.js';
import { planNotifications, type Arrival, type NotificationContext, type PlannedNotification } from './notification-policy.js';
import type { Timers } from './timers.js';
import { displayText } from './tray-menu.js';

export type AccountArrival = Arrival & { accountId: string };

/** Arrivals are gathered until none came for this long... */
export const ARRIVAL_QUIET_MS = 500;
/** ...or this long after the first, so a steady trickle still shows. */
export const ARRIVAL_MAX_WAIT_MS = 2000;

/** Gathers arrivals and calls `due` once the batch is complete (see the two delays above). */
export class ArrivalBatch {
  private arrivals: AccountArrival[] = [];
  private firstAt = 0;
  private timer: unknown = null;

  constructor(
    private readonly timers: Timers,
    private readonly now: () => number,
    private readonly due: () => void,
  ) {}

  add(arrival: AccountArrival): void {
    const now = this.now();
    if (!this.arrivals.length) this.firstAt = now;
    this.arrivals.push(arrival);
    this.stopWaiting();
    const wait = Math.max(0, Math.min(ARRIVAL_QUIET_MS, this.firstAt + ARRIVAL_MAX_WAIT_MS - now));
    this.timer = this.timers.set(() => {
      this.timer = null;
      this.due();
    }, wait);
  }

  /** What was gathered; the next arrival starts a new batch. */
  take(): AccountArrival[] {
    this.stopWaiting();
    return this.arrivals.splice(0);
  }

  /** Forgets an account's arrivals (it signed out: they are about someone else's chats now). */
  drop(accountId: string): void {
    this.arrivals = this.arrivals.filter((a) => a.accountId !== accountId);
    if (!this.arrivals.length) this.stopWaiting();
  }

  private stopWaiting(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
  }
}

export type BatchContext = {
  now: number;
  silence: Silence;
  content: NotificationContext['content'];
  /** The account on screen, whose open conversation is the one on screen. */
  activeAccountId: string | null;
  openConversationId: string | null;
  windowFocused: boolean;
};

/** The notifications for `arrivals`, account by account in the switcher's order. */
export function planBatch(
  arrivals: readonly AccountArrival[],
  accounts: readonly { id: string; state: AccountState }[],
  ctx: BatchContext,
): PlannedNotification[] {
  const several = accounts.length > 1;
  const planned: PlannedNotification[] = [];
  for (const { id, state } of accounts) {
    const mine = arrivals.filter((a) => a.accountId === id);
    if (!mine.length) continue;
    const plan = planNotifications(mine, {
      now: ctx.now,
      sessionStart: state.sessionStart,
      silence: ctx.silence,
      content: ctx.content,
      conversation: (cid) => state.conversations.get(cid),
      openConversationId: id === ctx.activeAccountId ? ctx.openConversationId : null,
      windowFocused: ctx.windowFocused,
    });
    // With several accounts each notification says whose it is, and a click opens that account.
    for (const n of plan)
      planned.push(several ? { ...n, key: `${id}:${n.key}`, title: `${n.title} · ${displayText(state.email)}`, accountId: id } : { ...n, accountId: id });
  }
  return planned;
}

/**
 * Shows the batch, then plays `sound` once if any of it showed (a burst is one event to the ear);
 * null for no sound. A notification or sound the host fails at is logged: there is nowhere to show it.
 */
export function showBatch(
  planned: readonly PlannedNotification[],
  host: { showNotification(n: PlannedNotification): void; playSound?(sound: NotificationSound): void },
  sound: NotificationSound | null,
  log: (line: string) => void,
): void {
  let shown = 0;
  for (const notification of planned) {
    try {
      host.showNotification(notification);
      shown++;
    } catch (err) {
      log(`notification not shown: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (!shown || sound === null || !host.playSound) return;
  try {
    host.playSound(sound);
  } catch (err) {
    log(`sound not played: ${err instanceof Error ? err.message : String(err)}`);
  }
}
