/**
 * Reads newly stored messages for what they do to others (profile: reactions, edits, deletes;
 * protocol/profile/rich-messages.ts), once each: decrypted, and recorded in the store's effects
 * table, so a page finds its message's reactions and edits with one query. Called for a
 * conversation before its messages are shown or summarised (cheap when nothing waits: one indexed
 * probe), so an effect never shows as a message of its own.
 */
import { readRich } from '../../../protocol/index.js';
import type { Sessions } from '../session/session.js';
import type { LocalStore } from '../store/local-store.js';
import type { StoredEffect } from '../store/rich-table.js';

/** Messages read per transaction. */
const BATCH = 500;

export class RichEffects {
  constructor(
    private readonly sessions: Sessions,
    private readonly store: LocalStore,
  ) {}

  /**
   * Reads what waits in a conversation (up to `limit` messages); answers the ids of the messages
   * whose view changed (the targets of the effects found), for the window to be told.
   */
  absorb(conversationId: string, limit = 20_000): Set<string> {
    const changed = new Set<string>();
    const session = this.sessions.current;
    if (!session || this.store.closed || !this.store.rich.hasUnread(conversationId)) return changed;
    const conversation = this.store.conversation(conversationId);
    if (!conversation) return changed;
    for (let done = 0; done < limit;) {
      const unread = this.store.rich.unread(conversationId, Math.min(BATCH, limit - done));
      if (unread.length === 0) break;
      const read = unread.map(({ id, created, seq, message }) => {
        let effect: Omit<StoredEffect, 'sourceId'> | null = null;
        let fileId: string | undefined;
        if (message) {
          try {
            const body = session.keyring.openMessage(conversation, message.Data);
            const rich = readRich(body);
            if (rich.kind === 'text') fileId = rich.file?.id;
            else {
              effect = {
                targetId: rich.target,
                kind: rich.kind,
                sender: body.from,
                created,
                seq,
                value: rich.kind === 'react' ? rich.emoji : rich.kind === 'edit' ? rich.text : '',
                on: rich.kind === 'react' ? rich.on : true,
              };
              changed.add(rich.target);
            }
          } catch {
            // Not readable here: shown as a message that cannot be decrypted, affecting nothing.
          }
        }
        return { id, effect, fileId };
      });
      this.store.rich.record(conversationId, read);
      done += unread.length;
      if (unread.length < BATCH) break;
    }
    return changed;
  }
}
