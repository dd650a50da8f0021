/**
 * Quiet hours, and what holds notifications back now (the {@link Silence} the tray, the Settings
 * screen and the notification rules read).
 *
 * Quiet hours are a daily period on the local wall clock: it starts at `start` on each of `days`
 * and lasts until `end`, on the next day when `end` is not after `start` (22:00 to 07:00), a whole
 * day when they are equal. Wall-clock time, so on the night the clocks change it still ends at
 * 07:00 on the clock (an hour shorter or longer); a start or end the clocks skip is read as far
 * past the gap as it was into it, a repeated one as its first time (see fromWall in local-time.ts).
 *
 * What wins when several hold (the first of these; each holds back at least as much as the next):
 * 1. notifications off: nothing shows or sounds, and nothing but the user ends it;
 * 2. a Do not disturb preset: nothing, favourites included, until the end the user chose;
 * 3. the system's Do not disturb (when followed and readable): nothing, for as long as the system says;
 * 4. quiet hours: nothing but favourites, when they may break through, until the period ends.
 * The preset comes before the system's because it has a known end to show. Turning the preset off
 * leaves the others as they are (quiet hours go on).
 */
import type { Preferences, QuietHours } from '../../ipc/preferences.js';
import type { Silence, SystemDndStatus } from '../../ipc/views.js';
import { formatUntil, isDndActive } from './dnd.js';
import { DAY_MS, fromWall, localDay, nextMidnight, type Zone } from './local-time.js';

const MINUTE_MS = 60_000;
/**
 * A quiet period that runs on further than this is one that never ends: every day, the whole day.
 * Its `until` is then past it (see quietHoursAt), and it is shown without a time: no day to name.
 */
export const QUIET_ALWAYS_MS = 7 * DAY_MS;
/** Whole-day periods on every day are chained this far, so "always" lands past QUIET_ALWAYS_MS whatever the clocks do. */
const ALWAYS_DAYS = 9;

export type SilenceInput = {
  notifications: Preferences['notifications'];
  /** settings.desktop.dndUntil: when the Do not disturb preset ends, or null. */
  dndUntil: number | null;
  systemDnd: SystemDndStatus;
  now: number;
  zone: Zone;
};

/** The weekday of a local day number, 0 (Sunday) to 6: day 0, 1970-01-01, was a Thursday. */
const weekday = (day: number): number => (((day + 4) % 7) + 7) % 7;

/** How long one period lasts on the wall clock, in minutes: up to a whole day. */
const periodMinutes = (q: QuietHours): number => (q.end - q.start + 1440) % 1440 || 1440;

/** The wall time, as a day number and minutes into it, turned into an instant. */
const instant = (day: number, minutes: number, zone: Zone): number => fromWall(day * DAY_MS + minutes * MINUTE_MS, zone);

/**
 * Whether quiet hours hold at `now`, and until when. Whole-day periods on consecutive days run into
 * each other, so `until` is the end of the run ("until Mon 0:00" over a weekend), not of one day.
 */
export function quietHoursAt(q: QuietHours, now: number, zone: Zone): { until: number } | null {
  if (!q.enabled || !q.days.length) return null;
  const today = localDay(now, zone);
  // A period lasts at most a day, so only yesterday's and today's can hold now.
  for (const day of [today - 1, today]) {
    if (!q.days.includes(weekday(day))) continue;
    if (now < instant(day, q.start, zone)) continue;
    let days = 1;
    if (q.start === q.end) while (days < ALWAYS_DAYS && q.days.includes(weekday(day + days))) days++;
    const until = instant(day, q.start + periodMinutes(q) + (days - 1) * 1440, zone);
    if (now < until) return { until };
  }
  return null;
}

/** When the next quiet period starts after `now`, or null when there is none. */
function nextQuietStart(q: QuietHours, now: number, zone: Zone): number | null {
  if (!q.enabled || !q.days.length) return null;
  const today = localDay(now, zone);
  for (let day = today; day <= today + 7; day++) {
    if (!q.days.includes(weekday(day))) continue;
    const from = instant(day, q.start, zone);
    if (from > now) return from;
  }
  return null;
}

/** What holds notifications back at `now` (the order is the header's). */
export function silenceAt({ notifications, dndUntil, systemDnd, now, zone }: SilenceInput): Silence {
  if (!notifications.enabled) return { kind: 'off' };
  if (isDndActive(dndUntil, now)) return { kind: 'dnd', until: dndUntil! };
  if (notifications.followSystemDnd && systemDnd.readable && systemDnd.on) return { kind: 'system' };
  const quiet = quietHoursAt(notifications.quietHours, now, zone);
  if (quiet) return { kind: 'quiet-hours', until: quiet.until, favouritesNotify: notifications.favouritesBreakThrough };
  return { kind: 'none' };
}

/**
 * When the silence may change next by the clock alone, so one timer can look again then: Do not
 * disturb ends, a quiet period starts or ends, or local midnight passes while a time is shown
 * ("until tomorrow 7:00" becomes "until 7:00"). Null when only the user (or the system, which is
 * heard of by itself) can change it. A time that turns out to change nothing costs one look.
 */
export function nextSilenceCheck(input: SilenceInput): number | null {
  const { notifications, dndUntil, now, zone } = input;
  if (!notifications.enabled) return null;
  const silence = silenceAt(input);
  const times: number[] = [];
  if (isDndActive(dndUntil, now)) times.push(dndUntil!);
  // Under the preset or the system's, quiet hours still start and end: when those go, the silence shows it.
  const quiet = quietHoursAt(notifications.quietHours, now, zone);
  const boundary = quiet ? quiet.until : nextQuietStart(notifications.quietHours, now, zone);
  if (boundary !== null) times.push(boundary);
  if (silence.kind === 'dnd' || silence.kind === 'quiet-hours') times.push(nextMidnight(now, zone));
  return times.length ? Math.min(...times) : null;
}

/** The line the tray and the Settings screen show for a silence: "Quiet hours until 7:00 (favorites still notify)". */
export function describeSilence(silence: Silence, now: number, zone: Zone, locale?: string): string {
  switch (silence.kind) {
    case 'none':
      return 'Notifications are on';
    case 'off':
      return 'Notifications are off';
    case 'dnd':
      return `Do not disturb until ${formatUntil(silence.until, now, zone, locale)}`;
    case 'system':
      return "The system's Do not disturb is on";
    case 'quiet-hours': {
      const when = silence.until - now > QUIET_ALWAYS_MS ? 'Quiet hours are on' : `Quiet hours until ${formatUntil(silence.until, now, zone, locale)}`;
      return silence.favouritesNotify ? `${when} (favorites still notify)` : when;
    }
  }
}
