/**
 * The vault against the real OS keychain. In CI, .ci/run provides a D-Bus session with an unlocked
 * throwaway gnome-keyring; elsewhere these tests say why they cannot run instead of passing silently.
 * Run locally:
 *   dbus-run-session -- sh -c 'echo pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; npx vitest run app/core/vault'
 */
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { accountKey, type AccountRef } from './account.js';
import { KEYCHAIN_SERVICE } from './secret-backend.js';
import { Vault } from './vault.js';

type Keytar = {
  setPassword(service: string, account: string, password: string): Promise<void>;
  getPassword(service: string, account: string): Promise<string | null>;
  deletePassword(service: string, account: string): Promise<boolean>;
};

function loadKeytar(): Keytar | string {
  if (process.platform === 'linux' && !process.env.DBUS_SESSION_BUS_ADDRESS) {
    return 'no D-Bus session: run inside `dbus-run-session` with gnome-keyring unlocked (see .ci/run)';
  }
  try {
    return createRequire(import.meta.url)('keytar') as Keytar;
  } catch (err) {
    return `keytar is not installed or not built (${(err as Error).message.split('\n')[0]})`;
  }
}

const keytar = loadKeytar();
const reason = typeof keytar === 'string' ? keytar : '';
const skipped = reason ? ` (skipped: ${reason})` : '';
const k = keytar as Keytar;

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const secrets = () => ({ apikey: hex(32), password: `pw-${hex(8)}` });

// Every account a test touches is removed from the real keychain afterwards, whatever happened.
const touched: AccountRef[] = [];
function account(serverUrl: string): AccountRef {
  const ref = { serverUrl, userid: hex(16) };
  touched.push(ref);
  return ref;
}
afterEach(async () => {
  if (reason) return;
  for (const ref of touched.splice(0)) await k.deletePassword(KEYCHAIN_SERVICE, accountKey(ref));
});

describe.skipIf(reason !== '')(`the vault on the OS keychain${skipped}`, () => {
  it('keeps both secrets in one "Ozeki Chat Desktop" entry per account and reads them back after a restart', async () => {
    const vault = await Vault.open();
    expect(vault.persistent).toBe(true);
    expect(vault.unavailableReason).toBeNull();

    const alice = account('https://chat.example.test/api');
    const kept = secrets();
    await vault.save(alice, kept);
    expect(vault.persistent).toBe(true);

    const entry = await k.getPassword(KEYCHAIN_SERVICE, `${alice.userid}@https://chat.example.test/api`);
    expect(JSON.parse(entry ?? 'null')).toEqual(kept);

    const afterRestart = await Vault.open();
    expect(await afterRestart.load(alice)).toEqual(kept);
  });

  it('keeps the same user on two servers apart', async () => {
    const vault = await Vault.open();
    const one = account('https://one.example.test');
    const two = { serverUrl: 'https://two.example.test', userid: one.userid };
    touched.push(two);
    const s1 = secrets();
    const s2 = secrets();
    await vault.save(one, s1);
    await vault.save(two, s2);

    expect(await vault.load(one)).toEqual(s1);
    expect(await vault.load(two)).toEqual(s2);
    await vault.remove(one);
    expect(await vault.load(one)).toBeNull();
    expect(await vault.load(two)).toEqual(s2);
  });

  it('signing out deletes the entry from the keychain itself', async () => {
    const vault = await Vault.open();
    const bob = account('https://chat.example.test');
    await vault.save(bob, secrets());
    expect(await k.getPassword(KEYCHAIN_SERVICE, accountKey(bob))).not.toBeNull();

    await vault.remove(bob);
    expect(await k.getPassword(KEYCHAIN_SERVICE, accountKey(bob))).toBeNull();
    expect(await (await Vault.open()).load(bob)).toBeNull();
  });
});
