/**
 * Drafts: what the user typed and has not sent, per conversation in the local store (in the clear
 * inside the encrypted database; an earlier version's sealed drafts are opened as they are read).
 */
import type { Sessions } from '../session/session.js';
import type { LocalStore } from '../store/local-store.js';
import type { Conversations } from './conversations.js';

export class Drafts {
  constructor(
    private readonly sessions: Sessions,
    private readonly store: LocalStore,
    private readonly conversations: Conversations,
  ) {}

  /** The drafts that still open; one that does not (its conversation gone or re-keyed) is dropped. */
  all(): Record<string, string> {
    const session = this.sessions.require();
    const out: Record<string, string> = {};
    for (const { conversationId, text, sealed } of this.store.drafts()) {
      try {
        const conversation = this.conversations.get(conversationId);
        out[conversationId] = text ?? session.keyring.openDraft(conversation, sealed);
      } catch {
        this.store.putDraft(conversationId, null);
      }
    }
    return out;
  }

  keep(conversationId: string, text: string): void {
    this.sessions.require();
    // Only for a conversation there is (this throws not-found otherwise).
    this.conversations.get(conversationId);
    this.store.putDraft(conversationId, text.trim() === '' ? null : text);
  }
}
