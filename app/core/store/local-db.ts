/**
 * Opens `<dataDir>/local.db`: WAL, synchronous=FULL (the outbox must survive power loss; writes
 * happen at human speed), schema migrations by `user_version`.
 *
 * A file that is not a database, fails `PRAGMA quick_check`, cannot be opened, or was written by a
 * newer schema is set aside (renamed with its -wal/-shm, never deleted) and a fresh database is
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
};

/** Opens (creating, migrating or repairing as needed) `<dataDir>/local.db`. */
export function openLocalDb(dataDir: string, options: LocalStoreOptions = {}): OpenedLocalDb {
  try {
    ensurePrivateFolder(dataDir);
  } catch (err) {
    throw new CoreError('storage', `Could not create the app's data folder ${dataDir}.`, { cause: err });
  }
  const file = join(dataDir, LOCAL_DB_FILE);
  undoInterruptedRepair(file);
  setAsideOrphanedLog(file);

  if (!existsSync(file)) return { db: new LocalStore(openFresh(file), options), notices: [] };
  const opened = openChecked(file);
  if (opened.ok) return withNotices(opened.db, options);
  const { damage } = opened;
  const { asideFile, recovery } = repair(file, damage);
  const reopened = openChecked(file);
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
