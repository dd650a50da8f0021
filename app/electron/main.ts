/**
 * The Electron main process. Keeps one instance, serves the renderer on app://chat, opens the core
 * (the same accounts registry the browser host runs) on the user's data folder, carries the IPC contract,
 * and hands the window to the tray and notifications. The preferences reach the desktop here: start at
 * login, start in the tray, what closing the window does (hide it, or quit), the theme, zoom and spell
 * checker; so do ozekichat:// links and updates. Quitting closes the core first.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, Menu, shell } from 'electron';
import { AccountsService } from '../core/accounts/accounts-service.js';
import { electronFileHost } from './file-host.js';
import { describeTightened, ensurePrivateFolder } from '../core/private-files.js';
import { openSettings } from '../core/settings/conf-settings.js';
import type { SettingsStore } from '../core/settings/settings.js';
import { Vault } from '../core/vault/vault.js';
import type { ZoomDirection } from '../core/desktop/zoom-keys.js';
import { nextZoom } from '../shared/preferences-rules.js';
import { APP_ID } from './app-id.js';
import { registerAppScheme, serveAppScheme } from './app-protocol.js';
import { startDeepLinks } from './deep-links.js';
import { demoAccountFromEnv } from './demo-account.js';
import { startDesktopIntegration } from './desktop-integration.js';
import { electronHostFeatures } from './host-features.js';
import { SystemDndWatcher } from '../core/desktop/system-dnd.js';
import { connectIpc } from './ipc-main.js';
import { parseLaunchOptions } from './launch-options.js';
import { createMainWindow, PRODUCT } from './main-window.js';
import { HELP_URL, menuTemplate } from './menu-template.js';
import { nativeModuleAdvice, probeSqlite } from './native-modules.js';
import { externalLinkTarget } from './policies.js';
import { installSecurityHandlers } from './security-handlers.js';
import { followLoginItem } from './login-item.js';
import { electronStoreBackend } from './settings-backend.js';
import { createUpdater } from './updater.js';
import { applySessionPreferences, followWindowPreferences, wireWindowPreferences } from './window-preferences.js';

/** Lets a test or a second checkout use its own data folder; ignored in packaged builds. */
const USER_DATA_ENV = 'OZEKI_USER_DATA_DIR';
const PRELOAD_FILE = 'index.cjs';

const log = (line: string) => process.stderr.write(`${line}\n`);

if (!app.isPackaged && process.env[USER_DATA_ENV]) app.setPath('userData', process.env[USER_DATA_ENV]);

// Every renderer sandboxed, whatever its webPreferences say.
app.enableSandbox();
registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  // The first instance shows its window (see 'second-instance'); this one has nothing to do.
  app.exit(0);
} else {
  void run();
}

