/**
 * The vault without the OS keychain: the fallback to memory when the keychain is missing or fails,
 * the account naming, and the errors. Fake backends stand in for keytar.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { isCoreError } from '../errors.js';
import { openSettings } from '../settings/conf-settings.js';
import { MemoryBackend } from './memory-backend.js';
import { KEYCHAIN_SERVICE, type SecretBackend } from './secret-backend.js';
import { Vault } from './vault.js';
import { filesUnder } from '../../../test/support/files.js';

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const secrets = () => ({ apikey: hex(32), password: `correct horse ${hex(6)}` });
const alice = { serverUrl: 'https://chat.example.test/api', userid: 'a'.repeat(32) };

/** A keychain that works, recording what is stored under which service and account. */
class FakeKeychain implements SecretBackend {
  readonly name = 'fake keychain';
  readonly entries = new Map<string, string>();
  async get(service: string, account: string) {
    return this.entries.get(`${service}|${account}`) ?? null;
  }
  async set(service: string, account: string, secret: string) {
    this.entries.set(`${service}|${account}`, secret);
  }
  async delete(service: string, account: string) {
    return this.entries.delete(`${service}|${account}`);
  }
}

/** A keychain whose every call fails the way a locked or vanished Secret Service does. */
class BrokenKeychain implements SecretBackend {
  readonly name = 'broken keychain';
  constructor(readonly message = 'Cannot create an item in a locked collection') {}
  async get(): Promise<string | null> {
    throw new Error(this.message);
  }
  async set(): Promise<void> {
    throw new Error(this.message);
  }
  async delete(): Promise<boolean> {
    throw new Error(this.message);
  }
}

const unavailable = async () => ({ unavailable: 'No keychain service is running (Secret Service over D-Bus).' });

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ozeki-vault-'));
  dirs.push(dir);
  return dir;
}

/** Every file under `dir`, with its bytes. */
const filesWithText = (dir: string): { path: string; text: string }[] => filesUnder(dir).map((path) => ({ path, text: readFileSync(path, 'latin1') }));

/** What the main process does at sign-in: secrets to the vault, the rest to the settings file. */
async function signIn(vault: Vault, dataDir: string, kept: { apikey: string; password: string }) {
  const { store } = openSettings(dataDir);
  await vault.save(alice, kept);
  store.update({ serverUrl: alice.serverUrl, lastAccount: { ...alice, email: 'alice@example.test' } });
  store.stationFor(alice);
  return store;
}

describe('the vault when the keychain cannot be used', () => {
  it('still signs in for this run when keytar is unavailable, says why, and writes no secret to disk', async () => {
    const vault = await Vault.open({ load: unavailable });
    expect(vault.persistent).toBe(false);
    expect(vault.unavailableReason).toBe('No keychain service is running (Secret Service over D-Bus).');

    const dataDir = tempDir();
    const kept = secrets();
    await signIn(vault, dataDir, kept);
    expect(await vault.load(alice)).toEqual(kept);

    const files = filesWithText(dataDir);
    expect(files.map((f) => f.path)).toContain(join(dataDir, 'settings.json'));
    for (const { path, text } of files) {
      expect(text, path).not.toContain(kept.apikey);
      expect(text, path).not.toContain(kept.password);
    }

    await vault.remove(alice);
    expect(await vault.load(alice)).toBeNull();
  });

  it('keeps the secrets in memory when the keychain refuses the write, and stops claiming to be persistent', async () => {
    const vault = await Vault.open({ load: unavailable, backend: new BrokenKeychain() });
    expect(vault.persistent).toBe(true);

    const dataDir = tempDir();
    const kept = secrets();
    await signIn(vault, dataDir, kept);

    expect(vault.persistent).toBe(false);
    expect(vault.unavailableReason).toMatch(/keychain is locked/);
    expect(vault.backendName).toBe('memory (this run only)');
    expect(await vault.load(alice)).toEqual(kept);
    for (const { path, text } of filesWithText(dataDir)) {
      expect(text, path).not.toContain(kept.apikey);
      expect(text, path).not.toContain(kept.password);
    }
  });

  it('never puts a secret in the reason, even when the keychain error echoes it', async () => {
    const kept = secrets();
    const vault = await Vault.open({ backend: new BrokenKeychain(`refused ${kept.apikey} / ${kept.password}`) });
    await vault.save(alice, kept);
    expect(vault.persistent).toBe(false);
    expect(vault.unavailableReason).not.toContain(kept.apikey);
    expect(vault.unavailableReason).not.toContain(kept.password);
  });

  it('still explains a locked keychain when the password is a single letter', async () => {
    const vault = await Vault.open({ backend: new BrokenKeychain() });
    await vault.save(alice, { apikey: hex(32), password: 'p' });
    expect(vault.unavailableReason).toMatch(/^The keychain is locked/);
  });

  it('treats a loader that throws as no keychain', async () => {
    const vault = await Vault.open({
      load: async () => {
        throw new Error('The name org.freedesktop.secrets was not provided by any .service files');
      },
    });
    expect(vault.persistent).toBe(false);
    expect(vault.unavailableReason).toMatch(/^No keychain service is running \(Secret Service over D-Bus\)/);
  });

  it('uses memory only when told there is no keychain, or when given a memory backend', async () => {
    for (const backend of [null, new MemoryBackend()]) {
      const vault = await Vault.open({ backend, load: () => Promise.reject(new Error('must not be called')) });
      expect(vault.persistent).toBe(false);
      expect(vault.unavailableReason).toEqual(expect.any(String));
      const kept = secrets();
      await vault.save(alice, kept);
      expect(await vault.load(alice)).toEqual(kept);
    }
  });
});

