import { describe, expect, it } from 'vitest';
import { isCoreError } from '../errors.js';
import { accountKey, normalizeServerUrl } from './account.js';

describe('account keys', () => {
  it.each([
    ['https://chat.example.test', 'https://chat.example.test'],
    ['https://chat.example.test/', 'https://chat.example.test'],
    ['HTTPS://Chat.Example.TEST:443/', 'https://chat.example.test'],
    ['http://chat.example.test:80/api//', 'http://chat.example.test/api'],
    ['https://chat.example.test:8443/Api/?tab=1#top', 'https://chat.example.test:8443/Api'],
    ['  https://chat.example.test/api  ', 'https://chat.example.test/api'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normalizeServerUrl(input)).toBe(expected);
  });

  it('drops a user name and password written into the server address', () => {
    expect(normalizeServerUrl('https://me:hunter2@chat.example.test/api')).toBe('https://chat.example.test/api');
  });

  it('is userid@server', () => {
    expect(accountKey({ serverUrl: 'https://Chat.Example.test/api/', userid: 'abc' })).toBe('abc@https://chat.example.test/api');
  });

  it('refuses addresses that are not http(s) URLs and an empty user id', () => {
    for (const bad of ['chat.example.test', 'ftp://chat.example.test', '']) {
      expect(() => normalizeServerUrl(bad)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    }
    let err: unknown;
    try {
      accountKey({ serverUrl: 'https://chat.example.test', userid: '' });
    } catch (e) {
      err = e;
    }
    expect(isCoreError(err, 'invalid-argument')).toBe(true);
  });
});
