/**
 * The user's settings: what the app remembers between launches that is not a secret and not chat
 * data. Secrets (API key, encryption password) belong to the vault; there are no fields for them
 * here and there must never be: the settings file is plain JSON on disk.
 *
 * `sanitizeSettings` is the one place that decides what a valid value is: a value read from disk
 * that fails it is reset to its default (field by field), and `update` refuses one.
 */
import { newStationId, STATION_ID_PATTERN } from '../../../protocol/index.js';
import { CoreError } from '../errors.js';
import { accountKey, type AccountRef } from '../vault/account.js';
import { defaultPreferences, sanitizePreferences, type Preferences } from '../../ipc/preferences.js';

export type { Preferences, Theme } from '../../ipc/preferences.js';

export type WindowState = { width: number; height: number; x?: number; y?: number; maximized: boolean };
export type DesktopSettings = {
  /** Epoch milliseconds when "Do not disturb" ends, or null when it is off. */
  dndUntil: number | null;
  /** The "still running in the tray" hint was shown once (closing the window hides it). */
  trayHintShown: boolean;
};

export type StoredAccountEntry = {
  id: string;
  serverUrl: string;
  userid: string;
  email: string;
  dir: string;
  /** The name to show while the account is still opening at launch (its profile has the truth). */
  name?: string;
};

/** Longer is not a name someone chose to be shown by. */
const MAX_SHOWN_NAME = 200;

export type Settings = {
  /** The server address last typed on the sign-in screen. */
  serverUrl: string | null;
  /** Who was signed in last, to offer signing in again (secrets are in the vault). */
  lastAccount: { serverUrl: string; userid: string; email: string } | null;
  /** Account key (see vault/account.ts) -> 32-hex station id, minted once per installation and account. */
  stations: Record<string, string>;
  /**
   * Every account signed in on this installation, in the order they were added (the switcher's,
   * and Ctrl+1..9's). `dir` is the account's data folder relative to the app's ('' for the one
   * account a version before several accounts kept at the top). Secrets are in the vault.
   */
  accounts: StoredAccountEntry[];
  /** The account on screen last (an `accounts` id), shown again at launch. */
  activeAccount: string | null;
  window: WindowState;
  /** What the Settings screen shows (ipc/preferences.ts has its schema). */
  preferences: Preferences;
  desktop: DesktopSettings;
};

export const SETTING_KEYS = [
  'serverUrl',
  'lastAccount',
  'stations',
  'accounts',
  'activeAccount',
  'window',
  'preferences',
  'desktop',
] as const satisfies readonly (keyof Settings)[];

/** An account's id: 16 hex characters (see accounts/account-entries.ts). */
export const ACCOUNT_ID_PATTERN = /^[0-9a-f]{16}$/;
/** Where an account's data lives, below the app's folder: nowhere else (no "..", no absolute path). */
export const ACCOUNT_DIR_PATTERN = /^(|accounts\/[0-9a-f]{16})$/;
/** Window sizes and positions are whole pixels in these ranges. */
export const WINDOW_SIZE = { min: 200, max: 32_767 } as const;
export const WINDOW_POSITION = { min: -32_768, max: 32_767 } as const;
/** `dndUntil` is a time in epoch milliseconds, so a whole non-negative number that JSON keeps exactly. */
export const DND_UNTIL_RANGE = { min: 0, max: Number.MAX_SAFE_INTEGER } as const;

export function defaultSettings(): Settings {
  return {
    serverUrl: null,
    lastAccount: null,
    stations: {},
    accounts: [],
    activeAccount: null,
    window: { width: 1100, height: 720, maximized: false },
    preferences: defaultPreferences(),
    desktop: { dndUntil: null, trayHintShown: false },
  };
}

export interface SettingsStore {
  /** A copy of the current settings. */
  get(): Settings;
  /**
   * Replaces the given top-level settings (a `window` patch replaces the whole window state) and
   * persists them. Throws CoreError('invalid-argument') for an invalid value, CoreError('storage')
   * when they cannot be written.
   */
  update(patch: Partial<Settings>): void;
  /** This installation's station id for the account; mints and persists one when there is none. */
  stationFor(account: AccountRef): string;
  /**
   * Hears every change once it is kept (the Settings screen, the tray's Do not disturb, another
   * part of the app): the window and the desktop follow the settings without asking again.
   */
  onChange(listener: SettingsListener): () => void;
}

