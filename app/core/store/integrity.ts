/**
 * When the local database is checked (`PRAGMA quick_check`). The check reads every page, and an
 * encrypted page costs an AES pass and an HMAC: on a 10,000-conversation account it took most of
 * a cold start. So a launch after a clean shutdown opens without it and checks a moment later, in
 * the background; a file found damaged then is marked, and the next launch sets it aside and
 * rebuilds it (repair.ts), keeping what the outbox still holds. A launch after a crash or power
 * loss (the in-use mark is still there) checks before it opens, as before.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Sqlite } from './connection.js';

const IN_USE = '-in-use';
const DAMAGED = '-damaged';

/** True when the last run did not close the file (a crash or a power cut): it is checked before use. */
export function leftInUse(file: string): boolean {
  return existsSync(file + IN_USE);
}

/** What the last run's background check found, if the file was found damaged. */
export function damageFound(file: string): string | null {
  try {
    return readFileSync(file + DAMAGED, 'utf8').trim() || 'found damaged';
  } catch {
    return null;
  }
}

export function markInUse(file: string): void {
  writeFileSync(file + IN_USE, '', { mode: 0o600 });
}

export function markClosed(file: string): void {
  rmSync(file + IN_USE, { force: true });
}

/** Forgets a damage mark once the file has been checked again (or rebuilt). */
export function clearDamage(file: string): void {
  rmSync(file + DAMAGED, { force: true });
}

/** Runs `quick_check`; on damage marks the file for the next launch and returns what SQLite said. */
export function checkNow(db: Sqlite, file: string): string | null {
  let found: string;
  try {
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    if (rows.length === 1 && rows[0]?.quick_check === 'ok') return null;
    found = rows
      .slice(0, 3)
      .map((r) => r.quick_check)
      .join('; ');
  } catch (err) {
    found = err instanceof Error ? err.message : String(err);
  }
  writeFileSync(file + DAMAGED, `${found}\n`, { mode: 0o600 });
  return found;
}
