/**
 * Time wording for the conversation pane: day separators ("Today", "Yesterday", a local date),
 * the time of a message, and "disappears in ..." for messages that expire soon. Pure functions of
 * their inputs (`now` and an optional locale are passed in), so they are easy to test.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Messages that disappear further away than this show no countdown. */
export const EXPIRY_HORIZON_MS = 7 * DAY_MS;

/** The local calendar day of an instant, as a comparable key (`2025-03-09`). */
export function localDayKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The same local time of day, `days` calendar days earlier or later (daylight-saving safe). */
function shiftDays(ms: number, days: number): number {
  const d = new Date(ms);
  d.setDate(d.getDate() + days);
  return d.getTime();
}

/** The separator above a day's messages: "Today", "Yesterday", or the local date. */
export function dayLabel(ms: number, now: number, locale?: string): string {
  const day = localDayKey(ms);
  if (day === localDayKey(now)) return 'Today';
  if (day === localDayKey(shiftDays(now, -1))) return 'Yesterday';
  const sameYear = new Date(ms).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(sameYear ? {} : { year: 'numeric' }),
  }).format(ms);
}

/** The time a message was written, in the local clock ("14:05" or "2:05 PM"). */
export function timeOfDay(ms: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(ms);
}

const SEND_SLACK_MS = 5_000;

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * "disappears in 3 days" / "disappears in 5 minutes" when `validUntil` is within the next 7 days;
 * null when it is further away, or already past (the message is on its way out), or unset (0).
 * Minutes round up (so "in 1 minute" until the end), past a few seconds of slack; hours and days
 * round down.
 */
export function disappearsIn(validUntil: number, now: number): string | null {
  const left = validUntil - now;
  if (!Number.isFinite(left) || left <= 0 || left > EXPIRY_HORIZON_MS) return null;
  // A message's lifetime starts when it leaves, a moment after it was written: those few seconds
  // are not a minute more (a one-minute message must not read "in 2 minutes" as it is sent).
  const minutes = Math.max(1, Math.ceil((left - SEND_SLACK_MS) / MINUTE_MS));
  if (minutes < 60) return `disappears in ${plural(minutes, 'minute')}`;
  // 59m30s rounds up to 60 minutes: that is "1 hour".
  const hours = Math.max(1, Math.floor(left / HOUR_MS));
  if (hours < 24) return `disappears in ${plural(hours, 'hour')}`;
  return `disappears in ${plural(Math.floor(left / DAY_MS), 'day')}`;
}
