import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TIMESTAMP_WINDOW_SECONDS, isValidSignature, isWithinWindow, signBody } from '../profile/signing.js';

const APIKEY = 'a3f1c2d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const OTHER_APIKEY = 'b3f1c2d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const BODY =
  '{"action":"favorite","conversationid":"8ca16186c36a4e0a1ef2096e6c60b613","clientversioncode":3,"timestamp":"2024-03-08 15:29:51","nonce":"0123456789abcdef0123456789abcdef"}';

/** `text` with the byte at `index` replaced by a different ASCII character. */
function changeByte(text: string, index: number): string {
  const bytes = Buffer.from(text, 'utf8');
  bytes[index] = bytes[index] === 0x41 ? 0x42 : 0x41;
  return bytes.toString('utf8');
}

describe('signBody', () => {
  it('is the lower-case hex HMAC-SHA256 of the body keyed with the apikey', () => {
    const expected = createHmac('sha256', APIKEY).update(BODY, 'utf8').digest('hex');
    expect(signBody(BODY, APIKEY)).toBe(expected);
    expect(signBody(BODY, APIKEY)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('signs the UTF-8 bytes: a string and its encoded bytes give the same signature', () => {
    const body = '{"action":"workspaceregister","workspacename":"álice-日本.ozeki.chat"}';
    expect(signBody(Buffer.from(body, 'utf8'), APIKEY)).toBe(signBody(body, APIKEY));
    expect(signBody(new Uint8Array(Buffer.from(body, 'utf8')), APIKEY)).toBe(signBody(body, APIKEY));
  });
});

describe('isValidSignature', () => {
  const signature = signBody(BODY, APIKEY);

  it('accepts the signature of the exact body with the same apikey', () => {
    expect(isValidSignature(BODY, APIKEY, signature)).toBe(true);
    expect(isValidSignature(Buffer.from(BODY, 'utf8'), APIKEY, signature)).toBe(true);
  });

  it('refuses the signature once any single byte of the body changes', () => {
    for (const index of [0, 1, 20, Math.floor(BODY.length / 2), BODY.length - 2, BODY.length - 1]) {
      expect(isValidSignature(changeByte(BODY, index), APIKEY, signature), `byte ${index}`).toBe(false);
    }
  });

  it('refuses a body that says the same thing in different bytes (re-serialised JSON)', () => {
    const reformatted = JSON.stringify(JSON.parse(BODY), null, 1);
    expect(JSON.parse(reformatted)).toEqual(JSON.parse(BODY));
    expect(isValidSignature(reformatted, APIKEY, signature)).toBe(false);
    expect(isValidSignature(`${BODY}\n`, APIKEY, signature)).toBe(false);
  });

  it('refuses the signature under another apikey', () => {
    expect(isValidSignature(BODY, OTHER_APIKEY, signature)).toBe(false);
    expect(isValidSignature(BODY, APIKEY, signBody(BODY, OTHER_APIKEY))).toBe(false);
  });

  it('refuses a signature with one hex digit changed', () => {
    const last = signature.at(-1) === '0' ? '1' : '0';
    expect(isValidSignature(BODY, APIKEY, signature.slice(0, -1) + last)).toBe(false);
  });

  it.each([
    ['the empty string', ''],
    ['a word', 'signature'],
    ['one character short', signature.slice(0, -1)],
    ['one character long', `${signature}0`],
    ['upper-case hex', signature.toUpperCase()],
    ['base64 of the right bytes', Buffer.from(signature, 'hex').toString('base64')],
    ['non-hex characters of the right length', 'z'.repeat(64)],
    ['surrounding whitespace', ` ${signature} `],
    ['half a signature (SHA-1 length)', signature.slice(0, 40)],
  ])('rejects a malformed signature (%s) without throwing', (_what, bad) => {
    expect(() => isValidSignature(BODY, APIKEY, bad)).not.toThrow();
    expect(isValidSignature(BODY, APIKEY, bad)).toBe(false);
  });
});

describe('timestamp window', () => {
  const now = Date.UTC(2024, 2, 8, 15, 29, 51);

  it('is 300 seconds', () => {
    expect(TIMESTAMP_WINDOW_SECONDS).toBe(300);
  });

  it('accepts a timestamp equal to the server clock', () => {
    expect(isWithinWindow(now, now)).toBe(true);
  });

  it('accepts timestamps up to 300 s behind or ahead, inclusive', () => {
    expect(isWithinWindow(now - 300_000, now)).toBe(true);
    expect(isWithinWindow(now + 300_000, now)).toBe(true);
    expect(isWithinWindow(now - 299_000, now)).toBe(true);
    expect(isWithinWindow(now + 299_000, now)).toBe(true);
  });

  it('refuses timestamps 301 s behind or ahead', () => {
    expect(isWithinWindow(now - 301_000, now)).toBe(false);
    expect(isWithinWindow(now + 301_000, now)).toBe(false);
  });

  it('refuses timestamps far in the past or future', () => {
    expect(isWithinWindow(0, now)).toBe(false);
    expect(isWithinWindow(now + 86_400_000, now)).toBe(false);
  });

  it('uses the current time by default', () => {
    expect(isWithinWindow(Date.now())).toBe(true);
    expect(isWithinWindow(Date.now() - 3_600_000)).toBe(false);
  });
});
