/**
 * Updates through electron-updater, decided by app/core/desktop/updates.ts: whether this copy looks
 * at all (a packaged build whose resources/app-update.yml names an https server, installed in a way
 * that can update itself), the status, and when to ask. Nothing downloads or installs without a yes
 * in a native dialog: autoDownload and autoInstallOnAppQuit are off.
 *
 * electron-updater is only loaded when there is something to look for, so a build without an
 * update server never runs any of it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { app, dialog, type BrowserWindow, type MessageBoxOptions } from 'electron';
import type { UpdateStatus } from '../ipc/views.js';
import {
  answerUpdate,
  askDialog,
  checkReply,
  checkRequested,
  feedUrlOf,
  initialUpdateStatus,
  linuxInstallOf,
  updateStep,
  type UpdaterEvent,
} from '../core/desktop/updates.js';

type AutoUpdater = (typeof import('electron-updater'))['autoUpdater'];

/** Where a check comes from: the menu says its outcome in a dialog; Settings shows it; the launch's waits for the window. */
export type CheckSource = 'menu' | 'settings' | 'launch';

export type Updater = {
  status(): UpdateStatus;
  check(source: CheckSource): Promise<UpdateStatus>;
  /** Looks once, a while after launch (the launch has enough to do). */
  checkSoon(): void;
  onChange(listener: () => void): () => void;
  dispose(): void;
};

const LAUNCH_CHECK_DELAY_MS = 15_000;

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function createUpdater(opts: {
  product: string;
  getWindow(): BrowserWindow | null;
  /** Lets the window close for good: quitAndInstall closes the windows before `before-quit`. */
  prepareQuit(): void;
  log(line: string): void;
}): Updater {
  const { log } = opts;
  // process.resourcesPath is Electron's resources folder (beside app.asar), where electron-builder puts both files.
  const resources = process.resourcesPath;
  let status = initialUpdateStatus({
    packaged: app.isPackaged,
    configured: feedUrlOf(readOrNull(join(resources, 'app-update.yml'))) !== null,
    platform: process.platform,
    linuxInstall: linuxInstallOf({ env: process.env, packageType: readOrNull(join(resources, 'package-type')) }),
  });
  if (status.state === 'unavailable') log(`updates: ${status.reason}`);

  const listeners = new Set<() => void>();
  let loading: Promise<AutoUpdater> | null = null;
  let asking = false;
  let mayAskToDownload = false;
  let launchTimer: ReturnType<typeof setTimeout> | undefined;

  const visibleWindow = () => {
    const win = opts.getWindow();
    return win && !win.isDestroyed() && win.isVisible() ? win : null;
  };
  const show = (options: MessageBoxOptions) => {
    const win = visibleWindow();
    return win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options);
  };
  const set = (next: UpdateStatus) => {
    if (next === status) return;
    status = next;
    for (const listener of [...listeners]) listener();
  };
  const step = (event: UpdaterEvent) => {
    const { status: next, ask } = updateStep(status, event);
    set(next);
    // A look at launch does not put a question in front of someone who has not opened the window:
    // Settings shows what was found, and Check for Updates… asks again.
    if (ask === 'restart' || (ask === 'download' && mayAskToDownload)) void askUser(ask);
  };

  const updater = (): Promise<AutoUpdater> =>
    (loading ??= import('electron-updater').then((mod) => {
      const au = mod.default.autoUpdater;
      au.autoDownload = false;
      au.autoInstallOnAppQuit = false;
      au.logger = {
        info: (m) => log(`updates: ${String(m)}`),
        warn: (m) => log(`updates: ${String(m)}`),
        error: (m) => log(`updates: ${String(m)}`),
        debug: () => {},
      };
      au.on('checking-for-update', () => step({ type: 'checking' }));
      au.on('update-available', (info) => step({ type: 'available', version: info.version }));
      au.on('update-not-available', () => step({ type: 'not-available', at: Date.now() }));
      au.on('download-progress', (progress) => step({ type: 'download-progress', percent: progress.percent }));
      au.on('update-downloaded', (event) => step({ type: 'downloaded', version: event.version }));
      au.on('update-cancelled', () => step({ type: 'error', message: 'The download was cancelled.' }));
      au.on('error', (err) => step({ type: 'error', message: describe(err) }));
      return au;
    }));

  async function askUser(ask: 'download' | 'restart'): Promise<void> {
    if (asking || !('version' in status)) return;
    asking = true;
    try {
      const text = askDialog(ask, status.version, opts.product);
      const { response } = await show({
        type: 'question',
        title: opts.product,
        message: text.message,
        detail: text.detail,
        buttons: text.buttons,
        defaultId: 0,
        cancelId: 1,
        noLink: true,
      });
      const answer = answerUpdate(status, { ask, yes: response === 0 });
      set(answer.status);
      if (answer.effect === 'download') {
        (await updater()).downloadUpdate().catch((err: unknown) => step({ type: 'error', message: describe(err) }));
      } else if (answer.effect === 'install') {
        opts.prepareQuit();
        // Not silent (Windows shows its installer's progress), and the app starts again afterwards.
        (await updater()).quitAndInstall(false, true);
      }
    } catch (err) {
      log(`updates: ${describe(err)}`);
    } finally {
      asking = false;
    }
  }

  function reply(): void {
    const text = checkReply(status, opts.product, app.getVersion());
    if (text) void show({ type: 'info', title: opts.product, message: text.message, detail: text.detail, buttons: ['OK'], noLink: true }).catch(() => {});
  }

  async function check(source: CheckSource): Promise<UpdateStatus> {
    const action = checkRequested(status);
    if (action === 'ask-restart') {
      void askUser('restart');
      return status;
    }
    if (action === 'nothing') {
      if (source === 'menu') reply();
      return status;
    }
    mayAskToDownload = source !== 'launch' || visibleWindow() !== null;
    try {
      await (await updater()).checkForUpdates();
    } catch (err) {
      // Usually told by the 'error' event already; this is for a failure before it.
      if (status.state === 'checking' || status.state === 'idle') step({ type: 'error', message: describe(err) });
    }
    if (source === 'menu') reply();
    return status;
  }

  return {
    status: () => status,
    check,
    checkSoon() {
      if (status.state === 'unavailable' || launchTimer !== undefined) return;
      launchTimer = setTimeout(() => void check('launch'), LAUNCH_CHECK_DELAY_MS);
      launchTimer.unref();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      clearTimeout(launchTimer);
      listeners.clear();
    },
  };
}
