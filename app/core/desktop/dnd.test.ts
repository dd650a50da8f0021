/** Do not disturb's time math, in pinned time zones with real daylight-saving rules (Intl), not the machine's. */
import { describe, expect, it } from 'vitest';
import { DND_HOUR_MS, DND_MAX_MS, dndMode, dndUntilFor, formatUntil, isDndActive, isDndStale, nextDndCheck } from './dnd.js';
import { fromWall, ianaZone, toWall, type Zone } from './local-time.js';

const budapest = ianaZone('Europe/Budapest');
const newYork = ianaZone('America/New_York');
const auckland = ianaZone('Pacific/Auckland');
const utc = ianaZone('UTC');

/** An instant given as a local wall-clock time in a zone: "2025-03-29 23:30". */
function at(zone: Zone, local: string): number {
  const [date, time = '00:00'] = local.split(' ');
  const [y, m, d] = date!.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  return fromWall(Date.UTC(y!, m! - 1, d!, hh!, mm!), zone);
}
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe('Do not disturb for 1 hour', () => {
  it('ends 60 minutes later, across midnight and across a clock change alike', () => {
    const now = at(budapest, '2025-03-30 01:45'); // the clocks jump from 02:00 to 03:00 in the next hour
    expect(dndUntilFor('hour', now, budapest)! - now).toBe(DND_HOUR_MS);
    expect(iso(dndUntilFor('hour', now, budapest))).toBe('2025-03-30T01:45:00.000Z'); // 03:45 local: 01:45 + 1 hour + the skipped hour
    expect(dndUntilFor('hour', at(utc, '2025-12-31 23:30'), utc)).toBe(Date.UTC(2026, 0, 1, 0, 30));
  });
});

describe('Do not disturb until tomorrow', () => {
  it('ends at 08:00 local time on the next calendar day', () => {
    expect(iso(dndUntilFor('tomorrow', at(budapest, '2025-06-10 14:20'), budapest))).toBe('2025-06-11T06:00:00.000Z');
    expect(iso(dndUntilFor('tomorrow', at(budapest, '2025-06-10 07:59'), budapest))).toBe('2025-06-11T06:00:00.000Z');
  });

  it('chosen just after midnight, ends at 08:00 of the day after, not the same morning', () => {
    expect(iso(dndUntilFor('tomorrow', at(budapest, '2025-06-10 00:30'), budapest))).toBe('2025-06-11T06:00:00.000Z');
  });

  it('follows the local calendar where it differs from the UTC date', () => {
    // 21:00 on New Year's Eve in New York is already January 1st in UTC.
    expect(iso(dndUntilFor('tomorrow', at(newYork, '2025-12-31 21:00'), newYork))).toBe('2026-01-01T13:00:00.000Z');
    // 07:00 in Auckland is still the previous day in UTC.
    expect(iso(dndUntilFor('tomorrow', at(auckland, '2025-06-10 07:00'), auckland))).toBe('2025-06-10T20:00:00.000Z');
    expect(iso(dndUntilFor('tomorrow', at(budapest, '2024-02-28 22:00'), budapest))).toBe('2024-02-29T07:00:00.000Z');
  });

  it('is still 08:00 on the clock on the nights the clocks change', () => {
    // Spring forward in Europe (02:00 -> 03:00): a night an hour shorter.
    const spring = dndUntilFor('tomorrow', at(budapest, '2025-03-29 23:30'), budapest)!;
    expect(iso(spring)).toBe('2025-03-30T06:00:00.000Z');
    expect(new Date(toWall(spring, budapest)).getUTCHours()).toBe(8);
    // Fall back (03:00 -> 02:00): an hour longer.
    expect(iso(dndUntilFor('tomorrow', at(budapest, '2025-10-25 22:00'), budapest))).toBe('2025-10-26T07:00:00.000Z');
    // In America the change comes on another weekend.
    expect(iso(dndUntilFor('tomorrow', at(newYork, '2025-03-08 22:00'), newYork))).toBe('2025-03-09T12:00:00.000Z');
  });

  it('lands on a real instant when 08:00 itself is skipped or repeated by a clock change', () => {
    const HOUR = 3_600_000;
    const change = Date.UTC(2025, 5, 11, 7, 30);
    // The clocks jump from 07:30 to 08:30: 08:00 does not happen, so it ends half an hour past the jump.
    const forward: Zone = { offsetMs: (t) => (t < change ? 0 : HOUR) };
    expect(iso(dndUntilFor('tomorrow', Date.UTC(2025, 5, 10, 12), forward))).toBe('2025-06-11T08:00:00.000Z');
    // The clocks go back from 08:30 to 07:30: 08:00 happens twice, and the first one ends it.
    const back: Zone = { offsetMs: (t) => (t < change ? HOUR : 0) };
    expect(iso(dndUntilFor('tomorrow', Date.UTC(2025, 5, 10, 12), back))).toBe('2025-06-11T07:00:00.000Z');
  });
});

