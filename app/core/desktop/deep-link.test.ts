import { describe, expect, it } from 'vitest';
import { DEEP_LINK_SCHEME, deepLinkFromArgv, formatDeepLink, MAX_DEEP_LINK_LENGTH, parseDeepLink } from './deep-link.js';

const ID = '0123456789abcdef0123456789abcdef';
const reasonOf = (raw: string) => {
  const result = parseDeepLink(raw);
  return result.ok ? null : result.reason;
};

describe('an ozekichat:// link', () => {
  it.each([
    ['ozekichat://open?account=alice@example.com', 'alice@example.com', null],
    ['ozekichat://open?account=alice%40example.com', 'alice@example.com', null],
    [`ozekichat://open?account=alice@example.com&conversation=${ID}`, 'alice@example.com', ID],
    [`ozekichat://open?conversation=${ID}&account=alice@example.com`, 'alice@example.com', ID],
    // The address is lower-cased: that is how accounts are matched.
    ['ozekichat://open?account=Alice.Smith@Example.COM', 'alice.smith@example.com', null],
    // A launcher that adds a slash after the host, and the scheme in capitals.
    ['ozekichat://open/?account=alice@example.com', 'alice@example.com', null],
    ['OzekiChat://OPEN?account=alice@example.com', 'alice@example.com', null],
    // "+" is itself (RFC 3986), not a space as in a form.
    ['ozekichat://open?account=alice+chat@example.com', 'alice+chat@example.com', null],
    ['ozekichat://open?account=alice%2Bchat%40example.com', 'alice+chat@example.com', null],
    ['ozekichat://open?account=bob@localhost', 'bob@localhost', null],
  ])('%s opens %s', (raw, account, conversationId) => {
    expect(parseDeepLink(raw)).toEqual({ ok: true, link: { kind: 'open', account, conversationId } });
  });

  it('reads back what formatDeepLink writes, even for addresses with URL characters in them', () => {
    for (const account of ['alice@example.com', "o'brien+x&y=z/w?q#$@ex-ample.co.uk", 'UPPER@EXAMPLE.ORG']) {
      for (const conversationId of [null, ID]) {
        expect(parseDeepLink(formatDeepLink(account, conversationId))).toEqual({
          ok: true,
          link: { kind: 'open', account: account.toLowerCase(), conversationId },
        });
      }
    }
    expect(formatDeepLink('a@b.c', ID).startsWith(`${DEEP_LINK_SCHEME}://open?`)).toBe(true);
  });
});

