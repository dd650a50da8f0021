/**
 * A local cache of opened conversation keys and names, so a restart does not RSA-unwrap every
 * conversation key again: 10,000 of them took about 3 s, all before the list could show.
 *
 * One row per conversation in the local database (store/conversation-keys-table.ts), read when a
 * conversation is first opened: the first screen reads its 100, not all 10,000. The database is
 * encrypted as a whole under a key kept in the keychain (store/cipher.ts), which is what protects
 * them; whoever has that keychain entry could unwrap the keys from the server's copies anyway.
 *
 * An entry counts only while the conversation's wrapped secret (and, for the name, its sealed
 * name) is still the one it was opened from. Writes are batched to one transaction per turn of the
 * event loop, because a first sign-in opens every key at once.
 *
 * Version 0.1 kept them as one AES-256-GCM envelope under a key derived (HKDF-SHA-256) from the
 * API key and encryption password; `open` reads such an envelope once into the rows and drops it.
 */
import { createDecipheriv, hkdfSync } from 'node:crypto';
import type { KeyEntry } from '../store/conversation-keys-table.js';

/** Where the entries live: the local database (see LocalStore). */
export interface KeyCacheStorage {
  keyEntry(conversationId: string): KeyEntry | undefined;
  putKeyEntries(changes: ReadonlyMap<string, KeyEntry | null>): void;
  keyEntryIds(): string[];
  legacyKeyCache(): { salt: Buffer; sealed: Buffer } | undefined;
  dropLegacyKeyCache(): void;
}

type Sealed = { id: string; secret: string };
/** Version 0.1's envelope entries: [end of the wrapped secret, base64 key, sealed name, opened name] */
type LegacyEntry = [secretTail: string, key: string, displayname: string | null, name: string | null];

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
  readonly #log: (line: string) => void;
  /** Written at the end of this turn: an entry, or null for one to forget. */
  readonly #pending = new Map<string, KeyEntry | null>();
  #flushScheduled = false;

  private constructor(storage: KeyCacheStorage, log: (line: string) => void) {
    this.#storage = storage;
    this.#log = log;
  }

  /** Opens the account's cache; version 0.1's envelope, sealed under these secrets, is read into it once. */
  static open(storage: KeyCacheStorage, secrets: { apikey: string; password: string }, log: (line: string) => void = () => {}): ConversationKeyCache {
    const cache = new ConversationKeyCache(storage, log);
    const legacy = storage.legacyKeyCache();
    if (legacy) {
      for (const [id, [secretTail, key, displayname, name]] of readLegacy(legacy, secrets)) {
        const bytes = Buffer.from(key, 'base64');
        if (bytes.length === KEY_BYTES) cache.#pending.set(id, { tail: secretTail, key: bytes, displayname, name });
      }
      cache.flush();
      storage.dropLegacyKeyCache();
    }
    return cache;
  }

  #entry(id: string): KeyEntry | undefined {
    if (this.#pending.has(id)) return this.#pending.get(id) ?? undefined;
    try {
      return this.#storage.keyEntry(id);
    } catch (err) {
      this.#log(`The conversation key cache could not be read: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  /** The conversation's opened key, if it was opened from this same wrapped secret. */
  key(conversation: Sealed): Buffer | undefined {
    const entry = this.#entry(conversation.id);
    if (!entry || entry.tail !== tail(conversation.secret)) return undefined;
    return entry.key.length === KEY_BYTES ? Buffer.from(entry.key) : undefined;
  }

  rememberKey(conversation: Sealed, key: Buffer): void {
    if (key.length !== KEY_BYTES) return;
    this.#change(conversation.id, { tail: tail(conversation.secret), key: Buffer.from(key), displayname: null, name: null });
  }

  /** The conversation's opened name, if it was opened from this same sealed name and key. */
  name(conversation: Sealed & { displayname: string }): string | undefined {
    const entry = this.#entry(conversation.id);
    if (!entry || entry.tail !== tail(conversation.secret) || entry.displayname !== conversation.displayname || entry.name === null) return undefined;
    return entry.name;
  }

  rememberName(conversation: Sealed & { displayname: string }, name: string): void {
    const entry = this.#entry(conversation.id);
    if (!entry || entry.tail !== tail(conversation.secret)) return;
    this.#change(conversation.id, { ...entry, displayname: conversation.displayname, name });
  }

  /** Forgets conversations that are gone (left, or removed on the server). */
  retainOnly(ids: ReadonlySet<string>): void {
    let stored: string[];
    try {
      stored = this.#storage.keyEntryIds();
    } catch {
      return;
    }
    for (const id of new Set([...stored, ...this.#pending.keys()])) if (!ids.has(id)) this.#change(id, null);
  }

  /** Writes pending changes now. Never throws: a cache that cannot be written only costs speed. */
  flush(): void {
    this.#flushScheduled = false;
    if (this.#pending.size === 0) return;
    const changes = new Map(this.#pending);
    this.#pending.clear();
    try {
      this.#storage.putKeyEntries(changes);
    } catch (err) {
      this.#log(`The conversation key cache could not be written: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  #change(id: string, entry: KeyEntry | null): void {
    this.#pending.set(id, entry);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.flush());
  }
}

/** Version 0.1's envelope, opened with the secrets it was sealed under; empty when it does not open. */
function readLegacy(legacy: { salt: Buffer; sealed: Buffer }, secrets: { apikey: string; password: string }): [string, LegacyEntry][] {
  const { salt, sealed } = legacy;
  if (sealed.length < IV_BYTES + TAG_BYTES) return [];
  try {
    const ikm = Buffer.from(JSON.stringify([secrets.apikey, secrets.password]), 'utf8');
    const key = Buffer.from(hkdfSync('sha256', ikm, salt, INFO, KEY_BYTES));
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(AAD);
    decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const json = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    const parsed = JSON.parse(json) as unknown;
    return Array.isArray(parsed) ? parsed.filter(isEntryPair) : [];
  } catch {
    // Sealed under other secrets, or damaged: the keys are unwrapped from the server's copies again.
    return [];
  }
}

function isEntryPair(value: unknown): value is [string, LegacyEntry] {
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