async function run(): Promise<void> {
  const launch = parseLaunchOptions(process.argv);
  const root = app.getAppPath();
  const resourcesDir = join(root, 'resources');
  /** Known before the core has opened: the window is made from it meanwhile. */
  let windowSettings: SettingsStore | null = null;
  let mainWindow: BrowserWindow | null = null;
  /** Set once the core has opened. */
  let service: AccountsService | null = null;
  let desktop: ReturnType<typeof startDesktopIntegration> | null = null;
  let quitting = false;
  // --hidden (or the "Start in the tray" preference, read with the settings) starts in the tray;
  // the first showWindow() (tray, second launch, a link) changes that.
  let windowWanted = !launch.hidden;
  let windowAsked = false;

  function ensureWindow(settings: SettingsStore): BrowserWindow {
    if (mainWindow && !mainWindow.isDestroyed()) return mainWindow;
    const win = createMainWindow({
      settings,
      preload: join(root, 'out', 'preload', PRELOAD_FILE),
      icon: process.platform === 'darwin' ? undefined : join(resourcesDir, 'icon.png'),
      devTools: !app.isPackaged,
      show: windowWanted,
      isQuitting: () => quitting,
      quit,
      log,
    });
    win.on('closed', () => {
      if (mainWindow === win) mainWindow = null;
    });
    mainWindow = win;
    wireWindowPreferences(win, { preferences: () => settings.get().preferences, zoom: zoomBy });
    desktop?.showBadge();
    return win;
  }

  /** One zoom step, kept as the Zoom preference (which zooms the window); false before the core is open. */
  function zoomBy(direction: ZoomDirection): boolean {
    if (!service) return false;
    const current = service.preferences.get().appearance.zoom;
    const next = nextZoom(current, direction);
    try {
      if (next !== current) service.preferences.set({ appearance: { zoom: next } });
    } catch (err) {
      log(`could not change the zoom: ${describe(err)}`);
    }
    return true;
  }

  function openSettingsScreen(): void {
    showWindow();
    // Before the core is open the window is still starting: it opens on its first screen.
    service?.notifyWindow('ui:open-settings', {});
  }

  function showWindow(): void {
    windowWanted = true;
    windowAsked = true;
    if (!windowSettings) return; // still starting: the window is shown once it exists
    const win = ensureWindow(windowSettings);
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  function toggleWindow(): void {
    const win = mainWindow;
    if (win && !win.isDestroyed() && win.isVisible() && win.isFocused()) win.hide();
    else showWindow();
  }

  function quit(): void {
    quitting = true;
    app.quit();
  }

  // Before ready: macOS hands over the link that launched the app early. Windows and Linux pass
  // it on the command line, of this launch or (below) of a second one.
  const deepLinks = startDeepLinks({ showWindow, log });
  deepLinks.fromArgv(process.argv);

  // A second launch (from the desktop, a shortcut, the dock, a link) brings the running one forward.
  app.on('second-instance', (_event, argv) => {
    showWindow();
    deepLinks.fromArgv(argv);
  });
  app.on('activate', () => showWindow()); // macOS: clicking the dock icon
  app.on('before-quit', () => {
    quitting = true;
  });
  // The window only hides on close, so this means the app is quitting: stay up until will-quit.
  app.on('window-all-closed', () => {});
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, quit);

  // Unpackaged, Windows shows no notifications for an app without a user model id.
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  await app.whenReady();
  installSecurityHandlers(log);
  serveAppScheme(join(root, 'out', 'renderer'), log);
  const updater = createUpdater({
    product: PRODUCT,
    getWindow: () => mainWindow,
    prepareQuit: () => {
      quitting = true;
    },
    log,
  });
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        platform: process.platform,
        appName: PRODUCT,
        packaged: app.isPackaged,
        openHelp: () => {
          // Our own constant https address, through the same check as every other link.
          const target = externalLinkTarget(HELP_URL);
          if (target) void shell.openExternal(target); // eng-disable OPEN_EXTERNAL_JS_CHECK
        },
        openSettings: openSettingsScreen,
        checkForUpdates: () => void updater.check('menu'),
        zoom: (direction) => void zoomBy(direction),
      }),
    ),
  );

  const sqlite = probeSqlite((path) => {
    const Database = createRequire(import.meta.url)('better-sqlite3-multiple-ciphers') as new (p: string) => { close(): void };
    return new Database(path);
  });
  if (!sqlite.ok) return fail(nativeModuleAdvice(sqlite.error) ?? `The local database module could not be loaded: ${describe(sqlite.error)}`);

  const dataDir = app.getPath('userData');
  try {
    const tightened = describeTightened(ensurePrivateFolder(dataDir));
    if (tightened) log(tightened);
  } catch (err) {
    log(`The data folder ${dataDir} could not be made private: ${describe(err)}`);
  }
  const opened = openSettings(dataDir, electronStoreBackend);
  if (opened.notice) log(opened.notice);
  const settings = opened.store;
  const preferences = settings.get().preferences;
  if (preferences.startup.inTray && !windowAsked) windowWanted = false;
  applySessionPreferences(preferences, log);
  const systemDnd = new SystemDndWatcher({ platform: process.platform, log });
  const opening = (async () => {
    const vault = await Vault.open();
    // The app runs on without the keychain, but a keytar built for Node deserves the exact fix.
    const keychainAdvice = vault.unavailableReason ? nativeModuleAdvice(vault.unavailableReason) : null;
    if (keychainAdvice) log(keychainAdvice);
    // Only from `npm start` in a checkout: a packaged app never reads secrets from a path in its environment.
    const demo = app.isPackaged ? undefined : demoAccountFromEnv(process.env);
    return AccountsService.open({
      dataDir,
      vault,
      settings,
      log,
      files: electronFileHost(() => mainWindow),
      features: electronHostFeatures(updater),
      systemDnd,
      ...(demo ? { demo } : {}),
    });
  })();
  // The window loads while the core opens its database; its first requests wait for the core.
  const ipc = connectIpc({ service: opening, getWindow: () => mainWindow, log });
  windowSettings = settings;
  if (windowWanted) ensureWindow(settings);
  let core: AccountsService;
  try {
    core = await opening;
  } catch (err) {
    return fail(`${PRODUCT} could not open its data: ${describe(err)}`);
  }
  service = core;
  // A damaged settings file was set aside: the user hears of it in the window, not only in a log.
  if (opened.notice) core.notifyWindow('notice', { id: 'settings', level: 'warning', message: opened.notice, retryable: false });
  const integration = startDesktopIntegration({
    service: core,
    settings,
    systemDnd,
    resourcesDir,
    getWindow: () => mainWindow,
    showWindow,
    toggleWindow,
    quit,
  });
  desktop = integration;
  const stopFollowing = [
    followLoginItem({ preferences: core.preferences, log }),
    followWindowPreferences({ preferences: core.preferences, getWindow: () => mainWindow, log }),
  ];
  // Links that came while the core opened are opened now.
  deepLinks.attach(core);
  updater.checkSoon();

  // Close the core (its database and sync) before the process ends; will-quit waits for it once.
  let closing: 'no' | 'running' | 'done' = 'no';
  app.on('will-quit', (event) => {
    if (closing === 'done') return;
    event.preventDefault();
    if (closing === 'running') return;
    closing = 'running';
    for (const stop of stopFollowing) stop();
    updater.dispose();
    integration.dispose();
    systemDnd.dispose();
    ipc.dispose();
    core
      .close()
      .catch((err: unknown) => log(`closing the core failed: ${describe(err)}`))
      .finally(() => {
        closing = 'done';
        app.quit();
      });
  });
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function fail(message: string): void {
  log(message);
  dialog.showErrorBox(PRODUCT, message);
  app.exit(1);
}
