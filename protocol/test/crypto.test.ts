import { createPublicKey, type KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CONVERSATION_KEY_BYTES,
  DecryptionError,
  UnreadablePrivateKeyError,
  WrongEncryptionPasswordError,
  decodeMessagePlaintext,
  encodeMessagePlaintext,
  generateUserKeyPair,
  newConversationKey,
  openMessage,
  openText,
  publicKeyFromBase64,
  sealMessage,
  sealText,
  unlockPrivateKey,
  unwrapConversationKey,
  wrapConversationKey,
  type UserKeyPair,
} from '../profile/crypto.js';

const ALICE_PASSWORD = 'correct horse battery staple';
const BOB_PASSWORD = 'Tr0ub4dor&3 — ékezetes jelszó';

let alice: UserKeyPair;
let bob: UserKeyPair;
let alicePrivate: KeyObject;
let bobPrivate: KeyObject;

beforeAll(async () => {
  [alice, bob] = await Promise.all([generateUserKeyPair(ALICE_PASSWORD), generateUserKeyPair(BOB_PASSWORD)]);
  alicePrivate = unlockPrivateKey(alice.rsakey, ALICE_PASSWORD);
  bobPrivate = unlockPrivateKey(bob.rsakey, BOB_PASSWORD);
});

/** base64 `sealed` with the byte at `index` (negative counts from the end) flipped. */
function flipByte(sealed: string, index: number): string {
  const bytes = Buffer.from(sealed, 'base64');
  const i = index < 0 ? bytes.length + index : index;
  bytes[i] = bytes[i]! ^ 0x01;
  return bytes.toString('base64');
}

