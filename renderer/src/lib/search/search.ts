/**
 * Message search as plain data: the request for what the user typed and chose, the days of the
 * date filters as instants, the results in the order they are shown, their words for the eye and
 * for screen readers, the keys of the result list, and the shortcut that opens the panel.
 */
import type { SearchRequest } from '../../../../app/ipc/contract.js';
import type { SearchGroup, SearchHit } from '../../../../app/ipc/views.js';
import { isMac } from '../accounts/accounts.js';
import { localDayKey, timeOfDay } from '../pane/time.js';

/** How long typing must pause before a query goes out, in milliseconds. */
export const SEARCH_DELAY_MS = 150;
/** Results asked for: a panel's worth; more words or a filter narrow it down. */
export const RESULT_LIMIT = 100;
/** The contract takes at most this many characters. */
export const MAX_QUERY_CHARS = 200;

/** The filters as their controls hold them: '' is "any"; dates are `YYYY-MM-DD` (an `<input type="date">`'s value). */
export type SearchFilters = { conversationId: string; sender: string; from: string; until: string };
export const NO_FILTERS: Readonly<SearchFilters> = { conversationId: '', sender: '', from: '', until: '' };

/** Epoch milliseconds the contract accepts. */
const MAX_EPOCH_MS = 8.64e15;

/** Local midnight at the start of a `YYYY-MM-DD` day, `plusDays` later; undefined for no (or no valid) date. */
function localMidnight(date: string, plusDays = 0): number | undefined {
  const parts = /^(\d{4,})-(\d{2})-(\d{2})$/.exec(date);
  if (!parts) return undefined;
  // setFullYear, not the constructor: that one reads years below 100 as 19xx.
  const d = new Date(0);
  d.setFullYear(Number(parts[1]), Number(parts[2]) - 1, Number(parts[3]) + plusDays);
  d.setHours(0, 0, 0, 0);
  const ms = d.getTime();
  return Number.isNaN(ms) ? undefined : Math.min(MAX_EPOCH_MS, Math.max(0, ms));
}

/** The request for the text and filters, or null when there is nothing to search for. */
export function searchRequest(text: string, filters: SearchFilters, limit = RESULT_LIMIT): SearchRequest | null {
  const words = text.trim().slice(0, MAX_QUERY_CHARS).trim();
  if (!words) return null;
  const request: SearchRequest = { text: words, limit };
  if (filters.conversationId) request.conversationId = filters.conversationId;
  if (filters.sender) request.sender = filters.sender;
  const from = localMidnight(filters.from);
  if (from !== undefined) request.from = from;
  // "Until" includes the day chosen; the contract's `until` is exclusive: the next day's midnight.
  const until = localMidnight(filters.until, 1);
  if (until !== undefined) request.until = until;
  return request;
}

export function filtersInUse(filters: SearchFilters): boolean {
  return filters.conversationId !== '' || filters.sender !== '' || filters.from !== '' || filters.until !== '';
}

/** Every hit, in the order the panel shows them (group by group). */
export function hitsInOrder(groups: readonly SearchGroup[]): SearchHit[] {
  return groups.flatMap((g) => g.hits);
}

/** A hit's text as one string (its segments are plain text already). */
export function hitText(hit: SearchHit): string {
  return hit.segments.map((s) => s.text).join('');
}

/** When a hit was written, short: the time today, "Yesterday", the day this year, the date before. */
export function shortWhen(ms: number, now: number, locale?: string): string {
  const day = localDayKey(ms);
  if (day === localDayKey(now)) return timeOfDay(ms, locale);
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (day === localDayKey(yesterday.getTime())) return 'Yesterday';
  const sameYear = new Date(ms).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }) }).format(ms);
}

/** When a hit was written, in full (its tooltip and what a screen reader says). */
export function fullWhen(ms: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

/**
 * A result's accessible name: what it shows, in the order it shows it (who, when, what), so that
 * voice control can name it by what is on screen; then where and, in full, when.
 */
export function hitLabel(conversationName: string, hit: SearchHit, now: number, locale?: string): string {
  return `${hit.fromName} ${shortWhen(hit.created, now, locale)} ${hitText(hit) || 'No text'}, in ${conversationName}, ${fullWhen(hit.created, locale)}`;
}

/** What a key pressed in the result list asks for. */
export type ResultCommand = { kind: 'move'; index: number } | { kind: 'open' } | { kind: 'back' };

/** The command for a key in the result list, with result `at` active (-1 for none) of `count`; null when the key is not the list's. */
export function resultCommand(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>, at: number, count: number): ResultCommand | null {
  if (event.ctrlKey || event.metaKey || event.altKey || count === 0) return null;
  switch (event.key) {
    case 'ArrowDown':
      return { kind: 'move', index: at < 0 ? 0 : Math.min(count - 1, at + 1) };
    case 'ArrowUp':
      // Up from the first result goes back to the search box, where the query is edited.
      return at <= 0 ? { kind: 'back' } : { kind: 'move', index: at - 1 };
    case 'Home':
      return { kind: 'move', index: 0 };
    case 'End':
      return { kind: 'move', index: count - 1 };
    case 'Enter':
    case ' ':
      return at < 0 ? null : { kind: 'open' };
    default:
      return null;
  }
}

/** Ctrl+Shift+F (⌘⇧F on macOS) opens message search from anywhere in the window. */
export function isSearchShortcut(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): boolean {
  const mac = isMac();
  const modifier = mac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
  return modifier && event.shiftKey && !event.altKey && event.key.toLowerCase() === 'f';
}

/** The shortcut as the platform writes it. */
export function searchShortcutText(): string {
  return isMac() ? '⌘⇧F' : 'Ctrl+Shift+F';
}
