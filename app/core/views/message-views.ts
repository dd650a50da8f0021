/**
 * Messages as the user sees them: decrypted, with their sender's name, and a state from the outbox
 * (pending) and the reports other participants made (delivered, viewed).
 */
import { parseTimestamp, type Conversation, type Message, type Report } from '../../../protocol/index.js';
import type { MessageState, MessageView } from '../../ipc/views.js';
import type { Keyring } from '../crypto/keyring.js';

/** For each message id, the best state other participants reported. */
export function receiptStates(reports: readonly Report[], me: string): Map<string, 'delivered' | 'viewed'> {
  const states = new Map<string, 'delivered' | 'viewed'>();
  for (const report of reports) {
    const by = (report as { UserID?: unknown }).UserID;
    const ids = (report as { MessageIDs?: unknown }).MessageIDs;
    if (by === me || !Array.isArray(ids)) continue;
    for (const id of ids) {
      if (typeof id !== 'string') continue;
      if (report.Type === 'viewed') states.set(id, 'viewed');
      else if (report.Type === 'delivered' && states.get(id) !== 'viewed') states.set(id, 'delivered');
    }
  }
  return states;
}

/** The ids of the messages this user reported as viewed (from any of their devices). */
export function ownViewed(reports: readonly Report[], me: string): Set<string> {
  const viewed = new Set<string>();
  for (const report of reports) {
    const ids = (report as { MessageIDs?: unknown }).MessageIDs;
    if (report.Type !== 'viewed' || (report as { UserID?: unknown }).UserID !== me || !Array.isArray(ids)) continue;
    for (const id of ids) if (typeof id === 'string') viewed.add(id);
  }
  return viewed;
}

export function messageView(
  message: Message,
  conversation: Conversation,
  keyring: Keyring,
  ctx: { me: string; names: Record<string, string>; receipts: Map<string, 'delivered' | 'viewed'>; pending: boolean },
): MessageView {
  let text: string | null = null;
  let from = '';
  try {
    const body = keyring.openMessage(conversation, message.Data);
    text = body.text;
    from = body.from;
  } catch {
    // Shown as "cannot be decrypted" rather than failing the whole list.
  }
  const mine = from === ctx.me;
  let state: MessageState = 'sent';
  if (ctx.pending) state = 'pending';
  else if (mine) state = ctx.receipts.get(message.ID) ?? 'sent';
  return {
    id: message.ID,
    conversationId: conversation.id,
    from,
    fromName: ctx.names[from] ?? conversation.participants.find((p) => p.userid === from)?.username ?? (from ? 'Unknown' : ''),
    mine,
    text,
    created: parseTimestamp(message.Created) ?? 0,
    validUntil: parseTimestamp(message.ValidUntil) ?? 0,
    state,
  };
}
