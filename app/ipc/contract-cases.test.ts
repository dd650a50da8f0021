/**
 * The contract's argument rules, written out by hand: for every channel, argument lists that must
 * reach the handler and argument lists that must be refused. The oracle is this table, not the
 * contract's own schemas, so a schema loosened or tightened by mistake fails here.
 */
import { describe, expect, it } from 'vitest';
import { CHANNELS, type Channel } from './contract.js';
import { createDispatcher, type Handlers } from './dispatcher.js';

const CONV = '0123456789abcdef0123456789abcdef';
const USER = 'fedcba9876543210fedcba9876543210';
const MSG = '123e4567-e89b-42d3-a456-426614174000';
const SIGN_IN = { serverUrl: 'https://chat.example.com/ozeki/index.php', email: 'alice@example.com', apiKey: 'k'.repeat(64), password: 'correct horse' };

type Cases = { valid: unknown[][]; invalid: unknown[][] };

const noArguments: Cases = { valid: [[]], invalid: [[CONV], [null], [{}]] };
const oneConversation: Cases = {
  valid: [[CONV]],
  invalid: [[], [CONV.toUpperCase()], [CONV.slice(1)], [`${CONV}0`], [42], [CONV, CONV], [null]],
};

const conversationAndOn: Cases = {
  valid: [
    [CONV, true],
    [CONV, false],
  ],
  invalid: [[], [CONV], [CONV, 'true'], [CONV, 1], [CONV, null], [CONV, true, true], ['x', true], [CONV.toUpperCase(), false], [true]],
};

