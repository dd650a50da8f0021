/**
 * Retrying transient failures with exponential backoff and full jitter: before retry `n` (0-based)
 * the wait is a uniform random time in [0, min(capMs, baseMs * factor^n)). `sleep` and `random` are
 * injectable, so tests read the delays without waiting for them.
 */
import { CoreError } from '../errors.js';
import { CancelledError, isCancelled } from './transport.js';

export type BackoffPolicy = {
  /** The ceiling of the first delay. */
  baseMs: number;
  /** How much the ceiling grows per retry. */
  factor: number;
  /** No delay is ever longer than this. */
  capMs: number;
};

export const DEFAULT_BACKOFF: Readonly<BackoffPolicy> = Object.freeze({ baseMs: 300, factor: 2, capMs: 10_000 });

/** Waits `ms`; rejects early when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;
/** A number in [0, 1), like Math.random. */
export type RandomSource = () => number;

export const sleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError(undefined, signal.reason));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CancelledError(undefined, signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** The largest delay before retry `retry` (0-based): min(cap, base * factor^retry). */
export function backoffCeiling(retry: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const grown = policy.baseMs * Math.pow(policy.factor, Math.max(0, retry));
  return Math.max(0, Math.min(policy.capMs, Number.isFinite(grown) ? grown : policy.capMs));
}

/** Full jitter: a uniform random delay in [0, ceiling). */
export function backoffDelay(retry: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: RandomSource = Math.random): number {
  const r = Math.min(Math.max(random(), 0), 1);
  const ceiling = backoffCeiling(retry, policy);
  return Math.min(Math.floor(r * ceiling), Math.max(0, Math.ceil(ceiling) - 1));
}

/** Worth trying again: a transient `CoreError` that the caller did not cancel. */
export function isTransient(err: unknown): boolean {
  return err instanceof CoreError && err.transient && !isCancelled(err);
}

export type RetryOptions = {
  /** How many times to try again after the first attempt. */
  retries: number;
  backoff?: Partial<BackoffPolicy>;
  sleep?: Sleep;
  random?: RandomSource;
  /** Aborting stops at once: no further attempt, the backoff wait is cut short. */
  signal?: AbortSignal;
  /** Which failures are retried; `isTransient` by default. */
  shouldRetry?: (err: unknown) => boolean;
  /** Called before each wait, e.g. for a log line. */
  onRetry?: (info: { retry: number; delayMs: number; error: unknown }) => void;
  /** The error to throw when `signal` aborts between attempts. */
  cancelled?: (reason: unknown) => Error;
};

/** Runs `attempt(0)`, then retries transient failures up to `retries` times with backoff. */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const policy: BackoffPolicy = { ...DEFAULT_BACKOFF, ...opts.backoff };
  const wait = opts.sleep ?? sleep;
  const random = opts.random ?? Math.random;
  const shouldRetry = opts.shouldRetry ?? isTransient;
  const cancelled = opts.cancelled ?? ((reason: unknown) => new CancelledError(undefined, reason));
  const signal = opts.signal;
  const retries = Math.max(0, Math.floor(opts.retries));

  for (let n = 0; ; n++) {
    if (signal?.aborted) throw cancelled(signal.reason);
    try {
      return await attempt(n);
    } catch (err) {
      if (isCancelled(err) || signal?.aborted) throw signal?.aborted ? cancelled(signal.reason) : err;
      if (n >= retries || !shouldRetry(err)) throw err;
      const delayMs = backoffDelay(n, policy, random);
      opts.onRetry?.({ retry: n, delayMs, error: err });
      try {
        await wait(delayMs, signal);
      } catch (waitErr) {
        if (signal?.aborted) throw cancelled(signal.reason);
        throw waitErr;
      }
    }
  }
}
