/**
 * Group commit: requests that arrive in the same turn of the event loop run in one SQLite
 * transaction, each inside its own savepoint, so one refusal rolls back only its own work. Nobody
 * is answered before the shared COMMIT, so an acknowledged change is always durable; the commit's
 * cost is paid once per batch instead of once per request.
 */
import type { Store } from './db/store.js';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };
type Job = { work: () => unknown; settle: (outcome: Outcome<unknown>) => void };

/** Bounds a batch so one turn never holds the write lock for long. */
const MAX_BATCH = 256;

export class CommitGroup {
  private queue: Job[] = [];
  private scheduled = false;

  constructor(private readonly store: Store) {}

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        work,
        settle: (o) => (o.ok ? resolve(o.value as T) : reject(o.error)),
      });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.queue.splice(0, MAX_BATCH);
    this.scheduled = this.queue.length > 0;
    if (this.scheduled) setImmediate(() => this.flush());

    const outcomes: Outcome<unknown>[] = [];
    try {
      this.store.transaction(() => {
        for (const job of batch) {
          try {
            // A savepoint: a throw undoes just this job.
            outcomes.push({ ok: true, value: this.store.savepoint(job.work) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // The COMMIT itself failed (disk full, I/O error): nothing in the batch happened.
      for (const job of batch) job.settle({ ok: false, error });
      return;
    }
    batch.forEach((job, i) => job.settle(outcomes[i]!));
  }
}
