import type { ConversationView } from '../../../../app/ipc/views.js';

/** One fixed-height line of the virtual list: a section heading or a conversation. */
export type Row =
  | { kind: 'heading'; key: string; label: string; section: 'favorites' | 'others' }
  | { kind: 'conversation'; key: string; conversation: ConversationView; option: number; section: 'favorites' | 'others' };

/**
 * The lines of the list for conversations already in list order (favourites first): a "Favorites"
 * heading over the favourites and a "Recent" heading over the rest, when there are favourites.
 */
export function buildRows(ordered: readonly ConversationView[]): Row[] {
  const favorites = ordered.filter((c) => c.favorite);
  const others = ordered.filter((c) => !c.favorite);
  const rows: Row[] = [];
  let option = 0;
  if (favorites.length > 0) {
    rows.push({ kind: 'heading', key: 'h-favorites', label: 'Favorites', section: 'favorites' });
    for (const c of favorites) rows.push({ kind: 'conversation', key: c.id, conversation: c, option: option++, section: 'favorites' });
    if (others.length > 0) rows.push({ kind: 'heading', key: 'h-others', label: 'Recent', section: 'others' });
  }
  for (const c of others) rows.push({ kind: 'conversation', key: c.id, conversation: c, option: option++, section: 'others' });
  return rows;
}

/** The slice [start, end) of `count` rows of `rowHeight` to render for a scroll position, with overscan. */
export function visibleRange(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan = 6): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const shown = Math.ceil(viewportHeight / rowHeight) + 1;
  const start = Math.max(0, Math.min(first, count) - overscan);
  const end = Math.min(count, first + shown + overscan);
  return { start, end };
}
