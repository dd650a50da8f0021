/**
 * The outbox: user actions that have not reached the server yet, in the order the user did them.
 * New actions are folded into what is already waiting (`coalesce()`), and every entry records how
 * often it was handed to the network, because one that may have reached the server must never be
 * cancelled. Each action's JSON is decoded once per row and text, as the sender asks after every send.
 */
import { CoreError } from '../errors.js';
import { coalesce, type Action } from '../sync/actions.js';
import type { StoreConnection } from './connection.js';
import { decodeAction, isAction } from './decode.js';

export type OutboxEntry = {
  seq: number;
  action: Action;
  /** Times it was handed to the network (it may have reached the server if this is not 0). */
  attempts: number;
  /** Epoch ms before which the entry should not be retried (0 = now). */
  nextAttemptAt: number;
  lastError: string | null;
  /** Handed to the network and not yet answered. */
  inFlight: boolean;
  /** Epoch ms when the user did it. */
  createdAt: number;
};

type OutboxRow = {
  seq: number;
  conversation_id: string;
  action: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  in_flight: number;
  created_at: number;
};

function requireAction(action: Action): void {
  if (!isAction(action)) throw new CoreError('invalid-argument', 'That change cannot be saved: it is not a valid action.');
}

export class OutboxTable {
  readonly #conn: StoreConnection;
  /** Decoded actions by seq and raw text: an unchanged row is never parsed twice. */
  readonly #decoded = new Map<number, { text: unknown; action: Action }>();
  readonly #unreadable = new Set<number>();

  constructor(conn: StoreConnection) {
    this.#conn = conn;
  }

  enqueue(action: Action): { seq: number | null; removed: number[] } {
    requireAction(action);
    const text = JSON.stringify(action);
    const conn = this.#conn;
    return conn.transaction(() => {
      const pending = this.#entries(conn.stmt('SELECT * FROM outbox WHERE conversation_id = ? ORDER BY seq').all(action.conversationId) as OutboxRow[]);
      // An entry tried before may already be on the server: coalescing must treat it as in flight.
      const { remove, keep } = coalesce(
        pending.map((p) => ({ ...p, inFlight: p.inFlight || p.attempts > 0 })),
        action,
      );
      const del = conn.stmt('DELETE FROM outbox WHERE seq = ?');
      const removed = remove.filter((seq) => del.run(seq).changes > 0);
      if (!keep) return { seq: null, removed };
      const info = conn
        .stmt('INSERT INTO outbox (conversation_id, kind, action, created_at) VALUES (?, ?, ?, ?)')
        .run(action.conversationId, action.kind, text, conn.now());
      return { seq: Number(info.lastInsertRowid), removed };
    });
  }

  pending(): OutboxEntry[] {
    return this.#entries(this.#conn.guard('read the outbox', () => this.#conn.stmt('SELECT * FROM outbox ORDER BY seq').all() as OutboxRow[]));
  }

  pendingFor(conversationId: string): OutboxEntry[] {
    return this.#entries(
      this.#conn.guard(
        'read the outbox',
        () => this.#conn.stmt('SELECT * FROM outbox WHERE conversation_id = ? ORDER BY seq').all(conversationId) as OutboxRow[],
      ),
    );
  }

  *heads(): Generator<OutboxEntry> {
    // A plain scan in seq (rowid) order streams without sorting; a caller that has what it needs
    // stops early, so only the first few rows are read.
    const rows = this.#conn.guard('read the outbox', () => this.#conn.stmt('SELECT * FROM outbox ORDER BY seq').iterate() as IterableIterator<OutboxRow>);
    const seen = new Set<string>();
    for (const row of rows) {
      if (seen.has(row.conversation_id)) continue;
      seen.add(row.conversation_id);
      const [entry] = this.#entries([row]);
      if (entry) yield entry;
    }
  }

  pendingCount(): number {
    const rows = this.#conn.guard('read the outbox', () => (this.#conn.stmt('SELECT count(*) AS n FROM outbox').get() as { n: number }).n);
    if (this.#unreadable.size === 0) return rows;
    const exists = this.#conn.stmt('SELECT 1 FROM outbox WHERE seq = ?');
    let unreadable = 0;
    for (const seq of this.#unreadable) {
      if (exists.get(seq)) unreadable++;
      else this.#unreadable.delete(seq);
    }
    return rows - unreadable;
  }

  #decodeRow(row: OutboxRow): Action | undefined {
    const hit = this.#decoded.get(row.seq);
    if (hit && hit.text === row.action) return hit.action;
    const action = this.#conn.skip('outbox', String(row.seq), decodeAction(row.action));
    if (action) {
      if (this.#decoded.size > 10_000) this.#decoded.clear();
      this.#decoded.set(row.seq, { text: row.action, action });
      this.#unreadable.delete(row.seq);
    } else {
      this.#unreadable.add(row.seq);
    }
    return action;
  }

  #entries(rows: readonly OutboxRow[]): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const row of rows) {
      const action = this.#decodeRow(row);
      if (!action) continue;
      out.push({
        seq: row.seq,
        action,
        attempts: row.attempts,
        nextAttemptAt: row.next_attempt_at,
        lastError: row.last_error,
        inFlight: row.in_flight !== 0,
        createdAt: row.created_at,
      });
    }
    return out;
  }

  /** Runs one UPDATE/DELETE of the outbox; returns how many rows it changed. */
  #change(sql: string, ...params: unknown[]): number {
    return this.#conn.guard('update the outbox', () => this.#conn.stmt(sql).run(...params).changes);
  }

  markInFlight(seq: number): boolean {
    return this.#change('UPDATE outbox SET attempts = attempts + 1, in_flight = 1 WHERE seq = ?', seq) > 0;
  }

  complete(seq: number): boolean {
    return this.#change('DELETE FROM outbox WHERE seq = ?', seq) > 0;
  }

  fail(seq: number, error: string, nextAttemptAt: number): boolean {
    return this.#change('UPDATE outbox SET last_error = ?, next_attempt_at = ?, in_flight = 0 WHERE seq = ?', error, nextAttemptAt, seq) > 0;
  }

  replaceAction(seq: number, action: Action): boolean {
    requireAction(action);
    return (
      this.#conn.guard(
        'update the outbox',
        () =>
          this.#conn
            .stmt('UPDATE outbox SET action = ?, kind = ?, conversation_id = ? WHERE seq = ?')
            .run(JSON.stringify(action), action.kind, action.conversationId, seq).changes,
      ) > 0
    );
  }

  retryNow(): number {
    return this.#change('UPDATE outbox SET next_attempt_at = 0 WHERE next_attempt_at > 0 AND in_flight = 0');
  }

  resetInFlight(): number {
    return this.#change('UPDATE outbox SET in_flight = 0 WHERE in_flight <> 0');
  }
}
