/**
 * Replacing a damaged database file without losing what the user did. The damaged file is set
 * aside (never deleted) and a fresh one is built next to it and filled with what can be recovered
 * (recovery.ts); only then is it moved into place. Every step leaves the files so that a crash at
 * any point is undone on the next start (`undoInterruptedRepair`) and the repair simply runs again.
 */
import { existsSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CoreError } from '../errors.js';
import { openKeyed } from './cipher.js';
import { storageError, type Sqlite } from './connection.js';
import { openFresh, type Damage } from './open-sqlite.js';
import { recoverInto, type Recovery } from './recovery.js';
import { noticeFor } from './repair-notice.js';
import { freeName, moveWithSideFiles, removeWithSideFiles, setAside, stamp } from './side-files.js';

/** The suffix of the replacement while it is being built. */
const REBUILDING = '.rebuilding';
/** Meta key in a replacement under construction: the name of the set-aside original. */
const REPAIR_SOURCE = 'repair_source';
/** Meta key of a notice for the user that a repair left behind. */
const REPAIR_NOTICE = 'repair_notice';

/**
 * Sets the damaged file aside and builds its replacement next to it, moving it into place only
 * once the outbox is copied over. The replacement is created (naming the set-aside file in its
 * meta table) before anything is renamed, so a crash at any point leaves either the original file
 * or a replacement that says where the original went: `undoInterruptedRepair` puts it back and the
 * next start repairs again. Nothing the user did is lost to a crash during the repair.
 */
export function repair(file: string, damage: Damage, key: Buffer): { asideFile: string; recovery: Recovery } {
  const rebuilding = file + REBUILDING;
  removeWithSideFiles(rebuilding);
  const asideFile = freeName(`${file}.${damage.kind === 'newer' ? 'newer' : damage.kind === 'no-key' ? 'locked' : 'corrupt'}-${stamp()}`);
  const fresh = openFresh(rebuilding, key);
  try {
    fresh.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(REPAIR_SOURCE, basename(asideFile));
    setAside(file, asideFile);
    const recovery = recoverInto(asideFile, fresh, key);
    // One transaction: the marker goes and the notice is stored, so it reaches the user even when
    // this run dies before returning it.
    fresh
      .transaction(() => {
        fresh.prepare('DELETE FROM meta WHERE key = ?').run(REPAIR_SOURCE);
        fresh.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(REPAIR_NOTICE, noticeFor(damage, recovery, basename(asideFile)));
      })
      .immediate();
    fresh.close(); // checkpoints: the replacement is one self-contained file
    renameSync(rebuilding, file);
    return { asideFile, recovery };
  } catch (err) {
    // Put things back as they were, so the next start tries again with nothing lost.
    if (fresh.open) fresh.close();
    removeWithSideFiles(rebuilding);
    if (!existsSync(file) && existsSync(asideFile)) {
      // Side files that did not make it across are still at `file`'s name; only move what moved.
      try {
        moveWithSideFiles(asideFile, file);
      } catch {
        // Left for a person to sort out: the original is still whole at asideFile.
      }
    }
    if (err instanceof CoreError) throw err;
    throw storageError(err, 'rebuild the local database');
  }
}

/** Notices a repair left for the user (see `repair`), removed once handed out. */
export function takeRepairNotices(db: Sqlite): string[] {
  return db
    .transaction(() => {
      const rows = db.prepare('SELECT value FROM meta WHERE key = ?').all(REPAIR_NOTICE) as { value: string }[];
      if (rows.length) db.prepare('DELETE FROM meta WHERE key = ?').run(REPAIR_NOTICE);
      return rows.map((r) => r.value);
    })
    .immediate();
}

/** A start after a crash in the middle of `repair`: put the set-aside original back. */
export function undoInterruptedRepair(file: string, key: Buffer): void {
  const rebuilding = file + REBUILDING;
  if (!existsSync(rebuilding)) return;
  if (!existsSync(file)) {
    let readable = false;
    let source: string | undefined;
    try {
      const db = openKeyed(rebuilding, key, { readonly: true, fileMustExist: true });
      try {
        source = (db.prepare('SELECT value FROM meta WHERE key = ?').get(REPAIR_SOURCE) as { value: string } | undefined)?.value;
        readable = true;
      } finally {
        db.close();
      }
    } catch {
      // An unreadable half-built replacement names nothing; it only ever holds copies, so it goes.
    }
    const original = source !== undefined && basename(source) === source ? join(dirname(file), source) : undefined;
    try {
      if (original && existsSync(original)) {
        moveWithSideFiles(original, file);
      } else if (readable && source === undefined) {
        // It finished recovering (the marker goes last) but was not yet moved into place.
        moveWithSideFiles(rebuilding, file);
        return;
      }
    } catch (err) {
      throw new CoreError('storage', `Could not finish repairing the local database (${err instanceof Error ? err.message : String(err)}).`, { cause: err });
    }
  }
  removeWithSideFiles(rebuilding);
}
