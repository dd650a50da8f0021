import { describe, expect, it } from 'vitest';
import { median, quantile } from './stats.js';

describe('quantile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose

  it('takes the sample at rank ceil(q * n)', () => {
    expect(quantile(hundred, 0.95)).toBe(95);
    expect(quantile(hundred, 0.5)).toBe(50);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21], 0.95)).toBe(20);
  });

  it('gives the extremes at the ends and never reads outside the samples', () => {
    expect(quantile(hundred, 1)).toBe(100);
    expect(quantile(hundred, 0.0001)).toBe(1);
    expect(quantile([7], 0.95)).toBe(7);
  });

  it('is NaN for no samples, so an empty run cannot pass as 0 ms', () => {
    expect(quantile([], 0.95)).toBeNaN();
    expect(median([])).toBeNaN();
  });

  it('does not reorder the caller’s array', () => {
    const xs = [3, 1, 2];
    quantile(xs, 0.5);
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe('median', () => {
  it('is the middle sample, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
