/**
 * The account switcher's words and keys: what an account's tab is called for a screen reader, its
 * letter, and which Ctrl+digit reaches it.
 */
import type { AccountView } from '../../../../app/ipc/views.js';

/** "Alice Smith, alice@example.com, 3 unread": the e-mail address is always in it (two accounts may share a name). */
export function accountLabel(account: AccountView): string {
  const parts = account.name && account.name !== account.email ? [account.name, account.email] : [account.email];
  if (account.unread > 0) parts.push(`${account.unread} unread`);
  const note = connectionNote(account);
  if (note) parts.push(note);
  return parts.join(', ');
}

/** What is wrong with an account's connection, in words, or null when it is online. */
export function connectionNote(account: AccountView): string | null {
  if (account.connection === 'offline' || account.connection === 'reconnecting') return 'offline';
  if (account.connection === 'unauthorized') return 'sign in again';
  return null;
}

export function initialOf(account: AccountView): string {
  return ([...(account.name || account.email).trim()][0] ?? '?').toUpperCase();
}

/** Ctrl+1 to Ctrl+9 (⌘ on macOS) reach the first nine accounts. */
export function shortcutFor(index: number): string | null {
  if (index > 8) return null;
  return `${isMac() ? '⌘' : 'Ctrl+'}${index + 1}`;
}

/** macOS (and iPadOS) use ⌘ where the others use Ctrl. */
export function isMac(): boolean {
  return typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
}

/** The account Ctrl+digit (⌘+digit on macOS) asks for, or null when the key is not that. */
export function accountForShortcut(
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>,
  accounts: readonly AccountView[],
): string | null {
  const modifier = isMac() ? event.metaKey : event.ctrlKey;
  if (!modifier || event.altKey || event.shiftKey || !/^[1-9]$/.test(event.key)) return null;
  return accounts[Number(event.key) - 1]?.id ?? null;
}

/** The line under the name: the e-mail address, with the server when another account has the same address. */
export function secondLine(account: AccountView, all: readonly AccountView[]): string {
  if (!all.some((a) => a.id !== account.id && a.email === account.email)) return account.email;
  let host = account.serverUrl;
  try {
    host = new URL(account.serverUrl).host;
  } catch {
    // shown as given
  }
  return `${account.email} · ${host}`;
}
