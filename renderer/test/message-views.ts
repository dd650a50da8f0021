/** Message views for the pane's component tests: numbered, UUID-shaped ids, from Bob unless told, without a file. */
import type { FileView, MessageView } from '../../app/ipc/views.js';
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
    file: null,
    ...over,
  };
}

/** A file in a message: report.pdf (1.2 MB), on the server, not on this device yet, unless told. */
export function fileView(over: Partial<FileView> = {}): FileView {
  return {
    name: 'report.pdf',
    size: 1_234_567,
    type: 'application/pdf',
    image: null,
    state: 'ready',
    local: false,
    progress: null,
    error: null,
    ...over,
  };
}
