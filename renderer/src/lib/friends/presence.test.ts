import { describe, expect, it } from 'vitest';
import { sortFriends } from './presence.js';

const f = (name: string, availability: string) => ({ userid: name, name, availability });

describe('sortFriends', () => {
  it('puts available people first, then away, busy and offline, by name within each', () => {
    const list = [
      f('Zoe', 'offline'),
      f('Bob', 'busy'),
      f('Ann', 'away'),
      f('Yan', 'available'),
      f('Carl', 'available'),
      f('Dora', 'invisible'),
      f('Ada', 'Busy'),
      f('Ben', 'away'),
    ];
    expect(sortFriends(list).map((x) => x.name)).toEqual(['Carl', 'Yan', 'Ann', 'Ben', 'Ada', 'Bob', 'Dora', 'Zoe']);
    // A new array: the one given is left as it was.
    expect(list[0]!.name).toBe('Zoe');
  });

  it('compares names with localeCompare', () => {
    expect(sortFriends([f('Émile', 'away'), f('eve', 'away'), f('Eric', 'away')]).map((x) => x.name)).toEqual(['Émile', 'Eric', 'eve']);
  });
});
