/**
 * Timers on a clock of the test's own: nothing runs until `advance(ms)` moves the clock, and then
 * every timer due on the way runs in time order, with pending promise callbacks settled between
 * them (so a fake request that resolves at once is answered before the next timer). Unlike
 * ManualTimers, delays count: a test can say "nothing happens for 99 ms, then it does".
 */
export class VirtualTimers {
  now = 0;
  private nextId = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  readonly set = (fn: () => void, ms: number): number => {
    this.timers.set(++this.nextId, { at: this.now + Math.max(0, ms), fn });
    return this.nextId;
  };

  readonly clear = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };

  /** How many timers are waiting. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves the clock on by `ms`, running what falls due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      await settle();
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.now = next[1].at;
      next[1].fn();
    }
    this.now = end;
    await settle();
  }
}

/** Lets every pending promise callback run (a macrotask turn drains the microtask queue). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
