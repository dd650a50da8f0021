// The small pure pieces of starting up: launch flags, the demo account, native-module advice, the menu.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { APP_ID } from './app-id.js';
import { DEMO_ACCOUNTS_FILE_ENV, DEMO_SERVER_URL_ENV, demoAccountFromEnv } from './demo-account.js';
import { parseLaunchOptions } from './launch-options.js';
import { HELP_URL, menuTemplate } from './menu-template.js';
import { isAbiMismatch, nativeModuleAdvice, probeSqlite, REBUILD_FOR_ELECTRON } from './native-modules.js';

describe('launch options', () => {
  it('start in the tray with --hidden, and show the window otherwise', () => {
    expect(parseLaunchOptions(['/usr/bin/electron', '.', '--hidden'])).toEqual({ hidden: true });
    expect(parseLaunchOptions(['/usr/bin/electron', '.'])).toEqual({ hidden: false });
    expect(parseLaunchOptions(['/usr/bin/electron', '.', '--hidden-files'])).toEqual({ hidden: false });
  });
});

describe('the demo account from npm start', () => {
  const accounts = JSON.stringify([
    { email: 'alice@demo.ozeki.chat', userid: 'u1', apikey: 'alice-key', password: 'alice-pw', nick: 'Alice', fullname: 'Alice A' },
    { email: 'bob@demo.ozeki.chat', userid: 'u2', apikey: 'bob-key', password: 'bob-pw', nick: 'Bob', fullname: 'Bob B' },
  ]);
  const env = { [DEMO_SERVER_URL_ENV]: 'http://127.0.0.1:9080/ozeki/index.php', [DEMO_ACCOUNTS_FILE_ENV]: '/data/demo-accounts.json' };

  it('is the first account of the file the variables name, with the server URL', () => {
    const read = vi.fn(() => accounts);
    const source = demoAccountFromEnv(env, read);
    expect(source?.()).toEqual({
      serverUrl: 'http://127.0.0.1:9080/ozeki/index.php',
      email: 'alice@demo.ozeki.chat',
      apiKey: 'alice-key',
      password: 'alice-pw',
    });
    expect(read).toHaveBeenCalledWith('/data/demo-accounts.json');
  });

  it('is not offered when either variable is missing', () => {
    expect(demoAccountFromEnv({})).toBeUndefined();
    expect(demoAccountFromEnv({ [DEMO_SERVER_URL_ENV]: 'http://x' })).toBeUndefined();
    expect(demoAccountFromEnv({ [DEMO_ACCOUNTS_FILE_ENV]: '/x.json' })).toBeUndefined();
  });

  it('is null when the file is missing, damaged or not a list of accounts', () => {
    const missing = () => {
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    };
    expect(demoAccountFromEnv(env, missing)?.()).toBeNull();
    expect(demoAccountFromEnv(env, () => '{not json')?.()).toBeNull();
    expect(demoAccountFromEnv(env, () => '[]')?.()).toBeNull();
    expect(demoAccountFromEnv(env, () => '[{"email":"a@b.c"}]')?.()).toBeNull();
    expect(demoAccountFromEnv(env, () => '{"email":"a@b.c"}')?.()).toBeNull();
  });
});

describe('native modules built for the wrong runtime', () => {
  const mismatch = new Error(
    "The module '/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 140. Please try re-compiling or re-installing",
  );

  it('are recognised, and the advice names the exact command', () => {
    expect(isAbiMismatch(mismatch)).toBe(true);
    const advice = nativeModuleAdvice(mismatch);
    expect(advice).toContain(REBUILD_FOR_ELECTRON);
    expect(advice).toContain('npm rebuild');
    expect(advice).toContain("The module '/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node'");
  });

  it('are not confused with other failures', () => {
    expect(nativeModuleAdvice(new Error('SQLITE_CANTOPEN: unable to open database file'))).toBeNull();
    expect(nativeModuleAdvice(Object.assign(new Error("Cannot find module 'better-sqlite3'"), { code: 'MODULE_NOT_FOUND' }))).toBeNull();
  });

  it('are found by opening an in-memory database once, before any real file is touched', () => {
    const close = vi.fn();
    const open = vi.fn(() => ({ close }));
    expect(probeSqlite(open)).toEqual({ ok: true });
    expect(open).toHaveBeenCalledWith(':memory:');
    expect(close).toHaveBeenCalledOnce();
    expect(
      probeSqlite(() => {
        throw mismatch;
      }),
    ).toEqual({ ok: false, error: mismatch });
  });
});

