/**
 * Writes or removes the XDG autostart entry loginItemPlan() decided (Linux): atomically, so a
 * desktop session starting meanwhile never reads half a file, and 0600, like every file the app
 * writes in the user's folders. Nothing is written when the file already says the same, so a
 * launch does not touch it. Errors come back as a sentence for the log and the Settings screen,
 * never as an exception: start at login not changing must not stop the app.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type AutostartResult = { ok: true; changed: boolean } | { ok: false; message: string };

const codeOf = (err: unknown): string => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
};

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // The error that matters is the one being reported.
  }
}

/** `file` is absolute (loginItemPlan builds it from the home folder or XDG_CONFIG_HOME); `contents` null removes it. */
export function applyAutostart(plan: { file: string; contents: string | null }): AutostartResult {
  const { file, contents } = plan;
  if (contents === null) {
    try {
      const existed = readOrNull(file) !== null;
      rmSync(file, { force: true });
      return { ok: true, changed: existed };
    } catch (err) {
      return { ok: false, message: `Start at login could not be turned off: ${file} could not be removed (${codeOf(err)}).` };
    }
  }

  if (readOrNull(file) === contents) {
    // Still ours and still right; only make sure nobody widened its mode.
    try {
      chmodSync(file, 0o600);
    } catch {
      // Read but not ours to change: it still starts the app.
    }
    return { ok: true, changed: false };
  }
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    // The autostart folder may not exist yet on a fresh account; new folders only for the user.
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // A leftover of a crashed launch would keep its own mode: the mode below applies to new files only.
    rmSync(tmp, { force: true });
    writeFileSync(tmp, contents, { mode: 0o600 });
    renameSync(tmp, file);
    return { ok: true, changed: true };
  } catch (err) {
    removeQuietly(tmp);
    return { ok: false, message: `Start at login could not be turned on: ${file} could not be written (${codeOf(err)}).` };
  }
}
