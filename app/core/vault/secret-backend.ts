/**
 * Where the vault keeps secrets: the OS keychain through keytar (macOS Keychain, Windows Credential
 * Manager, Secret Service over D-Bus on Linux), or memory for this run only.
 *
 * keytar is an optionalDependency with a native part, so it may be missing or unbuilt on a user's
 * machine; it is loaded lazily and probed once, and every way it can be unusable comes back as a
 * sentence the UI can show, never as an exception.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export interface SecretBackend {
  /** For people: "GNOME Keyring / KWallet (Secret Service)", "memory (this run only)". */
  readonly name: string;
  get(service: string, account: string): Promise<string | null>;
  set(service: string, account: string, secret: string): Promise<void>;
  /** True when there was something to delete. */
  delete(service: string, account: string): Promise<boolean>;
}

/** The service every entry of this app is filed under in the OS keychain. */
export const KEYCHAIN_SERVICE = 'Ozeki Chat Desktop';
/** Looked up (never written) at start to find out whether the keychain answers. */
export const PROBE_ACCOUNT = '(availability probe)';

/** The part of keytar we use. Typed here: keytar is optional, so its own types may be missing. */
type Keytar = {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
};

export type KeytarLoadOptions = {
  /** How long the probe may take before the keychain counts as unavailable. Default 15 s. */
  probeTimeoutMs?: number;
  /** Replaces `require('keytar')` (tests). */
  requireKeytar?: () => unknown;
  /** Replaces process.env / process.platform (tests). */
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
};

const NO_SECRET_SERVICE =
  'No keychain service is running (Secret Service over D-Bus). Install and start GNOME Keyring or KWallet to stay signed in between launches.';
const NO_SESSION_BUS =
  'No keychain service is running (Secret Service over D-Bus): this desktop session has no D-Bus session bus, so GNOME Keyring or KWallet cannot be reached.';

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const line = (message.split('\n')[0] ?? '').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/**
 * Why the keychain failed, as a sentence for the user. Keychain errors describe the service, not
 * the item, but only the first line of an unrecognised one is quoted, and not at all when it
 * contains one of `secrets`.
 */
export function describeKeychainError(err: unknown, secrets: readonly string[] = []): string {
  const line = firstLine(err);
  if (/autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|Could not connect|Failed to connect to socket|Unable to autolaunch/i.test(line)) {
    return NO_SESSION_BUS;
  }
  if (/org\.freedesktop\.secrets|ServiceUnknown|not provided by any \.service/i.test(line)) return NO_SECRET_SERVICE;
  if (/locked/i.test(line)) {
    return 'The keychain is locked, so your sign-in could not be kept in it. Unlock it (or set it to unlock when you log in) to stay signed in between launches.';
  }
  if (line === '' || secrets.some((secret) => secret !== '' && line.includes(secret))) return 'The keychain could not be used.';
  return `The keychain could not be used (${line}).`;
}

function keychainName(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'GNOME Keyring / KWallet (Secret Service)';
}

function isKeytar(value: unknown): value is Keytar {
  const k = value as Partial<Keytar> | null;
  return (
    typeof k === 'object' && k !== null && typeof k.getPassword === 'function' && typeof k.setPassword === 'function' && typeof k.deletePassword === 'function'
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * keytar wrapped as a SecretBackend, or why it cannot be used. Never throws. Takes no secrets and
 * writes nothing: the probe only looks up PROBE_ACCOUNT.
 */
export async function loadKeytarBackend(options: KeytarLoadOptions = {}): Promise<{ backend: SecretBackend } | { unavailable: string }> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;

  // Without a session bus, libsecret tries to autolaunch one (and fails without X11, or may start
  // a stray bus): say so up front. GLib also finds the bus at $XDG_RUNTIME_DIR/bus.
  if (platform === 'linux' && !env.DBUS_SESSION_BUS_ADDRESS && !(env.XDG_RUNTIME_DIR && existsSync(join(env.XDG_RUNTIME_DIR, 'bus')))) {
    return { unavailable: NO_SESSION_BUS };
  }

  let keytar: unknown;
  try {
    keytar = options.requireKeytar ? options.requireKeytar() : createRequire(import.meta.url)('keytar');
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    if (code === 'MODULE_NOT_FOUND' && /'keytar'/.test(firstLine(err))) {
      return { unavailable: 'The keychain module (keytar) is not installed with this copy of the app, so the keychain cannot be used.' };
    }
    return { unavailable: `The keychain module (keytar) could not be loaded (${firstLine(err)}).` };
  }
  // ESM interop may hand us { default: keytar }.
  if (!isKeytar(keytar) && isKeytar((keytar as { default?: unknown } | null)?.default)) {
    keytar = (keytar as { default: unknown }).default;
  }
  if (!isKeytar(keytar)) return { unavailable: 'The keychain module (keytar) did not load correctly.' };
  const k = keytar;

  try {
    const answer = await withTimeout(k.getPassword(KEYCHAIN_SERVICE, PROBE_ACCOUNT), options.probeTimeoutMs ?? 15_000);
    if (answer === 'timeout') {
      return { unavailable: 'The keychain did not answer in time (it may be waiting to be unlocked), so it is not used this run.' };
    }
  } catch (err) {
    return { unavailable: describeKeychainError(err) };
  }

  const backend: SecretBackend = {
    name: keychainName(platform),
    get: (service, account) => k.getPassword(service, account),
    set: (service, account, secret) => k.setPassword(service, account, secret),
    delete: (service, account) => k.deletePassword(service, account),
  };
  return { backend };
}
