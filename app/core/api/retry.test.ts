import { describe, expect, it } from 'vitest';
import { CoreError } from '../errors.js';
import { DEFAULT_BACKOFF, backoffCeiling, backoffDelay, isTransient, sleep, withRetry } from './retry.js';
import { CancelledError, isCancelled } from './transport.js';

const transient = () => new CoreError('network', 'The connection to example.test was cut.', { transient: true });
const permanent = () => new CoreError('refused', 'The colour must be written as #rrggbb.');

describe('backoff', () => {
  it('defaults to base 300 ms, factor 2, cap 10 s', () => {
    expect(DEFAULT_BACKOFF).toEqual({ baseMs: 300, factor: 2, capMs: 10_000 });
  });

  it('doubles the ceiling per retry until the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10, 100, 5000].map((n) => backoffCeiling(n))).toEqual([300, 600, 1200, 2400, 4800, 9600, 10_000, 10_000, 10_000, 10_000]);
  });

  it('uses full jitter: anywhere from 0 up to (not including) the ceiling', () => {
    expect(backoffDelay(2, DEFAULT_BACKOFF, () => 0)).toBe(0);
    expect(backoffDelay(2, DEFAULT_BACKOFF, () => 0.5)).toBe(600);
    expect(backoffDelay(2, DEFAULT_BACKOFF, () => 0.999999)).toBe(1199);
    // A random source that misbehaves cannot push the delay past the ceiling.
    expect(backoffDelay(2, DEFAULT_BACKOFF, () => 7)).toBe(1199);
    expect(backoffDelay(50, DEFAULT_BACKOFF, () => 0.999999)).toBeLessThan(10_000);
  });
});

describe('isTransient', () => {
  it('is true only for transient CoreErrors that were not cancelled', () => {
    expect(isTransient(transient())).toBe(true);
    expect(isTransient(permanent())).toBe(false);
    expect(isTransient(new CancelledError('example.test'))).toBe(false);
    expect(isTransient(new Error('boom'))).toBe(false);
    expect(isTransient('nope')).toBe(false);
  });
});

describe('withRetry', () => {
  const recorder = () => {
    const delays: number[] = [];
    return { delays, sleep: async (ms: number) => void delays.push(ms) };
  };

  it('retries transient failures and returns the first success', async () => {
    const { delays, sleep } = recorder();
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw transient();
        return 'done';
      },
      { retries: 3, sleep, random: () => 0.5 },
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);
    expect(delays).toEqual([150, 300]);
  });

  it('gives up after the allowed retries with the last error', async () => {
    const { delays, sleep } = recorder();
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw transient();
      },
      { retries: 2, sleep },
    ).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(delays).toHaveLength(2);
    expect(err).toBeInstanceOf(CoreError);
  });

  it('never retries a permanent failure', async () => {
    const { delays, sleep } = recorder();
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw permanent();
        },
        { retries: 5, sleep },
      ),
    ).rejects.toMatchObject({ code: 'refused' });
    expect(calls).toBe(1);
    expect(delays).toEqual([]);
  });

  it('stops during the backoff wait as soon as the signal aborts', async () => {
    const controller = new AbortController();
    let calls = 0;
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    const err = await withRetry(
      async () => {
        calls++;
        throw transient();
      },
      { retries: 5, backoff: { baseMs: 60_000, capMs: 60_000 }, random: () => 0.9, signal: controller.signal },
    ).catch((e: unknown) => e);
    expect(isCancelled(err)).toBe(true);
    expect(calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('does not start at all when the signal is already aborted', async () => {
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        return 1;
      },
      { retries: 3, signal: AbortSignal.abort() },
    ).catch((e: unknown) => e);
    expect(isCancelled(err)).toBe(true);
    expect(calls).toBe(0);
  });

  it('the default sleep waits and can be cut short', async () => {
    const t0 = Date.now();
    await sleep(20);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(15);
    await expect(sleep(60_000, AbortSignal.abort())).rejects.toBeInstanceOf(CancelledError);
  });
});
