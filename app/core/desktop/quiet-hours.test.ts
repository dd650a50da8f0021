/** Quiet hours and the silence that wins, in a pinned zone with real daylight-saving rules (Intl), not the machine's. */
import { describe, expect, it } from 'vitest';
import { defaultPreferences, type Preferences, type QuietHours } from '../../ipc/preferences.js';
import type { SystemDndStatus } from '../../ipc/views.js';
import { dndUntilFor } from './dnd.js';
import { fromWall, ianaZone, type Zone } from './local-time.js';
import { describeSilence, nextSilenceCheck, QUIET_ALWAYS_MS, quietHoursAt, silenceAt, type SilenceInput } from './quiet-hours.js';

const budapest = ianaZone('Europe/Budapest');
const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];

/** An instant given as a local wall-clock time in a zone: "2025-03-29 23:30". */
function at(local: string, zone: Zone = budapest): number {
  const [date, time = '00:00'] = local.split(' ');
  const [y, m, d] = date!.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  return fromWall(Date.UTC(y!, m! - 1, d!, hh!, mm!), zone);
}
const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
const hm = (h: number, m = 0) => h * 60 + m;

const quiet = (over: Partial<QuietHours> = {}): QuietHours => ({ enabled: true, days: EVERY_DAY, start: hm(22), end: hm(7), ...over });
const until = (q: QuietHours, local: string) => iso(quietHoursAt(q, at(local), budapest)?.until);

// 2025-06-13 is a Friday; 2025-06-16 a Monday. Budapest is at UTC+2 in June.
describe('a quiet period', () => {
  it('runs from its start into the next morning, and not outside it', () => {
    expect(until(quiet(), '2025-06-13 22:00')).toBe('2025-06-14T05:00:00.000Z');
    expect(until(quiet(), '2025-06-13 23:59')).toBe('2025-06-14T05:00:00.000Z');
    expect(until(quiet(), '2025-06-14 06:59')).toBe('2025-06-14T05:00:00.000Z');
    expect(until(quiet(), '2025-06-14 07:00')).toBeNull();
    expect(until(quiet(), '2025-06-13 21:59')).toBeNull();
  });

  it('belongs to the day it starts on: a Friday night runs into Saturday, a Thursday night is not quiet', () => {
    const fridays = quiet({ days: [5] });
    expect(until(fridays, '2025-06-13 23:00')).toBe('2025-06-14T05:00:00.000Z');
    expect(until(fridays, '2025-06-14 03:00')).toBe('2025-06-14T05:00:00.000Z');
    expect(until(fridays, '2025-06-13 03:00')).toBeNull();
    expect(until(fridays, '2025-06-14 23:00')).toBeNull();
  });

  it('that ends after it starts stays within its day', () => {
    const mondays = quiet({ days: [1], start: hm(9), end: hm(17, 30) });
    expect(until(mondays, '2025-06-16 12:00')).toBe('2025-06-16T15:30:00.000Z');
    expect(until(mondays, '2025-06-16 08:59')).toBeNull();
    expect(until(mondays, '2025-06-17 12:00')).toBeNull();
  });

  it('that ends when it starts lasts the whole day, and whole days in a row run into each other', () => {
    expect(until(quiet({ days: [1], start: hm(10), end: hm(10) }), '2025-06-17 09:59')).toBe('2025-06-17T08:00:00.000Z');
    const weekends = quiet({ days: [6, 0], start: 0, end: 0 });
    // Saturday and Sunday: from Saturday 00:00 to Monday 00:00 (22:00 UTC on Sunday), not to Sunday 00:00.
    expect(until(weekends, '2025-06-14 10:00')).toBe('2025-06-15T22:00:00.000Z');
    expect(until(weekends, '2025-06-15 23:59')).toBe('2025-06-15T22:00:00.000Z');
    expect(until(weekends, '2025-06-16 00:00')).toBeNull();
  });

  it('every day, the whole day, never ends, and says so without a time', () => {
    const now = at('2025-06-13 12:00');
    const always = quietHoursAt(quiet({ start: hm(8), end: hm(8) }), now, budapest)!;
    expect(always.until - now).toBeGreaterThan(QUIET_ALWAYS_MS);
    expect(describeSilence({ kind: 'quiet-hours', until: always.until, favouritesNotify: false }, now, budapest, 'en-GB')).toBe('Quiet hours are on');
  });

  it('is nothing when turned off or on no day', () => {
    expect(until(quiet({ enabled: false }), '2025-06-13 23:00')).toBeNull();
    expect(until(quiet({ days: [] }), '2025-06-13 23:00')).toBeNull();
  });
});

