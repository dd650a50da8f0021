/**
 * Timers that run only when the test says so, and remember the delay each was set for (the expiry
 * sweeper's "next expiry, capped at an hour"; the search indexer's pauses between batches).
 */
export type SetTimer = { handle: number; fn: () => void; ms: number };

export class DelayTimers {
  private next = 0;
  /** Every timer set so far, cleared or not, in the order they were set. */
  readonly history: SetTimer[] = [];
  readonly pending = new Map<number, SetTimer>();
  readonly cleared: number[] = [];

  readonly set = (fn: () => void, ms: number): number => {
    const timer = { handle: ++this.next, fn, ms };
    this.history.push(timer);
    this.pending.set(timer.handle, timer);
    return timer.handle;
  };

  readonly clear = (handle: unknown): void => {
    this.cleared.push(handle as number);
    this.pending.delete(handle as number);
  };

  /** The one timer waiting (the test fails when there are none or several). */
  only(): SetTimer {
    const all = [...this.pending.values()];
    if (all.length !== 1) throw new Error(`expected one pending timer, found ${all.length}`);
    return all[0]!;
  }

  /** Runs the one timer waiting, as if its delay had passed. */
  fire(): void {
    const timer = this.only();
    this.pending.delete(timer.handle);
    timer.fn();
  }

  /** Runs every timer set so far (not those they set in turn). */
  runAll(): void {
    for (const timer of [...this.pending.values()]) {
      this.pending.delete(timer.handle);
      timer.fn();
    }
  }
}
