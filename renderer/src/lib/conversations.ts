import type { Events } from '../../../app/ipc/contract.js';
import type { ConversationView } from '../../../app/ipc/views.js';

/** The order of the list: favourites first, then the most recent activity first, then by name. */
export function byListOrder(a: ConversationView, b: ConversationView): number {
  if (a.favorite !== b.favorite) return a.favorite ? -1 : 1;
  if (a.lastActivity !== b.lastActivity) return b.lastActivity - a.lastActivity;
  return a.name.localeCompare(b.name);
}

/** The conversations the list shows (not hidden ones), in list order. */
export function visibleConversations(all: readonly ConversationView[]): ConversationView[] {
  return all.filter((c) => !c.hidden).sort(byListOrder);
}

/** Applies a `conversations:changed` event: upserts replace by id, removed ids go. A new array. */
export function applyConversationsChanged(
  current: readonly ConversationView[],
  change: Events['conversations:changed'],
): ConversationView[] {
  const removed = new Set(change.removed);
  const byId = new Map<string, ConversationView>();
  for (const c of current) if (!removed.has(c.id)) byId.set(c.id, c);
  for (const c of change.upserted) if (!removed.has(c.id)) byId.set(c.id, c);
  return [...byId.values()];
}

/** Case- and accent-insensitive name filter; an empty query keeps everything. */
export function filterByName(list: readonly ConversationView[], query: string): ConversationView[] {
  const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
  const q = fold(query.trim());
  if (!q) return [...list];
  return list.filter((c) => fold(c.name).includes(q));
}
