/**
 * The Electron shell end to end: the built app in a real Electron, driven by Playwright. Needs the
 * Electron binary, which is not downloaded everywhere (CI installs electron for its types only);
 * without it these tests are skipped and say why. The pure parts of the shell are unit-tested in
 * app/electron/*.test.ts either way.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OzekiBridge } from '../../app/ipc/contract.js';
import type { Preferences, PreferencesPatch } from '../../app/ipc/views.js';
import { electronBinary } from '../../scripts/electron-binary.js';

// page.evaluate callbacks run in the page; the Node-only tsconfig has no DOM library.
declare const window: { ozeki: OzekiBridge; open(url: string): unknown; location: { href: string } } & Record<string, unknown>;

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const binary = electronBinary(REPO);

/**
 * Main and preload fresh from the sources. The renderer is built only when missing: the chat
 * window's end-to-end tests rebuild out/renderer at the same time, and two builds emptying one
 * folder at once would break each other's pages.
 */
async function buildShell(): Promise<void> {
  const { resolveConfig } = await import('electron-vite');
  const { build } = await import('vite');
  process.env.NODE_ENV_ELECTRON_VITE = 'production';
  const { config } = await resolveConfig({ root: REPO, configFile: join(REPO, 'electron.vite.config.ts'), logLevel: 'warn' }, 'build', 'production');
  if (!config?.main || !config.preload || !config.renderer) throw new Error('electron.vite.config.ts must configure main, preload and renderer');
  await build(config.main);
  await build(config.preload);
  if (!existsSync(join(REPO, 'out', 'renderer', 'index.html'))) await build(config.renderer);
}

/** Built once for every describe below. */
let building: Promise<void> | null = null;
const shellBuilt = () => (building ??= buildShell());

/** The app from this checkout on `userData`, with its window loaded; `args` go after the app folder. */
async function launchApp(userData: string, args: string[] = []): Promise<{ app: ElectronApplication; page: Page }> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), OZEKI_USER_DATA_DIR: userData, OZEKI_TEST_TRAY_VIEW: '1' };
  delete env.ELECTRON_RUN_AS_NODE;
  const app = await _electron.launch({
    executablePath: binary!,
    // Chromium refuses to start its sandbox as root (containers); everywhere else it stays on.
    args: [REPO, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ...args],
    env,
  });
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  return { app, page };
}

if (!binary) console.warn('Skipping the Electron shell end-to-end tests: no Electron binary in node_modules/electron/dist.');

