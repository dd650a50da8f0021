import { describe, expect, it } from 'vitest';
import { DEFAULT_LIST_COLOR } from '../../protocol/index.js';
import { MAX_FILE_BYTES as PROTOCOL_MAX_FILE_BYTES } from '../../protocol/profile/limits.js';
import { compareForList, compareListPosition, isNoColor, MAX_FILE_BYTES, NO_COLOR, OPPOSITE_ACTIONS, oppositeAction, type ListOrderKey } from './rules.js';

const key = (id: string, favorite: boolean, lastActivity: number): ListOrderKey => ({ id, favorite, lastActivity });

describe('the list order', () => {
  it('puts favourites first, then the latest activity, then orders by id', () => {
    const list = [key('c', false, 5), key('b', true, 1), key('a', false, 5), key('d', false, 9), key('e', true, 3)];
    expect([...list].sort(compareForList).map((c) => c.id)).toEqual(['e', 'b', 'd', 'a', 'c']);
  });

  it('is total: only the same id compares equal', () => {
    expect(compareForList(key('a', true, 1), key('a', true, 1))).toBe(0);
    expect(compareListPosition(key('a', true, 1), key('b', true, 1))).toBe(0);
    expect(compareForList(key('a', true, 1), key('b', true, 1))).toBeLessThan(0);
  });
});

describe('the opposite actions', () => {
  it('pair each toggle with the one that undoes it, both ways', () => {
    for (const [action, opposite] of Object.entries(OPPOSITE_ACTIONS)) expect(oppositeAction(opposite), action).toBe(action);
    expect(oppositeAction('favorite')).toBe('unfavorite');
    expect(oppositeAction('unhide')).toBe('hide');
  });

  it('know no opposite for anything else, inherited names included', () => {
    for (const name of ['color', 'clear', 'send', '', '__proto__', 'constructor', 'toString']) expect(oppositeAction(name), name).toBeUndefined();
  });
});

describe('"no colour"', () => {
  it("is the protocol's default list colour, in any letter case", () => {
    expect(NO_COLOR).toBe(DEFAULT_LIST_COLOR);
    expect(isNoColor('#FFFFFF')).toBe(true);
    expect(isNoColor('#fffffe')).toBe(false);
  });
});

describe('the largest file', () => {
  it("is the protocol's", () => {
    expect(MAX_FILE_BYTES).toBe(PROTOCOL_MAX_FILE_BYTES);
  });
});
