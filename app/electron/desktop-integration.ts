/**
 * Tray, notifications and Do not disturb in the Electron shell: the DesktopController (app/core/
 * desktop/) decides; this gives it Electron's tray, notifications, badge and window.
 */
import { join } from 'node:path';
import { app, powerMonitor, type BrowserWindow } from 'electron';
import type { AccountsService } from '../core/accounts/accounts-service.js';
import { startDesktopController, type TrayView } from '../core/desktop/desktop-controller.js';
import type { SettingsStore } from '../core/settings/settings.js';
import { createNotifier } from './notifications.js';
import { createTray } from './tray.js';

/** Set by test/electron/shell.e2e.test.ts; ignored in packaged builds. */
const TRAY_VIEW_HOOK_ENV = 'OZEKI_TEST_TRAY_VIEW';

const log = (line: string) => process.stderr.write(`desktop: ${line}\n`);

export function startDesktopIntegration(deps: {
  service: AccountsService;
  settings: SettingsStore;
  resourcesDir: string;
  getWindow(): BrowserWindow | null;
  showWindow(): void;
  toggleWindow(): void;
  quit(): void;
}): { dispose(): void } {
  const platform = process.platform;
  // Set once the controller exists; the tray and notifications only call back after that.
  let controller: ReturnType<typeof startDesktopController> | null = null;

  const tray = createTray({
    resourcesDir: deps.resourcesDir,
    platform,
    onAction: (action) => void controller?.perform(action),
    onClick: () => deps.toggleWindow(),
  });
  const notifier = createNotifier({
    // macOS shows the app's own icon.
    ...(platform === 'darwin' ? {} : { icon: join(deps.resourcesDir, 'icon.png') }),
    onClick: (planned) => controller?.notificationClicked(planned),
    log,
  });

  controller = startDesktopController(deps.service, deps.settings, {
    platform,
    // The system's regional format (24-hour clock or not), not the UI language.
    locale: app.getSystemLocale() || undefined,
    renderTray: (view) => {
      tray.render(view);
      // The tray has no API to read it back: an end-to-end test of a checkout reads the last view here.
      if (!app.isPackaged && process.env[TRAY_VIEW_HOOK_ENV] === '1') (globalThis as { ozekiTrayView?: TrayView }).ozekiTrayView = view;
      // The dock (macOS) and launcher (some Linux desktops) badge; Windows has none.
      app.setBadgeCount(view.unread);
    },
    showNotification: (planned) => notifier.show(planned),
    clearNotifications: () => notifier.clear(),
    isWindowFocused: () => {
      const win = deps.getWindow();
      return win !== null && !win.isDestroyed() && win.isVisible() && win.isFocused();
    },
    showWindow: () => deps.showWindow(),
    quit: () => deps.quit(),
    log,
  });

  // Timers do not run while the machine sleeps: look at Do not disturb again on waking.
  const onResume = () => controller?.render();
  powerMonitor.on('resume', onResume);

  return {
    dispose() {
      powerMonitor.off('resume', onResume);
      controller?.dispose();
      controller = null;
      notifier.clear();
      tray.destroy();
    },
  };
}
