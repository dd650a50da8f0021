/**
 * Start at login, applied: the plan loginItemPlan() makes (app/core/desktop/login-item.ts) from the
 * Startup preferences, handed to `app.setLoginItemSettings` (Windows, macOS) or written as the XDG
 * autostart entry (Linux), at launch and whenever the Startup preferences change. At launch too,
 * so the entry always starts the executable that runs now (an AppImage that was moved, an update
 * installed elsewhere) and says what Settings shows.
 */
import { isDeepStrictEqual } from 'node:util';
import { app } from 'electron';
import type { Preferences } from '../ipc/preferences.js';
import { loginItemPlan } from '../core/desktop/login-item.js';
import { applyAutostart } from '../core/desktop/xdg-autostart.js';

type Startup = Preferences['startup'];

export function followLoginItem(opts: {
  preferences: { get(): Preferences; onChange(listener: (next: Preferences, previous: Preferences) => void): () => void };
  log: (line: string) => void;
}): () => void {
  const apply = (startup: Startup) => {
    const plan = loginItemPlan({
      platform: process.platform,
      atLogin: startup.atLogin,
      inTray: startup.inTray,
      execPath: process.execPath,
      appPath: app.getAppPath(),
      packaged: app.isPackaged,
      home: app.getPath('home'),
      env: { XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME, APPIMAGE: process.env.APPIMAGE },
    });
    switch (plan.kind) {
      case 'electron':
        try {
          app.setLoginItemSettings(plan.settings);
        } catch (err) {
          opts.log(`start at login could not be changed: ${err instanceof Error ? err.message : String(err)}`);
        }
        return;
      case 'xdg': {
        const result = applyAutostart(plan);
        if (!result.ok) opts.log(result.message);
        return;
      }
      case 'unsupported':
        if (startup.atLogin) opts.log(plan.reason);
        return;
    }
  };

  apply(opts.preferences.get().startup);
  return opts.preferences.onChange((next, previous) => {
    if (!isDeepStrictEqual(next.startup, previous.startup)) apply(next.startup);
  });
}
