/**
 * "Do not disturb": while it is on, no notification is shown (the tray still counts unread messages).
 * The only thing stored is when it ends (`settings.desktop.dndUntil`, epoch ms, or null), so it
 * survives a restart and needs no timer to be correct: whoever asks compares with the clock.
 *
 * The choices:
 * - **For 1 hour**: until now + 60 minutes.
 * - **Until tomorrow**: until 08:00 local time on the next calendar day, whatever time it is now
 *   (chosen at 23:30 or at 00:30, it ends at 08:00 of the day after that calendar day). 08:00 is
 *   wall-clock time, so on a night the clocks change it is still 08:00 on the clock.
 * - **Off**.
 */
import { formatTimeOfDay, formatWeekday, localDay, nextDayAt, nextMidnight, type Zone } from './local-time.js';

export type DndChoice = 'off' | 'hour' | 'tomorrow';

export const DND_HOUR_MS = 3_600_000;
/** "Until tomorrow" ends at this local time. */
export const DND_MORNING = { hour: 8, minute: 0 } as const;
/**
 * No choice lasts longer than this (until tomorrow 08:00 from just after midnight is 32 hours, 33
 * across a clock change). An end further away than that was stored before the clock was set back a
 * long way, and would silence notifications for days: it counts as off.
 */
export const DND_MAX_MS = 48 * DND_HOUR_MS;

/** When Do not disturb ends for a choice made at `now`; null for off. */
export function dndUntilFor(choice: DndChoice, now: number, zone: Zone): number | null {
  switch (choice) {
    case 'off':
      return null;
    case 'hour':
      return now + DND_HOUR_MS;
    case 'tomorrow':
      return nextDayAt(now, zone, DND_MORNING.hour, DND_MORNING.minute);
  }
}

export function isDndActive(dndUntil: number | null, now: number): boolean {
  return dndUntil !== null && now < dndUntil && dndUntil - now <= DND_MAX_MS;
}

/**
 * Which choice the stored end came from, to check it in the menu. Only the end is stored; an end at
 * exactly 08:00:00.000 local is "until tomorrow" (an hour from a click never lands on the millisecond).
 */
export function dndMode(dndUntil: number | null, now: number, zone: Zone): DndChoice {
  if (!isDndActive(dndUntil, now)) return 'off';
  const end = new Date(dndUntil! + zone.offsetMs(dndUntil!));
  const atMorning =
    end.getUTCHours() === DND_MORNING.hour && end.getUTCMinutes() === DND_MORNING.minute && end.getUTCSeconds() === 0 && end.getUTCMilliseconds() === 0;
  return atMorning ? 'tomorrow' : 'hour';
}

/** "8:00" or "8:00 AM": the local time "until tomorrow" ends at, as the locale writes it. */
export function formatMorning(locale?: string): string {
  return formatTimeOfDay(Date.UTC(2000, 0, 1, DND_MORNING.hour, DND_MORNING.minute), { offsetMs: () => 0 }, locale);
}

/** "14:35", "tomorrow 8:00", or "Mon 8:00" (a later day): when a time is, seen from `now`. */
export function formatUntil(until: number, now: number, zone: Zone, locale?: string): string {
  const time = formatTimeOfDay(until, zone, locale);
  const days = localDay(until, zone) - localDay(now, zone);
  if (days <= 0) return time;
  if (days === 1) return `tomorrow ${time}`;
  return `${formatWeekday(until, zone, locale)} ${time}`;
}

/**
 * When the tray must look again: at the end of Do not disturb, or at local midnight before that
 * (the label "until tomorrow 08:00" becomes "until 08:00"). Null when it is off.
 */
export function nextDndCheck(dndUntil: number | null, now: number, zone: Zone): number | null {
  if (!isDndActive(dndUntil, now)) return null;
  return Math.min(dndUntil!, nextMidnight(now, zone));
}

/** A stored end that is over (or impossible, see DND_MAX_MS) and should be cleared. */
export function isDndStale(dndUntil: number | null, now: number): boolean {
  return dndUntil !== null && !isDndActive(dndUntil, now);
}
