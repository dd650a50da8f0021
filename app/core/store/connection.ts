/**
 * The open SQLite connection as every part of the local store uses it: prepared statements cached
 * by their SQL, SQLite failures turned into `CoreError('storage')`, write transactions, and the
 * record of rows that did not read. The table modules (conversations, messages, outbox, …) share
 * one of these, so a closed database, a failed write or a skipped row looks the same everywhere.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { CoreError } from '../errors.js';
import type { Decoded } from './decode.js';

export type Sqlite = Database.Database;

/** A row that was skipped because it does not read. `key` names the row within its table. */
export type SkippedRow = { table: string; key: string; reason: string };

export type ConnectionSettings = {
  journalMode: string;
  synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  foreignKeys: boolean;
  busyTimeoutMs: number;
  schemaVersion: number;
};

/** Turns a better-sqlite3 failure into the core's storage error; anything else passes through. */
export function storageError(err: unknown, doing: string): unknown {
  if (err instanceof Database.SqliteError) {
    const full = err.code === 'SQLITE_FULL';
    const busy = err.code === 'SQLITE_BUSY' || err.code === 'SQLITE_LOCKED';
    const why = full ? 'the disk is full' : busy ? 'another copy of the app is using it' : `SQLite said ${err.code}`;
    return new CoreError('storage', `Could not ${doing} in the local database: ${why}.`, { transient: full || busy, cause: err });
  }
  return err;
}

export class StoreConnection {
  readonly db: Sqlite;
  /** The clock for `received_at`/`created_at` columns; tests pin it. */
  readonly now: () => number;
  readonly #onSkippedRow: ((row: SkippedRow) => void) | undefined;
  readonly #skipped = new Map<string, SkippedRow>();
  readonly #stmts = new Map<string, Database.Statement>();
  /** Told when a transaction is rolled back, so in-memory copies of table contents can be dropped. */
  readonly #rollbackListeners: (() => void)[] = [];
  #closed = false;

  constructor(db: Sqlite, onSkippedRow: ((row: SkippedRow) => void) | undefined, now: () => number) {
    this.db = db;
    this.#onSkippedRow = onSkippedRow;
    this.now = now;
  }

  /** The statement for `sql`, prepared once per connection. */
  stmt(sql: string): Database.Statement {
    let s = this.#stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.#stmts.set(sql, s);
    }
    return s;
  }

  /** Runs `fn` against the open database; `doing` completes "Could not …" in the error. */
  guard<T>(doing: string, fn: () => T): T {
    if (this.#closed) throw new CoreError('storage', `Could not ${doing}: the local database is closed.`);
    try {
      return fn();
    } catch (err) {
      throw storageError(err, doing);
    }
  }

  /** `listener` runs whenever a transaction throws (and so was rolled back). */
  onRollback(listener: () => void): void {
    this.#rollbackListeners.push(listener);
  }

  /**
   * Runs `fn` as one write transaction (a savepoint when nested); a throw rolls it all back. `fn`
   * must be synchronous: a returned promise is refused (and rolled back), since awaiting inside a
   * SQLite transaction would commit half of it.
   */
  transaction<T>(fn: () => T): T {
    try {
      return this.#transaction(fn);
    } catch (err) {
      // What the rolled-back writes put in memory is not in the tables: read it afresh next time.
      for (const listener of this.#rollbackListeners) listener();
      throw err;
    }
  }

  #transaction<T>(fn: () => T): T {
    return this.guard('save changes', () =>
      this.db
        .transaction(() => {
          const result = fn();
          if (typeof (result as { then?: unknown } | null)?.then === 'function') {
            throw new CoreError('internal', 'A local database transaction was given an async function; nothing was saved.');
          }
          return result;
        })
        .immediate(),
    );
  }

  /** The decoded value, or undefined after reporting the row as unreadable (once per row). */
  skip<T>(table: string, key: string, decoded: Decoded<T>): T | undefined {
    if (decoded.ok) return decoded.value;
    const id = `${table}\u0000${key}`;
    if (!this.#skipped.has(id)) {
      const row = { table, key, reason: decoded.reason };
      this.#skipped.set(id, row);
      this.#onSkippedRow?.(row);
    }
    return undefined;
  }

  /** Every unreadable row met so far (once each). */
  skippedRows(): SkippedRow[] {
    return [...this.#skipped.values()];
  }

  /** Forgets the unreadable rows met so far (their tables were emptied). */
  forgetSkippedRows(): void {
    this.#skipped.clear();
  }

  /** How the connection is set up, for diagnostics and the durability tests. */
  settings(): ConnectionSettings {
    return this.guard('read the database settings', () => ({
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: (['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const)[Number(this.db.pragma('synchronous', { simple: true }))] ?? 'OFF',
      foreignKeys: this.db.pragma('foreign_keys', { simple: true }) === 1,
      busyTimeoutMs: Number(this.db.pragma('busy_timeout', { simple: true })),
      schemaVersion: Number(this.db.pragma('user_version', { simple: true })),
    }));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stmts.clear();
    this.db.close();
  }

  get closed(): boolean {
    return this.#closed;
  }
}
