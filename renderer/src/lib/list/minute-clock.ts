import { MINUTE_MS } from '../pane/time.js';

/**
 * Calls `tick` just after the start of every minute, so that times like "2:52 PM" turn into "Tue"
 * when the day changes; returns what stops it. One clock for the whole list, not one per row.
 * A timeout per minute rather than an interval: after the computer sleeps it falls back in step.
 */
export function everyMinute(tick: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = (): void => {
    // A little past the boundary, so that a timer firing early still lands in the new minute.
    timer = setTimeout(
      () => {
        tick();
        schedule();
      },
      MINUTE_MS - (Date.now() % MINUTE_MS) + 50,
    );
  };
  schedule();
  return () => clearTimeout(timer);
}