describe('a quiet period on the nights the clocks change (Budapest)', () => {
  it('spring forward (2025-03-30, 02:00 becomes 03:00): 22:00 to 07:00 on the clock, an hour shorter', () => {
    const q = quiet();
    expect(iso(at('2025-03-29 22:00'))).toBe('2025-03-29T21:00:00.000Z');
    expect(until(q, '2025-03-29 22:00')).toBe('2025-03-30T05:00:00.000Z');
    expect(quietHoursAt(q, Date.UTC(2025, 2, 30, 4, 59, 59), budapest)).toEqual({ until: Date.UTC(2025, 2, 30, 5) });
    expect(quietHoursAt(q, Date.UTC(2025, 2, 30, 5), budapest)).toBeNull();
  });

  it('fall back (2025-10-26, 03:00 becomes 02:00): 22:00 to 07:00 on the clock, an hour longer', () => {
    const q = quiet();
    expect(quietHoursAt(q, Date.UTC(2025, 9, 25, 19, 59), budapest)).toBeNull();
    expect(quietHoursAt(q, Date.UTC(2025, 9, 25, 20), budapest)).toEqual({ until: Date.UTC(2025, 9, 26, 6) });
    // 02:30 comes twice that night; both are inside.
    expect(quietHoursAt(q, Date.UTC(2025, 9, 26, 0, 30), budapest)).toEqual({ until: Date.UTC(2025, 9, 26, 6) });
    expect(quietHoursAt(q, Date.UTC(2025, 9, 26, 1, 30), budapest)).toEqual({ until: Date.UTC(2025, 9, 26, 6) });
  });

  it('a start the clocks skip begins as far past the gap; a start that comes twice begins the first time', () => {
    // 02:30 on 2025-03-30 never happens: it starts at 03:30 CEST (01:30 UTC).
    const skipped = quiet({ days: [0], start: hm(2, 30), end: hm(6) });
    expect(quietHoursAt(skipped, Date.UTC(2025, 2, 30, 1, 29), budapest)).toBeNull();
    expect(quietHoursAt(skipped, Date.UTC(2025, 2, 30, 1, 30), budapest)).toEqual({ until: Date.UTC(2025, 2, 30, 4) });
    // 02:30 on 2025-10-26 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET).
    const twice = quiet({ days: [0], start: hm(2, 30), end: hm(6) });
    expect(quietHoursAt(twice, Date.UTC(2025, 9, 26, 0, 30), budapest)).toEqual({ until: Date.UTC(2025, 9, 26, 5) });
  });
});

function input(over: {
  notifications?: Partial<Preferences['notifications']>;
  dndUntil?: number | null;
  systemDnd?: SystemDndStatus;
  now: number;
}): SilenceInput {
  const base = defaultPreferences().notifications;
  return {
    notifications: { ...base, quietHours: quiet(), ...over.notifications },
    dndUntil: over.dndUntil ?? null,
    systemDnd: over.systemDnd ?? { readable: true, on: false },
    now: over.now,
    zone: budapest,
  };
}

