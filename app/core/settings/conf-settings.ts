/**
 * The settings store on disk: `<dir>/settings.json`, written through conf (atomic writes,
 * defaults); sanitizeSettings in settings.ts decides what a valid value is. The browser host and
 * the tests use conf itself; the Electron shell hands in electron-store (conf's Electron wrapper,
 * which app/core may not import) as `backend`, with `app.getPath('userData')` as `dir`. Either way
 * the same port (SettingsStore) comes out, and the same checks run on what goes in.
 *
 * Opening never fails:
 * - a settings file that cannot be read or is not a JSON object is set aside as
 *   `settings.json.corrupt-<timestamp>`, defaults are used and `notice` says so;
 * - values that are not valid are reset to their defaults (the rest is kept) and `notice` names them;
 * - if even that is impossible (the folder cannot be written), settings live in memory for this run
 *   and `notice` says changes will not be kept.
 */
import { isDeepStrictEqual } from 'node:util';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Conf, { type Options as ConfOptions } from 'conf';
import { CoreError } from '../errors.js';
import { ensurePrivateFolder } from '../private-files.js';
import { applyPatch, defaultSettings, memorySettings, sanitizeSettings, SettingsListeners, stationFor, type Settings, type SettingsStore } from './settings.js';

export const SETTINGS_FILE = 'settings.json';

/** `2025-01-02T03-04-05-678Z`: sortable and valid in file names on every OS. */
function timestamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

function setAside(path: string): string {
  const base = `${path}.corrupt-${timestamp(new Date())}`;
  let target = base;
  for (let n = 2; existsSync(target); n++) target = `${base}-${n}`;
  renameSync(path, target);
  return target;
}

/** Write-then-rename, so a crash never leaves half a file. */
function writeAtomically(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(value, undefined, '\t'), { mode: 0o600 });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

const errorCode = (err: unknown): string => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
};

/** What stores the settings object: conf, or a subclass of it (electron-store). */
export type SettingsBackend = (options: ConfOptions<Settings>) => { store: Settings };
const confBackend: SettingsBackend = (options) => new Conf<Settings>(options);

export function openSettings(dir: string, backend: SettingsBackend = confBackend): { store: SettingsStore; notice: string | null } {
  const path = join(dir, SETTINGS_FILE);
  const inMemory = (why: string) => ({
    store: memorySettings(),
    notice: `${why} The app uses default settings, and changes will not be kept after you quit.`,
  });

  try {
    // 0700 before conf creates it with the umask's modes: the folder also holds the local database.
    ensurePrivateFolder(dir);
  } catch (err) {
    return inMemory(`The settings folder could not be created (${errorCode(err)}).`);
  }

  // Look at the file before conf does: conf throws on a file it cannot parse or validate.
  const notices: string[] = [];
  let raw: unknown;
  let setAsideWhy: string | null = null;
  try {
    const text = readFileSync(path, 'utf8');
    try {
      raw = JSON.parse(text);
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) setAsideWhy = 'did not hold settings';
    } catch {
      setAsideWhy = 'was damaged';
    }
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') setAsideWhy = `could not be read (${errorCode(err)})`;
  }

  if (setAsideWhy !== null) {
    try {
      const kept = setAside(path);
      notices.push(`Your settings file ${setAsideWhy}, so the app started with default settings; the old file was kept as ${basename(kept)}.`);
    } catch (err) {
      return inMemory(`Your settings file ${setAsideWhy} and could not be moved aside (${errorCode(err)}).`);
    }
  } else if (raw !== undefined) {
    const { settings, reset } = sanitizeSettings(raw);
    if (reset.length > 0) {
      notices.push(`Some settings were not valid and were reset to their defaults: ${reset.join(', ')}.`);
    }
    if (!isDeepStrictEqual(raw, settings)) {
      try {
        writeAtomically(path, settings);
      } catch (err) {
        return inMemory(`Your settings file could not be repaired (${errorCode(err)}).`);
      }
    }
  }

  let conf: { store: Settings };
  try {
    conf = backend({
      cwd: dir,
      configName: 'settings',
      // No JSON schema: the file was sanitized above and every write passes applyPatch, and
      // compiling a schema (ajv) cost tens of milliseconds of every launch.
      defaults: defaultSettings(),
      accessPropertiesByDotNotation: false, // station keys contain dots
      clearInvalidConfig: false,
      configFileMode: 0o600,
      watch: false,
    });
  } catch (err) {
    return inMemory(`Your settings file could not be opened (${errorCode(err)}).`);
  }

  // Settings are small and this process is their only writer: read once, then keep them here.
  let current = sanitizeSettings(conf.store).settings;
  const listeners = new SettingsListeners();
  const store: SettingsStore = {
    get: () => structuredClone(current),
    update: (patch) => {
      const next = applyPatch(current, patch);
      // Nothing changed, nothing written: a launch saves the same accounts it read, and each write is an fsync.
      if (isDeepStrictEqual(next, current)) return;
      try {
        conf.store = structuredClone(next);
      } catch (err) {
        throw new CoreError('storage', `Your settings could not be saved (${errorCode(err)}).`, { cause: err });
      }
      const previous = current;
      current = next;
      listeners.tell(next, previous);
    },
    stationFor: (account) => stationFor(store, account),
    onChange: (listener) => listeners.add(listener),
  };
  return { store, notice: notices.length > 0 ? notices.join(' ') : null };
}
