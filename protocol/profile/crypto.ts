/**
 * PROFILE (ours, not Ozeki's): end-to-end encryption. Ozeki documents only that an encrypted RSA
 * private key comes down at login and that `secret`, `displayname` and message `Data` are
 * ciphertext. Our choices:
 *
 * - Each user has an RSA-2048 key pair. Friends/List `publickey` = base64 DER SubjectPublicKeyInfo.
 * - Login `rsakey` = PKCS#1 PEM, traditional OpenSSL encryption with AES-256-CFB, passphrase = the
 *   user's encryption password.
 * - Conversation key: 32 random bytes. `secret` = base64 RSA-OAEP(SHA-256) of that key under the
 *   caller's public key (one wrapped copy per participant).
 * - `displayname` and message `Data` = base64(nonce[12] || AES-256-GCM ciphertext || tag[16]).
 * - Message plaintext = UTF-8 JSON `{"from": "<userid>", "text": "<text>"}`; unknown fields are kept.
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';

export const RSA_MODULUS_BITS = 2048;
export const RSAKEY_CIPHER = 'aes-256-cfb';
export const CONVERSATION_KEY_BYTES = 32;
const GCM_NONCE_BYTES = 12;
const GCM_TAG_BYTES = 16;

export class WrongEncryptionPasswordError extends Error {
  constructor() {
    super('The encryption password is wrong: it does not unlock your private key.');
    this.name = 'WrongEncryptionPasswordError';
  }
}

/** The `rsakey` is damaged or in a form this profile does not read (for example a non-hex DEK-Info IV). */
export class UnreadablePrivateKeyError extends Error {
  constructor(detail: string) {
    super(`The private key from the server cannot be used: ${detail}`);
    this.name = 'UnreadablePrivateKeyError';
  }
}

/** Ciphertext that cannot be opened: wrong key, tampered or truncated data. */
export class DecryptionError extends Error {
  constructor(what: string) {
    super(`Could not decrypt ${what}: it was not encrypted for this key or it has been altered.`);
    this.name = 'DecryptionError';
  }
}

export type UserKeyPair = {
  /** base64 DER SubjectPublicKeyInfo, as Friends/List sends it. */
  publickey: string;
  /** PKCS#1 PEM encrypted with AES-256-CFB under the encryption password, lines joined by CRLF like the documented example. */
  rsakey: string;
};

export function generateUserKeyPair(encryptionPassword: string): Promise<UserKeyPair> {
  return new Promise((resolve, reject) => {
    generateKeyPair(
      'rsa',
      {
        modulusLength: RSA_MODULUS_BITS,
        publicExponent: 0x10001,
        publicKeyEncoding: { type: 'spki', format: 'der' },
        privateKeyEncoding: { type: 'pkcs1', format: 'pem', cipher: RSAKEY_CIPHER, passphrase: encryptionPassword },
      },
      (err, publicKey: Buffer, privateKey: string) => {
        if (err) reject(err);
        else resolve({ publickey: publicKey.toString('base64'), rsakey: privateKey.trimEnd().replace(/\r?\n/g, '\r\n') });
      },
    );
  });
}

const DEK_INFO = /^DEK-Info: AES-256-CFB,[0-9A-Fa-f]{32}\r?$/m;
const PEM_BODY = /\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)\r?\n-----END RSA PRIVATE KEY-----/;

/**
 * Unlocks the login `rsakey`. Throws {@link WrongEncryptionPasswordError} when the password does not
 * fit, and {@link UnreadablePrivateKeyError} when the key is not in the profile's form or is damaged.
 */
export function unlockPrivateKey(rsakey: string, encryptionPassword: string): KeyObject {
  if (!rsakey.includes('Proc-Type: 4,ENCRYPTED')) throw new UnreadablePrivateKeyError('it is not an encrypted PEM key.');
  if (!DEK_INFO.test(rsakey)) throw new UnreadablePrivateKeyError('it is not encrypted with AES-256-CFB and a hex IV.');
  if (!PEM_BODY.test(rsakey)) throw new UnreadablePrivateKeyError('its PEM body is missing or malformed.');
  const fit = derHeaderFit(rsakey, encryptionPassword);
  if (fit === 'garbage') throw new WrongEncryptionPasswordError();
  if (fit === 'truncated') throw new UnreadablePrivateKeyError('it is cut short or damaged.');
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: rsakey, format: 'pem', passphrase: encryptionPassword });
  } catch {
    throw new UnreadablePrivateKeyError('it is damaged (it does not decode).');
  }
  if (key.asymmetricKeyType !== 'rsa') throw new UnreadablePrivateKeyError('it is not an RSA key.');
  // CFB has no integrity check either: a damaged key can decode yet be unusable. Prove it works now
  // rather than failing later on every conversation key.
  const probe = Buffer.from('ozeki-chat key self-test');
  let works: boolean;
  try {
    works = verify('sha256', probe, createPublicKey(key), sign('sha256', probe, key));
  } catch {
    works = false;
  }
  if (!works) throw new UnreadablePrivateKeyError('it is damaged (its self-test failed).');
  return key;
}

