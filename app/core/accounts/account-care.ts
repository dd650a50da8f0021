/**
 * Two things the accounts registry does for the desktop around the window, kept out of its class:
 * routing an `ozekichat://` link to its account and conversation, and clearing what this device
 * keeps of an account (Settings, Privacy) without losing what the user did.
 */
import { CoreError } from '../errors.js';
import { parseDeepLink } from '../desktop/deep-link.js';

export type ClearResult = { cleared: true } | { cleared: false; unsent: number };

/** What of an account's service clearing needs. */
type Clearable = { readonly unsentCount: number; syncNow(): Promise<void> };

/**
 * Sends the account's unsent changes first; when some cannot be sent (offline, or refused), nothing
 * is removed unless the user chose to drop them, and the answer says how many there are so the
 * window can ask. `clearAndReopen` removes the local copy and opens the account again.
 */
export async function clearLocalData(service: Clearable, discardUnsent: boolean, clearAndReopen: () => Promise<void>): Promise<ClearResult> {
  if (service.unsentCount > 0) {
    // Offline it fails at once: the count below says what is left.
    await service.syncNow().catch(() => {});
  }
  const unsent = service.unsentCount;
  if (unsent > 0 && !discardUnsent) return { cleared: false, unsent };
  await clearAndReopen();
  return { cleared: true };
}

/** What of the registry a link needs. */
type LinkTarget = {
  list(): { id: string; email: string; service: { unreadCounted(): Map<string, number> } }[];
  switchTo(accountId: string): void;
  openConversation(accountId: string, conversationId: string): void;
};

/**
 * Opens a link: its account on screen, and its conversation when it names one. A link that is not
 * one of ours, names no account signed in here or a conversation that account does not have is
 * refused with a reason the user can act on; nothing changes on screen then.
 */
export function routeLink(registry: LinkTarget, url: string): void {
  const parsed = parseDeepLink(url);
  if (!parsed.ok) throw new CoreError('invalid-argument', `That link cannot be opened: ${parsed.reason}`);
  const { account: email, conversationId } = parsed.link;
  const account = registry.list().find((a) => a.email.toLowerCase() === email);
  if (!account) throw new CoreError('not-found', `That link is for ${email}, which is not signed in here. Add the account, then open the link again.`);
  if (conversationId === null) {
    registry.switchTo(account.id);
    return;
  }
  // Every conversation of the account is in this map (muted and hidden ones count 0).
  if (!account.service.unreadCounted().has(conversationId)) {
    throw new CoreError('not-found', `That link is for a conversation ${email} does not have on this device.`);
  }
  registry.openConversation(account.id, conversationId);
}
