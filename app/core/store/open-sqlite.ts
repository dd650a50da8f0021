/**
 * Opening a database file the way the store needs it: set up for durability (WAL,
 * synchronous=FULL) and migrated to the current schema. An existing file is checked first
 * (`PRAGMA quick_check`); what is wrong with one that cannot be used comes back as `Damage`, so the
 * caller can set it aside, while failures that say nothing about the file (busy, disk full) are
 * thrown as they are.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { CoreError } from '../errors.js';
import { createPrivateFile } from '../private-files.js';
import { openKeyed } from './cipher.js';
import { storageError, type Sqlite } from './connection.js';
import { NewerSchema, migrate } from './schema.js';

/** Why an existing file was set aside (`no-key`: encrypted under a key the keychain no longer holds). */
export type Damage = { kind: 'corrupt' | 'unopenable' | 'newer' | 'no-key'; detail: string };

/** Sets a connection up as the store needs it: write-ahead log, every commit on disk before it returns. */
export function configure(db: Sqlite): void {
  db.pragma('busy_timeout = 5000');
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') throw new CoreError('storage', `The local database could not switch to write-ahead logging (it is in ${String(mode)} mode).`);
  // FULL in WAL mode: every commit is fsynced before it returns, so an enqueued action survives power loss.
  db.pragma('synchronous = FULL');
  // macOS: make fsync reach the platters (no-op elsewhere).
  db.pragma('fullfsync = ON');
  db.pragma('foreign_keys = ON');
  // A burst of cache writes may grow the log; do not keep it that big afterwards.
  db.pragma('journal_size_limit = 8388608');
}

/** SQLite codes that say nothing about the file itself: never set a file aside for these. */
const NOT_THE_FILE = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_NOMEM', 'SQLITE_FULL', 'SQLITE_INTERRUPT']);

/**
 * Opens an existing file with its key, checks it and brings it up to date, or says what is wrong
 * with it (a wrong key reads as a file that is not a database: SQLITE_NOTADB).
 */
export function openChecked(file: string, key: Buffer, quickCheck = true): { ok: true; db: Sqlite } | { ok: false; damage: Damage } {
  let db: Sqlite | undefined;
  try {
    db = openKeyed(file, key, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    if (!quickCheck) {
      // Unchecked (integrity.ts), the key at least is tried: reading the schema reads page 1.
      db.prepare('SELECT count(*) FROM sqlite_master').get();
      configure(db);
      migrate(db);
      return { ok: true, db };
    }
    const check = db.pragma('quick_check') as { quick_check: string }[];
    if (check.length !== 1 || check[0]?.quick_check !== 'ok') {
      db.close();
      return {
        ok: false,
        damage: {
          kind: 'corrupt',
          detail: check
            .slice(0, 3)
            .map((r) => r.quick_check)
            .join('; '),
        },
      };
    }
    configure(db);
    migrate(db);
    return { ok: true, db };
  } catch (err) {
    try {
      db?.close();
    } catch {
      // Already unusable; the file is what matters.
    }
    if (err instanceof NewerSchema) return { ok: false, damage: { kind: 'newer', detail: err.message } };
    if (err instanceof Database.SqliteError) {
      if (NOT_THE_FILE.has(err.code)) throw storageError(err, 'open the local database');
      const corrupt = err.code === 'SQLITE_CORRUPT' || err.code === 'SQLITE_NOTADB' || err.code.startsWith('SQLITE_CORRUPT_');
      return { ok: false, damage: { kind: corrupt ? 'corrupt' : 'unopenable', detail: `${err.code}: ${err.message}` } };
    }
    if (err instanceof CoreError) throw err;
    return { ok: false, damage: { kind: 'unopenable', detail: err instanceof Error ? err.message : String(err) } };
  }
}

/** Creates (private to this user, encrypted with `key`) and sets up a new database file. */
export function openFresh(file: string, key: Buffer): Sqlite {
  let db: Sqlite | undefined;
  try {
    // 0600 before SQLite creates it with the umask's 0644; its WAL and SHM take the same mode.
    createPrivateFile(file);
    db = openKeyed(file, key);
    configure(db);
    migrate(db);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof CoreError) throw err;
    throw new CoreError('storage', `Could not create the local database ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
