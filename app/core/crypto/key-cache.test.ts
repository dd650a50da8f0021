import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateUserKeyPair, newConversationKey, type UserKeyPair } from '../../../protocol/index.js';
import type { KeyEntry } from '../store/conversation-keys-table.js';
import { LOCAL_DB_FILE, openLocalDb } from '../store/local-db.js';
import type { LocalStore } from '../store/local-store.js';
import { ConversationKeyCache, type KeyCacheStorage } from './key-cache.js';
import { Keyring } from './keyring.js';
import { openRaw, TEST_DB_KEY } from '../../../test/support/core/store/db-key.js';

const SECRETS = { apikey: 'the api key', password: 'the encryption password' };
const ALICE = 'a'.repeat(32);

let dir: string;
let store: LocalStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ozeki-key-cache-'));
  store = openLocalDb(dir, { key: TEST_DB_KEY }).db;
});

afterEach(() => {
  if (!store.closed) store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Closes the database and opens it again, as an app restart does. */
function restart(): LocalStore {
  store.close();
  store = openLocalDb(dir, { key: TEST_DB_KEY }).db;
  return store;
}

/** Counts the writes that reach the database. */
function counting(storage: KeyCacheStorage): KeyCacheStorage & { writes: number; reads: number } {
  const counter = {
    writes: 0,
    reads: 0,
    keyEntry: (id: string) => {
      counter.reads++;
      return storage.keyEntry(id);
    },
    putKeyEntries: (changes: ReadonlyMap<string, KeyEntry | null>) => {
      counter.writes++;
      storage.putKeyEntries(changes);
    },
    keyEntryIds: () => storage.keyEntryIds(),
    legacyKeyCache: () => storage.legacyKeyCache(),
    dropLegacyKeyCache: () => storage.dropLegacyKeyCache(),
  };
  return counter;
}

/** Version 0.1's envelope, written as 0.1 wrote it (HKDF-SHA-256 of the secrets, AES-256-GCM), behind the store's back. */
function writeLegacyEnvelope(entries: [string, [string, string, string | null, string | null]][], secrets = SECRETS): void {
  const info = 'Ozeki Chat Desktop conversation key cache v1';
  const salt = randomBytes(32);
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(JSON.stringify([secrets.apikey, secrets.password])), salt, info, 32));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(info));
  const body = Buffer.concat([cipher.update(JSON.stringify(entries), 'utf8'), cipher.final()]);
  store.setMeta('key-cache-salt', salt.toString('hex'));
  const db = openRaw(join(dir, LOCAL_DB_FILE));
  db.prepare('INSERT INTO key_cache (id, sealed) VALUES (1, ?)').run(Buffer.concat([iv, cipher.getAuthTag(), body]));
  db.close();
}

const conv = (n: number, secret = `wrapped secret ${n} ${'x'.repeat(40)}`) => ({ id: `c${n}`, secret, displayname: `sealed name ${n}` });