describe.skipIf(!binary)('the Electron shell (needs the Electron binary in node_modules/electron/dist)', () => {
  let app: ElectronApplication;
  let page: Page;
  let userData: string;

  beforeAll(async () => {
    await shellBuilt();
    userData = mkdtempSync(join(tmpdir(), 'ozeki-shell-'));
    ({ app, page } = await launchApp(userData));
  }, 120_000);

  afterAll(async () => {
    await app?.close().catch(() => {});
    if (userData) rmSync(userData, { recursive: true, force: true });
  });

  it('opens one window on app://chat', async () => {
    expect(page.url()).toBe('app://chat/index.html');
    expect(app.windows()).toHaveLength(1);
  });

  it('gives the page window.ozeki with exactly invoke and on, and no Node or Electron', async () => {
    const seen = await page.evaluate(() => {
      const w = window;
      const ozeki = w.ozeki as unknown as Record<string, unknown>;
      return {
        keys: Object.keys(ozeki).sort(),
        types: [typeof ozeki.invoke, typeof ozeki.on],
        require: typeof w.require,
        process: typeof w.process,
        module: typeof w.module,
        ipcRenderer: typeof w.ipcRenderer,
        electron: typeof w.electron,
      };
    });
    expect(seen).toEqual({
      keys: ['invoke', 'on'],
      types: ['function', 'function'],
      require: 'undefined',
      process: 'undefined',
      module: 'undefined',
      ipcRenderer: 'undefined',
      electron: 'undefined',
    });
  });

  it('answers a contract channel through the main process', async () => {
    const reply = await page.evaluate(() => window.ozeki.invoke('state:snapshot'));
    expect(reply.ok).toBe(true);
  });

  it('refuses channels and events the contract does not have', async () => {
    const seen = await page.evaluate(async () => {
      const ozeki = window.ozeki;
      let threw = false;
      try {
        ozeki.on('ozeki:event' as never, () => {});
      } catch {
        threw = true;
      }
      const invokeAny = ozeki.invoke as (channel: string) => Promise<unknown>;
      return { reply: await invokeAny('shell:open-external'), threw };
    });
    expect(seen).toEqual({ reply: { ok: false, error: { code: 'invalid-argument', message: expect.any(String) } }, threw: true });
  });

  it('does not navigate away or open new windows', async () => {
    const opened = await page.evaluate(() => window.open('https://example.com/') === null);
    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    // A denied navigation leaves the page as it was; a round trip to the main process settles it.
    await page.evaluate(() => window.ozeki.invoke('state:snapshot'));
    expect(opened).toBe(true);
    expect(page.url()).toBe('app://chat/index.html');
    expect(app.windows()).toHaveLength(1);
  });

  it('serves app:// with the CSP and refuses paths outside the renderer', async () => {
    const answers = await app.evaluate(async ({ session }) => {
      const get = async (url: string) => {
        const res = await session.defaultSession.fetch(url);
        return { status: res.status, csp: res.headers.get('content-security-policy') };
      };
      return {
        index: await get('app://chat/index.html'),
        traversal: await get('app://chat/assets/%2e%2e%2f%2e%2e%2fpackage.json'),
        otherHost: await get('app://elsewhere/index.html'),
      };
    });
    expect(answers.index.status).toBe(200);
    expect(answers.index.csp).toContain("default-src 'none'");
    expect(answers.traversal).toEqual({ status: 404, csp: answers.index.csp });
    expect(answers.otherHost.status).toBe(404);
  });

  it('puts a tray icon up with Open first and Quit last, and the product in its tooltip', async () => {
    type View = { tooltip: string; menu: { type: string; label?: string }[] };
    const view = async () => (await app.evaluate(() => (globalThis as { ozekiTrayView?: unknown }).ozekiTrayView ?? null)) as View | null;
    await expect.poll(view, { timeout: 10_000 }).not.toBeNull();
    const shown = (await view())!;
    expect(shown.tooltip).toMatch(/Ozeki Chat Desktop/);
    const labels = shown.menu.filter((i) => i.type !== 'separator').map((i) => i.label);
    expect(labels[0]).toBe('Open Ozeki Chat Desktop');
    expect(labels.at(-1)).toBe('Quit Ozeki Chat Desktop');
  });

  it('hides the window on close instead of quitting', async () => {
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.close());
    const state = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => ({ visible: w.isVisible(), destroyed: w.isDestroyed() })));
    expect(state).toEqual([{ visible: false, destroyed: false }]);
  });
});

