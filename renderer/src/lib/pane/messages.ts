/**
 * The message list of one conversation as plain data: merging pages and `messages:changed` events
 * by id, and grouping into days and sender runs for display. Every function returns a new array.
 */
import type { Events } from '../../../../app/ipc/contract.js';
import type { MessageView } from '../../../../app/ipc/views.js';
import { dayLabel, localDayKey } from './time.js';

/** Oldest first; equal times keep their order (the sort is stable). */
function byCreated(a: MessageView, b: MessageView): number {
  return a.created - b.created;
}

/** Adds or replaces messages by id, keeping the list oldest first. */
export function upsertMessages(current: readonly MessageView[], upserted: readonly MessageView[]): MessageView[] {
  if (upserted.length === 0) return [...current];
  const byId = new Map<string, MessageView>();
  for (const m of current) byId.set(m.id, m);
  for (const m of upserted) byId.set(m.id, m);
  return [...byId.values()].sort(byCreated);
}

/** Applies a `messages:changed` event (already known to be for this conversation). */
export function applyMessagesChanged(current: readonly MessageView[], change: Events['messages:changed']): MessageView[] {
  const removed = new Set(change.removed);
  const kept = change.cleared ? [] : current.filter((m) => !removed.has(m.id));
  // A message older than all those loaded (a reaction to it came in) joins when its page is loaded:
  // taken now it would sit alone above a gap.
  const oldest = change.cleared ? -Infinity : (current[0]?.created ?? -Infinity);
  const have = new Set(kept.map((m) => m.id));
  return upsertMessages(
    kept,
    change.upserted.filter((m) => !removed.has(m.id) && (have.has(m.id) || m.created >= oldest)),
  );
}

/**
 * Applies a `messages:changed` event to a run of messages that stops short of the latest (opened
 * at a search result). Removals and clears apply as usual; an upsert newer than the run is left
 * out, since taking it would leave a hole between the run and it: it comes with the newer pages.
 */
export function applyMessagesChangedToRange(current: readonly MessageView[], change: Events['messages:changed']): MessageView[] {
  if (change.cleared) return applyMessagesChanged(current, change);
  const newest = current.at(-1)?.created ?? -Infinity;
  const have = new Set(current.map((m) => m.id));
  return applyMessagesChanged(current, { ...change, upserted: change.upserted.filter((m) => have.has(m.id) || m.created <= newest) });
}

/**
 * The messages of a page fetched from the main process that join the list. Messages already in
 * the list win: they came from events that are newer than the page. Ids in `skip` (removed while
 * the page was on its way) stay out.
 */
function freshOf(current: readonly MessageView[], page: readonly MessageView[], skip: ReadonlySet<string>): MessageView[] {
  const have = new Set(current.map((m) => m.id));
  return page.filter((m) => !have.has(m.id) && !skip.has(m.id));
}

/** Puts an older page in front (see freshOf for who wins). */
export function prependOlder(current: readonly MessageView[], older: readonly MessageView[], skip: ReadonlySet<string> = new Set()): MessageView[] {
  return [...freshOf(current, older, skip), ...current].sort(byCreated);
}

/** Puts a newer page (scrolling down from a search result) after the list (see freshOf). */
export function appendNewer(current: readonly MessageView[], newer: readonly MessageView[], skip: ReadonlySet<string> = new Set()): MessageView[] {
  return [...current, ...freshOf(current, newer, skip)].sort(byCreated);
}

export type MessageRow = {
  message: MessageView;
  /** First of a run of messages from the same sender (on the same day): shows the sender's name. */
  startsRun: boolean;
};

export type DayGroup = { key: string; label: string; rows: MessageRow[]; chunks: Chunk[] };

/** A run of a day's messages drawn as one list, so hit-testing and painting skip whole runs. */
export type Chunk = { key: string; rows: MessageRow[] };

/**
 * Where a chunk starts: at about one message in 16, chosen by the message's own id, so chunks stay
 * the same as older pages arrive before them and new messages after them (a boundary by count
 * would move with every message and redraw the whole log); and after at most MAX_CHUNK rows.
 */
const MAX_CHUNK = 64;
const startsChunk = (id: string, length: number): boolean => length >= MAX_CHUNK || parseInt(id.slice(-1), 16) === 0;

/**
 * The same row object for the same message (view) and place in its run, from one grouping to the
 * next: a page of older messages then changes only what it adds, instead of handing each of the
 * thousands already shown a new row, which the log would then update one by one.
 */
const rows = new WeakMap<MessageView, { starts?: MessageRow; continues?: MessageRow }>();
function rowFor(message: MessageView, startsRun: boolean): MessageRow {
  let cached = rows.get(message);
  if (!cached) rows.set(message, (cached = {}));
  const slot = startsRun ? 'starts' : 'continues';
  return (cached[slot] ??= { message, startsRun });
}

/** Splits a list (oldest first) into local days, marking where each sender's run starts. */
export function groupByDay(messages: readonly MessageView[], now: number, locale?: string): DayGroup[] {
  const groups: DayGroup[] = [];
  let current: DayGroup | undefined;
  let previous: MessageView | undefined;
  for (const message of messages) {
    const key = localDayKey(message.created);
    if (!current || current.key !== key) {
      current = { key, label: dayLabel(message.created, now, locale), rows: [], chunks: [] };
      groups.push(current);
      previous = undefined;
    }
    const startsRun = !previous || previous.from !== message.from || previous.mine !== message.mine;
    const row = rowFor(message, startsRun);
    current.rows.push(row);
    const chunk = current.chunks.at(-1);
    if (!chunk || startsChunk(message.id, chunk.rows.length)) current.chunks.push({ key: message.id, rows: [row] });
    else chunk.rows.push(row);
    previous = message;
  }
  return groups;
}

/**
 * Where the "Unread messages" divider goes: before the first of the last `unread` messages from
 * others (one's own messages are never unread). Null when nothing is unread or none is loaded.
 */
export function firstUnreadId(messages: readonly MessageView[], unread: number): string | null {
  if (unread <= 0) return null;
  const others = messages.filter((m) => !m.mine);
  return others.at(-Math.min(unread, others.length))?.id ?? null;
}

/** How many messages from others `after` has that `before` did not (those that just arrived). */
export function countArrived(before: readonly MessageView[], after: readonly MessageView[]): number {
  const had = new Set(before.map((m) => m.id));
  return after.filter((m) => !m.mine && !had.has(m.id)).length;
}