describe('the rsakey PEM', () => {
  it('is a PKCS#1 PEM encrypted with AES-256-CFB, like the documented example', () => {
    const lines = alice.rsakey.split('\r\n');
    expect(lines[0]).toBe('-----BEGIN RSA PRIVATE KEY-----');
    expect(lines[1]).toBe('Proc-Type: 4,ENCRYPTED');
    expect(lines[2]).toMatch(/^DEK-Info: AES-256-CFB,[0-9A-Fa-f]{32}$/);
    expect(lines.at(-1)).toBe('-----END RSA PRIVATE KEY-----');
  });

  it('uses CRLF line breaks only', () => {
    expect(alice.rsakey).toContain('\r\n');
    expect(alice.rsakey.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(alice.rsakey).not.toMatch(/\s$/);
  });

  it('is a fresh key pair per user', () => {
    expect(alice.publickey).not.toBe(bob.publickey);
    expect(alice.rsakey).not.toBe(bob.rsakey);
  });

  it('unlocks with the right encryption password into a 2048-bit RSA private key', () => {
    expect(alicePrivate.type).toBe('private');
    expect(alicePrivate.asymmetricKeyType).toBe('rsa');
    expect(alicePrivate.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(alicePrivate.asymmetricKeyDetails?.publicExponent).toBe(65537n);
    expect(unlockPrivateKey(bob.rsakey, BOB_PASSWORD).type).toBe('private');
  });

  it('still unlocks when the line breaks are plain LF', () => {
    expect(unlockPrivateKey(alice.rsakey.replace(/\r\n/g, '\n'), ALICE_PASSWORD).type).toBe('private');
  });

  it('matches the published public key', () => {
    const derived = createPublicKey(alicePrivate).export({ type: 'spki', format: 'der' }).toString('base64');
    expect(derived).toBe(alice.publickey);
  });
});

describe('a wrong encryption password', () => {
  it.each([
    ['another password', 'correct horse battery stapler'],
    ["the other user's password", BOB_PASSWORD],
    ['a different case', ALICE_PASSWORD.toUpperCase()],
    ['the empty string', ''],
  ])('is reported as such (%s)', (_what, password) => {
    let error: unknown;
    try {
      unlockPrivateKey(alice.rsakey, password);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WrongEncryptionPasswordError);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('WrongEncryptionPasswordError');
    expect((error as Error).message).toMatch(/encryption password is wrong/i);
  });

  it('is not claimed for a key that is not encrypted at all', () => {
    const plainPem = alicePrivate.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(plainPem).toContain('-----BEGIN RSA PRIVATE KEY-----');
    expect(() => unlockPrivateKey(plainPem, ALICE_PASSWORD)).toThrow(UnreadablePrivateKeyError);
    expect(() => unlockPrivateKey(plainPem, ALICE_PASSWORD)).toThrow(/not an encrypted PEM key/);
  });

  it('is not claimed for the documented example key, whose DEK-Info IV is not hex', () => {
    const documented = '-----BEGIN RSA PRIVATE KEY-----\r\nProc-Type: 4,ENCRYPTED\r\nDEK-Info: AES-256-CFB,584eb...qx32QnqI9\r\n-----END RSA PRIVATE KEY-----';
    expect(() => unlockPrivateKey(documented, ALICE_PASSWORD)).toThrow(UnreadablePrivateKeyError);
    expect(() => unlockPrivateKey(documented, ALICE_PASSWORD)).toThrow(/AES-256-CFB and a hex IV/);
  });

  it('is not claimed for a truncated key', () => {
    const lines = alice.rsakey.split('\r\n');
    const truncated = [...lines.slice(0, 5), lines[lines.length - 1]].join('\r\n');
    expect(() => unlockPrivateKey(truncated, ALICE_PASSWORD)).not.toThrow(WrongEncryptionPasswordError);
    expect(() => unlockPrivateKey(truncated, ALICE_PASSWORD)).toThrow(UnreadablePrivateKeyError);
  });

  it('never lets a damaged key through as usable: each corruption is refused or the key still works', () => {
    const lines = alice.rsakey.split('\r\n');
    const bodyStart = lines.findIndex((l) => l === '') + 1;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const key = newConversationKey();
    const secret = wrapConversationKey(key, alice.publickey);
    for (let i = 0; i < 40; i++) {
      const damaged = [...lines];
      const row = bodyStart + (i % (lines.length - bodyStart - 2));
      const text = damaged[row]!;
      const col = (i * 7) % text.length;
      const replacement = alphabet[(alphabet.indexOf(text[col]!) + 1 + i) % 64]!;
      damaged[row] = text.slice(0, col) + replacement + text.slice(col + 1);
      let unlocked: KeyObject | null = null;
      try {
        unlocked = unlockPrivateKey(damaged.join('\r\n'), ALICE_PASSWORD);
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
      }
      // If it unlocked, the corruption must have missed everything that matters.
      if (unlocked) expect(unwrapConversationKey(secret, unlocked).equals(key)).toBe(true);
    }
  });
});

describe('public keys', () => {
  it('are base64 DER SubjectPublicKeyInfo starting with "MIIBIj" and ending with "IDAQAB", like the documented one', () => {
    for (const { publickey } of [alice, bob]) {
      expect(publickey.startsWith('MIIBIj')).toBe(true);
      expect(publickey.endsWith('IDAQAB')).toBe(true);
      expect(publickey).toMatch(/^[A-Za-z0-9+/]+=*$/);
    }
  });

  it('load back from base64', () => {
    const key = publicKeyFromBase64(alice.publickey);
    expect(key.type).toBe('public');
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });
});

describe('conversation keys', () => {
  it('are 32 fresh random bytes', () => {
    const a = newConversationKey();
    expect(a).toHaveLength(CONVERSATION_KEY_BYTES);
    expect(CONVERSATION_KEY_BYTES).toBe(32);
    expect(newConversationKey().equals(a)).toBe(false);
  });

  it('wrap and unwrap round-trip for the user they were wrapped for', () => {
    const key = newConversationKey();
    const secret = wrapConversationKey(key, alice.publickey);
    expect(secret).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret, 'base64')).toHaveLength(256);
    expect(unwrapConversationKey(secret, alicePrivate).equals(key)).toBe(true);
  });

  it('wrap with a key object as well as with the base64 public key', () => {
    const key = newConversationKey();
    const secret = wrapConversationKey(key, publicKeyFromBase64(bob.publickey));
    expect(unwrapConversationKey(secret, bobPrivate).equals(key)).toBe(true);
  });

  it('wrap differently every time (randomised OAEP)', () => {
    const key = newConversationKey();
    expect(wrapConversationKey(key, alice.publickey)).not.toBe(wrapConversationKey(key, alice.publickey));
  });

  it("cannot be unwrapped with another user's private key", () => {
    const secret = wrapConversationKey(newConversationKey(), alice.publickey);
    expect(() => unwrapConversationKey(secret, bobPrivate)).toThrow(DecryptionError);
  });

  it('cannot be unwrapped from a tampered, truncated or documented (elided) secret', () => {
    const secret = wrapConversationKey(newConversationKey(), alice.publickey);
    expect(() => unwrapConversationKey(flipByte(secret, 100), alicePrivate)).toThrow(DecryptionError);
    expect(() => unwrapConversationKey(Buffer.from(secret, 'base64').subarray(1).toString('base64'), alicePrivate)).toThrow(DecryptionError);
    expect(() => unwrapConversationKey('C7Zw3WH...c8J6HxOsrA==', alicePrivate)).toThrow(DecryptionError);
  });

  it('refuse a wrapped value that is not 32 bytes long', () => {
    const secret = wrapConversationKey(Buffer.alloc(16, 7), alice.publickey);
    expect(() => unwrapConversationKey(secret, alicePrivate)).toThrow(DecryptionError);
  });
});

