import type Database from 'better-sqlite3-multiple-ciphers';
import { openKeyed } from '../../../../app/core/store/cipher.js';
import type { Sqlite } from '../../../../app/core/store/connection.js';

/** A fixed database key for store tests that open a local database without a keychain (never a real one). */
export const TEST_DB_KEY = Buffer.alloc(32, 0x5a);

/** The test's local database file opened directly, with the test key, to look at or change it behind the store's back. */
export function openRaw(file: string, options: Database.Options = {}): Sqlite {
  return openKeyed(file, TEST_DB_KEY, options);
}

/** The database key in a test keychain's entry (TestKeychain.entries' values): the account's own, to open its file directly. */
export function dbKeyIn(entries: Iterable<string>): Buffer {
  for (const entry of entries) {
    const { dbkey } = JSON.parse(entry) as { dbkey?: string };
    if (dbkey) return Buffer.from(dbkey, 'hex');
  }
  throw new Error('the test keychain holds no database key');
}
