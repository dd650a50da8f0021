/**
 * Unsent text per conversation. The window keeps it as you type and switch conversations; the
 * main process keeps it across restarts (`drafts:get` / `drafts:set`, inside the encrypted local
 * database), written a moment after typing stops rather than per key.
 */
const drafts = new Map<string, string>();
const unsaved = new Map<string, ReturnType<typeof setTimeout>>();
const SAVE_AFTER_MS = 400;
/** The account the drafts are typed in: saved to it even once another is on screen. */
let account: string | undefined;

/** The window shows this account now (App, from each snapshot). */
export function draftsAccount(id: string | null): void {
  account = id ?? undefined;
}

export function draftFor(conversationId: string): string {
  return drafts.get(conversationId) ?? '';
}

export function keepDraft(conversationId: string, text: string): void {
  if (text.trim() === '') drafts.delete(conversationId);
  else drafts.set(conversationId, text);
  clearTimeout(unsaved.get(conversationId));
  unsaved.set(
    conversationId,
    setTimeout(() => save(conversationId), SAVE_AFTER_MS),
  );
}

function save(conversationId: string): void {
  unsaved.delete(conversationId);
  // A draft that cannot be kept (the conversation is gone) is only lost from the next launch.
  const text = drafts.get(conversationId) ?? '';
  const reply =
    account === undefined ? window.ozeki.invoke('drafts:set', conversationId, text) : window.ozeki.invoke('drafts:set', conversationId, text, account);
  void reply.catch(() => {});
}

/** Writes what is still waiting (the window is closing). */
export function saveDraftsNow(): void {
  for (const [conversationId, timer] of unsaved) {
    clearTimeout(timer);
    save(conversationId);
  }
}

/** The drafts the main process kept from earlier; what was typed since stays. */
export async function loadDrafts(): Promise<void> {
  const reply = await window.ozeki.invoke('drafts:get').catch(() => null);
  if (!reply?.ok) return;
  for (const [conversationId, text] of Object.entries(reply.value)) {
    if (!drafts.has(conversationId) && !unsaved.has(conversationId)) drafts.set(conversationId, text);
  }
}

/** Signing out forgets every draft in the window (the main process forgets its copies). */
export function forgetDrafts(): void {
  for (const timer of unsaved.values()) clearTimeout(timer);
  unsaved.clear();
  drafts.clear();
}
