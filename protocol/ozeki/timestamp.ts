/**
 * Ozeki (documented): every `timestamp`, message `Created`/`ValidUntil` and report date is
 * `yyyy-MM-dd HH:mm:ss` in UTC, one-second resolution. Converting to local time is the client's job.
 */

export const TIMESTAMP_PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

export function formatTimestamp(date: Date | number = Date.now()): string {
  const d = typeof date === 'number' ? new Date(date) : date;
  if (Number.isNaN(d.getTime())) throw new RangeError('Cannot format an invalid date as an Ozeki timestamp.');
  return (
    `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
  );
}

/** Milliseconds since the epoch, or `null` when the text is not a real UTC timestamp in the Ozeki format. */
export function parseTimestamp(text: string): number | null {
  const m = TIMESTAMP_PATTERN.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC silently rolls 2024-02-31 over to March; a round trip catches that.
  return formatTimestamp(ms) === text ? ms : null;
}

export function isTimestamp(text: string): boolean {
  return parseTimestamp(text) !== null;
}

/** `lastaccess` is Unix seconds (inferred from the examples, where it matches a message's `Created`). */
export function toUnixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
