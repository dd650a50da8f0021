/**
 * The settings store on disk: `<dir>/settings.json`, written through conf (atomic writes, JSON
 * schema with defaults). conf, not electron-store, because app/core never imports electron; the
 * Electron shell passes `app.getPath('userData')` as `dir`.
 *
 * Opening never fails:
 * - a settings file that cannot be read or is not a JSON object is set aside as
 *   `settings.json.corrupt-<timestamp>`, defaults are used and `notice` says so;
 * - values that are not valid are reset to their defaults (the rest is kept) and `notice` names them;
 * - if even that is impossible (the folder cannot be written), settings live in memory for this run
 *   and `notice` says changes will not be kept.
 */
import { isDeepStrictEqual } from 'node:util';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Conf from 'conf';
import type { Schema } from 'conf';
import { CoreError } from '../errors.js';
import {
  applyPatch,
  defaultSettings,
  DND_UNTIL_RANGE,
  memorySettings,
  sanitizeSettings,
  stationFor,
  THEMES,
  WINDOW_POSITION,
  WINDOW_SIZE,
  type Settings,
  type SettingsStore,
} from './settings.js';

export const SETTINGS_FILE = 'settings.json';

const serverUrlSchema = { type: 'string', minLength: 1 } as const;
const nonEmpty = { type: 'string', minLength: 1 } as const;
const size = { type: 'integer', minimum: WINDOW_SIZE.min, maximum: WINDOW_SIZE.max } as const;
const position = { type: 'integer', minimum: WINDOW_POSITION.min, maximum: WINDOW_POSITION.max } as const;

/** The file's schema; sanitizeSettings in settings.ts applies the same rules value by value. */
export function settingsSchema(): Schema<Settings> {
  const d = defaultSettings();
  return {
    serverUrl: { anyOf: [{ type: 'null' }, serverUrlSchema], default: d.serverUrl },
    lastAccount: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          properties: { serverUrl: serverUrlSchema, userid: nonEmpty, email: nonEmpty },
          required: ['serverUrl', 'userid', 'email'],
          additionalProperties: false,
        },
      ],
      default: d.lastAccount,
    },
    stations: {
      type: 'object',
      propertyNames: { minLength: 1 },
      additionalProperties: { type: 'string', pattern: '^[0-9a-f]{32}$' },
      default: d.stations,
    },
    window: {
      type: 'object',
      properties: { width: size, height: size, x: position, y: position, maximized: { type: 'boolean' } },
      required: ['width', 'height', 'maximized'],
      additionalProperties: false,
      default: d.window,
    },
    ui: {
      type: 'object',
      properties: { theme: { enum: [...THEMES] }, compactList: { type: 'boolean' } },
      required: ['theme', 'compactList'],
      additionalProperties: false,
      default: d.ui,
    },
    desktop: {
      type: 'object',
      properties: {
        dndUntil: { anyOf: [{ type: 'null' }, { type: 'integer', minimum: DND_UNTIL_RANGE.min, maximum: DND_UNTIL_RANGE.max }] },
        trayHintShown: { type: 'boolean' },
      },
      required: ['dndUntil', 'trayHintShown'],
      additionalProperties: false,
      default: d.desktop,
    },
  };
}

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
  return typeof code === 'string' ? code : err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err);
};

export function openSettings(dir: string): { store: SettingsStore; notice: string | null } {
  const path = join(dir, SETTINGS_FILE);
  const inMemory = (why: string) => ({
    store: memorySettings(),
    notice: `${why} The app uses default settings, and changes will not be kept after you quit.`,
  });

  try {
    mkdirSync(dir, { recursive: true });
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

  let conf: Conf<Settings>;
  try {
    conf = new Conf<Settings>({
      cwd: dir,
      configName: 'settings',
      schema: settingsSchema(),
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
  const store: SettingsStore = {
    get: () => structuredClone(current),
    update: (patch) => {
      const next = applyPatch(current, patch);
      try {
        conf.store = structuredClone(next);
      } catch (err) {
        throw new CoreError('storage', `Your settings could not be saved (${errorCode(err)}).`, { cause: err });
      }
      current = next;
    },
    stationFor: (account) => stationFor(store, account),
  };
  return { store, notice: notices.length > 0 ? notices.join(' ') : null };
}