const CASES: Record<Channel, Cases> = {
  'session:sign-in': {
    valid: [[SIGN_IN], [{ ...SIGN_IN, serverUrl: 'http://127.0.0.1:9080/ozeki/index.php' }], [{ ...SIGN_IN, email: '  alice@example.com ' }]],
    invalid: [
      [],
      [{ ...SIGN_IN, serverUrl: 'javascript:alert(1)' }],
      [{ ...SIGN_IN, serverUrl: 'ftp://chat.example.com/' }],
      [{ ...SIGN_IN, serverUrl: 'not a url' }],
      [{ ...SIGN_IN, serverUrl: `https://example.com/${'a'.repeat(2100)}` }],
      [{ ...SIGN_IN, email: 'alice' }],
      [{ ...SIGN_IN, email: 'a b@example.com' }],
      [{ ...SIGN_IN, apiKey: '   ' }],
      [{ ...SIGN_IN, password: '' }],
      [{ ...SIGN_IN, password: 'p'.repeat(1025) }],
      [{ serverUrl: SIGN_IN.serverUrl, email: SIGN_IN.email, apiKey: SIGN_IN.apiKey }],
      [SIGN_IN, SIGN_IN],
    ],
  },
  'session:sign-out': {
    valid: [[], [undefined], ['0123456789abcdef']],
    invalid: [['0123456789ABCDEF'], ['x'], [null], [16], ['0123456789abcdef', '0123456789abcdef']],
  },
  'accounts:switch': {
    valid: [['0123456789abcdef'], ['ffffffffffffffff']],
    invalid: [[], ['0123456789ABCDEF'], ['0123456789abcde'], ['0123456789abcdef0'], [16], [null], ['0123456789abcdef', '0123456789abcdef']],
  },
  'session:demo': noArguments,
  'session:sign-in-demo': noArguments,
  'state:snapshot': {
    valid: [[], [undefined], [{ first: 1 }], [{ first: 100 }], [{ first: 100_000 }]],
    invalid: [[{ first: 0 }], [{ first: 1.5 }], [{ first: 100_001 }], [{ first: '100' }], [{ first: 100, more: true }], [null]],
  },
  'sync:now': noArguments,
  'conversation:set-favorite': conversationAndOn,
  'conversation:set-muted': conversationAndOn,
  'conversation:set-hidden': conversationAndOn,
  'conversation:set-color': {
    valid: [
      [CONV, '#bae1ff'],
      [CONV, '#BAE1FF'],
      [CONV, '#000000'],
    ],
    invalid: [[CONV], [CONV, 'bae1ff'], [CONV, '#bae1f'], [CONV, '#12345g'], [CONV, 'red'], [CONV, '#bae1ff00'], ['x', '#bae1ff']],
  },
  'conversation:clear': oneConversation,
  'conversation:start': { valid: [[USER]], invalid: [[], [USER.toUpperCase()], ['alice@example.com'], [USER, USER]] },
  'conversation:create-group': {
    valid: [
      [{ name: 'Trio', memberIds: [USER] }],
      [{ name: '  Trio  ', memberIds: [USER, '0'.repeat(32)] }],
      [{ name: 'x'.repeat(100), memberIds: Array(50).fill(USER) }],
    ],
    invalid: [
      [],
      [{ name: 'Trio' }],
      [{ name: '   ', memberIds: [USER] }],
      [{ name: 'x'.repeat(101), memberIds: [USER] }],
      [{ name: 'Trio', memberIds: [] }],
      [{ name: 'Trio', memberIds: Array(51).fill(USER) }],
      [{ name: 'Trio', memberIds: [USER.toUpperCase()] }],
      [{ name: 'Trio', memberIds: [USER], isgroup: false }],
      [{ name: 'Trio', memberIds: [USER] }, 'extra'],
    ],
  },
  'conversation:set-timer': {
    valid: [
      [CONV, 0],
      [CONV, 60],
      [CONV, 3600],
      [CONV, 86_400],
      [CONV, 604_800],
      [CONV, 2_419_200],
    ],
    invalid: [[CONV], [CONV, 30], [CONV, -60], [CONV, 60.5], [CONV, '60'], [CONV, null], ['x', 60], [CONV, 60, 60]],
  },
  'conversations:hidden': noArguments,
  'messages:latest': oneConversation,
  'messages:older': {
    valid: [
      [CONV, MSG],
      [CONV, MSG.toUpperCase()],
    ],
    invalid: [[CONV], [CONV, 'not-a-uuid'], [CONV, MSG.replace(/-/g, '')], [MSG, CONV]],
  },
  'messages:around': {
    valid: [
      [CONV, MSG],
      [CONV, MSG.toUpperCase()],
    ],
    invalid: [[CONV], [CONV, 'not-a-uuid'], [MSG, CONV], [CONV, MSG, MSG]],
  },
  'messages:newer': {
    valid: [[CONV, MSG]],
    invalid: [[CONV], [CONV, ''], ['x', MSG]],
  },
  'search:messages': {
    valid: [
      [{ text: 'cafe' }],
      [{ text: '  l’arbre ' }],
      [{ text: 'x'.repeat(200) }],
      [{ text: 'a', conversationId: CONV, sender: USER, from: 0, until: 1_790_000_000_000, limit: 200 }],
      [{ text: 'a', limit: 1 }],
    ],
    invalid: [
      [],
      [{}],
      [{ text: '' }],
      [{ text: '   ' }],
      [{ text: 'x'.repeat(201) }],
      [{ text: 'a', conversationId: 'x' }],
      [{ text: 'a', sender: USER.toUpperCase() }],
      [{ text: 'a', from: -1 }],
      [{ text: 'a', until: 1.5 }],
      [{ text: 'a', limit: 0 }],
      [{ text: 'a', limit: 201 }],
      [{ text: 'a', html: true }],
      ['cafe'],
      [{ text: 'a' }, { text: 'b' }],
    ],
  },
  'history:status': noArguments,
  'history:start': {
    valid: [[], [undefined], [{}], [{ conversationIds: [CONV] }], [{ conversationIds: [CONV, CONV.replace('0', '1')] }]],
    invalid: [[{ conversationIds: [] }], [{ conversationIds: ['x'] }], [{ conversationIds: CONV }], [{ all: true }], [null], [[CONV]]],
  },
  'history:stop': noArguments,
  'messages:send': {
    valid: [
      [CONV, 'hello'],
      [CONV, 'x'.repeat(20_000)],
      [CONV, ' '],
      [CONV, 'an answer', { replyTo: MSG }],
      [CONV, 'no reply', {}],
    ],
    invalid: [
      [CONV, ''],
      [CONV, 'x'.repeat(20_001)],
      [CONV],
      [CONV, 42],
      ['x', 'hello'],
      [CONV, 'hello', { replyTo: 'not-a-uuid' }],
      [CONV, 'hello', { replyTo: MSG, quote: 'x' }],
      [CONV, 'hello', 'reply'],
    ],
  },
  'messages:react': {
    valid: [
      [CONV, MSG, '👍', true],
      [CONV, MSG, '👍🏽', false],
      [CONV, MSG, '❤️', true],
      [CONV, MSG, '👩‍👩‍👧', true],
      [CONV, MSG, '🇫🇷', true],
    ],
    invalid: [
      [CONV, MSG, '', true],
      [CONV, MSG, 'ok', true],
      [CONV, MSG, '👍 ', true],
      [CONV, MSG, '<img>', true],
      [CONV, MSG, '👍'.repeat(17), true],
      [CONV, MSG, '1', true],
      [CONV, MSG, '👍', 'true'],
      [CONV, 'x', '👍', true],
      [CONV, MSG, '👍'],
    ],
  },
  'messages:edit': {
    valid: [
      [CONV, MSG, 'fixed'],
      [CONV, MSG, 'x'.repeat(20_000)],
    ],
    invalid: [
      [CONV, MSG, ''],
      [CONV, MSG, 'x'.repeat(20_001)],
      [CONV, MSG],
      [CONV, 'x', 'fixed'],
      [CONV, MSG, 42],
    ],
  },
  'messages:delete': {
    valid: [
      [CONV, MSG],
      [CONV, MSG.toUpperCase()],
    ],
    invalid: [[CONV], [CONV, 'x'], ['x', MSG], [CONV, MSG, true]],
  },
  'messages:mark-viewed': {
    valid: [
      [CONV, [MSG]],
      [CONV, Array.from({ length: 500 }, () => MSG)],
    ],
    invalid: [
      [CONV, []],
      [CONV, Array.from({ length: 501 }, () => MSG)],
      [CONV, MSG],
      [CONV, ['nope']],
    ],
  },
  'files:attach-begin': {
    valid: [
      [CONV, { name: 'report.pdf', type: 'application/pdf', size: 1234 }],
      [CONV, { name: 'empty', type: '', size: 0 }],
      [CONV, { name: 'a.png', type: 'image/png', size: 100 * 1024 * 1024, width: 10, height: 10, replyTo: MSG }],
      [CONV, { name: 'a.png', type: 'image/png', size: 5, thumbnail: { type: 'image/jpeg', width: 320, height: 1, data: 'aGk=' } }],
    ],
    invalid: [
      [CONV],
      [CONV, { name: '', type: '', size: 1 }],
      [CONV, { name: 'x', type: '', size: 100 * 1024 * 1024 + 1 }],
      [CONV, { name: 'x', type: '', size: -1 }],
      [CONV, { name: 'x', type: '', size: 1.5 }],
      [CONV, { name: 'x', size: 1 }],
      [CONV, { name: 'x', type: '', size: 1, path: '/etc/passwd' }],
      [CONV, { name: 'x', type: '', size: 1, thumbnail: { type: 'image/svg+xml', width: 1, height: 1, data: '' } }],
      [CONV, { name: 'x', type: '', size: 1, thumbnail: { type: 'image/png', width: 321, height: 1, data: '' } }],
      ['x', { name: 'x', type: '', size: 1 }],
    ],
  },
  'files:attach-piece': {
    valid: [
      [CONV, 0, ''],
      [CONV, 3, 'aGVsbG8='],
      [CONV, 0, 'A'.repeat(Math.ceil((512 * 1024) / 3) * 4)],
    ],
    invalid: [
      [CONV, -1, ''],
      [CONV, 0.5, ''],
      [CONV, 0, 'not base64!'],
      [CONV, 0, 'A'.repeat(Math.ceil((512 * 1024) / 3) * 4 + 4)],
      [CONV, 0],
      ['x', 0, ''],
    ],
  },
  'files:attach-end': oneConversation,
  'files:attach-abort': oneConversation,
  'files:pick': {
    valid: [[CONV], [CONV, {}], [CONV, { replyTo: MSG }]],
    invalid: [[], ['x'], [CONV, { replyTo: 'x' }], [CONV, { replyTo: MSG, path: '/tmp/x' }], [CONV, 'reply']],
  },
  'files:cancel': { valid: [[CONV, MSG]], invalid: [[CONV], [CONV, 'x'], ['x', MSG]] },
  'files:read': {
    valid: [
      [CONV, MSG, 0],
      [CONV, MSG, 199],
    ],
    invalid: [
      [CONV, MSG],
      [CONV, MSG, -1],
      [CONV, MSG, '0'],
      [CONV, 'x', 0],
    ],
  },
  'files:save': { valid: [[CONV, MSG]], invalid: [[CONV], [CONV, 'x'], [CONV, MSG, '/tmp/x']] },
  'files:show-in-folder': { valid: [[CONV, MSG]], invalid: [[CONV], [CONV, 'x'], [CONV, MSG, '/tmp']] },
  'presence:set': {
    valid: [['available'], ['away'], ['busy'], ['offline']],
    invalid: [[], ['sleeping'], ['Available'], [null]],
  },
  'ui:conversation-opened': { valid: [[CONV], [null]], invalid: [[], [undefined], ['nope'], [CONV, CONV]] },
  'drafts:get': noArguments,
  'drafts:set': {
    valid: [
      [CONV, ''],
      [CONV, 'half a thought'],
      [CONV, 'x'.repeat(20_000)],
      [CONV, 'typed in another account', '0123456789abcdef'],
    ],
    invalid: [
      [CONV],
      [CONV, 'x'.repeat(20_001)],
      [CONV, null],
      ['nope', 'text'],
      [CONV, 'x', '0123456789ABCDEF'],
      [CONV, 'x', ''],
      [CONV, 'x', '0123456789abcdef', 1],
    ],
  },
  'settings:get': noArguments,
  'settings:set': {
    valid: [
      [{}],
      [{ appearance: { zoom: 150 } }],
      [{ notifications: { sound: false, soundName: 'bell', quietHours: { enabled: true, days: [0, 6], start: 1320, end: 420 } } }],
      [{ startup: { onClose: 'quit' }, spelling: { languages: ['en-US', 'de'] } }],
    ],
    invalid: [
      [],
      [null],
      [{ appearance: { zoom: 201 } }],
      [{ appearance: { theme: 'neon' } }],
      [{ notifications: { quietHours: { start: -1 } } }],
      [{ notifications: { soundName: 'siren' } }],
      [{ spelling: { languages: ['not a tag'] } }],
      [{ plugins: {} }],
      [{ appearance: { zoom: 100 } }, {}],
    ],
  },
  'accounts:clear-local-data': {
    valid: [['0123456789abcdef'], ['0123456789abcdef', {}], ['0123456789abcdef', { discardUnsent: true }]],
    invalid: [[], ['0123456789ABCDEF'], ['0123456789abcdef', { discardUnsent: 'yes' }], ['0123456789abcdef', { force: true }], ['0123456789abcdef', null]],
  },
  'updates:check': noArguments,
  'links:open': {
    valid: [['ozekichat://open?account=a%40b.c'], ['anything: the core parses it'], ['']],
    invalid: [[], [null], [42], [`ozekichat://open?account=${'a'.repeat(2048)}`], ['x', 'y']],
  },
};

