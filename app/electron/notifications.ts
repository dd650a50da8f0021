/**
 * Native notifications: shows what the DesktopController planned and reports clicks. A newer
 * notification about the same conversation replaces the older one instead of stacking up.
 */
import { Notification } from 'electron';
import type { PlannedNotification } from '../core/desktop/notification-policy.js';

export type Notifier = { show(planned: PlannedNotification): void; clear(): void };

export function createNotifier(opts: { icon?: string; onClick(planned: PlannedNotification): void; log(line: string): void }): Notifier {
  // Held here until closed: a notification that is garbage-collected loses its click handler (Windows).
  const shown = new Map<string, Notification>();

  return {
    show(planned) {
      if (!Notification.isSupported()) return;
      shown.get(planned.key)?.close();
      const notification = new Notification({
        // The same id replaces a delivered one in Notification Center / Action Center too.
        id: planned.key,
        title: planned.title,
        body: planned.body,
        // The app plays its own sound, the one chosen in Settings (or none), once per batch.
        silent: true,
        ...(opts.icon ? { icon: opts.icon } : {}),
      });
      const forget = () => {
        if (shown.get(planned.key) === notification) shown.delete(planned.key);
      };
      notification.on('click', () => {
        forget();
        opts.onClick(planned);
      });
      notification.on('close', forget);
      notification.on('failed', (_event, error) => {
        forget();
        opts.log(`notification failed: ${error}`);
      });
      shown.set(planned.key, notification);
      notification.show();
    },
    clear() {
      for (const notification of shown.values()) notification.close();
      shown.clear();
    },
  };
}
