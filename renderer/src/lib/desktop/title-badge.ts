/**
 * The unread count in the page's title, "(3) Ozeki Chat": the browser host's stand-in for the
 * desktop app's badge (a tab shows its title; the desktop app's main process sets its own badge).
 */
import type { AccountView } from '../../../../app/ipc/views.js';

/** As renderer/index.html's <title> says (a test keeps the two the same). */
export const APP_TITLE = 'Ozeki Chat';

/** Every account's unread count (AccountView.unread already leaves out muted and hidden conversations). */
export function unreadTitle(accounts: readonly AccountView[]): string {
  const unread = accounts.reduce((sum, account) => sum + account.unread, 0);
  return unread > 0 ? `(${unread}) ${APP_TITLE}` : APP_TITLE;
}

/** Puts the title for `accounts` on the page in the browser host, and the plain title elsewhere. */
export function showUnreadInTitle(accounts: readonly AccountView[], host: 'desktop' | 'browser' | null): void {
  const title = host === 'browser' ? unreadTitle(accounts) : APP_TITLE;
  if (document.title !== title) document.title = title;
}
