/**
 * Drafts: what the user typed and has not sent, sealed per conversation in the local store.
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
    for (const { conversationId, sealed } of this.store.drafts()) {
      try {
        out[conversationId] = session.keyring.openDraft(this.conversations.get(conversationId), sealed);
      } catch {
        this.store.putDraft(conversationId, null);
      }
    }
    return out;
  }

  keep(conversationId: string, text: string): void {
    const session = this.sessions.require();
    const conversation = this.conversations.get(conversationId);
    if (text.trim() === '') return this.store.putDraft(conversationId, null);
    this.store.putDraft(conversationId, session.keyring.sealDraft(conversation, text));
  }
}
