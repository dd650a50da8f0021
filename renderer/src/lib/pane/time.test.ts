import { describe, expect, it } from 'vitest';
import { DAY_MS, dayLabel, disappearsIn, HOUR_MS, localDayKey, MINUTE_MS } from './time.js';

describe('dayLabel', () => {
  const now = new Date(2025, 2, 10, 9, 30).getTime(); // Monday 10 March 2025, local time

  it('says Today for any time of the same local day', () => {
    expect(dayLabel(new Date(2025, 2, 10, 0, 0).getTime(), now)).toBe('Today');
    expect(dayLabel(new Date(2025, 2, 10, 23, 59).getTime(), now)).toBe('Today');
  });

  it('says Yesterday for the local day before, however close to midnight', () => {
    expect(dayLabel(new Date(2025, 2, 9, 23, 59).getTime(), now)).toBe('Yesterday');
    expect(dayLabel(new Date(2025, 2, 9, 0, 1).getTime(), now)).toBe('Yesterday');
  });

  it('says Yesterday across a month boundary', () => {
    expect(dayLabel(new Date(2025, 1, 28, 12).getTime(), new Date(2025, 2, 1, 8).getTime())).toBe('Yesterday');
  });

  it('gives the local date for older days, with the year only when it is not this year', () => {
    expect(dayLabel(new Date(2025, 2, 7, 12).getTime(), now, 'en-US')).toBe('Friday, March 7');
    expect(dayLabel(new Date(2024, 11, 30, 12).getTime(), now, 'en-US')).toBe('Monday, December 30, 2024');
  });

  it('keys days by the local calendar date', () => {
    expect(localDayKey(new Date(2025, 0, 5, 23, 59).getTime())).toBe('2025-01-05');
    expect(localDayKey(new Date(2025, 0, 6, 0, 0).getTime())).toBe('2025-01-06');
  });
});

describe('disappearsIn', () => {
  const now = 1_700_000_000_000;

  it('counts days, rounding down', () => {
    expect(disappearsIn(now + 3 * DAY_MS + 5 * HOUR_MS, now)).toBe('disappears in 3 days');
    expect(disappearsIn(now + DAY_MS, now)).toBe('disappears in 1 day');
    expect(disappearsIn(now + 7 * DAY_MS, now)).toBe('disappears in 7 days');
  });

  it('counts hours under a day', () => {
    expect(disappearsIn(now + 23 * HOUR_MS + 59 * MINUTE_MS, now)).toBe('disappears in 23 hours');
    expect(disappearsIn(now + HOUR_MS, now)).toBe('disappears in 1 hour');
  });

  it('counts minutes under an hour, rounding up', () => {
    expect(disappearsIn(now + 5 * MINUTE_MS, now)).toBe('disappears in 5 minutes');
    expect(disappearsIn(now + 4 * MINUTE_MS + 30_000, now)).toBe('disappears in 5 minutes');
    expect(disappearsIn(now + 59 * MINUTE_MS, now)).toBe('disappears in 59 minutes');
    expect(disappearsIn(now + 59 * MINUTE_MS + 59_000, now)).toBe('disappears in 1 hour');
    expect(disappearsIn(now + 20_000, now)).toBe('disappears in 1 minute');
  });

  it('does not count the moment a message takes to leave as another minute', () => {
    expect(disappearsIn(now + MINUTE_MS + 2_000, now)).toBe('disappears in 1 minute');
    expect(disappearsIn(now + MINUTE_MS + 10_000, now)).toBe('disappears in 2 minutes');
    expect(disappearsIn(now + 1_000, now)).toBe('disappears in 1 minute');
  });

  it('says nothing beyond 7 days, when already past, or when unset', () => {
    expect(disappearsIn(now + 7 * DAY_MS + 1, now)).toBeNull();
    expect(disappearsIn(now + 30 * DAY_MS, now)).toBeNull();
    expect(disappearsIn(now, now)).toBeNull();
    expect(disappearsIn(now - MINUTE_MS, now)).toBeNull();
    expect(disappearsIn(0, now)).toBeNull();
  });
});
