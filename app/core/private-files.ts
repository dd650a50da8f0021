/**
 * The app's data folder is private to the user who runs it: the folder is 0700 and every file in
 * it 0600, whatever the umask. It holds the local database (its WAL and SHM), the settings and
 * sealed drafts, and another local user must not be able to read any of them.
 *
 * - `ensurePrivateFolder` creates the folder 0700 (and its missing parents: a fresh userData folder
 *   is created here first, before conf or Chromium would create it with the umask's 0755), and
 *   tightens a folder or file that already exists with wider modes. It answers what it tightened,
 *   so the host can say so in one log line.
 * - `createPrivateFile` makes an empty file 0600 before SQLite opens it. SQLite's unix VFS gives
 *   the `-wal` and `-shm` files the mode of their database file, so they are 0600 too.
 *
 * On Windows POSIX modes mean next to nothing (Node maps them onto the read-only flag): there the
 * folder lives in the user's profile (`%APPDATA%`), whose ACLs already keep other users out, so
 * these functions create folders and files but change no modes.
 */
import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const PRIVATE_FOLDER_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const posix = process.platform !== 'win32';

/** `0755` for a mode: how a log line shows it. */
const octal = (mode: number): string => `0${(mode & 0o777).toString(8)}`;

function tighten(path: string, allowed: number, tightened: string[]): void {
  const stat = lstatSync(path);
  // A symbolic link's own mode means nothing, and following it could change a file elsewhere.
  if (stat.isSymbolicLink()) return;
  const mode = stat.mode & 0o777;
  if ((mode & ~allowed) === 0) return;
  chmodSync(path, mode & allowed);
  tightened.push(`${path} (${octal(mode)} to ${octal(mode & allowed)})`);
}

/**
 * Creates `dir` 0700 if it is missing, and otherwise takes group and other permissions off it and
 * off every file and folder directly inside it. Answers the paths it changed, with their old and
 * new modes; empty when all was private already.
 */
export function ensurePrivateFolder(dir: string): string[] {
  // `mode` applies to every folder this creates, and the umask can only take bits away from 0700.
  mkdirSync(dir, { recursive: true, mode: PRIVATE_FOLDER_MODE });
  if (!posix) return [];
  const tightened: string[] = [];
  tighten(dir, PRIVATE_FOLDER_MODE, tightened);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    try {
      if (entry.isDirectory()) tighten(path, PRIVATE_FOLDER_MODE, tightened);
      else if (entry.isFile()) tighten(path, PRIVATE_FILE_MODE, tightened);
    } catch {
      // Gone meanwhile, or owned by someone else: nothing of ours to tighten.
    }
  }
  return tightened;
}

/** The one log line for what `ensurePrivateFolder` tightened, or null when it changed nothing. */
export function describeTightened(tightened: readonly string[]): string | null {
  if (tightened.length === 0) return null;
  return `Made the data folder private to this user (other users could read it): ${tightened.join(', ')}.`;
}

/** Creates `file` empty with mode 0600 when it does not exist yet; an existing file is left as it is. */
export function createPrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  // `openSync`'s mode passes through the umask, which only takes bits away; this covers a file
  // that existed already with wider modes.
  if (posix) tighten(file, PRIVATE_FILE_MODE, []);
}
