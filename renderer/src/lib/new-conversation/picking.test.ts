import { describe, expect, it } from 'vitest';
import { filterFriends, GROUP_NAME_MAX, groupNameProblem, outcomeOf, primaryLabel } from './picking.js';

const f = (name: string) => ({ name });

describe('filterFriends', () => {
  const friends = [f('Éloïse Martin'), f('Bob Brown'), f('Carol Clark'), f('Robert Roe')];

  it('matches part of the name, ignoring case and accents, in the order given', () => {
    expect(filterFriends(friends, 'elo').map((x) => x.name)).toEqual(['Éloïse Martin']);
    expect(filterFriends(friends, 'ROB').map((x) => x.name)).toEqual(['Robert Roe']);
    expect(filterFriends(friends, 'b').map((x) => x.name)).toEqual(['Bob Brown', 'Robert Roe']);
  });

  it('keeps everyone for an empty or blank query', () => {
    expect(filterFriends(friends, '  ')).toEqual(friends);
  });
});

describe('outcomeOf and primaryLabel', () => {
  it('opens a conversation for one pick and creates a group for two or more', () => {
    expect(outcomeOf(0)).toBe('none');
    expect(primaryLabel(outcomeOf(1), false)).toBe('Open conversation');
    expect(primaryLabel(outcomeOf(2), false)).toBe('Create group');
    expect(primaryLabel(outcomeOf(3), true)).toBe('Creating…');
  });
});

describe('groupNameProblem', () => {
  it('wants a name that is not blank and at most 100 characters once trimmed', () => {
    expect(groupNameProblem('')).toBe('Give the group a name.');
    expect(groupNameProblem('   ')).toBe('Give the group a name.');
    expect(groupNameProblem(`  ${'x'.repeat(GROUP_NAME_MAX)}  `)).toBeNull();
    expect(groupNameProblem('x'.repeat(GROUP_NAME_MAX + 1))).toMatch(/too long/);
    expect(groupNameProblem(' Book club ')).toBeNull();
  });
});