/**
 * Decrypts just enough of the key to tell a wrong password from a damaged key: with the right
 * password the plaintext starts with a DER SEQUENCE header whose length matches the data; with a
 * wrong one it is noise. Key derivation is OpenSSL's traditional PEM one (EVP_BytesToKey, MD5, one
 * round, salt = the first 8 bytes of the IV).
 */
function derHeaderFit(rsakey: string, password: string): 'fits' | 'truncated' | 'garbage' {
  const iv = Buffer.from(DEK_INFO.exec(rsakey)![0].split(',')[1]!.trim(), 'hex');
  const body = Buffer.from(PEM_BODY.exec(rsakey)![1]!.replace(/\s+/g, ''), 'base64');
  const pass = Buffer.from(password, 'utf8');
  const salt = iv.subarray(0, 8);
  const d1 = createHash('md5').update(pass).update(salt).digest();
  const d2 = createHash('md5').update(d1).update(pass).update(salt).digest();
  const decipher = createDecipheriv('aes-256-cfb', Buffer.concat([d1, d2]), iv);
  const head = decipher.update(body.subarray(0, 4));
  if (head.length < 4 || head[0] !== 0x30 || head[1] !== 0x82) return 'garbage';
  const declared = 4 + head.readUInt16BE(2);
  return declared === body.length ? 'fits' : declared > body.length ? 'truncated' : 'garbage';
}

export function publicKeyFromBase64(publickey: string): KeyObject {
  return createPublicKey({ key: Buffer.from(publickey, 'base64'), format: 'der', type: 'spki' });
}

export function newConversationKey(): Buffer {
  return randomBytes(CONVERSATION_KEY_BYTES);
}

const oaep = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' } as const;

/** `secret` for one participant: the conversation key wrapped under their public key. */
export function wrapConversationKey(conversationKey: Uint8Array, publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? publicKeyFromBase64(publicKey) : publicKey;
  return publicEncrypt({ key, ...oaep }, conversationKey).toString('base64');
}

export function unwrapConversationKey(secret: string, privateKey: KeyObject): Buffer {
  let key: Buffer;
  try {
    key = privateDecrypt({ key: privateKey, ...oaep }, Buffer.from(secret, 'base64'));
  } catch {
    throw new DecryptionError('the conversation key');
  }
  if (key.length !== CONVERSATION_KEY_BYTES) throw new DecryptionError('the conversation key');
  return key;
}

/** Encrypts UTF-8 text under a conversation key (used for `displayname` and message `Data`). */
export function sealText(conversationKey: Uint8Array, plaintext: string): string {
  const nonce = randomBytes(GCM_NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', conversationKey, nonce);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
}

export function openText(conversationKey: Uint8Array, sealed: string, what = 'the data'): string {
  const bytes = Buffer.from(sealed, 'base64');
  if (bytes.length < GCM_NONCE_BYTES + GCM_TAG_BYTES) throw new DecryptionError(what);
  try {
    const decipher = createDecipheriv('aes-256-gcm', conversationKey, bytes.subarray(0, GCM_NONCE_BYTES));
    decipher.setAuthTag(bytes.subarray(bytes.length - GCM_TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(GCM_NONCE_BYTES, bytes.length - GCM_TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new DecryptionError(what);
  }
}

/** The decrypted body of a message. Unknown fields are kept so newer clients' additions survive. */
export type MessagePlaintext = { from: string; text: string; [extra: string]: unknown };

export function encodeMessagePlaintext(body: MessagePlaintext): string {
  return JSON.stringify(body);
}

export function decodeMessagePlaintext(json: string): MessagePlaintext {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new DecryptionError('the message: its content is not JSON');
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    typeof (value as { from?: unknown }).from !== 'string' ||
    typeof (value as { text?: unknown }).text !== 'string'
  ) {
    throw new DecryptionError('the message: it lacks a sender or text');
  }
  return value as MessagePlaintext;
}

export function sealMessage(conversationKey: Uint8Array, body: MessagePlaintext): string {
  return sealText(conversationKey, encodeMessagePlaintext(body));
}

export function openMessage(conversationKey: Uint8Array, data: string): MessagePlaintext {
  return decodeMessagePlaintext(openText(conversationKey, data, 'the message'));
}
