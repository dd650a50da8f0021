import { beforeAll, describe, expect, it } from 'vitest';
import { generateUserKeyPair, openText, sealText, type UserKeyPair } from '../../../protocol/index.js';
import { isCoreError } from '../errors.js';
import { Keyring } from './keyring.js';

const ALICE = 'a'.repeat(32);
const BOB = 'b'.repeat(32);
let alice: UserKeyPair;
let bob: UserKeyPair;

beforeAll(async () => {
  [alice, bob] = await Promise.all([generateUserKeyPair('alice password'), generateUserKeyPair('bob password')]);
});

describe('the keyring', () => {
  it('reports a wrong encryption password with its own code', () => {
    let error: unknown;
    try {
      Keyring.unlock(alice.rsakey, 'not it', ALICE);
    } catch (err) {
      error = err;
    }
    expect(isCoreError(error, 'wrong-password')).toBe(true);
    expect((error as Error).message).toMatch(/encryption password is wrong/);
  });

  it('reports a damaged key as unreadable, not as a wrong password', () => {
    const damaged = alice.rsakey.replace(/DEK-Info: AES-256-CFB,[0-9A-F]+/, 'DEK-Info: AES-256-CFB,584eb...qx32QnqI9');
    expect(() => Keyring.unlock(damaged, 'alice password', ALICE)).toThrow(expect.objectContaining({ code: 'unreadable-key' }));
  });

  it('opens a conversation both participants share, each with their own key, and caches the name', () => {
    const aliceKeys = Keyring.unlock(alice.rsakey, 'alice password', ALICE);
    const bobKeys = Keyring.unlock(bob.rsakey, 'bob password', BOB);
    const { displayname, secrets } = aliceKeys.newConversation(
      [
        { userid: ALICE, publickey: alice.publickey },
        { userid: BOB, publickey: bob.publickey },
      ],
      'Alice and Bob',
    );
    const forAlice = { id: 'c', secret: secrets[ALICE]!, displayname };
    const forBob = { id: 'c', secret: secrets[BOB]!, displayname };
    expect(aliceKeys.displayName(forAlice)).toBe('Alice and Bob');
    expect(bobKeys.displayName(forBob)).toBe('Alice and Bob');
    expect(aliceKeys.conversationKey(forAlice).equals(bobKeys.conversationKey(forBob))).toBe(true);

    const data = aliceKeys.sealMessage(forAlice, 'hello Bob');
    expect(bobKeys.openMessage(forBob, data)).toEqual({ from: ALICE, text: 'hello Bob' });
  });

  it('shows an unreadable name as null and an unreadable message as a decryption error', () => {
    const aliceKeys = Keyring.unlock(alice.rsakey, 'alice password', ALICE);
    const bobKeys = Keyring.unlock(bob.rsakey, 'bob password', BOB);
    const { displayname, secrets } = aliceKeys.newConversation([{ userid: ALICE, publickey: alice.publickey }], 'only Alice');
    // Bob holds Alice's wrapped key: it is not for him.
    const wrongSecret = { id: 'c', secret: secrets[ALICE]!, displayname };
    expect(bobKeys.displayName(wrongSecret)).toBeNull();
    expect(() => bobKeys.openMessage(wrongSecret, 'AAAA')).toThrow(expect.objectContaining({ code: 'decryption' }));
    // A name that was tampered with stays unreadable instead of showing garbage.
    const key = aliceKeys.conversationKey({ id: 'c', secret: secrets[ALICE]! });
    const sealed = sealText(key, 'name');
    const tampered = `${sealed.slice(0, 20)}${sealed[20] === 'A' ? 'B' : 'A'}${sealed.slice(21)}`;
    expect(aliceKeys.displayName({ id: 'c', secret: secrets[ALICE]!, displayname: tampered })).toBeNull();
    expect(openText(key, sealed)).toBe('name');
  });
});
