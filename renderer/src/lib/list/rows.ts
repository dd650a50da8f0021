import type { ConversationView } from '../../../../app/ipc/views.js';

/** One fixed-height line of the virtual list: a section heading or a conversation. */
export type Row =
  | { kind: 'heading'; key: string; label: string; section: 'favorites' | 'others' }
  | { kind: 'conversation'; key: string; conversation: ConversationView; option: number; section: 'favorites' | 'others' };

/**
 * The lines of the list for conversations already in list order (favourites first): a "Favorites"
 * heading over the favourites and a "Recent" heading over the rest, when there are favourites.
 * Worked out by arithmetic rather than built: a list of 10,000 changes on every favourite or new
 * message, and only the rows in view are ever needed as objects.
 */
export class ListLayout {
  readonly favorites: number;
  /** Lines in all: conversations plus headings. */
  readonly count: number;
  private readonly headings: boolean;

  constructor(private readonly ordered: readonly ConversationView[]) {
    let favorites = 0;
    while (favorites < ordered.length && ordered[favorites]!.favorite) favorites++;
    this.favorites = favorites;
    this.headings = favorites > 0;
    const others = ordered.length - favorites;
    this.count = ordered.length + (this.headings ? 1 + (others > 0 ? 1 : 0) : 0);
  }

  /** The line index of option `option` (its place among the conversations). */
  rowOf(option: number): number {
    if (!this.headings) return option;
    return option < this.favorites ? option + 1 : option + 2;
  }

  rowAt(index: number): Row | undefined {
    if (index < 0 || index >= this.count) return undefined;
    if (this.headings) {
      if (index === 0) return { kind: 'heading', key: 'h-favorites', label: 'Favorites', section: 'favorites' };
      if (index === this.favorites + 1) return { kind: 'heading', key: 'h-others', label: 'Recent', section: 'others' };
    }
    const option = !this.headings ? index : index <= this.favorites ? index - 1 : index - 2;
    const c = this.ordered[option]!;
    return { kind: 'conversation', key: c.id, conversation: c, option, section: option < this.favorites ? 'favorites' : 'others' };
  }

  /** Lines [start, end). */
  rows(start: number, end: number): Row[] {
    const out: Row[] = [];
    for (let i = Math.max(0, start); i < Math.min(end, this.count); i++) out.push(this.rowAt(i)!);
    return out;
  }
}

/** Every line; for tests and small lists. */
export function buildRows(ordered: readonly ConversationView[]): Row[] {
  const layout = new ListLayout(ordered);
  return layout.rows(0, layout.count);
}

/** The slice [start, end) of `count` rows of `rowHeight` to render for a scroll position, with overscan. */
export function visibleRange(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan = 6): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const shown = Math.ceil(viewportHeight / rowHeight) + 1;
  const start = Math.max(0, Math.min(first, count) - overscan);
  const end = Math.min(count, first + shown + overscan);
  return { start, end };
}
