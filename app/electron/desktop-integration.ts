/**
 * Tray, notifications and Do not disturb in the Electron shell: the DesktopController (app/core/
 * desktop/) decides; this gives it Electron's tray, notifications, badge and window.
 */
import { join } from 'node:path';
import { app, nativeImage, powerMonitor, type BrowserWindow, type NativeImage } from 'electron';
import { badgeFor, type Badge } from '../core/desktop/badge.js';
import type { AccountsService } from '../core/accounts/accounts-service.js';
import { startDesktopController, type TrayView } from '../core/desktop/desktop-controller.js';
import type { SettingsStore } from '../core/settings/settings.js';
import type { SystemDndSource } from '../core/settings/host-features.js';
import { createNotifier } from './notifications.js';
import { createTray } from './tray.js';

/** Set by test/electron/shell.e2e.test.ts; ignored in packaged builds. */
const TRAY_VIEW_HOOK_ENV = 'OZEKI_TEST_TRAY_VIEW';

const log = (line: string) => process.stderr.write(`desktop: ${line}\n`);

export function startDesktopIntegration(deps: {
  service: AccountsService;
  settings: SettingsStore;
  /** The system's Do not disturb, which quiet hours and the presets combine with. */
  systemDnd: SystemDndSource;
  resourcesDir: string;
  getWindow(): BrowserWindow | null;
  showWindow(): void;
  toggleWindow(): void;
  quit(): void;
}): { dispose(): void; showBadge(): void } {
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

  // ---------------------------------------------------------------- the badge
  const overlays = new Map<string, NativeImage>();
  const overlay = (file: string): NativeImage => {
    let image = overlays.get(file);
    if (!image) {
      // Picks up badge-N@2x.png beside it on high-density screens.
      image = nativeImage.createFromPath(join(deps.resourcesDir, 'badge', file));
      overlays.set(file, image);
    }
    return image;
  };
  let badge: Badge = badgeFor({ unread: 0, platform });
  const showBadge = () => {
    if (badge.kind === 'count') {
      // The dock (macOS) and launchers that show counts (some Linux desktops).
      app.setBadgeCount(badge.count);
      return;
    }
    // Windows: an overlay on the taskbar button, which belongs to the window (none while it was never made).
    const win = deps.getWindow();
    if (!win || win.isDestroyed()) return;
    if (badge.overlay) win.setOverlayIcon(overlay(badge.overlay.file), badge.overlay.description);
    else win.setOverlayIcon(null, '');
  };

  controller = startDesktopController(deps.service, deps.settings, {
    platform,
    // The system's regional format (24-hour clock or not), not the UI language.
    locale: app.getSystemLocale() || undefined,
    renderTray: (view) => {
      tray.render(view);
      // The tray has no API to read it back: an end-to-end test of a checkout reads the last view here.
      if (!app.isPackaged && process.env[TRAY_VIEW_HOOK_ENV] === '1') (globalThis as { ozekiTrayView?: TrayView }).ozekiTrayView = view;
      // view.unread leaves out muted and hidden conversations, as the tray does.
      badge = badgeFor({ unread: view.unread, platform });
      showBadge();
    },
    showNotification: (planned) => notifier.show(planned),
    // The window plays the chosen sound (the notifications themselves are silent), hidden or not.
    playSound: (sound) => deps.service.notifyWindow('desktop:sound', { sound }),
    systemDnd: deps.systemDnd,
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
    /** Shows the badge again: the window that carries it on Windows was just made. */
    showBadge,
    dispose() {
      powerMonitor.off('resume', onResume);
      controller?.dispose();
      controller = null;
      notifier.clear();
      tray.destroy();
    },
  };
}
