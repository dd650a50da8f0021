/**
 * The chat window: created hidden with the saved bounds, shown when ready (unless the app started
 * in the tray), its size and position saved as they change. Closing it hides it in the tray, or
 * quits the app when the Startup preference "When I close the window" says so; hiding it the
 * first time says once, natively, that the app is still in the tray.
 */
import { BrowserWindow, Notification, nativeTheme, screen } from 'electron';
import type { SettingsStore } from '../core/settings/settings.js';
import { START_URL } from './app-scheme.js';
import { mainWindowOptions, MIN_HEIGHT, MIN_WIDTH } from './window-options.js';
import { restoreBounds, windowStateOf } from './window-bounds.js';

export const PRODUCT = 'Ozeki Chat Desktop';
const SAVE_DELAY_MS = 500;
/** A renderer that keeps crashing is not reloaded for ever. */
const MAX_RELOADS = 3;

export type MainWindowOptions = {
  settings: SettingsStore;
  preload: string;
  icon: string | undefined;
  devTools: boolean;
  /** Show the window once it has rendered (false for --hidden). */
  show: boolean;
  isQuitting: () => boolean;
  /** Quits the app (main.ts's quit: it marks the app as quitting first). */
  quit: () => void;
  log: (line: string) => void;
};

export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const { settings, log } = opts;
  const saved = settings.get().window;
  const bounds = restoreBounds(
    saved,
    screen.getAllDisplays().map((d) => d.workArea),
    screen.getPrimaryDisplay().workArea,
    { width: MIN_WIDTH, height: MIN_HEIGHT },
  );
  // Every security option (context isolation, sandbox, no Node, no auxclick, ...) is set in
  // mainWindowOptions() and asserted by window-options.test.ts. electronegativity cannot follow the
  // call, hence the annotations; the preload is ours and exposes only window.ozeki's two functions.
  const options = mainWindowOptions({
    bounds,
    preload: opts.preload, // eng-disable PRELOAD_JS_CHECK
    icon: opts.icon,
    devTools: opts.devTools,
    darkBackground: nativeTheme.shouldUseDarkColors,
    title: PRODUCT,
  });
  const win = new BrowserWindow(options); // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK NODE_INTEGRATION_JS_CHECK AUXCLICK_JS_CHECK WEB_SECURITY_JS_CHECK INSECURE_CONTENT_JS_CHECK EXPERIMENTAL_FEATURES_JS_CHECK BLINK_FEATURES_JS_CHECK REMOTE_MODULE_JS_CHECK

  if (saved.maximized) win.maximize();
  let shown = false;
  win.once('ready-to-show', () => {
    if (opts.show && !shown) {
      shown = true;
      win.show();
    }
  });

  // ---------------------------------------------------------------- size and position
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  const saveNow = () => {
    clearTimeout(saveTimer);
    saveTimer = undefined;
    if (win.isDestroyed() || win.isMinimized() || win.isFullScreen()) return;
    try {
      settings.update({ window: windowStateOf(win.getNormalBounds(), win.isMaximized()) });
    } catch (err) {
      log(`could not save the window's size: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const saveSoon = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveNow, SAVE_DELAY_MS);
  };
  win.on('move', saveSoon);
  win.on('resize', saveSoon);
  win.on('maximize', saveSoon);
  win.on('unmaximize', saveSoon);

  // ---------------------------------------------------------------- close = hide to the tray, or quit
  win.on('close', (event) => {
    saveNow();
    if (opts.isQuitting()) return;
    event.preventDefault();
    // Read at each close: the preference can change while the window is open.
    if (settings.get().preferences.startup.onClose === 'quit') {
      opts.quit();
      return;
    }
    win.hide();
    tellOnceAboutTheTray(settings, log);
  });
  win.on('closed', () => clearTimeout(saveTimer));

  let reloads = 0;
  win.webContents.on('render-process-gone', (_event, details) => {
    log(`the chat window's renderer stopped: ${details.reason} (exit code ${details.exitCode})`);
    if (details.reason === 'clean-exit' || win.isDestroyed() || reloads >= MAX_RELOADS) return;
    reloads++;
    win.webContents.reload();
  });

  win.loadURL(START_URL).catch((err: unknown) => log(`could not load the chat window: ${err instanceof Error ? err.message : String(err)}`));
  return win;
}

function tellOnceAboutTheTray(settings: SettingsStore, log: (line: string) => void): void {
  const desktop = settings.get().desktop;
  if (desktop.trayHintShown) return;
  try {
    settings.update({ desktop: { ...desktop, trayHintShown: true } });
  } catch (err) {
    log(`could not remember the tray hint: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!Notification.isSupported()) return;
  new Notification({
    title: PRODUCT,
    body: `${PRODUCT} is still running in the tray.`,
    silent: true,
  }).show();
}
