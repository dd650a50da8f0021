/**
 * The local database is encrypted as a whole: SQLCipher 4's file format (AES-256 pages, each with
 * an HMAC) through SQLite3 Multiple Ciphers (better-sqlite3-multiple-ciphers). The WAL is encrypted
 * the same way, and temporary tables and sorts stay in memory, so nothing of the database reaches
 * the disk in the clear.
 *
 * Each account's key is 32 random bytes kept in the OS keychain beside its sign-in (vault.ts). It
 * is given as a raw key (`x'…'`), so no passphrase is stretched at launch: deriving a key from a
 * passphrase (SQLCipher's default, 256,000 rounds of PBKDF2) measured 140 ms here, a raw key 0.5 ms.
 *
 * Version 0.1 wrote a plain SQLite file; `encryptInPlace` converts one (see local-db.ts).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import type { Sqlite } from './connection.js';

export const DB_KEY_BYTES = 32;

/** A new database key. */
export function newDbKey(): Buffer {
  return randomBytes(DB_KEY_BYTES);
}

/** The key as the keychain keeps it (hex), or null when `hex` is not one. */
export function dbKeyFromHex(hex: unknown): Buffer | null {
  return typeof hex === 'string' && /^[0-9a-f]{64}$/.test(hex) ? Buffer.from(hex, 'hex') : null;
}

/** SQLCipher 4 settings, then the key: before anything reads the file. */
function applyKey(db: Sqlite, key: Buffer, pragma: 'key' | 'rekey'): void {
  if (key.length !== DB_KEY_BYTES) throw new Error('a database key is 32 bytes');
  db.pragma("cipher = 'sqlcipher'");
  db.pragma('legacy = 4');
  db.pragma(`${pragma} = "x'${key.toString('hex')}'"`);
}

/**
 * Opens a database file with its key. A wrong key is not noticed here but by the first read, as
 * SQLITE_NOTADB ("file is not a database"), like a file that is damaged.
 */
export function openKeyed(file: string, key: Buffer, options: Database.Options = {}): Sqlite {
  const db = new Database(file, options);
  try {
    applyKey(db, key, 'key');
    db.pragma('temp_store = MEMORY');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Opens a file as it is, without a key: a plain file of version 0.1 (for converting or recovering it). */
export function openPlain(file: string, options: Database.Options = {}): Sqlite {
  return new Database(file, options);
}

const PLAIN_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * True for a plain (unencrypted) SQLite file, or one whose conversion was interrupted: an encrypted
 * file starts with a random salt, a plain one with SQLite's header, and a conversion cut short leaves
 * its rollback journal, which only a plain open rolls back.
 */
export function isPlainDatabase(file: string): boolean {
  if (existsSync(`${file}-journal`)) return true;
  const header = Buffer.alloc(PLAIN_HEADER.length);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    return readSync(fd, header, 0, header.length, 0) === header.length && header.equals(PLAIN_HEADER);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Encrypts a plain database file in place with `key`. The rewrite is one transaction on a rollback
 * journal (SQLite3 Multiple Ciphers cannot rekey in WAL mode): a crash leaves the journal, and the
 * next plain open rolls the file back to what it was, to be converted again. The journal holds the
 * old pages while it runs and is deleted when it commits.
 */
export function encryptInPlace(file: string, key: Buffer): void {
  const db = openPlain(file, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // Leaving WAL checkpoints what the log still held into the file first.
    db.pragma('journal_mode = DELETE');
    applyKey(db, key, 'rekey');
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
}
