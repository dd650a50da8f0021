import type { ConversationView } from '../../../../app/ipc/views.js';
import { isNoColor } from '../../../../app/shared/rules.js';
import { readableTextColor } from './contrast.js';

/** What a row's marks say, read as the option's description ('' for none). */
export function marksText(c: ConversationView): string {
  const marks: string[] = [];
  if (c.pending) marks.push('Waiting to sync');
  if (c.muted) marks.push('Muted');
  if (c.unread > 0) marks.push(`${c.unread} unread`);
  return marks.join(', ');
}

/** The inline style of a coloured row ('' for none), with text that stays readable on it. */
export function rowStyle(c: ConversationView): string {
  // The server's default colour means "no colour", so the row follows the theme.
  if (isNoColor(c.color)) return '';
  const text = readableTextColor(c.color);
  return text ? `background-color: ${c.color}; color: ${text};` : '';
}
