import { describe, expect, it } from 'vitest';
import { conversationView } from '../../../../test/support/core/views.js';
import { peerPresence, sortFriends } from './presence.js';

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

describe('peerPresence', () => {
  const me = 'me';
  const bob = { userid: 'bob', name: 'Bob' };
  const carol = { userid: 'carol', name: 'Carol' };
  const friends = [f('bob', 'away'), f('carol', 'available')];
  const oneToOne = (other: { userid: string; name: string }) => conversationView(1, { participants: [{ userid: me, name: 'Me' }, other] });

  it("gives the other person's availability in a 1:1 with a friend", () => {
    expect(peerPresence(oneToOne(bob), me, friends)).toBe('away');
    expect(peerPresence(oneToOne(carol), me, friends)).toBe('available');
  });

  it('reads an availability it does not know as offline', () => {
    expect(peerPresence(oneToOne(bob), me, [f('bob', 'invisible')])).toBe('offline');
  });

  it('gives null when the other person is not a friend, or there is nobody else', () => {
    expect(peerPresence(oneToOne({ userid: 'dave', name: 'Dave' }), me, friends)).toBeNull();
    expect(peerPresence(conversationView(2, { participants: [{ userid: me, name: 'Me' }] }), me, friends)).toBeNull();
    expect(peerPresence(conversationView(3), me, friends)).toBeNull();
  });

  it('gives null for a group, even of friends', () => {
    const group = conversationView(4, { isGroup: true, participants: [{ userid: me, name: 'Me' }, bob, carol] });
    expect(peerPresence(group, me, friends)).toBeNull();
  });

  it('finds the friend among the participants while the own user id is not known yet', () => {
    expect(peerPresence(oneToOne(bob), '', friends)).toBe('away');
  });
});
