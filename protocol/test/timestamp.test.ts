import { describe, expect, it } from 'vitest';
import { formatTimestamp, isTimestamp, parseTimestamp, toUnixSeconds } from '../ozeki/timestamp.js';
import { OZEKI_REQUEST_EXAMPLES } from './fixtures/ozeki-requests.js';

const MAR_08_135547 = Date.UTC(2024, 2, 8, 13, 55, 47);

describe('formatTimestamp', () => {
  it('writes yyyy-MM-dd HH:mm:ss in UTC with zero padding and a 24-hour clock', () => {
    expect(formatTimestamp(MAR_08_135547)).toBe('2024-03-08 13:55:47');
    expect(formatTimestamp(Date.UTC(2024, 0, 2, 3, 4, 5))).toBe('2024-01-02 03:04:05');
    expect(formatTimestamp(Date.UTC(2024, 11, 31, 23, 59, 59))).toBe('2024-12-31 23:59:59');
  });

  it('accepts a Date as well as milliseconds', () => {
    expect(formatTimestamp(new Date(MAR_08_135547))).toBe('2024-03-08 13:55:47');
  });

  it('drops milliseconds rather than rounding', () => {
    expect(formatTimestamp(MAR_08_135547 + 999)).toBe('2024-03-08 13:55:47');
  });

  it('uses UTC whatever the local time zone', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'Asia/Kolkata';
      expect(new Date(MAR_08_135547).getHours()).not.toBe(13);
      expect(formatTimestamp(MAR_08_135547)).toBe('2024-03-08 13:55:47');
      expect(parseTimestamp('2024-03-08 13:55:47')).toBe(MAR_08_135547);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('defaults to now', () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const parsed = parseTimestamp(formatTimestamp());
    const after = Date.now();
    expect(parsed).not.toBeNull();
    expect(parsed!).toBeGreaterThanOrEqual(before);
    expect(parsed!).toBeLessThanOrEqual(after);
  });
});

describe('parseTimestamp', () => {
  it('reads a documented timestamp as UTC milliseconds', () => {
    expect(parseTimestamp('2024-03-08 13:55:47')).toBe(MAR_08_135547);
  });

  it('round-trips with formatTimestamp', () => {
    for (const ms of [0, MAR_08_135547, Date.UTC(2024, 1, 29, 0, 0, 0), Date.UTC(1999, 11, 31, 23, 59, 59), Date.UTC(2099, 5, 15, 12, 30, 1)]) {
      expect(parseTimestamp(formatTimestamp(ms))).toBe(ms);
    }
    for (const text of ['2024-03-08 13:55:47', '2024-02-29 00:00:00', '2000-01-01 00:00:00', '9999-12-31 23:59:59']) {
      expect(formatTimestamp(parseTimestamp(text)!)).toBe(text);
    }
  });

  it('reads every timestamp and date in the documented request examples', () => {
    const dateKeys = ['timestamp', 'firstmessagedate', 'lastmessagedate', 'lastreportdate', 'firstreportdate'];
    let seen = 0;
    for (const example of OZEKI_REQUEST_EXAMPLES) {
      for (const key of dateKeys) {
        const value = example.json[key];
        if (typeof value !== 'string') continue;
        seen++;
        expect(isTimestamp(value), `${example.call}.${key} = ${value}`).toBe(true);
      }
    }
    expect(seen).toBeGreaterThan(20);
  });

  it.each([
    ['a day that does not exist', '2024-02-30 12:00:00'],
    ['29 February outside a leap year', '2023-02-29 12:00:00'],
    ['31 April', '2024-04-31 12:00:00'],
    ['month 13', '2024-13-01 12:00:00'],
    ['month 00', '2024-00-10 12:00:00'],
    ['day 00', '2024-03-00 12:00:00'],
    ['hour 24', '2024-03-08 24:00:00'],
    ['minute 60', '2024-03-08 13:60:00'],
    ['second 60', '2024-03-08 13:55:60'],
    ['slashes in the date', '2024/03/08 13:55:47'],
    ['dots in the time', '2024-03-08 13.55.47'],
    ['an ISO T separator', '2024-03-08T13:55:47'],
    ['a trailing Z', '2024-03-08 13:55:47Z'],
    ['milliseconds', '2024-03-08 13:55:47.000'],
    ['two spaces', '2024-03-08  13:55:47'],
    ['leading whitespace', ' 2024-03-08 13:55:47'],
    ['unpadded fields', '2024-3-8 13:55:47'],
    ['a 12-hour clock suffix', '2024-03-08 01:55:47 PM'],
    ['a date without time', '2024-03-08'],
    ['the empty string', ''],
  ])('rejects %s (%j)', (_what, text) => {
    expect(parseTimestamp(text)).toBeNull();
    expect(isTimestamp(text)).toBe(false);
  });

  it('accepts 29 February in a leap year', () => {
    expect(isTimestamp('2024-02-29 23:59:59')).toBe(true);
  });
});

describe('toUnixSeconds', () => {
  it('turns milliseconds into whole Unix seconds', () => {
    expect(toUnixSeconds(MAR_08_135547 + 999)).toBe(MAR_08_135547 / 1000);
  });

  it('matches the documented lastaccess values to the Created times they came from', () => {
    expect(toUnixSeconds(parseTimestamp('2024-03-08 14:12:48')!)).toBe(1709907168);
    expect(toUnixSeconds(parseTimestamp('2024-03-11 07:23:46')!)).toBe(1710141826);
    expect(formatTimestamp(1709907168 * 1000)).toBe('2024-03-08 14:12:48');
  });
});
