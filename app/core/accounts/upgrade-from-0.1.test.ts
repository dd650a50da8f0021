/**
 * A data folder made by version 0.1 (test/fixtures/data-0.1: a plain local database, a keychain
 * entry without a database key) opened by this version, with its server gone: the database is
 * encrypted where it lies, its key joins the sign-in in the keychain, and the account, its outbox,
 * its draft and the settings come through intact.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileKeychain } from '../../../test/support/core/file-keychain.js';
import { openSettings } from '../settings/conf-settings.js';
import { isPlainDatabase, openKeyed, openPlain } from '../store/cipher.js';
import { Vault } from '../vault/vault.js';
import { AccountsService } from './accounts-service.js';

const FIXTURE = new URL('../../../test/fixtures/data-0.1/', import.meta.url).pathname;
const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as {
  email: string;
  pending: number;
  favoriteConversation: string;
  favoriteWanted: boolean;
  draftConversation: string;
  conversations: number;
};
const DRAFT = 'Fixture draft: marmalade sextant';

const temps: string[] = [];
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function copyOfFixture() {
  const root = mkdtempSync(join(tmpdir(), 'ozeki-upgrade-'));
  temps.push(root);
  cpSync(FIXTURE, root, { recursive: true });
  const dataDir = join(root, 'data');
  const settings = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')) as { accounts: { dir: string }[] };
  return { dataDir, keychain: new FileKeychain(join(root, 'keychain.json')), dbFile: join(dataDir, settings.accounts[0]!.dir, 'local.db') };
}

async function open(dataDir: string, keychain: FileKeychain): Promise<AccountsService> {
  // Its server no longer exists: sync fails at once and the account works from its cache.
  return AccountsService.open({ dataDir, vault: await Vault.open({ backend: keychain }), settings: openSettings(dataDir).store, push: false, defer: () => {} });
}

const outboxOf = (db: ReturnType<typeof openPlain>) => db.prepare('SELECT seq, conversation_id, kind, action FROM outbox ORDER BY seq').all();

describe('a data folder from version 0.1', () => {
  it('comes through encrypted with its account, outbox, draft and settings', async () => {
    const { dataDir, keychain, dbFile } = copyOfFixture();
    expect(isPlainDatabase(dbFile)).toBe(true);
    const plain = openPlain(dbFile, { readonly: true });
    const outboxBefore = outboxOf(plain);
    plain.close();
    expect(outboxBefore).toHaveLength(expected.pending);
    const settingsBefore = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')) as Record<string, unknown>;

    let registry = await open(dataDir, keychain);
    try {
      const shown = registry.snapshot();
      expect(shown.profile?.email).toBe(expected.email);
      expect(shown.pendingCount).toBe(expected.pending);
      expect(shown.conversations).toHaveLength(expected.conversations);
      expect(shown.conversations.find((c) => c.id === expected.favoriteConversation)?.favorite).toBe(expected.favoriteWanted);
      expect(await registry.handlers()['drafts:get']()).toEqual({ [expected.draftConversation]: DRAFT });
    } finally {
      await registry.close();
    }

    // The file is encrypted now, under the key the keychain keeps with the sign-in.
    expect(isPlainDatabase(dbFile)).toBe(false);
    expect(readFileSync(dbFile).includes(Buffer.from('SQLite format 3'))).toBe(false);
    expect(existsSync(`${dbFile}-journal`)).toBe(false);
    const entries = Object.values(JSON.parse(readFileSync(keychain.file, 'utf8')) as Record<string, string>);
    const dbkey = (JSON.parse(entries[0]!) as { dbkey?: string }).dbkey;
    expect(dbkey).toMatch(/^[0-9a-f]{64}$/);
    const encrypted = openKeyed(dbFile, Buffer.from(dbkey!, 'hex'), { readonly: true });
    expect(outboxOf(encrypted)).toEqual(outboxBefore);
    // Its sealed key cache became one row per conversation, and the envelope went.
    expect(encrypted.prepare('SELECT count(*) AS n FROM key_cache').get()).toEqual({ n: 0 });
    expect(encrypted.prepare('SELECT count(*) AS n FROM conversation_keys').get()).toEqual({ n: expected.conversations });
    encrypted.close();
    const settingsAfter = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')) as Record<string, unknown>;
    for (const key of ['accounts', 'activeAccount', 'stations', 'window', 'lastAccount']) expect(settingsAfter[key], key).toEqual(settingsBefore[key]);
    // The theme and compact list 0.1 kept in `ui` are the Settings screen's appearance now.
    const ui = settingsBefore.ui as { theme: string; compactList: boolean };
    expect(settingsAfter.ui).toBeUndefined();
    expect(settingsAfter.preferences).toMatchObject({ appearance: { theme: ui.theme, compact: ui.compactList } });

    // And the next launch opens it with that key, as it is.
    registry = await open(dataDir, keychain);
    try {
      expect(registry.snapshot().pendingCount).toBe(expected.pending);
      expect(await registry.handlers()['drafts:get']()).toEqual({ [expected.draftConversation]: DRAFT });
      expect(registry.snapshot().notices).toEqual([]);
    } finally {
      await registry.close();
    }
  });

  it('uses the key already in the keychain when a launch died between saving it and encrypting', async () => {
    const { dataDir, keychain, dbFile } = copyOfFixture();
    // The key is saved with the sign-in first, then the file encrypted: a crash between the two
    // leaves a plain file and a key for it.
    const key = 'ab'.repeat(32);
    const raw = JSON.parse(readFileSync(keychain.file, 'utf8')) as Record<string, string>;
    for (const [name, entry] of Object.entries(raw)) {
      const [service, account] = name.split('\n') as [string, string];
      await keychain.set(service, account, JSON.stringify({ ...(JSON.parse(entry) as object), dbkey: key }));
    }
    const registry = await open(dataDir, keychain);
    try {
      expect(registry.snapshot().pendingCount).toBe(expected.pending);
    } finally {
      await registry.close();
    }
    const encrypted = openKeyed(dbFile, Buffer.from(key, 'hex'), { readonly: true });
    expect(outboxOf(encrypted)).toHaveLength(expected.pending);
    encrypted.close();
  });

  it('rebuilds, and says so, when the keychain no longer holds the key of an encrypted file', async () => {
    const { dataDir, keychain, dbFile } = copyOfFixture();
    await (await open(dataDir, keychain)).close();
    // The key goes (another machine's keychain, a keychain reset), the sign-in stays.
    const raw = JSON.parse(readFileSync(keychain.file, 'utf8')) as Record<string, string>;
    for (const [name, entry] of Object.entries(raw)) {
      const { dbkey: _gone, ...rest } = JSON.parse(entry) as Record<string, string>;
      const [service, account] = name.split('\n') as [string, string];
      await keychain.set(service, account, JSON.stringify(rest));
    }
    const registry = await open(dataDir, keychain);
    try {
      const { notices } = registry.snapshot();
      expect(notices.map((n) => n.message).join(' ')).toMatch(
        /could not be opened, because the keychain no longer holds its key, and has been rebuilt from the server/,
      );
      // Its server is gone, so the sign-in the keychain kept cannot be used again: the user is told.
      expect(notices.map((n) => n.message).join(' ')).toMatch(/could not be signed in again with the sign-in this device kept/);
    } finally {
      await registry.close();
    }
    expect(isPlainDatabase(dbFile)).toBe(false);
  });
});