export type SettingsListener = (next: Settings, previous: Settings) => void;

/** The listeners of one store: each hears a change once, and one that throws does not stop the others. */
export class SettingsListeners {
  private readonly listeners = new Set<SettingsListener>();

  add(listener: SettingsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  tell(next: Settings, previous: Settings): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(structuredClone(next), structuredClone(previous));
      } catch {
        // A listener's failure is its own: the change is kept, and the others still hear of it.
      }
    }
  }
}

// ---------------------------------------------------------------- validation

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isIntIn = (v: unknown, range: { min: number; max: number }): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= range.min && v <= range.max;

/** A URL with a user name or password in it would put a secret in the settings file. */
function hasCredentials(value: string): boolean {
  try {
    const url = new URL(value);
    return url.username !== '' || url.password !== '';
  } catch {
    return false;
  }
}
const isServerUrl = (v: unknown): v is string => isNonEmptyString(v) && !hasCredentials(v);

/**
 * Settings from untrusted JSON, with every invalid or missing value replaced by its default and
 * unknown keys dropped. `reset` names the values that were present but invalid ("window.width").
 */
export function sanitizeSettings(raw: unknown): { settings: Settings; reset: string[] } {
  const defaults = defaultSettings();
  const reset: string[] = [];
  const input = isRecord(raw) ? raw : {};
  const has = (obj: Record<string, unknown>, key: string): boolean => Object.hasOwn(obj, key) && obj[key] !== undefined;

  const pick = <K extends keyof Settings>(key: K, valid: (v: unknown) => boolean): Settings[K] => {
    if (!has(input, key)) return defaults[key];
    if (valid(input[key])) return input[key] as Settings[K];
    reset.push(key);
    return defaults[key];
  };

  const serverUrl = pick('serverUrl', (v) => v === null || isServerUrl(v));

  const account = pick(
    'lastAccount',
    (v) => v === null || (isRecord(v) && isServerUrl(v.serverUrl) && isNonEmptyString(v.userid) && isNonEmptyString(v.email)),
  );
  // Only the three fields, whatever else came along.
  const lastAccount = account && { serverUrl: account.serverUrl, userid: account.userid, email: account.email };

  // An invalid station id is dropped on its own (a new one is minted when needed); the others stay.
  const stations: Record<string, string> = {};
  if (has(input, 'stations')) {
    let dropped = !isRecord(input.stations);
    if (isRecord(input.stations)) {
      for (const [key, value] of Object.entries(input.stations)) {
        if (key !== '' && typeof value === 'string' && STATION_ID_PATTERN.test(value)) stations[key] = value;
        else dropped = true;
      }
    }
    if (dropped) reset.push('stations');
  }

  // An entry that is not whole is dropped on its own (that account signs in again); the others stay.
  const accounts: StoredAccountEntry[] = [];
  if (has(input, 'accounts')) {
    let dropped = !Array.isArray(input.accounts);
    const seen = new Set<string>();
    for (const entry of Array.isArray(input.accounts) ? (input.accounts as unknown[]) : []) {
      const valid =
        isRecord(entry) &&
        typeof entry.id === 'string' &&
        ACCOUNT_ID_PATTERN.test(entry.id) &&
        !seen.has(entry.id) &&
        isServerUrl(entry.serverUrl) &&
        isNonEmptyString(entry.userid) &&
        isNonEmptyString(entry.email) &&
        typeof entry.dir === 'string' &&
        ACCOUNT_DIR_PATTERN.test(entry.dir);
      if (!valid) {
        dropped = true;
        continue;
      }
      seen.add(entry.id as string);
      accounts.push({
        id: entry.id as string,
        serverUrl: entry.serverUrl as string,
        userid: entry.userid as string,
        email: entry.email as string,
        dir: entry.dir as string,
        // A name that is not text is only left out: the account shows its e-mail address until it opens.
        ...(isNonEmptyString(entry.name) && entry.name.length <= MAX_SHOWN_NAME ? { name: entry.name } : {}),
      });
    }
    if (dropped) reset.push('accounts');
  }
  let activeAccount: string | null = null;
  if (has(input, 'activeAccount')) {
    if (input.activeAccount === null || (typeof input.activeAccount === 'string' && ACCOUNT_ID_PATTERN.test(input.activeAccount))) {
      activeAccount = input.activeAccount as string | null;
    } else {
      reset.push('activeAccount');
    }
  }

  const window: WindowState = { ...defaults.window };
  if (has(input, 'window')) {
    const w = input.window;
    if (!isRecord(w)) {
      reset.push('window');
    } else {
      for (const key of ['width', 'height'] as const) {
        if (isIntIn(w[key], WINDOW_SIZE)) window[key] = w[key];
        else if (has(w, key)) reset.push(`window.${key}`);
      }
      for (const key of ['x', 'y'] as const) {
        if (isIntIn(w[key], WINDOW_POSITION)) window[key] = w[key];
        else if (has(w, key)) reset.push(`window.${key}`);
      }
      if (typeof w.maximized === 'boolean') window.maximized = w.maximized;
      else if (has(w, 'maximized')) reset.push('window.maximized');
    }
  }

  // Versions before the Settings screen kept the theme and compact list in `ui`: read once, then gone.
  const sanitized = sanitizePreferences(has(input, 'preferences') ? input.preferences : undefined, input.ui);
  const preferences = sanitized.preferences;
  reset.push(...sanitized.reset);

  const desktop: DesktopSettings = { ...defaults.desktop };
  if (has(input, 'desktop')) {
    const d = input.desktop;
    if (!isRecord(d)) {
      reset.push('desktop');
    } else {
      if (d.dndUntil === null || isIntIn(d.dndUntil, DND_UNTIL_RANGE)) desktop.dndUntil = d.dndUntil;
      else if (has(d, 'dndUntil')) reset.push('desktop.dndUntil');
      if (typeof d.trayHintShown === 'boolean') desktop.trayHintShown = d.trayHintShown;
      else if (has(d, 'trayHintShown')) reset.push('desktop.trayHintShown');
    }
  }

  const settings: Settings = { serverUrl, lastAccount, stations, accounts, activeAccount, window, preferences, desktop };
  // Copy the nested objects that came from the input, so the result shares nothing with it.
  return { settings: structuredClone(settings), reset };
}