describe.skipIf(!binary)('the Electron shell’s settings and the desktop around the window (needs the Electron binary)', () => {
  const folders: string[] = [];
  const running: ElectronApplication[] = [];
  const modifier = process.platform === 'darwin' ? 'Meta' : 'Control';

  beforeAll(async () => {
    await shellBuilt();
  }, 120_000);

  afterAll(async () => {
    for (const app of running) await app.close().catch(() => {});
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  const freshFolder = () => {
    const folder = mkdtempSync(join(tmpdir(), 'ozeki-shell-settings-'));
    folders.push(folder);
    return folder;
  };
  const start = async (userData: string, args: string[] = []) => {
    const launched = await launchApp(userData, args);
    running.push(launched.app);
    return launched;
  };
  /** The preferences through the contract; it answers once the core is open. */
  async function settingsOf(page: Page): Promise<Preferences> {
    const reply = await page.evaluate(() => window.ozeki.invoke('settings:get'));
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.value.preferences;
  }
  const setPreferences = async (page: Page, patch: PreferencesPatch) => {
    const reply = await page.evaluate((p) => window.ozeki.invoke('settings:set', p), patch);
    expect(reply.ok).toBe(true);
  };
  const zoomFactor = (app: ElectronApplication) => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.webContents.getZoomFactor() ?? null);

  it('keeps the settings through a restart, in settings.json through electron-store, which gets no IPC channel of its own', async () => {
    const userData = freshFolder();
    const first = await start(userData);
    await settingsOf(first.page);
    await setPreferences(first.page, { appearance: { compact: true, theme: 'dark' } });
    // electron-store's own renderer channel was taken down: the contract is the only way in.
    expect(await first.app.evaluate(({ ipcMain }) => ipcMain.listenerCount('electron-store-get-data'))).toBe(0);
    expect(await first.app.evaluate(({ nativeTheme }) => nativeTheme.themeSource)).toBe('dark');
    await first.app.close();

    const file = JSON.parse(readFileSync(join(userData, 'settings.json'), 'utf8')) as { preferences: Preferences };
    expect(file.preferences.appearance).toMatchObject({ compact: true, theme: 'dark' });

    const second = await start(userData);
    expect((await settingsOf(second.page)).appearance).toMatchObject({ compact: true, theme: 'dark' });
    expect(await second.app.evaluate(({ nativeTheme }) => nativeTheme.themeSource)).toBe('dark');
    await second.app.close();
  }, 120_000);

  it('zooms the window one step a press with the zoom keys, and keeps the zoom', async () => {
    const userData = freshFolder();
    const { app, page } = await start(userData);
    expect((await settingsOf(page)).appearance.zoom).toBe(100);
    expect(await zoomFactor(app)).toBeCloseTo(1, 5);

    await page.keyboard.press(`${modifier}+Equal`);
    await expect.poll(() => zoomFactor(app), { timeout: 10_000 }).toBeCloseTo(1.1, 5);
    expect((await settingsOf(page)).appearance.zoom).toBe(110);

    await page.keyboard.press(`${modifier}+Minus`);
    await page.keyboard.press(`${modifier}+Minus`);
    await expect.poll(() => zoomFactor(app), { timeout: 10_000 }).toBeCloseTo(0.9, 5);
    expect((await settingsOf(page)).appearance.zoom).toBe(90);

    await page.keyboard.press(`${modifier}+Digit0`);
    await expect.poll(() => zoomFactor(app), { timeout: 10_000 }).toBeCloseTo(1, 5);

    // A zoom set in Settings applies at once, and again after a reload.
    await setPreferences(page, { appearance: { zoom: 150 } });
    await expect.poll(() => zoomFactor(app), { timeout: 10_000 }).toBeCloseTo(1.5, 5);
    await page.reload();
    await page.waitForLoadState('domcontentloaded');
    await expect.poll(() => zoomFactor(app), { timeout: 10_000 }).toBeCloseTo(1.5, 5);
    await app.close();
  }, 120_000);

  it('says in the window that a malformed ozekichat:// link on the command line cannot be opened', async () => {
    const userData = freshFolder();
    const { app, page } = await start(userData, ['ozekichat://open?account=not-an-address&conversation=xyz']);
    const notices = async () => {
      const reply = await page.evaluate(() => window.ozeki.invoke('state:snapshot'));
      return reply.ok ? reply.value.notices.map((n) => n.message) : [];
    };
    await expect.poll(notices, { timeout: 20_000 }).toEqual(expect.arrayContaining([expect.stringMatching(/^That link cannot be opened: /)]));
    // The link asked for the window, so it is shown.
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.isVisible())).toBe(true);
    await app.close();
  }, 120_000);

  it('quits when the window is closed and the Startup setting says to quit', async () => {
    const userData = freshFolder();
    const { app, page } = await start(userData);
    await settingsOf(page);
    await setPreferences(page, { startup: { onClose: 'quit' } });
    const exited = app.waitForEvent('close', { timeout: 30_000 });
    // The process may be gone before this call returns.
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.close()).catch(() => {});
    await exited;
    expect(app.process().exitCode).toBe(0);
  }, 120_000);
});
