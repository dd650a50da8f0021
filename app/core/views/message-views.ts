/**
 * Messages as the user sees them: decrypted, with their sender's name, and a state from the outbox
 * (pending) and the reports other participants made (delivered, viewed).
 */
import {
  fileFallbackText,
  parseTimestamp,
  readRich,
  type Conversation,
  type FileAttachment,
  type Message,
  type Report,
  type RichMessage,
} from '../../../protocol/index.js';
import { captionOf, fileView, type FileStatus } from '../files/file-views.js';
import type { MessageState, MessageView, ReplyQuote } from '../../ipc/views.js';
import type { Keyring } from '../crypto/keyring.js';
import { richState, type Effect } from './rich-views.js';

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

/** A message decrypted once: who wrote it and what it means (null: it cannot be decrypted here). */
export type OpenedMessage = { message: Message; from: string; rich: RichMessage | null; fallback: string };

export function openMessages(messages: readonly Message[], conversation: Conversation, keyring: Keyring): OpenedMessage[] {
  return messages.map((message) => {
    try {
      const body = keyring.openMessage(conversation, message.Data);
      return { message, from: body.from, rich: readRich(body), fallback: body.text };
    } catch {
      // Shown as "cannot be decrypted" rather than failing the whole list.
      return { message, from: '', rich: null, fallback: '' };
    }
  });
}

export function senderName(from: string, conversation: Conversation, names: Record<string, string>): string {
  return names[from] ?? conversation.participants.find((p) => p.userid === from)?.username ?? (from ? 'Unknown' : '');
}

export function messageView(
  opened: OpenedMessage,
  conversation: Conversation,
  ctx: {
    me: string;
    names: Record<string, string>;
    receipts: Map<string, 'delivered' | 'viewed'>;
    pending: boolean;
    /** Reactions, edits and deletes naming this message, in the order made. */
    effects: readonly Effect[];
    replyTo: ReplyQuote | null;
    fileStatus?: FileStatusOf;
  },
): MessageView {
  const { message, from } = opened;
  // An effect is never meant to be shown; if one ever is, its plain `text` reads sensibly.
  const attached = opened.rich?.kind === 'text' ? opened.rich.file : null;
  let text = opened.rich === null ? null : opened.rich.kind === 'text' ? opened.rich.text : opened.fallback;
  // A file message's text is its fallback line for other clients; here the file shows instead.
  if (attached && text !== null) text = captionOf(text, fileFallbackText(attached.name, attached.size));
  const rich = richState(text, from, ctx.effects, ctx);
  const mine = from === ctx.me;
  let state: MessageState = 'sent';
  if (ctx.pending) state = 'pending';
  else if (mine) state = ctx.receipts.get(message.ID) ?? 'sent';
  return {
    id: message.ID,
    conversationId: conversation.id,
    from,
    fromName: senderName(from, conversation, ctx.names),
    mine,
    text: rich.text,
    created: parseTimestamp(message.Created) ?? 0,
    validUntil: parseTimestamp(message.ValidUntil) ?? 0,
    state,
    replyTo: rich.deleted ? null : ctx.replyTo,
    reactions: rich.reactions,
    editedAt: rich.editedAt,
    deleted: rich.deleted,
    file: attached && !rich.deleted ? fileView(attached, (ctx.fileStatus ?? noStatus)(attached, ctx.pending)) : null,
  };
}

/** Where a message's file stands on this device (the files service knows). */
export type FileStatusOf = (file: FileAttachment, pending: boolean) => FileStatus;
const noStatus: FileStatusOf = () => ({ uploading: false, local: false, progress: null, error: null });
