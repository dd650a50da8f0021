/**
 * The signed-in user's keys, in main-process memory only: the private key unlocked with the
 * encryption password, and the conversation keys and names opened from it. Nothing here is sent to
 * the renderer; opened conversation keys are written only sealed, through the key cache.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  DecryptionError,
  UnreadablePrivateKeyError,
  WrongEncryptionPasswordError,
  newConversationKey,
  openMessage,
  openText,
  publicKeyFromBase64,
  sealMessage,
  sealText,
  unlockPrivateKey,
  unwrapConversationKey,
  wrapConversationKey,
  type MessagePlaintext,
} from '../../../protocol/index.js';
import { CoreError } from '../errors.js';
import type { ConversationKeyCache } from './key-cache.js';

type Sealed = { id: string; secret: string };

export class Keyring {
  /** Keyed by the wrapped secret itself: a new secret for the same conversation is a new key. */
  private readonly keys = new Map<string, Buffer>();
  private readonly names = new Map<string, string>();

  private cache: ConversationKeyCache | null = null;

  private constructor(
    private readonly privateKey: KeyObject,
    readonly userid: string,
  ) {}

  /** Conversation keys and names are looked up there before opening, and kept there once opened. */
  useCache(cache: ConversationKeyCache): void {
    this.cache = cache;
  }

  /** Unlocks the login `rsakey`; a wrong password or a damaged key is a CoreError the UI can show. */
  static unlock(rsakey: string, password: string, userid: string): Keyring {
    try {
      return new Keyring(unlockPrivateKey(rsakey, password), userid);
    } catch (err) {
      if (err instanceof WrongEncryptionPasswordError) {
        throw new CoreError('wrong-password', 'The encryption password is wrong: it does not unlock your private key.');
      }
      if (err instanceof UnreadablePrivateKeyError) throw new CoreError('unreadable-key', err.message);
      throw new CoreError('unreadable-key', 'The private key from the server cannot be used.', { cause: err });
    }
  }

  /** The user's own public key (base64 DER SPKI), derived from the private key: login does not send it. */
  ownPublicKey(): string {
    return createPublicKey(this.privateKey).export({ type: 'spki', format: 'der' }).toString('base64');
  }

  conversationKey(conversation: Sealed): Buffer {
    let key = this.keys.get(conversation.secret) ?? this.cache?.key(conversation);
    if (!key) {
      try {
        key = unwrapConversationKey(conversation.secret, this.privateKey);
      } catch (err) {
        throw decryptionError('the conversation key', err);
      }
      this.cache?.rememberKey(conversation, key);
    }
    this.keys.set(conversation.secret, key);
    return key;
  }

  /** The conversation's decrypted title; null when it cannot be opened (shown as such, not fatal). */
  displayName(conversation: Sealed & { displayname: string }): string | null {
    const cacheKey = `${conversation.secret}\n${conversation.displayname}`;
    const cached = this.names.get(cacheKey) ?? this.cache?.name(conversation);
    if (cached !== undefined) {
      this.names.set(cacheKey, cached);
      return cached;
    }
    try {
      const name = openText(this.conversationKey(conversation), conversation.displayname, 'the conversation name');
      this.names.set(cacheKey, name);
      this.cache?.rememberName(conversation, name);
      return name;
    } catch {
      return null;
    }
  }

  openMessage(conversation: Sealed, data: string): MessagePlaintext {
    try {
      return openMessage(this.conversationKey(conversation), data);
    } catch (err) {
      throw decryptionError('a message', err);
    }
  }

  /** A draft as version 0.1 kept it, sealed with the conversation's key (drafts are in the clear inside the encrypted database now). */
  openDraft(conversation: Sealed, sealed: string): string {
    try {
      return openText(this.conversationKey(conversation), sealed, 'a draft');
    } catch (err) {
      throw decryptionError('a draft', err);
    }
  }

  sealMessage(conversation: Sealed, text: string): string {
    return sealMessage(this.conversationKey(conversation), { from: this.userid, text });
  }

  /** A rich message's plaintext (profile: a reply, reaction, edit or delete), sealed; its `from` must be this user. */
  sealPlaintext(conversation: Sealed, body: MessagePlaintext): string {
    if (body.from !== this.userid) throw new CoreError('internal', 'A message must be sealed as its own sender.');
    return sealMessage(this.conversationKey(conversation), body);
  }

  /** A new conversation's key, wrapped for every participant, and its sealed name. */
  newConversation(participants: { userid: string; publickey: string }[], name: string): { displayname: string; secrets: Record<string, string> } {
    const key = newConversationKey();
    const secrets: Record<string, string> = {};
    for (const p of participants) {
      try {
        secrets[p.userid] = wrapConversationKey(key, publicKeyFromBase64(p.publickey));
      } catch (err) {
        throw new CoreError('invalid-response', `The public key the server gave for ${p.userid} is not usable.`, { cause: err });
      }
    }
    return { displayname: sealText(key, name), secrets };
  }
}

function decryptionError(what: string, cause: unknown): CoreError {
  const detail = cause instanceof DecryptionError ? '' : ' (unexpected data)';
  return new CoreError('decryption', `Could not decrypt ${what}${detail}: it was not encrypted for your key or it was altered.`, { cause });
}
