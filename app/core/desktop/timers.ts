/** Timers as the desktop code takes them: injected, so tests move the clock by hand. */
export type Timers = { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void };

export const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
