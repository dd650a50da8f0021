/** Small pieces of the registry's launch and of its every-account actions, apart from its state. */

/**
 * Counting every account's unread messages reads every conversation: at launch it waits this long,
 * so the window's first screen (which needs only the account on screen) does not wait for it.
 */
export const UNREAD_COUNT_DELAY_MS = 1000;
/** The databases are checked this long after launch, off the first screen's path (store/integrity.ts). */
export const STORE_CHECK_DELAY_MS = 3000;
/** The accounts not on screen open at launch once the window has its first screen, or after this long without one. */
export const OTHER_ACCOUNTS_DELAY_MS = 500;

/** Work that starts once: when first asked for, or never; `done` settles when it has run. */
export class StartOnce {
  readonly done: Promise<void>;
  private start: () => void = () => {};

  constructor(work: () => Promise<void>) {
    let started = false;
    this.done = new Promise<void>((resolve) => {
      this.start = () => {
        if (started) return;
        started = true;
        // Failures are the work's own to report; waiting for it must not throw.
        void work()
          .catch(() => {})
          .finally(resolve);
      };
    });
  }

  /** Starts the work if it has not started yet; resolves once it has run. */
  now(): Promise<void> {
    this.start();
    return this.done;
  }
}

/** Runs `work` on every item at once; rejects with the first failure once all have finished. */
export async function everySettled<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  const results = await Promise.allSettled(items.map(work));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