describe('a link that is refused', () => {
  const ok = 'account=alice@example.com';
  it.each([
    // not ours
    ['', /empty/],
    ['alice@example.com', /not a link/],
    ['https://open?account=alice@example.com', /not an Ozeki Chat link/],
    ['ozekichatx://open?account=alice@example.com', /not an Ozeki Chat link/],
    ['javascript:alert(1)//ozekichat://open?account=a@b.c', /not an Ozeki Chat link/],
    ['ozekichat:open?account=alice@example.com', /not in the form/],
    ['ozekichat:/open?account=alice@example.com', /not in the form/],
    // other hosts and actions
    [`ozekichat://send?${ok}`, /other than opening/],
    [`ozekichat://?${ok}`, /other than opening/],
    [`ozekichat://open.evil.com?${ok}`, /other than opening/],
    [`ozekichat://op%65n?${ok}`, /other than opening/],
    [`ozekichat://open/conversation?${ok}`, /path/],
    [`ozekichat://open//?${ok}`, /path/],
    [`ozekichat://open/..?${ok}`, /path/],
    // credentials and ports
    [`ozekichat://user:pass@open?${ok}`, /user name or password/],
    [`ozekichat://alice@example.com@open?${ok}`, /user name or password/],
    [`ozekichat://open:443?${ok}`, /port/],
    // fragments
    [`ozekichat://open?${ok}#x`, /fragment/],
    [`ozekichat://open#?${ok}`, /fragment/],
    // parameters missing, repeated, unknown or malformed
    ['ozekichat://open', /no account/],
    ['ozekichat://open?', /no account/],
    ['ozekichat://open?account=', /no account/],
    [`ozekichat://open?conversation=${ID}`, /no account/],
    [`ozekichat://open?${ok}&account=bob@example.com`, /account more than once/],
    [`ozekichat://open?${ok}&account=alice@example.com`, /account more than once/],
    [`ozekichat://open?${ok}&conversation=${ID}&conversation=${ID}`, /conversation more than once/],
    [`ozekichat://open?${ok}&message=hi`, /parameter that this version does not understand/],
    [`ozekichat://open?Account=alice@example.com`, /does not understand/],
    [`ozekichat://open?acc%6Funt=alice@example.com`, /does not understand/],
    [`ozekichat://open?${ok}&`, /malformed/],
    [`ozekichat://open?&${ok}`, /malformed/],
    [`ozekichat://open?${ok}&&conversation=${ID}`, /malformed/],
    [`ozekichat://open?${ok}&conversation`, /malformed/],
    [`ozekichat://open?=x&${ok}`, /malformed/],
    // bad addresses
    ['ozekichat://open?account=alice', /not an e-mail address/],
    ['ozekichat://open?account=@example.com', /not an e-mail address/],
    ['ozekichat://open?account=alice@', /not an e-mail address/],
    ['ozekichat://open?account=alice@@example.com', /not an e-mail address/],
    ['ozekichat://open?account=a@b@example.com', /not an e-mail address/],
    ['ozekichat://open?account=.alice@example.com', /not an e-mail address/],
    ['ozekichat://open?account=al..ice@example.com', /not an e-mail address/],
    ['ozekichat://open?account=alice@exa_mple.com', /not an e-mail address/],
    ['ozekichat://open?account=alice@-example.com', /not an e-mail address/],
    ['ozekichat://open?account=alice@example..com', /not an e-mail address/],
    ['ozekichat://open?account="a b"@example.com', /spaces|not an e-mail address/],
    [`ozekichat://open?account=${'a'.repeat(65)}@example.com`, /not an e-mail address/],
    [`ozekichat://open?account=a@${'b'.repeat(250)}.com`, /not an e-mail address/],
    // bad conversation ids
    [`ozekichat://open?${ok}&conversation=`, /not a conversation id/],
    [`ozekichat://open?${ok}&conversation=${ID.toUpperCase()}`, /not a conversation id/],
    [`ozekichat://open?${ok}&conversation=${ID.slice(1)}`, /not a conversation id/],
    [`ozekichat://open?${ok}&conversation=${ID}0`, /not a conversation id/],
    [`ozekichat://open?${ok}&conversation=${ID.slice(2)}zz`, /not a conversation id/],
    [`ozekichat://open?${ok}&conversation=../../${ID}`, /not a conversation id/],
    // control characters, spaces and look-alikes, raw
    [`ozekichat://open?${ok}\n`, /control characters/],
    [`ozekichat://op\ten?${ok}`, /control characters/],
    [`ozekichat://open?${ok}\u0000`, /control characters/],
    [`ozekichat://open?${ok}\u0085`, /control characters/],
    [`ozekichat://open?account=alice@example.com `, /spaces/],
    [`ozekichat://open?account=аlice@example.com`, /outside plain ASCII/], // Cyrillic а
    [`ozekichat://open?account=alice@example.com\u202e`, /outside plain ASCII/], // right-to-left override
    [`ozekichat:\\\\open?${ok}`, /not in the form/],
    // percent-encoded tricks
    ['ozekichat://open?account=alice%00@example.com', /control characters/],
    ['ozekichat://open?account=alice%0a@example.com', /control characters/],
    ['ozekichat://open?account=alice%20@example.com', /spaces/],
    ['ozekichat://open?account=alice%2540example.com', /encoded twice/],
    [`ozekichat://open?${ok}%26conversation=${ID}`, /not an e-mail address/],
    [`ozekichat://open?${ok}&conversation=${ID}%23`, /not a conversation id/],
    ['ozekichat://open?account=alice%4gexample.com', /not encoded correctly/],
    ['ozekichat://open?account=alice%', /not encoded correctly/],
    ['ozekichat://open?account=alice%zz@example.com', /not encoded correctly/],
    ['ozekichat://open?account=alice%C0%80@example.com', /not encoded correctly/], // overlong UTF-8 of NUL
    ['ozekichat://open?account=%D0%B0lice@example.com', /outside plain ASCII/], // Cyrillic а, encoded
    ['ozekichat://open?account=alice%E2%80%AE@example.com', /outside plain ASCII/],
  ])('%j: %s', (raw, reason) => {
    expect(reasonOf(raw)).toMatch(reason);
  });

  it('is anything longer than the cap, however well formed', () => {
    const padded = `ozekichat://open?account=${'a'.repeat(60)}@${'b'.repeat(60)}.com`;
    expect(parseDeepLink(padded).ok).toBe(true);
    const long = `ozekichat://open?account=alice@example.com&conversation=${'0'.repeat(MAX_DEEP_LINK_LENGTH)}`;
    expect(reasonOf(long)).toMatch(/too long/);
  });

  it('is not a string at all (an IPC argument or an argv entry that slipped through)', () => {
    expect(reasonOf(undefined as unknown as string)).toMatch(/not a link/);
    expect(reasonOf(42 as unknown as string)).toMatch(/not a link/);
  });

  it('gives a reason that reads as the end of a sentence and does not repeat the link', () => {
    const hostile = 'ozekichat://open?account=Your_account_is_locked_call_555@example.com&x=CALL_NOW';
    const reason = reasonOf(hostile)!;
    expect(reason).toMatch(/^[a-z].*\.$/);
    expect(reason).not.toContain('CALL_NOW');
    expect(reasonOf('ozekichat://CALL_NOW?account=a@b.c')).not.toContain('CALL_NOW');
  });
});

describe('the link on a command line', () => {
  it.each([
    // Windows: "exe" "%1"; a checkout: electron, the app path, then the link.
    [['C:\\Program Files\\Ozeki Chat Desktop\\Ozeki Chat Desktop.exe', `ozekichat://open?account=a@b.c`], 'ozekichat://open?account=a@b.c'],
    [['/usr/lib/electron', '/home/me/ozeki', '--hidden', 'ozekichat://open?account=a@b.c'], 'ozekichat://open?account=a@b.c'],
    // A second instance's argv carries Chromium's flags as well.
    [['app.exe', '--allow-file-access-from-files', '--original-process-start-time=1', 'OZEKICHAT://open?account=a@b.c'], 'OZEKICHAT://open?account=a@b.c'],
    // A malformed one is still handed over, to be refused with a reason.
    [['app', 'ozekichat:garbage'], 'ozekichat:garbage'],
    [['app', 'ozekichat://open?account=a@b.c', 'ozekichat://open?account=x@y.z'], 'ozekichat://open?account=a@b.c'],
  ])('%j gives %s', (argv, link) => {
    expect(deepLinkFromArgv(argv)).toBe(link);
  });

  it.each([
    [[]],
    [['app']],
    [['app', '--hidden']],
    [['app', '--url=ozekichat://open?account=a@b.c']],
    [['app', 'https://example.com/ozekichat://x']],
    [['app', 'notozekichat://x']],
  ])('finds none in %j', (argv) => {
    expect(deepLinkFromArgv(argv)).toBeNull();
  });
});
