/**
 * What a conversation list row shows and says: its colour, the time of its newest message, the
 * preview of that message, the unread badge, and the sentence screen readers get as the option's
 * description. Pure functions (`now` and an optional locale are passed in), so they are easy to
 * test and cheap enough to run for each rendered row.
 */
import type { Availability, ConversationView } from '../../../../app/ipc/views.js';
import { isNoColor } from '../../../../app/shared/rules.js';
import { PRESENCE_LABELS } from '../friends/presence.js';
import { DAY_MS } from '../pane/time.js';
import { readableTextColor } from './contrast.js';

/**
 * The inline style of a coloured row ('' for none), with text that stays readable on it. It also
 * sets `--row-bg`, for what is drawn in the row's colour (the ring around the presence dot).
 */
export function rowStyle(c: ConversationView): string {
  // The server's default colour means "no colour", so the row follows the theme.
  if (isNoColor(c.color)) return '';
  const text = readableTextColor(c.color);
  return text ? `background-color: ${c.color}; color: ${text}; --row-bg: ${c.color};` : '';
}

/** The unread badge: the count, or "99+" past 99 (the description still says the real number). */
export function badgeText(unread: number): string {
  return unread > 99 ? '99+' : String(unread);
}

type TimeStyle = 'time' | 'weekday' | 'day-month' | 'date';
const TIME_STYLES: Record<TimeStyle, Intl.DateTimeFormatOptions> = {
  time: { hour: 'numeric', minute: '2-digit' },
  weekday: { weekday: 'short' },
  'day-month': { month: 'short', day: 'numeric' },
  date: { year: '2-digit', month: '2-digit', day: '2-digit' },
};

// Formatters are costly to build (more than the rest of a row), and the rows in view are
// re-rendered on every scroll step: one per locale and style, kept.
const formatters = new Map<string, Intl.DateTimeFormat>();

function format(ms: number, style: TimeStyle, locale: string | undefined): string {
  const key = `${locale ?? ''}|${style}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, TIME_STYLES[style]);
    formatters.set(key, formatter);
  }
  return formatter.format(ms);
}

/**
 * Makes the formatters for times of today and of this week now. The first one costs 4 to 12 ms in
 * Chromium: called while the snapshot is on its way, that is time the window would spend waiting
 * anyway, not on the list's first paint.
 */
export function warmListTimes(locale?: string): void {
  const now = Date.now();
  format(now, 'time', locale);
  format(now, 'weekday', locale);
}

/** Local calendar days from `earlier` to `later` (0 on the same day), daylight-saving safe. */
function calendarDaysBetween(earlier: number, later: number): number {
  const a = new Date(earlier);
  const b = new Date(later);
  return Math.round((Date.UTC(b.getFullYear(), b.getMonth(), b.getDate()) - Date.UTC(a.getFullYear(), a.getMonth(), a.getDate())) / DAY_MS);
}

/**
 * When a row's newest message was written, as chat lists put it: the time today ("2:52 PM" or
 * "14:52"), the weekday within the last six days ("Tue": never today's weekday, so never
 * ambiguous), the day and month earlier this year ("Mar 4", "4 Mar"), else the date ("12/03/24").
 * A time on a later day than `now` (a clock that is behind) gets its date.
 */
export function listTime(ms: number, now: number, locale?: string): string {
  const days = calendarDaysBetween(ms, now);
  if (days === 0) return format(ms, 'time', locale);
  if (days > 0 && days < 7) return format(ms, 'weekday', locale);
  const sameYear = new Date(ms).getFullYear() === new Date(now).getFullYear();
  return format(ms, sameYear && days > 0 ? 'day-month' : 'date', locale);
}

/** The second line of a row: who wrote the newest message (if it is said) and what it says. */
export type Preview = {
  /** "You" for the user's own messages, the sender's name in groups, else null. */
  sender: string | null;
  text: string;
  /** Shown muted and in italics when there is no readable message. */
  kind: 'text' | 'undecryptable' | 'empty';
};

export const NO_MESSAGES = 'No messages yet';
export const UNDECRYPTABLE = 'Message cannot be decrypted';

export function previewOf(c: ConversationView): Preview {
  const last = c.last;
  if (!last) return { sender: null, text: NO_MESSAGES, kind: 'empty' };
  // In a 1:1 conversation the other person's messages need no name: the row is named after them.
  const sender = last.mine ? 'You' : c.isGroup && last.fromName ? last.fromName : null;
  return last.text === null ? { sender, text: UNDECRYPTABLE, kind: 'undecryptable' } : { sender, text: last.text, kind: 'text' };
}

/** The preview as one phrase: "Bob: see you at 8". */
export function previewSentence(preview: Preview): string {
  return preview.sender ? `${preview.sender}: ${preview.text}` : preview.text;
}

export type DescriptionContext = {
  now: number;
  /** The other person's availability in a 1:1 conversation, when known. */
  presence?: Availability | null;
  locale?: string;
};

/** Parts joined with ". ", without doubling the stop after one that already ends a sentence. */
function sentences(parts: readonly string[]): string {
  return parts.reduce((out, part) => (out === '' ? part : `${out}${/[.!?…]$/u.test(out) ? ' ' : '. '}${part}`), '');
}

/**
 * What a row says to screen readers as its option's description, in the order the eye reads the
 * row (the option's name is the conversation's name alone): "3 unread. Bob: see you at 8. 2:52 PM.
 * Available. Muted. Waiting to sync". Never empty: a row always has a preview line.
 */
export function rowDescription(c: ConversationView, { now, presence = null, locale }: DescriptionContext): string {
  const parts: string[] = [];
  if (c.unread > 0) parts.push(`${c.unread} unread`);
  parts.push(previewSentence(previewOf(c)));
  if (c.last) parts.push(listTime(c.last.created, now, locale));
  if (!c.isGroup && presence) parts.push(PRESENCE_LABELS[presence]);
  if (c.muted) parts.push('Muted');
  if (c.pending) parts.push('Waiting to sync');
  return sentences(parts);
}