describe('the conversation key cache', () => {
  it('gives back after a restart the keys and names it was given, for the same keychain secrets', async () => {
    const keys = Array.from({ length: 5 }, () => newConversationKey());
    const cache = ConversationKeyCache.open(store, SECRETS);
    keys.forEach((key, i) => {
      cache.rememberKey(conv(i), key);
      cache.rememberName(conv(i), `Name ${i}`);
    });
    await nextTurn();

    const reopened = ConversationKeyCache.open(restart(), SECRETS);
    keys.forEach((key, i) => {
      expect(reopened.key(conv(i))?.equals(key)).toBe(true);
      expect(reopened.name(conv(i))).toBe(`Name ${i}`);
    });
    expect(reopened.key(conv(99))).toBeUndefined();
  });

  it('does not answer for a conversation whose wrapped secret or sealed name changed', async () => {
    const cache = ConversationKeyCache.open(store, SECRETS);
    cache.rememberKey(conv(1), newConversationKey());
    cache.rememberName(conv(1), 'Old name');
    expect(cache.key({ ...conv(1), secret: `a new wrapped secret ${'y'.repeat(40)}` })).toBeUndefined();
    expect(cache.name({ ...conv(1), displayname: 'a newly sealed name' })).toBeUndefined();
    expect(cache.name(conv(1))).toBe('Old name');
  });

  it('writes what was opened in one turn in one write', async () => {
    const storage = counting(store);
    const cache = ConversationKeyCache.open(storage, SECRETS);
    for (let i = 0; i < 1000; i++) {
      cache.rememberKey(conv(i), newConversationKey());
      cache.rememberName(conv(i), `Name ${i}`);
    }
    expect(storage.writes).toBe(0);
    await nextTurn();
    expect(storage.writes).toBe(1);
    expect(ConversationKeyCache.open(restart(), SECRETS).name(conv(999))).toBe('Name 999');
  });

  it('forgets conversations that are gone', async () => {
    const cache = ConversationKeyCache.open(store, SECRETS);
    cache.rememberKey(conv(1), newConversationKey());
    cache.rememberKey(conv(2), newConversationKey());
    cache.retainOnly(new Set(['c2']));
    await nextTurn();
    const reopened = ConversationKeyCache.open(restart(), SECRETS);
    expect(reopened.key(conv(1))).toBeUndefined();
    expect(reopened.key(conv(2))).toBeDefined();
  });

  it('is emptied by signing out', async () => {
    ConversationKeyCache.open(store, SECRETS).rememberKey(conv(1), newConversationKey());
    await nextTurn();
    expect(store.keyEntryIds()).toEqual(['c1']);
    store.clearAll();
    expect(store.keyEntryIds()).toEqual([]);
  });

  it('reads only the conversations asked about, not the whole cache', async () => {
    const cache = ConversationKeyCache.open(store, SECRETS);
    for (let i = 0; i < 200; i++) cache.rememberKey(conv(i), newConversationKey());
    await nextTurn();
    const storage = counting(restart());
    const reopened = ConversationKeyCache.open(storage, SECRETS);
    expect(reopened.key(conv(7))).toBeDefined();
    expect(reopened.key(conv(8))).toBeDefined();
    expect(storage.reads).toBe(2);
  });

  it("moves version 0.1's sealed envelope into its rows once, and drops the envelope", async () => {
    const key = newConversationKey();
    writeLegacyEnvelope([[conv(1).id, [conv(1).secret.slice(-32), key.toString('base64'), conv(1).displayname, 'Old friends']]]);
    expect(store.legacyKeyCache()).toBeDefined();
    const cache = ConversationKeyCache.open(store, SECRETS);
    expect(cache.key(conv(1))?.equals(key)).toBe(true);
    expect(cache.name(conv(1))).toBe('Old friends');
    expect(store.legacyKeyCache()).toBeUndefined();
    expect(ConversationKeyCache.open(restart(), SECRETS).name(conv(1))).toBe('Old friends');
  });

  it("drops version 0.1's envelope without failing when it was sealed under other secrets", async () => {
    writeLegacyEnvelope([[conv(1).id, [conv(1).secret.slice(-32), newConversationKey().toString('base64'), null, null]]], {
      ...SECRETS,
      apikey: 'an older api key',
    });
    const cache = ConversationKeyCache.open(store, SECRETS);
    expect(cache.key(conv(1))).toBeUndefined();
    expect(store.legacyKeyCache()).toBeUndefined();
  });

  it('only costs speed when it cannot be written', async () => {
    const lines: string[] = [];
    const cache = ConversationKeyCache.open(store, SECRETS, (line) => lines.push(line));
    store.close();
    cache.rememberKey(conv(1), newConversationKey());
    await nextTurn();
    expect(lines.join('\n')).toMatch(/key cache could not be written/);
  });
});

describe('the keyring with a key cache', () => {
  let alice: UserKeyPair;
  beforeAll(async () => {
    alice = await generateUserKeyPair('alice password');
  });

  it('takes a cached key and name instead of opening them, and caches what it opens', async () => {
    const keyring = Keyring.unlock(alice.rsakey, 'alice password', ALICE);
    const { displayname, secrets } = keyring.newConversation([{ userid: ALICE, publickey: alice.publickey }], 'Notes to self');
    const conversation = { id: 'c', secret: secrets[ALICE]!, displayname };

    keyring.useCache(ConversationKeyCache.open(store, SECRETS));
    const key = keyring.conversationKey(conversation);
    expect(keyring.displayName(conversation)).toBe('Notes to self');
    await nextTurn();
    const reopened = ConversationKeyCache.open(restart(), SECRETS);
    expect(reopened.key(conversation)?.equals(key)).toBe(true);
    expect(reopened.name(conversation)).toBe('Notes to self');

    // The cache is asked first: a key it holds is used even for a secret this private key cannot unwrap.
    const unwrappable = { ...conversation, id: 'd', secret: `not an RSA ciphertext ${'z'.repeat(40)}` };
    reopened.rememberKey(unwrappable, key);
    const restarted = Keyring.unlock(alice.rsakey, 'alice password', ALICE);
    restarted.useCache(reopened);
    expect(restarted.displayName(unwrappable)).toBe('Notes to self');
  });
});
