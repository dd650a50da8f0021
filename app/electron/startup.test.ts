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
  const roles = (platform: NodeJS.Platform, packaged = true) =>
    menuTemplate({ platform, appName: 'Ozeki Chat Desktop', packaged, openHelp: () => {} }).map((item) => item.role ?? item.label);

  it('has the standard menus, with the app menu on macOS only', () => {
    expect(roles('darwin')).toEqual(['appMenu', 'fileMenu', 'editMenu', 'View', 'windowMenu', 'help']);
    expect(roles('linux')).toEqual(['fileMenu', 'editMenu', 'View', 'windowMenu', 'help']);
    expect(roles('win32')).toEqual(['fileMenu', 'editMenu', 'View', 'windowMenu', 'help']);
  });

  it('has no reload or developer tools in packaged builds', () => {
    const viewRoles = (packaged: boolean) => {
      const view = menuTemplate({ platform: 'linux', appName: 'x', packaged, openHelp: () => {} }).find((item) => item.label === 'View');
      return (view?.submenu as { role?: string }[]).map((item) => item.role).filter(Boolean);
    };
    expect(viewRoles(true)).not.toContain('toggleDevTools');
    expect(viewRoles(true)).not.toContain('reload');
    expect(viewRoles(false)).toContain('toggleDevTools');
  });

  it('opens the website from Help', () => {
    const openHelp = vi.fn();
    const help = menuTemplate({ platform: 'linux', appName: 'Ozeki Chat Desktop', packaged: true, openHelp }).find((item) => item.role === 'help');
    const item = (help?.submenu as { label: string; click: () => void }[])[0]!;
    expect(item.label).toBe('Ozeki Chat Desktop website');
    item.click();
    expect(openHelp).toHaveBeenCalledOnce();
    expect(HELP_URL).toMatch(/^https:\/\//);
  });
});

describe('the app id', () => {
  it('is the one electron-builder packages the app with', () => {
    const yml = readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8');
    expect(/^appId:\s*(\S+)\s*$/m.exec(yml)?.[1]).toBe(APP_ID);
  });
});
