/**
 * Unsent text per conversation, kept while the window is open: switching to another conversation
 * and back gives the draft back. Kept in the window only; a draft is not a message the main
 * process has to keep safe, and it never leaves this page.
 */
const drafts = new Map<string, string>();

export function draftFor(conversationId: string): string {
  return drafts.get(conversationId) ?? '';
}

export function keepDraft(conversationId: string, text: string): void {
  if (text.trim() === '') drafts.delete(conversationId);
  else drafts.set(conversationId, text);
}

/** Signing out forgets every draft. */
export function forgetDrafts(): void {
  drafts.clear();
}
