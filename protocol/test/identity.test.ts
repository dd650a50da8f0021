import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hexIdSchema, instanceSchema, uuidSchema } from '../ozeki/schemas.js';
import {
  API_KEY_PATTERN,
  STATION_ID_PATTERN,
  hideIdFor,
  isHiddenAt,
  newApiKey,
  newGroupConversationId,
  newInstance,
  newMessageId,
  newNonce,
  newReportId,
  newStationId,
  oneToOneConversationId,
  userIdFromEmail,
} from '../profile/identity.js';

const ALICE = 'aa68d2204cb2bb85f2de3b9aad0d86d7';
const ADMIN = 'd574638619cbff603bf857164c47e850';

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/** Calls `make` n times and checks that every result is distinct and matches `pattern`. */
function expectFreshValues(make: () => string, pattern: RegExp, n = 50): string[] {
  const values = Array.from({ length: n }, make);
  for (const v of values) expect(v).toMatch(pattern);
  expect(new Set(values).size).toBe(n);
  return values;
}

describe('userid', () => {
  it('is the lower-case hex MD5 of the e-mail address', () => {
    expect(userIdFromEmail('admin@ozeki.hu')).toBe(ADMIN);
  });

  it('lower-cases the e-mail address first', () => {
    expect(userIdFromEmail('Admin@Ozeki.HU')).toBe(ADMIN);
    expect(userIdFromEmail('ADMIN@OZEKI.HU')).toBe(ADMIN);
  });

  it('shows that the documented Alice example is inconsistent with the rule', () => {
    // The pages claim md5("alice@ozeki.hu") = aa68d2204cb2bb85f2de3b9aad0d86d7; it is not.
    expect(userIdFromEmail('alice@ozeki.hu')).toBe('f22e679ed4bc266b4245954020c26e0e');
    expect(md5('alice@ozeki.hu')).toBe('f22e679ed4bc266b4245954020c26e0e');
    expect(userIdFromEmail('alice@ozeki.hu')).not.toBe(ALICE);
  });

  it('has the shape of the documented ids', () => {
    expect(hexIdSchema.safeParse(userIdFromEmail('someone@example.com')).success).toBe(true);
  });
});

describe('1:1 conversation id', () => {
  it('matches the documented conversation between Alice and the Administrator', () => {
    expect(oneToOneConversationId(ALICE, ADMIN)).toBe('8ca16186c36a4e0a1ef2096e6c60b613');
  });

  it('does not depend on the order of the two users', () => {
    expect(oneToOneConversationId(ADMIN, ALICE)).toBe('8ca16186c36a4e0a1ef2096e6c60b613');
  });

  it('is the MD5 of the sorted ids joined by ";"', () => {
    expect(oneToOneConversationId(ADMIN, ALICE)).toBe(md5(`${ALICE};${ADMIN}`));
  });

  it('differs for a different pair', () => {
    expect(oneToOneConversationId(ALICE, userIdFromEmail('bob@ozeki.hu'))).not.toBe('8ca16186c36a4e0a1ef2096e6c60b613');
  });
});

describe('minted identifiers', () => {
  it('station ids are 32 lower-case hex characters and fresh each time', () => {
    expectFreshValues(newStationId, /^[0-9a-f]{32}$/);
    for (const v of expectFreshValues(newStationId, STATION_ID_PATTERN)) expect(v).toHaveLength(32);
    expect(STATION_ID_PATTERN.test('801c91e6466a1ab34945d73ae4f762c6')).toBe(true);
  });

  it('the station pattern refuses upper case and other lengths', () => {
    expect(STATION_ID_PATTERN.test('801C91E6466A1AB34945D73AE4F762C6')).toBe(false);
    expect(STATION_ID_PATTERN.test('801c91e6466a1ab34945d73ae4f762c')).toBe(false);
    expect(STATION_ID_PATTERN.test('801c91e6466a1ab34945d73ae4f762c6a')).toBe(false);
  });

  it('API keys are 64 lower-case hex characters and fresh each time', () => {
    expectFreshValues(newApiKey, /^[0-9a-f]{64}$/);
    expect(API_KEY_PATTERN.test(newApiKey())).toBe(true);
    expect(API_KEY_PATTERN.test(newApiKey().toUpperCase())).toBe(false);
  });

  it('instances are 10 alphanumeric characters, like the documented ones, and fresh each time', () => {
    for (const documented of ['PqjfKSn7V8', 'ZTZqIV8LS5', '7sSwU2VoFM']) expect(documented).toMatch(/^[A-Za-z0-9]{10}$/);
    const values = expectFreshValues(newInstance, /^[A-Za-z0-9]{10}$/, 200);
    for (const v of values) expect(instanceSchema.safeParse(v).success).toBe(true);
  });

  it('nonces are 32 lower-case hex characters and fresh each time', () => {
    expectFreshValues(newNonce, /^[0-9a-f]{32}$/, 200);
  });

  it('group conversation ids have the shape of conversation ids', () => {
    for (const v of expectFreshValues(newGroupConversationId, /^[0-9a-f]{32}$/)) {
      expect(hexIdSchema.safeParse(v).success).toBe(true);
    }
  });

  it('message and report ids are UUIDs', () => {
    for (const v of [...expectFreshValues(newMessageId, /^[0-9a-f-]{36}$/), ...expectFreshValues(newReportId, /^[0-9a-f-]{36}$/)]) {
      expect(uuidSchema.safeParse(v).success).toBe(true);
    }
  });
});

describe('hide ids', () => {
  it('are the instance followed by ";", as in the documented Hide example', () => {
    expect(hideIdFor('7sSwU2VoFM')).toBe('7sSwU2VoFM;');
  });

  it('hide the conversation at that instance only', () => {
    expect(isHiddenAt(hideIdFor('7sSwU2VoFM'), '7sSwU2VoFM')).toBe(true);
    expect(isHiddenAt(hideIdFor('7sSwU2VoFM'), 'ZTZqIV8LS5')).toBe(false);
  });

  it('an empty hide id (after unhide) hides nothing', () => {
    expect(isHiddenAt('', '7sSwU2VoFM')).toBe(false);
  });

  it('a hide id listing several instances hides each of them, and no prefix of them', () => {
    const hideid = 'PqjfKSn7V8;ZTZqIV8LS5;';
    expect(isHiddenAt(hideid, 'PqjfKSn7V8')).toBe(true);
    expect(isHiddenAt(hideid, 'ZTZqIV8LS5')).toBe(true);
    expect(isHiddenAt(hideid, '7sSwU2VoFM')).toBe(false);
    expect(isHiddenAt(hideid, 'ZTZqIV8LS')).toBe(false);
  });
});