describe('the silence that holds', () => {
  const night = at('2025-06-13 23:00');
  const day = at('2025-06-13 14:00');
  const systemOn: SystemDndStatus = { readable: true, on: true };

  it('is "off" while notifications are off, whatever else holds', () => {
    expect(silenceAt(input({ now: night, notifications: { enabled: false }, dndUntil: night + 60_000, systemDnd: systemOn }))).toEqual({ kind: 'off' });
  });

  it('is the Do not disturb preset until its end, over the system and quiet hours', () => {
    const end = dndUntilFor('hour', night, budapest)!;
    expect(silenceAt(input({ now: night, dndUntil: end, systemDnd: systemOn }))).toEqual({ kind: 'dnd', until: end });
  });

  it("is the system's Do not disturb when it is followed and can be read, over quiet hours", () => {
    expect(silenceAt(input({ now: night, systemDnd: systemOn }))).toEqual({ kind: 'system' });
    expect(silenceAt(input({ now: night, systemDnd: systemOn, notifications: { followSystemDnd: false } }))).toMatchObject({ kind: 'quiet-hours' });
    expect(silenceAt(input({ now: day, systemDnd: { readable: false, reason: 'macOS' } }))).toEqual({ kind: 'none' });
  });

  it('is quiet hours until the period ends, letting favourites through only when they may break through', () => {
    const ends = Date.UTC(2025, 5, 14, 5);
    expect(silenceAt(input({ now: night }))).toEqual({ kind: 'quiet-hours', until: ends, favouritesNotify: false });
    expect(silenceAt(input({ now: night, notifications: { favouritesBreakThrough: true } }))).toEqual({
      kind: 'quiet-hours',
      until: ends,
      favouritesNotify: true,
    });
  });

  it('goes back to quiet hours, not to nothing, when the preset is turned off during them', () => {
    const on = silenceAt(input({ now: night, dndUntil: night + 60_000 }));
    const off = silenceAt(input({ now: night, dndUntil: null }));
    expect([on.kind, off.kind]).toEqual(['dnd', 'quiet-hours']);
  });

  it('is none otherwise, and a preset that has ended holds nothing back', () => {
    expect(silenceAt(input({ now: day }))).toEqual({ kind: 'none' });
    expect(silenceAt(input({ now: day, dndUntil: day }))).toEqual({ kind: 'none' });
  });
});

describe('when the silence is looked at again', () => {
  const next = (over: Parameters<typeof input>[0]) => iso(nextSilenceCheck(input(over)));

  it('at the next quiet period start, or at its end', () => {
    expect(next({ now: at('2025-06-13 14:00') })).toBe('2025-06-13T20:00:00.000Z');
    expect(next({ now: at('2025-06-14 03:00') })).toBe('2025-06-14T05:00:00.000Z');
  });

  it('at midnight first while a period shows a "tomorrow" time, so the label loses the word', () => {
    expect(next({ now: at('2025-06-13 23:00') })).toBe('2025-06-13T22:00:00.000Z');
  });

  it('at the end of Do not disturb, or at a quiet period start that comes before it', () => {
    expect(next({ now: at('2025-06-13 14:00'), dndUntil: at('2025-06-13 15:00') })).toBe('2025-06-13T13:00:00.000Z');
    expect(next({ now: at('2025-06-13 21:30'), dndUntil: dndUntilFor('tomorrow', at('2025-06-13 21:30'), budapest) })).toBe('2025-06-13T20:00:00.000Z');
  });

  it('never, when only the user or the system can change it', () => {
    const noQuiet = { quietHours: quiet({ enabled: false }) };
    expect(nextSilenceCheck(input({ now: at('2025-06-13 14:00'), notifications: noQuiet }))).toBeNull();
    expect(nextSilenceCheck(input({ now: at('2025-06-13 14:00'), notifications: { ...noQuiet }, systemDnd: { readable: true, on: true } }))).toBeNull();
    expect(nextSilenceCheck(input({ now: at('2025-06-13 23:00'), notifications: { enabled: false } }))).toBeNull();
  });
});

describe('the line that says it', () => {
  const now = at('2025-06-13 14:20');
  const say = (silence: Parameters<typeof describeSilence>[0], locale = 'en-GB') => describeSilence(silence, now, budapest, locale);

  it('names each silence, with its end as the clock shows it', () => {
    expect(say({ kind: 'none' })).toBe('Notifications are on');
    expect(say({ kind: 'off' })).toBe('Notifications are off');
    expect(say({ kind: 'system' })).toBe("The system's Do not disturb is on");
    expect(say({ kind: 'dnd', until: at('2025-06-13 14:35') })).toBe('Do not disturb until 14:35');
    expect(say({ kind: 'quiet-hours', until: at('2025-06-14 07:00'), favouritesNotify: false })).toBe('Quiet hours until tomorrow 7:00');
    expect(say({ kind: 'quiet-hours', until: at('2025-06-14 07:00'), favouritesNotify: true })).toBe(
      'Quiet hours until tomorrow 7:00 (favorites still notify)',
    );
    expect(say({ kind: 'quiet-hours', until: at('2025-06-16 00:00'), favouritesNotify: false }, 'en-US')).toBe('Quiet hours until Mon 12:00 AM');
  });
});
