/**
 * What a list row says about a conversation's messages: how many are unread, and the newest one
 * the user can see (its preview). Both come from one walk over the newest cached messages, newest
 * first (unread: from others, newer than the viewed mark and than the user's own newest message),
 * so a row costs one query and (usually) one decryption, and only when its newest message
 * or its viewed mark moved: conversations.ts caches the result.
 */
import { parseTimestamp, type Conversation, type Message } from '../../../protocol/index.js';
import type { LastMessage } from '../../ipc/views.js';
import type { Keyring } from '../crypto/keyring.js';

/** Messages counted at most: a conversation with more unread shows this many (the badge says 99+ anyway). */
export const UNREAD_SCAN = 100;
/** A preview is cut to about this many characters; the row shows one line of it. */
export const PREVIEW_CHARS = 120;

export type ConversationSummary = { unread: number; last: LastMessage | null };

export type SummaryInput = {
  conversation: Conversation;
  /** The newest cached messages, newest first, at most `limit` (read only as far as needed). */
  newest: (limit: number) => readonly Message[];
  /** Sends still in the outbox, oldest first (after the last pending clear, if any). */
  pendingSends: readonly Message[];
  /** A clear is still on its way: the cached messages are gone for the user already. */
  clearPending: boolean;
  /** Epoch ms of the newest message the user has viewed. */
  viewedAt: number;
  /** The viewed mark as these messages move it (the user's own viewed reports from other devices). */
  viewedUpTo?: (messages: readonly Message[]) => number;
  keyring: Keyring;
  me: string;
  names: Record<string, string>;
  /** The message's text as edits and deletes left it (profile), or null when it was deleted. */
  currentText?: (message: Message, from: string, text: string) => string | null;
};

/** A deleted message's preview. */
export const DELETED_PREVIEW = 'This message was deleted';

/** One line of a message's text, cut short at a character boundary (never inside a surrogate pair). */
export function previewText(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= PREVIEW_CHARS) return line;
  const chars = Array.from(line);
  return chars.length <= PREVIEW_CHARS
    ? line
    : `${chars
        .slice(0, PREVIEW_CHARS - 1)
        .join('')
        .trimEnd()}…`;
}

function opened(input: SummaryInput, message: Message): { from: string; text: string | null } {
  try {
    const body = input.keyring.openMessage(input.conversation, message.Data);
    return { from: body.from, text: body.text };
  } catch {
    return { from: '', text: null };
  }
}

function lastMessage(input: SummaryInput, message: Message, body: { from: string; text: string | null }): LastMessage {
  const { conversation, me, names } = input;
  const from = body.from;
  return {
    fromName: from ? (names[from] ?? conversation.participants.find((p) => p.userid === from)?.username ?? 'Unknown') : '',
    mine: from !== '' && from === me,
    text: body.text === null ? null : previewText(input.currentText ? (input.currentText(message, from, body.text) ?? DELETED_PREVIEW) : body.text),
    created: parseTimestamp(message.Created) ?? 0,
  };
}

export function summarize(input: SummaryInput): ConversationSummary {
  const newestSend = input.pendingSends.at(-1);
  // The user wrote last: nothing before it is unread.
  if (newestSend) return { unread: 0, last: lastMessage(input, newestSend, opened(input, newestSend)) };
  if (input.clearPending) return { unread: 0, last: null };
  const [first] = input.newest(1);
  if (!first) return { unread: 0, last: null };
  const firstBody = opened(input, first);
  const last = lastMessage(input, first, firstBody);
  // Most rows end here: one message read, one decrypted.
  if (firstBody.from === input.me || last.created <= input.viewedAt) return { unread: 0, last };
  const page = input.newest(UNREAD_SCAN);
  const viewedAt = input.viewedUpTo?.(page) ?? input.viewedAt;
  let unread = 0;
  for (const m of page) {
    if ((parseTimestamp(m.Created) ?? 0) <= viewedAt) break;
    const body = m.ID === first.ID ? firstBody : opened(input, m);
    // The user wrote after them: what came before was read (on whatever device it was written).
    if (body.from === input.me) break;
    // One that cannot be decrypted counts: it is news the user has not seen either.
    unread++;
  }
  return { unread, last };
}
