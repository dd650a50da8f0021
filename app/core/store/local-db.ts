/**
 * Opens `<dataDir>/local.db`: encrypted with the account's key (cipher.ts), WAL, synchronous=FULL
 * (the outbox must survive power loss; writes happen at human speed), schema migrations by
 * `user_version`. A plain file of version 0.1 is encrypted where it lies first, everything in it kept.
 *
 * A file that is not a database, fails `PRAGMA quick_check`, cannot be opened, or was written by a
 * newer schema, or is encrypted under a key the keychain no longer holds, is set aside (renamed
 * with its -wal/-shm, never deleted; it stays encrypted) and a fresh database is
 * created: the cache is rebuilt from the server. The outbox and the account row are recovered from
 * the set-aside file as far as they still read, and `notices` tells the user what happened.
 *
 * This module is the way in; the steps live beside it: schema.ts (migrations), open-sqlite.ts
 * (opening and checking a file), side-files.ts (setting files aside), repair.ts (replacing a
 * damaged file), recovery.ts (what is copied out of it) and repair-notice.ts (what the user is told).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CoreError } from '../errors.js';
import { ensurePrivateFolder } from '../private-files.js';
import { encryptInPlace, isPlainDatabase } from './cipher.js';
import { clearDamage, damageFound, leftInUse, markClosed, markInUse } from './integrity.js';
import { storageError, type Sqlite } from './connection.js';
import { LocalStore, type LocalStoreOptions } from './local-store.js';
import { openChecked, openFresh } from './open-sqlite.js';
import type { Recovery } from './recovery.js';
import { repair, takeRepairNotices, undoInterruptedRepair } from './repair.js';
import { setAsideOrphanedLog } from './side-files.js';

export { MIGRATIONS } from './schema.js';
export type { Damage } from './open-sqlite.js';
export { recoverInto, type Recovery } from './recovery.js';
export { noticeFor } from './repair-notice.js';

export const LOCAL_DB_FILE = 'local.db';

export type OpenedLocalDb = {
  db: LocalStore;
  /** Sentences for the user about what happened to their data on the way in (usually none). */
  notices: string[];
  /** For the log: set when the previous file was set aside. */
  repaired?: { asideFile: string; reason: string; recovery: Recovery };
  /** For the log: a plain file of version 0.1 was encrypted. */
  encrypted?: true;
};

export type LocalDbOptions = LocalStoreOptions & {
  /** The account's database key (32 bytes, cipher.ts). */
  key: Buffer;
  /**
   * The key was made just now because the keychain held none: an encrypted file already there was
   * encrypted under another one, and is set aside as such (a plain file is encrypted with it).
   */
  keyIsNew?: boolean;
  /**
   * `deferred` (the app): after a clean shutdown the file is opened without `quick_check`, which
   * the caller runs later (`LocalStore.checkIntegrity`); see integrity.ts. Default: checked now.
   */
  check?: 'at-open' | 'deferred';
};

/** Opens (creating, converting, migrating or repairing as needed) `<dataDir>/local.db`. */
export function openLocalDb(dataDir: string, { key, keyIsNew = false, check = 'at-open', ...options }: LocalDbOptions): OpenedLocalDb {
  const opened = openUnmarked(dataDir, key, keyIsNew, check, options);
  const file = join(dataDir, LOCAL_DB_FILE);
  // Checked or rebuilt now: an earlier damage mark is settled. In use until closed, so a crash is noticed.
  clearDamage(file);
  if (check === 'deferred') {
    markInUse(file);
    opened.db.onClose(() => markClosed(file));
  }
  return opened;
}

function openUnmarked(dataDir: string, key: Buffer, keyIsNew: boolean, check: 'at-open' | 'deferred', options: LocalStoreOptions): OpenedLocalDb {
  try {
    ensurePrivateFolder(dataDir);
  } catch (err) {
    throw new CoreError('storage', `Could not create the app's data folder ${dataDir}.`, { cause: err });
  }
  const file = join(dataDir, LOCAL_DB_FILE);
  undoInterruptedRepair(file, key);
  setAsideOrphanedLog(file);

  if (!existsSync(file)) return { db: new LocalStore(openFresh(file, key), options), notices: [] };
  let encrypted = false;
  if (isPlainDatabase(file)) {
    try {
      encryptInPlace(file, key);
      encrypted = true;
    } catch {
      // A plain file that does not convert is damaged: it is set aside below, and what reads of it recovered.
    }
  }
  const found = damageFound(file);
  const opened = found ? ({ ok: false, damage: { kind: 'corrupt', detail: found } } as const) : openChecked(file, key, check === 'at-open' || leftInUse(file));
  if (opened.ok) return { ...withNotices(opened.db, options), ...(encrypted ? { encrypted: true as const } : {}) };
  const damage = keyIsNew && !encrypted && opened.damage.kind === 'corrupt' ? { kind: 'no-key' as const, detail: opened.damage.detail } : opened.damage;
  const { asideFile, recovery } = repair(file, damage, key);
  const reopened = openChecked(file, key);
  if (!reopened.ok) throw new CoreError('storage', `The rebuilt local database does not open (${reopened.damage.detail}).`);
  return { ...withNotices(reopened.db, options), repaired: { asideFile, reason: `${damage.kind}: ${damage.detail}`, recovery } };
}

function withNotices(db: Sqlite, options: LocalStoreOptions): OpenedLocalDb {
  try {
    return { db: new LocalStore(db, options), notices: takeRepairNotices(db) };
  } catch (err) {
    db.close();
    throw storageError(err, 'open the local database');
  }
}
