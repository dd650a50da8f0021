import type { Events } from '../../../app/ipc/contract.js';
import type { ConversationView } from '../../../app/ipc/views.js';
// The list order is the main process's own (favourites, latest activity, id): the snapshot arrives sorted.
import { compareForList } from '../../../app/shared/rules.js';

function inListOrder(list: readonly ConversationView[]): boolean {
  for (let i = 1; i < list.length; i++) if (compareForList(list[i - 1]!, list[i]!) > 0) return false;
  return true;
}

/** `list` in list order: as it is when it already is (the usual case, checked in one pass), else a sorted copy. */
export function sortForList(list: readonly ConversationView[]): ConversationView[] {
  return inListOrder(list) ? [...list] : [...list].sort(compareForList);
}

/** The conversations the list shows (not hidden ones), in list order. */
export function visibleConversations(all: readonly ConversationView[]): ConversationView[] {
  return sortForList(all.filter((c) => !c.hidden));
}

/**
 * Applies a `conversations:changed` event to a list in list order: upserts replace by id, removed
 * ids go, and the result (a new array) is in list order too. The changed rows are merged in rather
 * than the whole list sorted again: with 10,000 conversations a favourite must show within a frame.
 */
export function applyConversationsChanged(current: readonly ConversationView[], change: Events['conversations:changed']): ConversationView[] {
  const removed = new Set(change.removed);
  const upserted = new Map<string, ConversationView>();
  for (const c of change.upserted) if (!removed.has(c.id)) upserted.set(c.id, c);
  const incoming = [...upserted.values()].sort(compareForList);
  const next: ConversationView[] = [];
  let i = 0;
  for (const c of current) {
    if (removed.has(c.id) || upserted.has(c.id)) continue;
    while (i < incoming.length && compareForList(incoming[i]!, c) < 0) next.push(incoming[i++]!);
    next.push(c);
  }
  while (i < incoming.length) next.push(incoming[i++]!);
  return next;
}

/** Case- and accent-insensitive name filter; an empty query keeps everything. */
export function filterByName(list: readonly ConversationView[], query: string): ConversationView[] {
  const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
  const q = fold(query.trim());
  if (!q) return [...list];
  return list.filter((c) => fold(c.name).includes(q));
}
