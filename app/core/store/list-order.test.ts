// The local store orders the list in SQL (`ORDER BY favorite DESC, activity DESC, id`, on an index);
// everything else orders it with compareForList from app/shared/rules.ts. They must agree.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Conversation } from '../../../protocol/index.js';
import { compareForList } from '../../shared/rules.js';
import { conversation as fixtureConversation, ME } from '../../../test/support/core/store/fixtures.js';
import { openLocalDb } from './local-db.js';
import type { LocalStore } from './local-store.js';
import { TEST_DB_KEY } from '../../../test/support/core/store/db-key.js';

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const hex32 = (rand: () => number): string => Array.from({ length: 32 }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');

const conversation = (id: string, favorite: boolean, lastaccess: number): Conversation =>
  fixtureConversation(id, {
    lastaccess,
    favoriteby: favorite ? [ME] : [],
    properties: [{ userid: ME, ismuted: false, isfavorite: favorite, hideid: '', listitembackgroundcolor: '#ffffff' }],
  });

/**
 * Favourites and not, activities that tie often (a handful of values, 0 and far-apart ones too), ids
 * that share long prefixes, in a shuffled order.
 */
function variedList(seed: number, size: number): Conversation[] {
  const rand = random(seed);
  const activities = [0, 1, 59, 60, 1_790_000_000, 1_790_000_001, 2 ** 40];
  const ids = new Set<string>();
  while (ids.size < size) {
    const id = hex32(rand);
    ids.add(id);
    // A near twin: the same id but for the last character.
    if (rand() < 0.2 && ids.size < size) ids.add(id.slice(0, 31) + (id[31] === 'f' ? '0' : 'f'));
  }
  return [...ids].map((id) => conversation(id, rand() < 0.3, activities[Math.floor(rand() * activities.length)]!));
}

/** The order compareForList gives, as ids. */
const sharedOrder = (list: readonly Conversation[]): string[] =>
  list
    .map((c) => ({ id: c.id, favorite: c.properties.some((p) => p.isfavorite), lastActivity: c.lastaccess }))
    .sort(compareForList)
    .map((c) => c.id);

let dir: string;
let store: LocalStore;
const reopen = (): LocalStore => {
  store.close();
  store = openLocalDb(dir, { key: TEST_DB_KEY }).db;
  return store;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ozeki-list-order-'));
  store = openLocalDb(dir, { key: TEST_DB_KEY }).db;
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the local store's list order", () => {
  it('is, in SQL, the order of the shared comparator on a varied list', () => {
    for (const seed of [1, 2, 3]) {
      const list = variedList(seed, 300);
      store.replaceConversations(list);
      // Freshly opened, the store has not read the table yet: firstConversations asks SQLite.
      reopen();
      const expected = sharedOrder(list);
      expect(
        store.firstConversations(list.length).map((c) => c.id),
        `seed ${seed}`,
      ).toEqual(expected);
      reopen();
      expect(
        store.firstConversations(25).map((c) => c.id),
        `seed ${seed}, first 25`,
      ).toEqual(expected.slice(0, 25));
    }
  });

  it('stays so after single updates, and equals the order of the conversations it holds in memory', () => {
    const list = variedList(7, 200);
    store.replaceConversations(list);
    const rand = random(8);
    const changed = list.map((c) => (rand() < 0.4 ? conversation(c.id, rand() < 0.5, c.lastaccess + (rand() < 0.5 ? 0 : 60)) : c));
    changed.forEach((c, i) => c !== list[i] && store.putConversation(c));
    const expected = sharedOrder(changed);
    reopen();
    expect(store.firstConversations(changed.length).map((c) => c.id)).toEqual(expected);
    // Once the table has been read, firstConversations sorts in memory with compareForList itself.
    expect(store.conversations()).toHaveLength(changed.length);
    expect(store.firstConversations(changed.length).map((c) => c.id)).toEqual(expected);
  });
});
