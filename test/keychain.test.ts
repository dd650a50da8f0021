/**
 * The OS keychain the vault will use (issue 3) is reachable where the tests run. In CI, .ci/run
 * provides a D-Bus session with an unlocked throwaway gnome-keyring; elsewhere the test says why
 * it cannot run instead of passing silently.
 */
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';

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

describe('the OS keychain', () => {
  it.skipIf(reason !== '')(`stores, reads back and removes a secret${reason ? ` (skipped: ${reason})` : ''}`, async () => {
    const k = keytar as Keytar;
    const service = 'Ozeki Chat Desktop (test)';
    const account = `ci-${randomBytes(4).toString('hex')}`;
    const secret = randomBytes(16).toString('hex');
    await k.setPassword(service, account, secret);
    expect(await k.getPassword(service, account)).toBe(secret);
    expect(await k.deletePassword(service, account)).toBe(true);
    expect(await k.getPassword(service, account)).toBeNull();
  });
});
