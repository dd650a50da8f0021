/** The settings file: defaults, persistence, station ids, and what happens to a broken file. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isCoreError } from '../errors.js';
import { openSettings } from './conf-settings.js';
import Conf from 'conf';
import { defaultPreferences, type Preferences } from '../../ipc/preferences.js';
import { defaultSettings, memorySettings, type Settings } from './settings.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ozeki-settings-'));
  dirs.push(dir);
  return dir;
}
const fileIn = (dir: string) => join(dir, 'settings.json');
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
const corruptFiles = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('settings.json.corrupt-'));

const alice = { serverUrl: 'https://chat.example.test/api', userid: 'a'.repeat(32) };
const bob = { serverUrl: 'https://chat.example.test/api', userid: 'b'.repeat(32) };

describe('settings on disk', () => {
  it('starts from the defaults on first run and writes them to settings.json', () => {
    const dir = tempDir();
    const { store, notice } = openSettings(dir);
    expect(notice).toBeNull();
    expect(store.get()).toEqual(defaultSettings());
    expect(readJson(fileIn(dir))).toEqual(defaultSettings());
  });

  it('keeps updates across a reopen', () => {
    const dir = tempDir();
    const first = openSettings(dir).store;
    first.update({
      serverUrl: 'https://chat.example.test',
      lastAccount: { ...alice, email: 'alice@example.test' },
      window: { width: 1280, height: 800, x: -1200, y: 40, maximized: true },
    });
    first.update({ preferences: withAppearance({ theme: 'dark', compact: true }) });

    const { store, notice } = openSettings(dir);
    expect(notice).toBeNull();
    expect(store.get()).toEqual({
      ...defaultSettings(),
      serverUrl: 'https://chat.example.test',
      lastAccount: { ...alice, email: 'alice@example.test' },
      window: { width: 1280, height: 800, x: -1200, y: 40, maximized: true },
      preferences: withAppearance({ theme: 'dark', compact: true }),
    });
  });

  it('writes nothing for an update that changes nothing', () => {
    const dir = tempDir();
    const { store } = openSettings(dir);
    store.update({ preferences: withAppearance({ theme: 'dark' }) });
    // A file the store did not write: a second write of the same values would replace it.
    writeFileSync(fileIn(dir), '{"marker": true}');
    store.update({ preferences: withAppearance({ theme: 'dark' }) });
    store.update({});
    expect(readJson(fileIn(dir))).toEqual({ marker: true });
    store.update({ preferences: withAppearance({ theme: 'light' }) });
    expect(readJson(fileIn(dir))).toMatchObject({ preferences: { appearance: { theme: 'light' } } });
  });

  it('hands out copies, so changing one does not change the settings', () => {
    const { store } = openSettings(tempDir());
    store.get().window.width = 1;
    expect(store.get().window.width).toBe(defaultSettings().window.width);
  });

  it('mints a 32-hex station id once per account and keeps it across a reopen', () => {
    const dir = tempDir();
    const { store } = openSettings(dir);
    const forAlice = store.stationFor(alice);
    expect(forAlice).toMatch(/^[0-9a-f]{32}$/);
    expect(store.stationFor(alice)).toBe(forAlice);
    expect(store.stationFor({ ...alice, serverUrl: 'HTTPS://Chat.Example.test/api/' })).toBe(forAlice);
    const forBob = store.stationFor(bob);
    expect(forBob).not.toBe(forAlice);

    const reopened = openSettings(dir).store;
    expect(reopened.stationFor(alice)).toBe(forAlice);
    expect(reopened.stationFor(bob)).toBe(forBob);
    expect(reopened.get().stations).toEqual({
      [`${alice.userid}@https://chat.example.test/api`]: forAlice,
      [`${bob.userid}@https://chat.example.test/api`]: forBob,
    });
  });

  it('sets a corrupt settings file aside, says so and starts from the defaults', () => {
    const dir = tempDir();
    const garbage = Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22, 0x9c, 0x01, 0x02]);
    writeFileSync(fileIn(dir), garbage);

    const { store, notice } = openSettings(dir);
    expect(store.get()).toEqual(defaultSettings());
    const [aside, ...more] = corruptFiles(dir);
    expect(more).toEqual([]);
    expect(aside).toMatch(/^settings\.json\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/);
    expect(readFileSync(join(dir, aside ?? ''))).toEqual(garbage);
    expect(notice).toBe(`Your settings file was damaged, so the app started with default settings; the old file was kept as ${aside}.`);

    store.update({ serverUrl: 'https://chat.example.test' });
    expect(openSettings(dir)).toEqual({ store: expect.anything(), notice: null });
    expect(readJson(fileIn(dir))).toMatchObject({ serverUrl: 'https://chat.example.test' });
  });

  it('sets aside a file that is valid JSON but not settings', () => {
    const dir = tempDir();
    writeFileSync(fileIn(dir), '[1, 2, 3]');
    const { store, notice } = openSettings(dir);
    expect(notice).toMatch(/did not hold settings/);
    expect(store.get()).toEqual(defaultSettings());
    expect(corruptFiles(dir)).toHaveLength(1);
  });

  it('sets aside a settings file that cannot be read', () => {
    const dir = tempDir();
    mkdirSync(fileIn(dir)); // a folder where the file should be: reading fails with EISDIR
    const { store, notice } = openSettings(dir);
    expect(notice).toMatch(/^Your settings file could not be read \(EISDIR\)/);
    expect(store.get()).toEqual(defaultSettings());
    expect(corruptFiles(dir)).toHaveLength(1);
  });

  it('resets a value that is not valid, keeps the rest, and says which', () => {
    const dir = tempDir();
    const { store: first } = openSettings(dir);
    const station = first.stationFor(alice);
    first.update({ preferences: withAppearance({ theme: 'light', compact: true }) });
    const onDisk = readJson(fileIn(dir)) as Record<string, Record<string, unknown>>;
    writeFileSync(fileIn(dir), JSON.stringify({ ...onDisk, window: { ...onDisk.window, width: 'big' } }));

    const { store, notice } = openSettings(dir);
    expect(notice).toBe('Some settings were not valid and were reset to their defaults: window.width.');
    expect(store.get().window.width).toBe(defaultSettings().window.width);
    expect(store.get().preferences.appearance).toEqual({ theme: 'light', zoom: 100, compact: true });
    expect(store.stationFor(alice)).toBe(station);
    expect(corruptFiles(dir)).toEqual([]);
    expect(readJson(fileIn(dir))).toEqual(store.get());
  });

  it("keeps each account's shown name, and leaves out one that is not a name without dropping the account", () => {
    const dir = tempDir();
    const entry = { id: 'a'.repeat(16), ...alice, email: 'alice@example.test', dir: 'accounts/' + 'a'.repeat(16) };
    openSettings(dir).store.update({ accounts: [{ ...entry, name: 'Alice Smith' }] });
    expect(openSettings(dir).store.get().accounts).toEqual([{ ...entry, name: 'Alice Smith' }]);

    const onDisk = readJson(fileIn(dir)) as Record<string, unknown>;
    writeFileSync(fileIn(dir), JSON.stringify({ ...onDisk, accounts: [{ ...entry, name: 42 }] }));
    expect(openSettings(dir).store.get().accounts).toEqual([entry]);
  });

  it('drops keys that are not settings, so a stray secret does not stay in the file', () => {
    const dir = tempDir();
    writeFileSync(
      fileIn(dir),
      JSON.stringify({
        serverUrl: 'https://chat.example.test',
        apikey: 'f'.repeat(64),
        lastAccount: { ...alice, email: 'alice@example.test', password: 'x' },
        window: { width: 900, height: 600, maximized: false, password: 'x' },
      }),
    );
    const { store, notice } = openSettings(dir);
    expect(notice).toBeNull();
    expect(store.get().serverUrl).toBe('https://chat.example.test');
    expect(store.get().lastAccount).toEqual({ ...alice, email: 'alice@example.test' });
    expect(store.get().window).toEqual({ width: 900, height: 600, maximized: false });
    expect(readFileSync(fileIn(dir), 'utf8')).not.toMatch(/apikey|password|f{64}/);
  });

  it('refuses an invalid update and keeps what it had', () => {
    const dir = tempDir();
    const { store } = openSettings(dir);
    const bad = [
      { window: { width: 'big', height: 600, maximized: false } },
      { preferences: withAppearance({ theme: 'neon' as never }) },
      { serverUrl: 'https://me:hunter2@chat.example.test' },
    ] as const;
    for (const patch of bad) {
      let err: unknown;
      try {
        store.update(patch as never);
      } catch (e) {
        err = e;
      }
      expect(isCoreError(err, 'invalid-argument')).toBe(true);
      expect((err as Error).message).not.toContain('hunter2');
    }
    expect(store.get()).toEqual(defaultSettings());
    expect(readJson(fileIn(dir))).toEqual(defaultSettings());
  });

  it('reports a save that cannot be written as a storage error', () => {
    const dir = tempDir();
    const { store } = openSettings(dir);
    rmSync(fileIn(dir));
    mkdirSync(fileIn(dir)); // the atomic rename onto a folder fails
    let err: unknown;
    try {
      store.update({ serverUrl: 'https://chat.example.test' });
    } catch (e) {
      err = e;
    }
    expect(isCoreError(err, 'storage')).toBe(true);
    expect(store.get().serverUrl).toBeNull();
  });

  it('keeps settings in memory for this run when the folder cannot be created, and says so', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a-file'), '');
    const { store, notice } = openSettings(join(dir, 'a-file', 'settings-dir'));
    expect(notice).toMatch(/changes will not be kept after you quit\.$/);
    store.update({ serverUrl: 'https://chat.example.test' });
    expect(store.stationFor(alice)).toMatch(/^[0-9a-f]{32}$/);
    expect(store.get().serverUrl).toBe('https://chat.example.test');
    expect(existsSync(join(dir, 'a-file', 'settings-dir'))).toBe(false);
  });
});

describe('the desktop settings (Do not disturb, the tray hint)', () => {
  it('default to Do not disturb off and the hint not yet shown', () => {
    expect(openSettings(tempDir()).store.get().desktop).toEqual({ dndUntil: null, trayHintShown: false });
  });

  it('keep Do not disturb and the hint across a reopen', () => {
    const dir = tempDir();
    const until = Date.UTC(2025, 2, 30, 6, 0, 0);
    openSettings(dir).store.update({ desktop: { dndUntil: until, trayHintShown: true } });
    const { store, notice } = openSettings(dir);
    expect(notice).toBeNull();
    expect(store.get().desktop).toEqual({ dndUntil: until, trayHintShown: true });
    expect(readJson(fileIn(dir))).toMatchObject({ desktop: { dndUntil: until, trayHintShown: true } });
  });

  it('reset a corrupt Do not disturb time to off, keep the hint, and say which value it was', () => {
    const dir = tempDir();
    openSettings(dir).store.update({ desktop: { dndUntil: 1_700_000_000_000, trayHintShown: true } });
    for (const corrupt of ['tomorrow', -5, 1.5, 1e300, true, { at: 1 }]) {
      const onDisk = readJson(fileIn(dir)) as Record<string, Record<string, unknown>>;
      writeFileSync(fileIn(dir), JSON.stringify({ ...onDisk, desktop: { ...onDisk.desktop, dndUntil: corrupt } }));
      const { store, notice } = openSettings(dir);
      expect(notice, JSON.stringify(corrupt)).toBe('Some settings were not valid and were reset to their defaults: desktop.dndUntil.');
      expect(store.get().desktop).toEqual({ dndUntil: null, trayHintShown: true });
      expect(readJson(fileIn(dir))).toEqual(store.get());
    }
  });

  it('reset a desktop entry that is not an object as a whole, and settings from before it existed get the defaults', () => {
    const dir = tempDir();
    const { desktop: _none, ...older } = defaultSettings();
    writeFileSync(fileIn(dir), JSON.stringify(older));
    expect(openSettings(dir)).toEqual({ store: expect.anything(), notice: null });
    expect(readJson(fileIn(dir))).toEqual(defaultSettings());

    writeFileSync(fileIn(dir), JSON.stringify({ ...older, desktop: 'dnd' }));
    const { store, notice } = openSettings(dir);
    expect(notice).toBe('Some settings were not valid and were reset to their defaults: desktop.');
    expect(store.get().desktop).toEqual(defaultSettings().desktop);
  });

  it('refuse an invalid update and keep what they had', () => {
    const { store } = openSettings(tempDir());
    for (const desktop of [{ dndUntil: 'soon', trayHintShown: false }, { dndUntil: null, trayHintShown: 'yes' }, null]) {
      expect(() => store.update({ desktop } as never), JSON.stringify(desktop)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    }
    expect(store.get().desktop).toEqual(defaultSettings().desktop);
  });
});

describe('preferences in the settings file', () => {
  it('takes the theme and compact list a version before the Settings screen kept in ui, and drops ui', () => {
    const dir = tempDir();
    writeFileSync(fileIn(dir), JSON.stringify({ ui: { theme: 'dark', compactList: true } }));
    const { store, notice } = openSettings(dir);
    expect(notice).toBeNull();
    expect(store.get().preferences.appearance).toEqual({ theme: 'dark', zoom: 100, compact: true });
    expect(readJson(fileIn(dir))).not.toHaveProperty('ui');
  });

  it('resets one damaged preference to its default, keeps its neighbours, and names it', () => {
    const dir = tempDir();
    const preferences = defaultPreferences();
    preferences.notifications.sound = false;
    preferences.notifications.quietHours = { enabled: true, days: [1, 2], start: 60, end: 120 };
    writeFileSync(fileIn(dir), JSON.stringify({ preferences: { ...preferences, appearance: { theme: 'dark', zoom: 9000, compact: true }, startup: 'yes' } }));
    const { store, notice } = openSettings(dir);
    expect(notice).toBe('Some settings were not valid and were reset to their defaults: preferences.appearance.zoom, preferences.startup.');
    const kept = store.get().preferences;
    expect(kept.appearance).toEqual({ theme: 'dark', zoom: 100, compact: true });
    expect(kept.startup).toEqual(defaultPreferences().startup);
    expect(kept.notifications.sound).toBe(false);
    expect(kept.notifications.quietHours).toEqual({ enabled: true, days: [1, 2], start: 60, end: 120 });
  });

  it('tells each listener of a change once it is kept, with what it was before', () => {
    const { store } = openSettings(tempDir());
    const heard: [Settings, Settings][] = [];
    const off = store.onChange((next, previous) => heard.push([next, previous]));
    store.update({ preferences: withAppearance({ zoom: 150 }) });
    store.update({ preferences: withAppearance({ zoom: 150 }) }); // the same again: nothing changes, nothing told
    off();
    store.update({ preferences: withAppearance({ zoom: 90 }) });
    expect(heard).toHaveLength(1);
    expect(heard[0]![0].preferences.appearance.zoom).toBe(150);
    expect(heard[0]![1].preferences.appearance.zoom).toBe(100);
  });

  it('stores through the backend it is given (electron-store in the desktop app), with the same checks', () => {
    const dir = tempDir();
    const made: string[] = [];
    const { store } = openSettings(dir, (options) => {
      made.push(String(options.configName));
      return new Conf<Settings>(options);
    });
    store.update({ preferences: withAppearance({ theme: 'light' }) });
    expect(made).toEqual(['settings']);
    expect(() => store.update({ preferences: withAppearance({ zoom: 79 }) })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    expect(openSettings(dir).store.get().preferences.appearance.theme).toBe('light');
  });
});

describe('settings in memory', () => {
  it('follows the same rules as the file', () => {
    const store = memorySettings();
    const station = store.stationFor(alice);
    expect(store.stationFor(alice)).toBe(station);
    expect(() => store.update({ preferences: withAppearance({ theme: 'neon' as never }) })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});

/** The default preferences with some of the appearance changed. */
function withAppearance(appearance: Partial<Preferences['appearance']>): Preferences {
  const preferences = defaultPreferences();
  return { ...preferences, appearance: { ...preferences.appearance, ...appearance } };
}
