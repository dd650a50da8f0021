/**
 * The vault: where the main process keeps a signed-in user's API key and encryption password.
 *
 * They live in the OS keychain under the service "Ozeki Chat Desktop", one entry per server + user
 * (account name `${userid}@${normalised server}`, see account.ts), in one JSON entry with the key
 * of the account's local database (store/cipher.ts), which version 0.1's entries do not have.
 * They are never written to disk by this app, never logged and never put in an error message.
 *
 * When the keychain cannot be used (keytar missing, no Secret Service, a locked keychain that
 * refuses a write), sign-in still works: the secrets are kept in memory for this run, `persistent`
 * is false and `unavailableReason` says why, so the UI can tell the user they will sign in again
 * next launch. Once the vault has fallen back to memory it stays there for the rest of the run.
 */
import { CoreError } from '../errors.js';
import { accountKey, type AccountRef } from './account.js';
import { MemoryBackend } from './memory-backend.js';
import { describeKeychainError, KEYCHAIN_SERVICE, loadKeytarBackend, type SecretBackend } from './secret-backend.js';

export type { AccountRef } from './account.js';
export type VaultSecrets = { apikey: string; password: string; /** The local database's key, hex. */ dbkey?: string };

export type VaultOpenOptions = {
  /**
   * The keychain to use. Omitted: keytar, loaded and probed by `load`. `null`: no keychain, memory
   * only. A MemoryBackend counts as memory only (not persistent).
   */
  backend?: SecretBackend | null;
  /** Finds the keychain when `backend` is omitted. Default: loadKeytarBackend. */
  load?: typeof loadKeytarBackend;
};

function parseEntry(entry: string): VaultSecrets | null {
  try {
    const value = JSON.parse(entry) as unknown;
    if (typeof value === 'object' && value !== null) {
      const { apikey, password, dbkey } = value as Record<string, unknown>;
      if (typeof apikey === 'string' && typeof password === 'string') return { apikey, password, ...(typeof dbkey === 'string' ? { dbkey } : {}) };
    }
  } catch {
    // fall through: the caller reports it without the content
  }
  return null;
}

export class Vault {
  /** The OS keychain, or null when there is none this run. Still read after a fallback. */
  readonly #keychain: SecretBackend | null;
  /** This run's secrets when the keychain is not used for writing. */
  readonly #memory = new MemoryBackend();
  #persistent: boolean;
  #unavailableReason: string | null;

  private constructor(keychain: SecretBackend | null, unavailableReason: string | null) {
    this.#keychain = keychain;
    this.#persistent = keychain !== null;
    this.#unavailableReason = keychain === null ? (unavailableReason ?? 'No keychain is available.') : null;
  }

  static async open(options: VaultOpenOptions = {}): Promise<Vault> {
    if (options.backend === null) return new Vault(null, 'The keychain is turned off for this run.');
    if (options.backend instanceof MemoryBackend) return new Vault(null, 'Secrets are kept in memory for this run only.');
    if (options.backend !== undefined) return new Vault(options.backend, null);
    const load = options.load ?? loadKeytarBackend;
    let found: Awaited<ReturnType<typeof loadKeytarBackend>>;
    try {
      found = await load();
    } catch (err) {
      found = { unavailable: describeKeychainError(err) };
    }
    return 'backend' in found ? new Vault(found.backend, null) : new Vault(null, found.unavailable);
  }

  /** True while secrets saved now will still be there next launch. */
  get persistent(): boolean {
    return this.#persistent;
  }

  /** Why secrets are not kept between launches (null while `persistent`). Contains no secret. */
  get unavailableReason(): string | null {
    return this.#unavailableReason;
  }

  /** Where saves go now, for people: "macOS Keychain", "memory (this run only)". */
  get backendName(): string {
    return this.#persistent && this.#keychain ? this.#keychain.name : this.#memory.name;
  }

  /**
   * Keeps the account's secrets. Never fails because of the keychain: if it refuses the write, the
   * secrets are kept in memory instead and `persistent` / `unavailableReason` change; check them
   * after saving to tell the user.
   */
  async save(account: AccountRef, secrets: VaultSecrets): Promise<void> {
    const name = accountKey(account);
    if (typeof secrets?.apikey !== 'string' || secrets.apikey === '' || typeof secrets.password !== 'string') {
      throw new CoreError('invalid-argument', 'The API key and encryption password must be text.');
    }
    if (secrets.dbkey !== undefined && typeof secrets.dbkey !== 'string') throw new CoreError('invalid-argument', 'The database key must be text.');
    const entry = JSON.stringify({ apikey: secrets.apikey, password: secrets.password, ...(secrets.dbkey ? { dbkey: secrets.dbkey } : {}) });
    if (this.#persistent && this.#keychain) {
      try {
        await this.#keychain.set(KEYCHAIN_SERVICE, name, entry);
        await this.#memory.delete(KEYCHAIN_SERVICE, name);
        return;
      } catch (err) {
        this.#persistent = false;
        this.#unavailableReason = describeKeychainError(err, [secrets.apikey, secrets.password, ...(secrets.dbkey ? [secrets.dbkey] : [])]);
      }
    }
    await this.#memory.set(KEYCHAIN_SERVICE, name, entry);
  }

  /** The account's secrets, or null when none are kept. Throws CoreError('keychain') when the keychain fails. */
  async load(account: AccountRef): Promise<VaultSecrets | null> {
    const name = accountKey(account);
    let entry = await this.#memory.get(KEYCHAIN_SERVICE, name);
    if (entry === null && this.#keychain) {
      try {
        entry = await this.#keychain.get(KEYCHAIN_SERVICE, name);
      } catch (err) {
        throw new CoreError('keychain', `Your saved sign-in could not be read from the keychain. ${describeKeychainError(err)}`, { cause: err });
      }
    }
    if (entry === null) return null;
    const secrets = parseEntry(entry);
    if (!secrets) {
      throw new CoreError('keychain', 'The sign-in saved in the keychain for this account is damaged. Sign in again to replace it.');
    }
    return secrets;
  }

  /** Signs out: forgets the account's secrets here and in the keychain. */
  async remove(account: AccountRef): Promise<void> {
    const name = accountKey(account);
    await this.#memory.delete(KEYCHAIN_SERVICE, name);
    if (!this.#keychain) return;
    try {
      await this.#keychain.delete(KEYCHAIN_SERVICE, name);
    } catch (err) {
      throw new CoreError(
        'keychain',
        `You are signed out, but your saved sign-in could not be removed from the keychain; remove the "${KEYCHAIN_SERVICE}" entry by hand. ${describeKeychainError(err)}`,
        { cause: err },
      );
    }
  }
}