describe('the application menu', () => {
  type Item = { role?: string; label?: string; accelerator?: string; visible?: boolean; registerAccelerator?: boolean; click?: () => void; submenu?: Item[] };
  const handlers = () => ({ openHelp: vi.fn(), openSettings: vi.fn(), checkForUpdates: vi.fn(), zoom: vi.fn() });
  const menu = (platform: NodeJS.Platform, packaged = true, h = handlers()) =>
    menuTemplate({ platform, appName: 'Ozeki Chat Desktop', packaged, ...h }) as unknown as Item[];
  const top = (platform: NodeJS.Platform) => menu(platform).map((item) => item.role ?? item.label);
  const submenu = (items: Item[], name: string) => items.find((item) => item.role === name || item.label === name)?.submenu ?? [];
  const find = (items: Item[], label: string) => items.find((item) => item.label === label);

  it('has the standard menus, with the app menu on macOS only', () => {
    expect(top('darwin')).toEqual(['Ozeki Chat Desktop', 'File', 'editMenu', 'View', 'windowMenu', 'help']);
    expect(top('linux')).toEqual(['File', 'editMenu', 'View', 'windowMenu', 'help']);
    expect(top('win32')).toEqual(['File', 'editMenu', 'View', 'windowMenu', 'help']);
    expect(
      submenu(menu('darwin'), 'Ozeki Chat Desktop')
        .map((i) => i.role)
        .filter(Boolean),
    ).toEqual(['about', 'services', 'hide', 'hideOthers', 'unhide', 'quit']);
    expect(submenu(menu('linux'), 'File').at(-1)?.role).toBe('quit');
  });

  it('has no reload or developer tools in packaged builds', () => {
    const viewRoles = (packaged: boolean) =>
      submenu(menu('linux', packaged), 'View')
        .map((item) => item.role)
        .filter(Boolean);
    expect(viewRoles(true)).not.toContain('toggleDevTools');
    expect(viewRoles(true)).not.toContain('reload');
    expect(viewRoles(false)).toContain('toggleDevTools');
  });

  it('opens the website from Help', () => {
    const h = handlers();
    const item = submenu(menu('linux', true, h), 'help')[0]!;
    expect(item.label).toBe('Ozeki Chat Desktop website');
    item.click!();
    expect(h.openHelp).toHaveBeenCalledOnce();
    expect(HELP_URL).toMatch(/^https:\/\//);
  });

  it('opens Settings with Cmd/Ctrl+comma, from the app menu on macOS and from File elsewhere', () => {
    for (const [platform, where] of [
      ['darwin', 'Ozeki Chat Desktop'],
      ['linux', 'File'],
      ['win32', 'File'],
    ] as const) {
      const h = handlers();
      const item = find(submenu(menu(platform, true, h), where), 'Settings…');
      expect(item?.accelerator, platform).toBe('CmdOrCtrl+,');
      item!.click!();
      expect(h.openSettings).toHaveBeenCalledOnce();
    }
  });

  it('checks for updates from the app menu on macOS and from Help elsewhere', () => {
    for (const [platform, where] of [
      ['darwin', 'Ozeki Chat Desktop'],
      ['win32', 'help'],
      ['linux', 'help'],
    ] as const) {
      const h = handlers();
      find(submenu(menu(platform, true, h), where), 'Check for Updates…')!.click!();
      expect(h.checkForUpdates, platform).toHaveBeenCalledOnce();
    }
  });

  it('zooms through the preference, never with the zoom roles that zoom without saving', () => {
    const h = handlers();
    const view = submenu(menu('win32', false, h), 'View');
    for (const role of ['zoomIn', 'zoomOut', 'resetZoom']) expect(view.some((i) => i.role === role)).toBe(false);
    const zoom = view.filter((i) => /Zoom|Actual Size/.test(i.label ?? ''));
    expect(zoom.map((i) => [i.label, i.accelerator, i.visible ?? true])).toEqual([
      ['Actual Size', 'CmdOrCtrl+0', true],
      ['Zoom In', 'CmdOrCtrl+Plus', true],
      ['Zoom In', 'CmdOrCtrl+=', false],
      ['Zoom Out', 'CmdOrCtrl+-', true],
    ]);
    // The keys themselves are the main process's (zoom-keys.ts): the menu only shows them.
    expect(zoom.every((i) => i.registerAccelerator === false)).toBe(true);
    for (const item of zoom) item.click!();
    expect(h.zoom.mock.calls.map(([d]) => d)).toEqual(['reset', 'in', 'in', 'out']);
  });
});

describe('the app id', () => {
  it('is the one electron-builder packages the app with', () => {
    const yml = readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8');
    expect(/^appId:\s*(\S+)\s*$/m.exec(yml)?.[1]).toBe(APP_ID);
  });
});
