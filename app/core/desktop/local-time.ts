/**
 * Local wall-clock arithmetic without depending on the process's time zone: every function takes a
 * {@link Zone}, so tests can pin one (an IANA name through Intl) while the app passes the system's.
 *
 * A "wall" time is a number of milliseconds whose UTC fields (getUTCHours, ...) read as the local
 * clock would: `toWall(utc) = utc + offset(utc)`. Calendar steps (next day, 08:00) are done on wall
 * times with Date.UTC, and {@link fromWall} turns the result back into a real instant.
 */

export type Zone = {
  /** How far local wall time is ahead of UTC at this instant, in milliseconds. */
  offsetMs(utcMs: number): number;
};

const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** The zone this process runs in (the user's, in the app). */
export const systemZone: Zone = { offsetMs: (utcMs) => -new Date(utcMs).getTimezoneOffset() * MINUTE_MS };

/** A zone by IANA name ("Europe/Budapest"), with its real daylight-saving rules. */
export function ianaZone(timeZone: string): Zone {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return {
    offsetMs(utcMs) {
      const parts: Record<string, number> = {};
      for (const p of format.formatToParts(utcMs)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
      const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
      // Intl drops the milliseconds; compare with the instant truncated the same way.
      return wall - Math.floor(utcMs / 1000) * 1000;
    },
  };
}

export function toWall(utcMs: number, zone: Zone): number {
  return utcMs + zone.offsetMs(utcMs);
}

/**
 * The instant a wall time names. Real zones change their offset at most once within two days, so
 * the offsets a day either side are the only candidates. A wall time that happens twice (clocks go
 * back) is the earlier instant; one that never happens (clocks go forward) is read with the offset
 * from before the change, i.e. as far past the gap as it was into it, the way clocks and Temporal do.
 */
export function fromWall(wallMs: number, zone: Zone): number {
  const before = zone.offsetMs(wallMs - DAY_MS);
  const after = zone.offsetMs(wallMs + DAY_MS);
  const fits = [wallMs - before, wallMs - after].filter((utc) => toWall(utc, zone) === wallMs);
  return fits.length ? Math.min(...fits) : wallMs - before;
}

/** The local calendar day of an instant, as a day number (days since 1970-01-01 on the wall). */
export function localDay(utcMs: number, zone: Zone): number {
  return Math.floor(toWall(utcMs, zone) / DAY_MS);
}

/** The instant the local day after `utcMs` reaches `hour:minute`. */
export function nextDayAt(utcMs: number, zone: Zone, hour: number, minute = 0): number {
  const wall = new Date(toWall(utcMs, zone));
  return fromWall(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate() + 1, hour, minute), zone);
}

/** The next local midnight after `utcMs`. */
export function nextMidnight(utcMs: number, zone: Zone): number {
  return nextDayAt(utcMs, zone, 0);
}

/** "08:00" or "8:00 AM", as the locale writes a time of day, for the local clock. */
export function formatTimeOfDay(utcMs: number, zone: Zone, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }).format(toWall(utcMs, zone));
}

/** "Mon", as the locale writes a weekday, for the local calendar. */
export function formatWeekday(utcMs: number, zone: Zone, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' }).format(toWall(utcMs, zone));
}
