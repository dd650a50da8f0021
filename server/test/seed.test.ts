import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addUser } from '../src/admin.js';
import { Store } from '../src/db/store.js';
import { DEMO_ACCOUNTS_FILE, seedDemo } from '../src/seed.js';
import { tempDataDir } from './harness.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the demo seed', () => {
  it('stores all of its rows or none: a seed that fails half-way leaves no demo users behind', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const store = new Store(dataDir);
    try {
      // Bob's address is taken, so inserting the demo users fails after Alice's row would exist.
      await addUser(store, { email: 'bob@demo.ozeki.chat', nick: 'Someone', fullname: 'Someone Else', password: 'a long password' });
      await expect(seedDemo(store, dataDir)).rejects.toThrow(/already exists/);
      expect(store.users.count()).toBe(1);
      expect(store.users.findByEmail('alice@demo.ozeki.chat')).toBeUndefined();
      expect(store.conversations.allForUser(store.users.findByEmail('bob@demo.ozeki.chat')!.id)).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('recovers from an accounts file whose users were never stored by seeding afresh', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const first = new Store(dataDir);
    const { accounts: lost } = await seedDemo(first, dataDir);
    first.close();
    // A crash after the file was written but before the rows were committed looks like this:
    rmSync(join(dataDir, 'server.db'), { force: true });
    rmSync(join(dataDir, 'server.db-wal'), { force: true });
    rmSync(join(dataDir, 'server.db-shm'), { force: true });
    const store = new Store(dataDir);
    try {
      const again = await seedDemo(store, dataDir);
      expect(again.created).toBe(true);
      expect(again.accounts.map((a) => a.apikey)).not.toEqual(lost.map((a) => a.apikey));
      expect(store.users.findByApiKey(again.accounts[0]!.apikey)?.email).toBe('alice@demo.ozeki.chat');
      expect(existsSync(join(dataDir, `${DEMO_ACCOUNTS_FILE}.partial`))).toBe(false);
    } finally {
      store.close();
    }
  });

  it('puts the first users asked for in every extra conversation, and the first user alone otherwise', async () => {
    const counts = async (extrasFor?: number) => {
      const dataDir = tempDataDir();
      dirs.push(dataDir);
      const store = new Store(dataDir);
      try {
        const { accounts } = await seedDemo(store, dataDir, { conversations: 30, ...(extrasFor ? { extrasFor } : {}) });
        // Each pair of demo users also shares its own one-to-one conversation.
        return accounts.map((a) => store.conversations.allForUser(a.userid).length - (accounts.length - 1));
      } finally {
        store.close();
      }
    };
    const [alone, bob, carol] = await counts();
    expect(alone).toBe(30);
    // The others each in some: everyone's third, and a share of the rest.
    expect(bob).toBeGreaterThanOrEqual(10);
    expect(bob).toBeLessThan(30);
    expect(carol).toBeLessThan(30);
    const [first, second, third] = await counts(2);
    expect([first, second]).toEqual([30, 30]);
    expect(third).toBe(30);
  });
});
