/**
 * Moving a database file aside together with its -wal/-shm/-journal, so SQLite still pairs them
 * when the set-aside file is opened, and never lets a leftover log meet a different (fresh) file:
 * replayed into it, it would corrupt it. Files are renamed, never deleted, except the copies a
 * repair builds.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { CoreError } from '../errors.js';

/** What SQLite keeps next to a database file, by suffix. */
const SIDE_FILES = ['-wal', '-shm', '-journal'];

/** The current time as a file-name part. */
export function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

/** `base`, or `base-N` for the first N at which neither the file nor any side file exists. */
export function freeName(base: string): string {
  let name = base;
  for (let n = 1; [name, ...SIDE_FILES.map((s) => name + s)].some((f) => existsSync(f)); n++) name = `${base}-${n}`;
  return name;
}

/**
 * Renames `file` and its -wal/-shm/-journal to `target` (+ the same suffixes, so SQLite still pairs
 * them when the set-aside file is opened).
 */
export function setAside(file: string, target: string): void {
  try {
    // The main file first: a crash between renames leaves at worst an orphaned log, which the next
    // open sets aside too rather than letting SQLite replay it into a fresh database.
    moveWithSideFiles(file, target);
  } catch (err) {
    throw new CoreError('storage', `The local database is damaged and could not be moved aside (${err instanceof Error ? err.message : String(err)}).`, {
      cause: err,
    });
  }
}

/** Renames `from` and whichever side files it has to `to` (+ the same suffixes); the main file first. */
export function moveWithSideFiles(from: string, to: string): void {
  renameSync(from, to);
  for (const suffix of SIDE_FILES) if (existsSync(from + suffix)) renameSync(from + suffix, to + suffix);
}

/** Deletes a file and its side files (only ever a half-built copy). */
export function removeWithSideFiles(file: string): void {
  for (const f of [file, ...SIDE_FILES.map((s) => file + s)]) rmSync(f, { force: true });
}

/** A -wal/-shm without its database (a set-aside interrupted by a crash) must never meet a fresh file. */
export function setAsideOrphanedLog(file: string): void {
  if (existsSync(file)) return;
  const orphans = SIDE_FILES.filter((s) => existsSync(file + s));
  if (orphans.length === 0) return;
  const target = freeName(`${file}.orphan-${stamp()}`);
  try {
    for (const suffix of orphans) renameSync(file + suffix, target + suffix);
  } catch (err) {
    throw new CoreError(
      'storage',
      `A leftover log file next to the local database could not be moved aside (${err instanceof Error ? err.message : String(err)}).`,
      { cause: err },
    );
  }
}
