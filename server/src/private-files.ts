/**
 * The data folder holds every user's API key, so it is private to the server's own OS user: every
 * folder the server creates is 0700 and every file in it 0600, whatever the umask, and a folder
 * that already exists with wider modes (from an older version, or made by hand) is tightened at
 * start, with one log line per path saying what it was.
 *
 * On Windows POSIX modes mean next to nothing (Node maps them onto the read-only flag only): there
 * the data folder lives in the user's profile (%APPDATA%), whose ACLs already keep other users
 * out, so every chmod here is skipped on win32.
 *
 * Only node:fs, so any part of the server (or a tool) can use it.
 */
import { chmodSync, closeSync, fchmodSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const POSIX = process.platform !== 'win32';

export type Log = (line: string) => void;

const octal = (mode: number) => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

/**
 * Creates `dir` (and any missing parents) as 0700, or tightens an existing one to 0700 together with
 * the files directly in it (0600). Not recursive, and symbolic links are never followed: `--data`
 * names a folder of the server's own, but a mistaken `--data ~` must not rewrite a whole home.
 */
export function ensurePrivateDir(dir: string, log: Log): void {
  dir = resolve(dir);
  const created = mkdirMissing(dir);
  if (!POSIX) return;
  // A folder made just now can still be narrower than 0700 under an odd umask (e.g. 0277): set it.
  for (const d of created) chmodSync(d, PRIVATE_DIR_MODE);
  tightenFolder(dir, log);
}

/** mkdir -p with mode 0700; returns the folders it created, outermost first. */
function mkdirMissing(dir: string): string[] {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    try {
      lstatSync(d);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      missing.unshift(d);
      if (dirname(d) === d) break;
    }
  }
  // The mode passed to mkdir is masked by the umask, which can only take bits away from 0700.
  if (missing.length) mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  return missing;
}

function tightenFolder(dir: string, log: Log): void {
  tighten(dir, PRIVATE_DIR_MODE, log);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) tighten(join(dir, entry.name), PRIVATE_FILE_MODE, log);
  }
}

/** Makes an existing file private (0600) if it is wider; a missing file is not an error. */
export function tightenFile(path: string, log: Log): void {
  if (POSIX) tighten(path, PRIVATE_FILE_MODE, log);
}

function tighten(path: string, mode: number, log: Log): void {
  let current: number;
  try {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return;
    current = st.mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (current === mode) return;
  chmodSync(path, mode);
  // Only a widening is news: a narrower mode (0400) is set to the standard one silently.
  if (current & ~mode) log(`Tightened ${path} from ${octal(current)} to ${octal(mode)}: the data folder is private to this user.`);
}

/** Creates `path` as an empty 0600 file if it does not exist (an existing one is made 0600). */
export function createPrivateFile(path: string): void {
  // 'a': create if missing, never truncate. The mode applies only to a new file and is masked by
  // the umask, hence the fchmod (on a file that existed it only repeats what tightening did).
  const fd = openSync(path, 'a', PRIVATE_FILE_MODE);
  try {
    if (POSIX) fchmodSync(fd, PRIVATE_FILE_MODE);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `data` to `path` atomically (a `.partial` file, flushed, then renamed over it), 0600 from
 * its first byte on: a leftover `.partial` with wider modes from an older version is narrowed too.
 */
export function writePrivateFileAtomic(path: string, data: string | Uint8Array): void {
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w', PRIVATE_FILE_MODE);
  try {
    if (POSIX) fchmodSync(fd, PRIVATE_FILE_MODE);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
}
