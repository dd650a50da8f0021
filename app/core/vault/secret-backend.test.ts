/** How loadKeytarBackend turns every way the keychain can be missing into a reason. keytar is faked. */
import { describe, expect, it } from 'vitest';
import { describeKeychainError, KEYCHAIN_SERVICE, loadKeytarBackend, PROBE_ACCOUNT } from './secret-backend.js';

const NO_SERVICE = /^No keychain service is running \(Secret Service over D-Bus\)/;

function fakeKeytar(getPassword: (service: string, account: string) => Promise<string | null>) {
  const calls: string[] = [];
  const keytar = {
    getPassword: (service: string, account: string) => {
      calls.push(`get ${service} ${account}`);
      return getPassword(service, account);
    },
    setPassword: async () => {
      calls.push('set');
    },
    deletePassword: async () => {
      calls.push('delete');
      return true;
    },
  };
  return { keytar, calls };
}

describe('finding the OS keychain', () => {
  it('says no keychain service is running when Linux has no D-Bus session bus', async () => {
    const found = await loadKeytarBackend({
      platform: 'linux',
      env: {},
      requireKeytar: () => {
        throw new Error('must not be loaded');
      },
    });
    expect(found).toEqual({ unavailable: expect.stringMatching(NO_SERVICE) });
  });

  it('says so when keytar is not installed', async () => {
    const missing = Object.assign(new Error("Cannot find module 'keytar'\nRequire stack: ..."), { code: 'MODULE_NOT_FOUND' });
    const found = await loadKeytarBackend({
      platform: 'darwin',
      requireKeytar: () => {
        throw missing;
      },
    });
    expect(found).toEqual({ unavailable: expect.stringMatching(/keytar\) is not installed/) });
  });

  it('says so when keytar is installed but its native part does not load', async () => {
    const found = await loadKeytarBackend({
      platform: 'win32',
      requireKeytar: () => {
        throw new Error('was compiled against a different Node.js version\nmore');
      },
    });
    expect(found).toEqual({ unavailable: 'The keychain module (keytar) could not be loaded (was compiled against a different Node.js version).' });
  });

  it('probes once by reading, and turns a missing Secret Service into a reason', async () => {
    const { keytar, calls } = fakeKeytar(() => Promise.reject(new Error('The name org.freedesktop.secrets was not provided by any .service files')));
    const found = await loadKeytarBackend({ platform: 'linux', env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/x' }, requireKeytar: () => keytar });
    expect(found).toEqual({ unavailable: expect.stringMatching(NO_SERVICE) });
    expect(calls).toEqual([`get ${KEYCHAIN_SERVICE} ${PROBE_ACCOUNT}`]);
  });

  it('gives up on a keychain that does not answer the probe in time', async () => {
    const { keytar } = fakeKeytar(() => new Promise(() => {}));
    const found = await loadKeytarBackend({ platform: 'darwin', requireKeytar: () => keytar, probeTimeoutMs: 10 });
    expect(found).toEqual({ unavailable: expect.stringMatching(/did not answer in time/) });
  });

  it('hands back a working backend after a probe that writes nothing', async () => {
    const { keytar, calls } = fakeKeytar(async () => null);
    const found = await loadKeytarBackend({ platform: 'darwin', requireKeytar: () => ({ default: keytar }) });
    if (!('backend' in found)) throw new Error(found.unavailable);
    expect(found.backend.name).toBe('macOS Keychain');
    expect(calls).toEqual([`get ${KEYCHAIN_SERVICE} ${PROBE_ACCOUNT}`]);
    await found.backend.set('s', 'a', 'x');
    expect(calls.at(-1)).toBe('set');
  });

  it('describes keychain errors in words', () => {
    expect(describeKeychainError(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY'))).toMatch(NO_SERVICE);
    expect(describeKeychainError(new Error('Cannot create an item in a locked collection'))).toMatch(/keychain is locked/);
    expect(describeKeychainError(new Error('Something odd\nstack'))).toBe('The keychain could not be used (Something odd).');
  });
});