describe('sealText / openText', () => {
  const key = newConversationKey();

  it.each([
    ['plain ASCII', 'Hello, Bob'],
    ['accents', 'Árvíztűrő tükörfúrógép'],
    ['emoji and CJK', 'Szia 👋 — 日本語のテキスト 🇭🇺'],
    ['the empty string', ''],
    ['a long text', 'x'.repeat(100_000)],
  ])('round-trips %s', (_what, text) => {
    expect(openText(key, sealText(key, text))).toBe(text);
  });

  it('is nonce || ciphertext || tag, in base64', () => {
    const text = 'Szia 👋';
    const sealed = sealText(key, text);
    expect(sealed).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(sealed, 'base64')).toHaveLength(12 + Buffer.byteLength(text, 'utf8') + 16);
  });

  it('seals the same plaintext differently each time', () => {
    const seen = new Set(Array.from({ length: 20 }, () => sealText(key, 'same name')));
    expect(seen.size).toBe(20);
  });

  it('cannot be opened with another conversation key', () => {
    expect(() => openText(newConversationKey(), sealText(key, 'secret'))).toThrow(DecryptionError);
  });

  it.each([
    ['the nonce', 0],
    ['the ciphertext', 14],
    ['the tag', -1],
  ])('a one-byte change in %s is detected', (_where, index) => {
    const sealed = sealText(key, 'do not tamper with me');
    expect(() => openText(key, flipByte(sealed, index))).toThrow(DecryptionError);
  });

  it('a truncated value is detected', () => {
    const bytes = Buffer.from(sealText(key, 'do not cut me short'), 'base64');
    expect(() => openText(key, bytes.subarray(0, bytes.length - 1).toString('base64'))).toThrow(DecryptionError);
    expect(() => openText(key, bytes.subarray(0, 27).toString('base64'))).toThrow(DecryptionError);
    expect(() => openText(key, bytes.subarray(0, 10).toString('base64'))).toThrow(DecryptionError);
    expect(() => openText(key, '')).toThrow(DecryptionError);
  });

  it('the documented (elided) ciphertexts do not open', () => {
    for (const sealed of ['XQx2mPd6...fx3Xc+Q==', 'lAfhx6hm...yRvIa28=', 'IGM...Uh2']) {
      expect(() => openText(key, sealed)).toThrow(DecryptionError);
    }
  });

  it('names what could not be decrypted', () => {
    expect(() => openText(newConversationKey(), sealText(key, 'x'), 'the conversation name')).toThrow(/Could not decrypt the conversation name/);
  });
});

describe('message plaintext', () => {
  const key = newConversationKey();
  const from = 'aa68d2204cb2bb85f2de3b9aad0d86d7';

  it('round-trips through sealMessage / openMessage', () => {
    const body = { from, text: 'Szia! 👋' };
    expect(openMessage(key, sealMessage(key, body))).toEqual(body);
  });

  it('is UTF-8 JSON with from and text', () => {
    expect(JSON.parse(encodeMessagePlaintext({ from, text: 'hi' }))).toEqual({ from, text: 'hi' });
  });

  it('keeps fields it does not know about', () => {
    const body = { from, text: 'see attachment', attachment: { name: 'a.pdf', size: 12 }, replyTo: 'fc2515cb-e483-4f64-936b-98f680565c96' };
    expect(openMessage(key, sealMessage(key, body))).toEqual(body);
    expect(decodeMessagePlaintext(JSON.stringify(body))).toEqual(body);
  });

  it.each([
    ['no from', '{"text":"hi"}'],
    ['no text', `{"from":"${from}"}`],
    ['from as a number', '{"from":42,"text":"hi"}'],
    ['text as null', `{"from":"${from}","text":null}`],
    ['an array', '[]'],
    ['null', 'null'],
    ['a string', '"hi"'],
    ['not JSON at all', 'hello'],
  ])('refuses a body with %s', (_what, json) => {
    expect(() => decodeMessagePlaintext(json)).toThrow(DecryptionError);
  });

  it('refuses a sealed body without a sender', () => {
    expect(() => openMessage(key, sealText(key, '{"text":"who sent this?"}'))).toThrow(/lacks a sender or text/);
  });

  it('refuses a message sealed under another key', () => {
    expect(() => openMessage(newConversationKey(), sealMessage(key, { from, text: 'hi' }))).toThrow(DecryptionError);
  });
});

describe('errors', () => {
  it('are distinguishable by class and name', () => {
    const wrong = new WrongEncryptionPasswordError();
    const decrypt = new DecryptionError('the message');
    expect(wrong).not.toBeInstanceOf(DecryptionError);
    expect(decrypt).not.toBeInstanceOf(WrongEncryptionPasswordError);
    expect(decrypt.name).toBe('DecryptionError');
    expect(decrypt.message).toContain('the message');
  });
});