function recordingDispatcher() {
  const calls: [string, unknown[]][] = [];
  const handlers = Object.fromEntries(
    Object.keys(CHANNELS).map((channel) => [
      channel,
      async (...args: unknown[]) => {
        calls.push([channel, args]);
        return undefined;
      },
    ]),
  ) as unknown as Handlers;
  return { dispatch: createDispatcher(handlers), calls };
}

describe('the contract, case by case', () => {
  it('has written-out cases for every channel', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(CHANNELS).sort());
  });

  for (const [channel, { valid, invalid }] of Object.entries(CASES) as [Channel, Cases][]) {
    it(`${channel}: lets the valid argument lists through and refuses the invalid ones`, async () => {
      const { dispatch, calls } = recordingDispatcher();
      for (const args of valid) {
        const reply = await dispatch(channel, args);
        expect([args, reply]).toEqual([args, { ok: true, value: undefined }]);
      }
      expect(calls.map(([name]) => name)).toEqual(valid.map(() => channel));
      calls.length = 0;
      for (const args of invalid) {
        const reply = await dispatch(channel, args);
        expect([args, reply]).toEqual([args, { ok: false, error: { code: 'invalid-argument', message: expect.stringMatching(/^Invalid request: /) } }]);
      }
      expect(calls).toEqual([]);
    });
  }

  it('hands the handler the trimmed sign-in, as parsed', async () => {
    const { dispatch, calls } = recordingDispatcher();
    await dispatch('session:sign-in', [{ ...SIGN_IN, email: '  alice@example.com ', apiKey: ` ${SIGN_IN.apiKey} ` }]);
    expect(calls[0]?.[1]?.[0]).toMatchObject({ email: 'alice@example.com', apiKey: SIGN_IN.apiKey });
  });
});
