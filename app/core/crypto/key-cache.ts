/**
 * A local cache of opened conversation keys and names, so a restart does not RSA-unwrap every
 * conversation key again: 10,000 of them took about 3 s, all before the list could show.
 *
 * The whole cache is one AES-256-GCM envelope under a cache key derived (HKDF-SHA-256) from the
 * account's API key and encryption password, which live only in the OS keychain, and a random salt
 * kept with the cache. Whoever can read the database without the keychain learns nothing from it;
 * whoever has the keychain entry could unwrap the keys from the server's copies anyway, so the cache
 * gives away nothing the keychain did not. One envelope rather than one per conversation, because
 * opening 10,000 small envelopes cost more than the rest of a cold start together.
 *
 * An entry counts only while the conversation's wrapped secret (and, for the name, its sealed
 * name) is still the one it was opened from. An envelope that does not open (a changed API key, a
 * damaged file) is an empty cache: keys are unwrapped from the server's copies again. Writes are
 * batched to one per turn of the event loop, because a first sign-in opens every key at once.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** Where the envelope lives: the local database (see LocalStore). */
export interface KeyCacheStorage {
  keyCacheSalt(): Buffer | undefined;
  setKeyCacheSalt(salt: Buffer): void;
  keyCache(): Buffer | undefined;
  putKeyCache(sealed: Buffer): void;
}

type Sealed = { id: string; secret: string };
/** [end of the wrapped secret, base64 key, sealed name, opened name] */
type Entry = [secretTail: string, key: string, displayname: string | null, name: string | null];

const INFO = 'Ozeki Chat Desktop conversation key cache v1';
const AAD = Buffer.from(INFO, 'utf8');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
/**
 * A wrapped secret is an RSA-OAEP ciphertext: its last 32 base64 characters (192 random-looking
 * bits) tell a new secret from the old one without keeping 10,000 whole ciphertexts.
 */
const tail = (secret: string): string => secret.slice(-32);

export class ConversationKeyCache {
  readonly #storage: KeyCacheStorage;
  readonly #key: Buffer;
  readonly #log: (line: string) => void;
  readonly #entries: Map<string, Entry>;
  #flushScheduled = false;
  #dirty = false;

  private constructor(storage: KeyCacheStorage, key: Buffer, log: (line: string) => void) {
    this.#storage = storage;
    this.#key = key;
    this.#log = log;
    this.#entries = this.#read();
  }

  /** Opens the cache of the account these secrets belong to, minting its salt on first use. */
  static open(storage: KeyCacheStorage, secrets: { apikey: string; password: string }, log: (line: string) => void = () => {}): ConversationKeyCache {
    let salt = storage.keyCacheSalt();
    if (!salt) {
      salt = randomBytes(32);
      storage.setKeyCacheSalt(salt);
    }
    const ikm = Buffer.from(JSON.stringify([secrets.apikey, secrets.password]), 'utf8');
    const key = Buffer.from(hkdfSync('sha256', ikm, salt, INFO, KEY_BYTES));
    return new ConversationKeyCache(storage, key, log);
  }

  /** The conversation's opened key, if it was opened from this same wrapped secret. */
  key(conversation: Sealed): Buffer | undefined {
    const entry = this.#entries.get(conversation.id);
    if (!entry || entry[0] !== tail(conversation.secret)) return undefined;
    const key = Buffer.from(entry[1], 'base64');
    return key.length === KEY_BYTES ? key : undefined;
  }

  rememberKey(conversation: Sealed, key: Buffer): void {
    if (key.length !== KEY_BYTES) return;
    this.#entries.set(conversation.id, [tail(conversation.secret), key.toString('base64'), null, null]);
    this.#changed();
  }

  /** The conversation's opened name, if it was opened from this same sealed name and key. */
  name(conversation: Sealed & { displayname: string }): string | undefined {
    const entry = this.#entries.get(conversation.id);
    if (!entry || entry[0] !== tail(conversation.secret) || entry[2] !== conversation.displayname || entry[3] === null) return undefined;
    return entry[3];
  }

  rememberName(conversation: Sealed & { displayname: string }, name: string): void {
    const entry = this.#entries.get(conversation.id);
    if (!entry || entry[0] !== tail(conversation.secret)) return;
    entry[2] = conversation.displayname;
    entry[3] = name;
    this.#changed();
  }

  /** Forgets conversations that are gone (left, or removed on the server). */
  retainOnly(ids: ReadonlySet<string>): void {
    for (const id of this.#entries.keys()) {
      if (!ids.has(id)) {
        this.#entries.delete(id);
        this.#dirty = true;
      }
    }
    if (this.#dirty) this.#changed();
  }

  /** Writes pending changes now. Never throws: a cache that cannot be written only costs speed. */
  flush(): void {
    this.#flushScheduled = false;
    if (!this.#dirty) return;
    this.#dirty = false;
    try {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
      cipher.setAAD(AAD);
      const body = Buffer.concat([cipher.update(JSON.stringify([...this.#entries]), 'utf8'), cipher.final()]);
      this.#storage.putKeyCache(Buffer.concat([iv, cipher.getAuthTag(), body]));
    } catch (err) {
      this.#log(`The conversation key cache could not be written: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  #changed(): void {
    this.#dirty = true;
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.flush());
  }

  #read(): Map<string, Entry> {
    const sealed = this.#storage.keyCache();
    if (!sealed || sealed.length < IV_BYTES + TAG_BYTES) return new Map();
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, sealed.subarray(0, IV_BYTES));
      decipher.setAAD(AAD);
      decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const json = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      const parsed = JSON.parse(json) as unknown;
      if (!Array.isArray(parsed)) return new Map();
      return new Map(parsed.filter(isEntryPair));
    } catch {
      // Sealed under other secrets, or damaged: start empty, and the next write replaces it.
      return new Map();
    }
  }
}

function isEntryPair(value: unknown): value is [string, Entry] {
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string') return false;
  const e = value[1] as unknown;
  return (
    Array.isArray(e) &&
    e.length === 4 &&
    typeof e[0] === 'string' &&
    typeof e[1] === 'string' &&
    (e[2] === null || typeof e[2] === 'string') &&
    (e[3] === null || typeof e[3] === 'string')
  );
}
