import type { MessageView, Reaction, ReplyQuote } from '../../../../app/ipc/views.js';

/** What a deleted message (or a quote of one) says instead of its text. */
export const DELETED_TEXT = 'This message was deleted';

/** Quotes and the reply bar show this many characters of a message at most. */
export const EXCERPT_CHARS = 100;

/** A message's text on one line and cut short, for a quote or the reply bar. */
export function excerptOf(text: string | null, max = EXCERPT_CHARS): string {
  if (text === null) return DELETED_TEXT;
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

/** Whether a message can be replied to, reacted to, edited or deleted: not one that is deleted or unreadable. */
export function canAct(message: MessageView): boolean {
  return !message.deleted && message.text !== null;
}

/** Whether the user may edit or delete a message: only their own, and only while there is something to change. */
export function canChange(message: MessageView): boolean {
  return message.mine && canAct(message);
}

/**
 * The message the Up arrow in an empty composer edits: the user's newest that can still be changed
 * and has words to fix (a file sent without a caption has none; its menu still offers Edit).
 */
export function lastEditable(messages: readonly MessageView[]): MessageView | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as MessageView;
    if (canChange(message) && !(message.file && !message.text)) return message;
  }
  return null;
}

/** A reaction chip's name: the emoji, how many, and who ("👍 2: You, Bob Brown"). */
export function reactionLabel(reaction: Reaction): string {
  const who = reaction.names.length > 0 ? `: ${reaction.names.join(', ')}` : '';
  return `${reaction.emoji} ${reaction.count}${who}`;
}

/** Who wrote the quoted message, as the quote shows it. */
export function quotedSender(quote: ReplyQuote): string {
  return quote.mine ? 'You' : quote.fromName || 'Unknown';
}

/** The quote button's name, which says what clicking it does. */
export function quoteButtonLabel(quote: ReplyQuote): string {
  const whose = quote.mine ? 'your message' : `the message from ${quotedSender(quote)}`;
  return `Show ${whose}: ${quote.excerpt ?? DELETED_TEXT}`;
}

/** When a message was last edited, for the title of its "edited" mark. */
export function editedTitle(editedAt: number): string {
  return `Edited ${new Date(editedAt).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' })}`;
}