/**
 * `current` with `patch` applied, or CoreError('invalid-argument') naming the first invalid value.
 * Keys that are not settings are ignored.
 */
export function applyPatch(current: Settings, patch: Partial<Settings>): Settings {
  if (!isRecord(patch)) throw new CoreError('invalid-argument', 'Settings must be given as an object.');
  const next: Record<string, unknown> = { ...current };
  for (const key of SETTING_KEYS) if (Object.hasOwn(patch, key) && patch[key] !== undefined) next[key] = patch[key];
  const { settings, reset } = sanitizeSettings(next);
  const first = reset[0];
  if (first !== undefined) throw new CoreError('invalid-argument', `The setting ${first} is not valid.`);
  return settings;
}

/** Settings held in memory only (for tests, and when the settings file cannot be used at all). */
export function memorySettings(initial: Settings = defaultSettings()): SettingsStore {
  let current = sanitizeSettings(initial).settings;
  const listeners = new SettingsListeners();
  const store: SettingsStore = {
    get: () => structuredClone(current),
    update: (patch) => {
      const previous = current;
      current = applyPatch(current, patch);
      listeners.tell(current, previous);
    },
    stationFor: (account) => stationFor(store, account),
    onChange: (listener) => listeners.add(listener),
  };
  return store;
}

/** The shared `stationFor`: reads the store, mints and saves through `update` when missing. */
export function stationFor(store: Pick<SettingsStore, 'get' | 'update'>, account: AccountRef): string {
  const key = accountKey(account);
  const { stations } = store.get();
  const existing = stations[key];
  if (existing !== undefined) return existing;
  const minted = newStationId();
  store.update({ stations: { ...stations, [key]: minted } });
  return minted;
}
