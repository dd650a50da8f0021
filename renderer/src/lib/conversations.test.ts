import { describe, expect, it } from 'vitest';
import { conversation } from '../../test/fake-bridge.js';
import { applyConversationsChanged, sortForList, visibleConversations } from './conversations.js';

describe('conversation list helpers', () => {
  it('upserts by id and drops removed ids, keeping the list in list order', () => {
    const a = conversation('a', 'A', 1);
    const b = conversation('b', 'B', 2);
    const renamed = { ...a, name: 'A2' };
    const next = applyConversationsChanged([b, a], { upserted: [renamed, conversation('c', 'C', 3)], removed: [b.id] });
    expect(next.map((c) => c.name)).toEqual(['C', 'A2']);
  });

  it('moves a row that became a favourite to the top and one with new activity up, without disturbing the rest', () => {
    const list = Array.from({ length: 6 }, (_, i) => conversation(`c${i}`, `N${i}`, 100 - i));
    const favorited = { ...list[4]!, favorite: true };
    const active = { ...list[3]!, lastActivity: 1000 };
    const next = applyConversationsChanged(list, { upserted: [favorited, active], removed: [] });
    expect(next.map((c) => c.name)).toEqual(['N4', 'N3', 'N0', 'N1', 'N2', 'N5']);
    expect(sortForList(next)).toEqual(next);
  });

  it('orders favourites first, then newest activity, and leaves hidden ones out', () => {
    const list = [
      conversation('a', 'Old', 1),
      { ...conversation('b', 'Fav', 0), favorite: true },
      conversation('c', 'New', 9),
      { ...conversation('d', 'Hidden', 99), hidden: true },
    ];
    expect(visibleConversations(list).map((c) => c.name)).toEqual(['Fav', 'New', 'Old']);
  });
});

describe('filterByName', () => {
  it('keeps names containing the query, ignoring case and accents', async () => {
    const { filterByName } = await import('./conversations.js');
    const list = [conversation('a', 'Zoë Ziegler', 1), conversation('b', 'Bob Brown', 2)];
    expect(filterByName(list, 'zoe').map((c) => c.name)).toEqual(['Zoë Ziegler']);
    expect(filterByName(list, '  BROWN ').map((c) => c.name)).toEqual(['Bob Brown']);
    expect(filterByName(list, '')).toHaveLength(2);
  });
});
