import { describe, expect, it } from 'vitest';
import { conversation } from '../../../test/fake-bridge.js';
import { buildRows, ListLayout, visibleRange } from './rows.js';

describe('list rows', () => {
  it('puts a Favorites heading over the favourites and a Recent heading over the rest', () => {
    const fav = { ...conversation('a', 'Fav', 1), favorite: true };
    const rows = buildRows([fav, conversation('b', 'B', 2)]);
    expect(rows.map((r) => (r.kind === 'heading' ? `# ${r.label}` : r.conversation.name))).toEqual(['# Favorites', 'Fav', '# Recent', 'B']);
    expect(rows.filter((r) => r.kind === 'conversation').map((r) => (r.kind === 'conversation' ? r.option : -1))).toEqual([0, 1]);
  });

  it('has no headings without favourites', () => {
    expect(buildRows([conversation('b', 'B', 2)]).map((r) => r.kind)).toEqual(['conversation']);
  });

  it('finds the line of every option, with favourites only, without them, and with both', () => {
    const fav = (id: string) => ({ ...conversation(id, id, 1), favorite: true });
    const lists = [
      [fav('a'), fav('b')],
      [conversation('c', 'c', 1), conversation('d', 'd', 1)],
      [fav('a'), conversation('c', 'c', 1), conversation('d', 'd', 1)],
      [],
    ];
    for (const list of lists) {
      const layout = new ListLayout(list);
      const rows = layout.rows(0, layout.count);
      expect(rows).toEqual(buildRows(list));
      list.forEach((c, option) => expect(rows[layout.rowOf(option)]).toMatchObject({ kind: 'conversation', option, key: c.id }));
      expect(layout.rowAt(layout.count)).toBeUndefined();
    }
    expect(new ListLayout(lists[0]!).count).toBe(3); // no "Recent" heading over nothing
  });

  it('renders only the rows in view plus overscan', () => {
    expect(visibleRange(0, 480, 48, 10_000, 5)).toEqual({ start: 0, end: 16 });
    expect(visibleRange(48 * 5000, 480, 48, 10_000, 5)).toEqual({ start: 4995, end: 5016 });
    expect(visibleRange(48 * 20_000, 480, 48, 10, 5)).toEqual({ start: 5, end: 10 });
  });
});
