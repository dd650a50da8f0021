/**
 * Notifications in the browser host, which has none of its own: the core plans, words and silences
 * them as it does the desktop app's, and sends `desktop:notification`; the window shows it with the
 * browser's Notification API. In the desktop app the main process shows native ones, and this does
 * nothing.
 *
 * Shown only while the page is hidden or another window has focus. While the user is looking at
 * the window, the list already shows the news (the row moves up with its unread count, the sound
 * plays, the title counts it): a system popup over the window they are reading would only repeat
 * it. (The core, which cannot see a browser's focus, leaves out the conversation on screen only.)
 */
import type { Events } from '../../../../app/ipc/contract.js';

export type NotificationTarget = { conversationId: string | null; accountId: string | null };
type Host = 'desktop' | 'browser' | null;

/** Whether this browser can show notifications and the user has not answered yet (the prompt's moment). */
export function notificationPermissionPending(): boolean {
  return typeof Notification !== 'undefined' && Notification.permission === 'default';
}

/**
 * Shows `desktop:notification` events in the browser host. A click brings the window forward and
 * asks `onopen` for its conversation; a newer one with the same key replaces the older (its tag).
 * Returns what stops it, closing those still shown.
 */
export function followWebNotifications(host: () => Host, onopen: (target: NotificationTarget) => void): () => void {
  const shown = new Map<string, Notification>();

  function show(n: Events['desktop:notification']): void {
    if (host() !== 'browser' || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    if (!document.hidden && document.hasFocus()) return;
    // The tag makes the browser replace it too; closed first, so the older one cannot close the newer.
    shown.get(n.key)?.close();
    let notification: Notification;
    try {
      notification = new Notification(n.title, { body: n.body, tag: n.key });
    } catch {
      // Some browsers only show notifications from a service worker; the list still has the news.
      return;
    }
    shown.set(n.key, notification);
    notification.onclick = () => {
      window.focus();
      notification.close();
      onopen({ conversationId: n.conversationId, accountId: n.accountId });
    };
    notification.onclose = () => {
      if (shown.get(n.key) === notification) shown.delete(n.key);
    };
  }

  const off = window.ozeki.on('desktop:notification', show);
  return () => {
    off();
    for (const notification of shown.values()) notification.close();
    shown.clear();
  };
}
