/**
 * What the window may do beyond showing the chat, as plain functions (tested under Node; wired in
 * security-handlers.ts and ipc-main.ts). The answer is no unless stated: the window never
 * navigates or opens windows, never gets a permission but notifications, and IPC is only answered
 * for our own page in our own window.
 */
import { isAppUrl } from './app-scheme.js';

/**
 * The URL to hand to the OS browser, normalised, or null. Only http(s) without credentials: other
 * schemes (file:, smb:, javascript:, custom protocol handlers) can run programs or leak hashes.
 */
export function externalLinkTarget(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length > 8192) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '' || url.hostname === '') return null;
  return url.href;
}

/** The one permission the page may have: showing notifications, and only for our own origin. */
export function isPermissionAllowed(permission: string, requestingUrl: string | undefined | null): boolean {
  return permission === 'notifications' && isAppUrl(requestingUrl);
}

/** The parts of an IPC event's sender that decide whether to answer it. */
export type SenderInfo = {
  /** `event.senderFrame?.url`; undefined when the frame is gone. */
  frameUrl: string | undefined;
  /** Whether the frame is its page's top frame (`senderFrame.parent === null`). */
  isMainFrame: boolean;
  /** `event.sender.id`. */
  webContentsId: number;
};

/**
 * True only for the main frame of our window's page on the app:// origin: never a subframe, never
 * another window or webContents, never a page that somehow got navigated elsewhere.
 */
export function isTrustedSender(sender: SenderInfo | null, windowWebContentsId: number | null): boolean {
  if (sender === null || windowWebContentsId === null) return false;
  return sender.webContentsId === windowWebContentsId && sender.isMainFrame && isAppUrl(sender.frameUrl);
}