describe('whether Do not disturb is on', () => {
  const now = Date.UTC(2025, 5, 10, 12);

  it('is on until its end, and off from then on', () => {
    expect(isDndActive(now + 1, now)).toBe(true);
    expect(isDndActive(now, now)).toBe(false);
    expect(isDndActive(now - 1, now)).toBe(false);
    expect(isDndActive(null, now)).toBe(false);
  });

  it('counts an end further away than any choice can be (the clock went back) as off, and as stale', () => {
    expect(isDndActive(now + DND_MAX_MS, now)).toBe(true);
    expect(isDndActive(now + DND_MAX_MS + 1, now)).toBe(false);
    expect(isDndStale(now + DND_MAX_MS + 1, now)).toBe(true);
    expect(isDndStale(now - 1, now)).toBe(true);
    expect(isDndStale(now + 1, now)).toBe(false);
    expect(isDndStale(null, now)).toBe(false);
  });

  it('tells which choice made it from the stored end alone', () => {
    const chosenAt = at(budapest, '2025-06-10 22:15');
    expect(dndMode(dndUntilFor('tomorrow', chosenAt, budapest), chosenAt, budapest)).toBe('tomorrow');
    // Still "until tomorrow" after midnight, when the end is the same day's 08:00.
    expect(dndMode(dndUntilFor('tomorrow', chosenAt, budapest), at(budapest, '2025-06-11 03:00'), budapest)).toBe('tomorrow');
    expect(dndMode(dndUntilFor('hour', chosenAt, budapest), chosenAt, budapest)).toBe('hour');
    expect(dndMode(dndUntilFor('hour', chosenAt, budapest), chosenAt + DND_HOUR_MS, budapest)).toBe('off');
    expect(dndMode(null, chosenAt, budapest)).toBe('off');
  });
});

describe('the Do not disturb end as the tray shows it', () => {
  it('says the time, "tomorrow" and the time, or the weekday and the time', () => {
    const now = at(budapest, '2025-06-10 14:20');
    expect(formatUntil(at(budapest, '2025-06-10 15:20'), now, budapest, 'en-GB')).toBe('15:20');
    expect(formatUntil(at(budapest, '2025-06-11 08:00'), now, budapest, 'en-GB')).toBe('tomorrow 8:00');
    expect(formatUntil(at(budapest, '2025-06-11 08:00'), now, budapest, 'en-US')).toBe('tomorrow 8:00 AM');
    expect(formatUntil(at(budapest, '2025-06-12 08:00'), now, budapest, 'en-GB')).toBe('Thu 8:00');
  });

  it('is looked at again at local midnight, when "tomorrow" becomes today, and at its end', () => {
    const evening = at(budapest, '2025-06-10 22:15');
    const end = dndUntilFor('tomorrow', evening, budapest)!;
    expect(iso(nextDndCheck(end, evening, budapest))).toBe(iso(at(budapest, '2025-06-11 00:00')));
    expect(nextDndCheck(end, at(budapest, '2025-06-11 01:00'), budapest)).toBe(end);
    expect(nextDndCheck(null, evening, budapest)).toBeNull();
    expect(nextDndCheck(evening - 1, evening, budapest)).toBeNull();
  });
});
