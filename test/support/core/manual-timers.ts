import type { Timers } from '../../../app/core/desktop/desktop-controller.js';

/** Timers that run only when the test says so (the desktop controller's debounces and delays). */
export class ManualTimers implements Timers {
  private next = 0;
  readonly pending = new Map<number, () => void>();
  set(fn: () => void): number {
    this.pending.set(++this.next, fn);
    return this.next;
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Runs every timer set so far (not those they set in turn). */
  runAll(): void {
    for (const [id, fn] of [...this.pending]) {
      this.pending.delete(id);
      fn();
    }
  }
}