describe('the vault with a keychain', () => {
  it('files both secrets as one JSON entry under "Ozeki Chat Desktop" and userid@server', async () => {
    const keychain = new FakeKeychain();
    const vault = await Vault.open({ backend: keychain });
    const kept = secrets();
    await vault.save(alice, kept);
    expect([...keychain.entries.keys()]).toEqual([`${KEYCHAIN_SERVICE}|${alice.userid}@https://chat.example.test/api`]);
    expect(JSON.parse([...keychain.entries.values()][0] ?? '')).toEqual(kept);
  });

  it("keeps the local database's key in the same entry, and reads an entry of version 0.1 without one", async () => {
    const keychain = new FakeKeychain();
    const vault = await Vault.open({ backend: keychain });
    const kept = { ...secrets(), dbkey: hex(32) };
    await vault.save(alice, kept);
    expect(JSON.parse([...keychain.entries.values()][0] ?? '')).toEqual(kept);
    expect(await vault.load(alice)).toEqual(kept);
    const old = secrets();
    await keychain.set(KEYCHAIN_SERVICE, `${alice.userid}@https://chat.example.test/api`, JSON.stringify(old));
    expect(await vault.load(alice)).toEqual(old);
  });

  it('never puts the database key in the reason when the keychain refuses it', async () => {
    const kept = { ...secrets(), dbkey: hex(32) };
    const vault = await Vault.open({ backend: new BrokenKeychain(`refused ${kept.dbkey}`) });
    await vault.save(alice, kept);
    expect(vault.persistent).toBe(false);
    expect(vault.unavailableReason).not.toContain(kept.dbkey);
    expect(await vault.load(alice)).toEqual(kept);
  });

  it('finds the account whichever way the server address was typed', async () => {
    const vault = await Vault.open({ backend: new FakeKeychain() });
    const kept = secrets();
    await vault.save({ serverUrl: 'HTTPS://Chat.Example.TEST:443/api/?tab=1#top', userid: alice.userid }, kept);
    expect(await vault.load(alice)).toEqual(kept);
    await vault.remove({ serverUrl: 'https://chat.example.test/api/', userid: alice.userid });
    expect(await vault.load(alice)).toBeNull();
  });

  it('returns null for an account it has never seen', async () => {
    const vault = await Vault.open({ backend: new FakeKeychain() });
    expect(await vault.load(alice)).toBeNull();
  });

  it('reports a keychain that fails on read as a keychain error', async () => {
    const vault = await Vault.open({ backend: new BrokenKeychain('The name org.freedesktop.secrets was not provided by any .service files') });
    const err = await vault.load(alice).catch((e: unknown) => e);
    expect(isCoreError(err, 'keychain')).toBe(true);
    expect((err as Error).message).toMatch(/could not be read from the keychain/);
  });

  it('reports a damaged entry instead of returning it', async () => {
    const keychain = new FakeKeychain();
    const vault = await Vault.open({ backend: keychain });
    keychain.entries.set(`${KEYCHAIN_SERVICE}|${alice.userid}@https://chat.example.test/api`, 'not json, has secret-ish text');
    const err = await vault.load(alice).catch((e: unknown) => e);
    expect(isCoreError(err, 'keychain')).toBe(true);
    expect((err as Error).message).not.toContain('secret-ish');
  });

  it('reports a sign-out whose keychain entry could not be deleted', async () => {
    const vault = await Vault.open({ backend: new BrokenKeychain() });
    const err = await vault.remove(alice).catch((e: unknown) => e);
    expect(isCoreError(err, 'keychain')).toBe(true);
  });

  it('refuses secrets that are not text and a server address that is not a URL, without echoing them', async () => {
    const vault = await Vault.open({ backend: new FakeKeychain() });
    const bad = await vault.save(alice, { apikey: '', password: 'pw' }).catch((e: unknown) => e);
    expect(isCoreError(bad, 'invalid-argument')).toBe(true);
    const url = await vault.save({ serverUrl: 'not a url with hunter2', userid: alice.userid }, secrets()).catch((e: unknown) => e);
    expect(isCoreError(url, 'invalid-argument')).toBe(true);
    expect((url as Error).message).not.toContain('hunter2');
  });
});
