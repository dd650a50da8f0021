/** Message views for the pane's component tests: numbered, UUID-shaped ids, from Bob unless told. */
import type { MessageView } from '../../app/ipc/views.js';
import { DAY_MS } from '../src/lib/pane/time.js';

export const BOB_ID = 'b'.repeat(32);
export const ME_ID = 'a'.repeat(32);

/** A UUID-shaped id, as the contract wants, numbered for readability. */
export const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Message `n` of a conversation, from Bob, sent at `created`, disappearing 30 days later. */
export function messageView(conversationId: string, n: number, created: number, over: Partial<MessageView> = {}): MessageView {
  return {
    id: uuid(n),
    conversationId,
    from: BOB_ID,
    fromName: 'Bob Brown',
    mine: false,
    text: `message ${n}`,
    created,
    validUntil: created + 30 * DAY_MS,
    state: 'sent',
    replyTo: null,
    reactions: [],
    editedAt: 0,
    deleted: false,
    ...over,
  };
}
