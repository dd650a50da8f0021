/**
 * The desktop around a browser window: the same DesktopController the Electron shell runs decides
 * which messages notify, when quiet hours or Do not disturb hold them back and which sound plays;
 * here the window shows and plays them (a browser has no tray, and its notifications are the
 * page's). The page's title carries the unread count in place of a badge (the window does that).
 */
import type { AccountsService } from '../core/accounts/accounts-service.js';
import { startDesktopController } from '../core/desktop/desktop-controller.js';
import type { SystemDndSource } from '../core/settings/host-features.js';
import type { SettingsStore } from '../core/settings/settings.js';

export function startBrowserDesktop(
  service: AccountsService,
  settings: SettingsStore,
  opts: { systemDnd?: SystemDndSource; log?: (line: string) => void } = {},
): { dispose(): void } {
  const controller = startDesktopController(service, settings, {
    platform: process.platform,
    // No tray in a browser.
    renderTray: () => {},
    showNotification: (n) =>
      service.notifyWindow('desktop:notification', {
        key: n.key,
        title: n.title,
        body: n.body,
        conversationId: n.conversationId,
        accountId: n.accountId ?? null,
      }),
    // The page's notifications close with the page; a signed-out account's are replaced by the next ones.
    clearNotifications: () => {},
    // The window tells the core which conversation is on screen, and that none is while the page is hidden.
    isWindowFocused: () => true,
    // The page brings itself forward when its notification is clicked.
    showWindow: () => {},
    // There is no tray "Quit" here: the host stops with Ctrl+C.
    quit: () => {},
    playSound: (sound) => service.notifyWindow('desktop:sound', { sound }),
    ...(opts.systemDnd ? { systemDnd: opts.systemDnd } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  return { dispose: () => controller.dispose() };
}
