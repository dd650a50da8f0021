import { describe, expect, it } from 'vitest';
import { conversation } from '../../../test/fake-bridge.js';
import { buildRows, visibleRange } from './rows.js';

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

  it('renders only the rows in view plus overscan', () => {
    expect(visibleRange(0, 480, 48, 10_000, 5)).toEqual({ start: 0, end: 16 });
    expect(visibleRange(48 * 5000, 480, 48, 10_000, 5)).toEqual({ start: 4995, end: 5016 });
    expect(visibleRange(48 * 20_000, 480, 48, 10, 5)).toEqual({ start: 5, end: 10 });
  });
});
