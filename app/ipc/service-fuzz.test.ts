/**
 * The IPC boundary in front of the real core: a ChatService signed in to a real reference server,
 * behind `createDispatcher(service.handlers())`, fed thousands of random and hostile argument lists
 * from a seeded generator (replay a failure with its seed). Whatever comes in:
 *  - the answer is `{ ok: true, value }` with a value of the channel's shape, or
 *    `{ ok: false, error: { code, message } }` and nothing else, and it survives structured cloning;
 *  - nothing throws out of dispatch, and nothing is an internal error;
 *  - a message is one short sentence: no stack trace, no file path, no secret;
 *  - ids that look right but do not exist answer `not-found`;
 *  - Object.prototype is untouched, and the service still works afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMessage } from '../../protocol/index.js';
import { startTestServer, TestClient, type TestServer } from '../../server/test/harness.js';
import type { ErrorCode } from '../shared/errors.js';
import { eventually, openService, signIn, type ServiceUnderTest } from '../../test/support/core/service-harness.js';
import { CHANNELS, type Channel, type Reply } from './contract.js';
import { createDispatcher } from './dispatcher.js';

const CHANNEL_NAMES = Object.keys(CHANNELS) as Channel[];
const ERROR_CODES = [
  'network',
  'timeout',
  'http-status',
  'refused',
  'unauthorized',
  'stale-instance',
  'invalid-response',
  'insecure-connection',
  'wrong-password',
  'unreadable-key',
  'decryption',
  'not-signed-in',
  'invalid-argument',
  'not-found',
  'keychain',
  'storage',
  'internal',
] as const satisfies readonly ErrorCode[];
// Every code is listed: this line stops compiling when ErrorCode grows.
const allCodesListed: Exclude<ErrorCode, (typeof ERROR_CODES)[number]> extends never ? true : false = true;

type Dispatch = ReturnType<typeof createDispatcher>;

let t: TestServer;
let sut: ServiceUnderTest;
let dispatch: Dispatch;
let onServer: TestClient;
const logged: string[] = [];
/** Alice's conversations, her friends, and message IDs that are (or were) in her cache. */
let conversationIds: string[];
let friendIds: string[];
let meId: string;
const knownMessageIds = new Set<string>();
/** The signed-in account's id ('' signed out: no id can match it). */
const accountIdNow = (): string => sut.service.accountId ?? '';

beforeAll(async () => {
  t = await startTestServer();
  sut = await openService();
  await signIn(sut, t.server.url, t.accounts[0]!);
  await eventually(() => sut.service.snapshot().conversations.length === 2 && sut.service.connection === 'online', 10_000, 'the first sync');
  dispatch = createDispatcher(sut.service.handlers(), (line) => logged.push(line));
  onServer = await new TestClient(t.server.url, t.accounts[0]!).signIn();
  meId = t.accounts[0]!.userid;
  conversationIds = sut.service.snapshot().conversations.map((c) => c.id);
  friendIds = sut.service.snapshot().friends.map((f) => f.userid);
  for (const id of conversationIds) {
    const reply = await dispatch('messages:latest', [id]);
    if (reply.ok) for (const m of (reply.value as { messages: { id: string }[] }).messages) knownMessageIds.add(m.id);
  }
});

afterAll(async () => {
  await sut?.close();
  await t?.stop({ remove: true });
});

// ------------------------------------------------------------------------------ the generator

/** Park–Miller: small, seeded, replayable. */
function seeded(seed: number): () => number {
  let s = seed % 2147483647 || 1;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

class Gen {
  constructor(readonly rand: () => number) {}
  int(n: number): number {
    return Math.floor(this.rand() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.rand() < p;
  }
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[this.int(16)];
    return s;
  }
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
  }
  /** Text from awkward places: astral, right-to-left override, zero-width, NUL, lone surrogates, markup. */
  unicode(max: number): string {
    const pieces = ['✓', '𝄞', '👩‍👩‍👧', '\u202e', '\u200b', '\u0000', '\ud800', '\udfff', 'ﷺ', 'Ω', '<script>alert(1)</script>', '${x}', '%s%n', '\r\n', 'é', 'x'];
    let s = '';
    const length = 1 + this.int(max);
    while (s.length < length) s += this.pick(pieces);
    return s;
  }
}

const HUGE = 'x'.repeat(1_000_000);
const MAX_TEXT = 'y'.repeat(20_000);

/** Values no channel wants, of every kind that can cross (and a few that cannot). */
function hostile(g: Gen, depth = 0): unknown {
  switch (g.int(24)) {
    case 0:
      return null;
    case 1:
      return undefined;
    case 2:
      return g.pick([NaN, Infinity, -Infinity, -0, 0, 1e308, Number.MAX_SAFE_INTEGER + 2, -1]);
    case 3:
      return g.int(2 ** 31) * (g.chance(0.5) ? -1 : 1);
    case 4:
      return HUGE.slice(0, g.int(HUGE.length));
    case 5:
      return g.unicode(200);
    case 6:
      return g.chance(0.5);
    case 7:
      return JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}');
    case 8:
      return { __proto__: { polluted: true }, toString: 'not a function', valueOf: null, toJSON: 7 };
    case 9:
      return depth > 3 ? [] : Array.from({ length: g.int(5) }, () => hostile(g, depth + 1));
    case 10:
      return nested(g.int(200));
    case 11:
      return g.hex(32).toUpperCase();
    case 12:
      return ` ${g.hex(32)}`;
    case 13:
      return `${g.hex(32)}\n`;
    case 14:
      return '０１２３４５６７８９ａｂｃｄｅｆ０１２３４５６７８９ａｂｃｄｅｆ'; // full-width lookalikes
    case 15:
      return BigInt(g.int(1000));
    case 16:
      return Symbol('hostile');
    case 17:
      return new Date(g.int(2 ** 40));
    case 18:
      return new Map([['__proto__', { polluted: true }]]);
    case 19:
      return new Uint8Array(g.int(64));
    case 20:
      return Object.create(null);
    case 21:
      return g.pick(['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString']);
    case 22:
      return g.pick(['../../etc/passwd', 'C:\\Windows\\system32', 'file:///etc/passwd', '%00', "'; DROP TABLE outbox; --"]);
    default:
      return [[[[[[[[[[g.hex(32)]]]]]]]]]];
  }
}

function nested(depth: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

type Slot =
  | 'account'
  | 'conversation'
  | 'open-conversation'
  | 'message'
  | 'messages'
  | 'user'
  | 'color'
  | 'on'
  | 'text'
  | 'draft'
  | 'availability'
  | 'signIn'
  | 'search'
  | 'history'
  | 'group'
  | 'timer'
  | 'send-options'
  | 'emoji'
  | 'attach'
  | 'staging'
  | 'piece-index'
  | 'piece'
  | 'preferences'
  | 'clear-options'
  | 'link';
const SIGNATURES: Record<Channel, Slot[]> = {
  'session:sign-in': ['signIn'],
  'session:sign-out': [],
  'accounts:switch': ['account'],
  'session:demo': [],
  'session:sign-in-demo': [],
  'state:snapshot': [],
  'sync:now': [],
  'conversation:set-favorite': ['conversation', 'on'],
  'conversation:set-muted': ['conversation', 'on'],
  'conversation:set-hidden': ['conversation', 'on'],
  'conversation:set-color': ['conversation', 'color'],
  'conversation:clear': ['conversation'],
  'conversation:start': ['user'],
  'conversation:create-group': ['group'],
  'conversation:set-timer': ['conversation', 'timer'],
  'conversations:hidden': [],
  'messages:latest': ['conversation'],
  'messages:older': ['conversation', 'message'],
  'messages:around': ['conversation', 'message'],
  'messages:newer': ['conversation', 'message'],
  'search:messages': ['search'],
  'history:status': [],
  'history:start': ['history'],
  'history:stop': [],
  'messages:send': ['conversation', 'text', 'send-options'],
  'messages:react': ['conversation', 'message', 'emoji', 'on'],
  'messages:edit': ['conversation', 'message', 'text'],
  'messages:delete': ['conversation', 'message'],
  'messages:mark-viewed': ['conversation', 'messages'],
  'presence:set': ['availability'],
  'ui:conversation-opened': ['open-conversation'],
  'drafts:get': [],
  'drafts:set': ['conversation', 'draft'],
  'files:attach-begin': ['conversation', 'attach'],
  'files:attach-piece': ['staging', 'piece-index', 'piece'],
  'files:attach-end': ['staging'],
  'files:attach-abort': ['staging'],
  'files:pick': ['conversation', 'send-options'],
  'files:cancel': ['conversation', 'message'],
  'files:read': ['conversation', 'message', 'piece-index'],
  'files:save': ['conversation', 'message'],
  'files:show-in-folder': ['conversation', 'message'],
  'settings:get': [],
  'settings:set': ['preferences'],
  'accounts:clear-local-data': ['account', 'clear-options'],
  'updates:check': [],
  'links:open': ['link'],
};

/** A value for a slot: usually one that passes its schema, often one subtly wrong, sometimes anything at all. */
function plausible(g: Gen, slot: Slot, ids: { conversations: string[]; messages: string[]; friends: string[]; me: string; serverUrl: string }): unknown {
  if (g.chance(0.06)) return hostile(g);
  const either = (good: readonly unknown[], bad: readonly unknown[]): unknown => (g.chance(0.7) ? g.pick(good) : g.pick(bad));
  switch (slot) {
    case 'conversation': {
      const real = g.pick(ids.conversations);
      return either(
        [real, real, g.hex(32), 'f'.repeat(32), '0'.repeat(32)],
        [real.toUpperCase(), real.slice(1), `${real}0`, `${real}\u0000`, ` ${real}`, HUGE, ''],
      );
    }
    case 'account': {
      const own = accountIdNow();
      return either([own, own, g.hex(16)], [own.toUpperCase(), own.slice(1), `${own}0`, '', HUGE]);
    }
    case 'open-conversation': {
      const real = g.pick(ids.conversations);
      return either([real, null, g.hex(32)], [real.toUpperCase(), undefined, 0, 'null', '']);
    }
    case 'message': {
      const real = ids.messages.length ? g.pick(ids.messages) : g.uuid();
      return either([real, real, g.uuid(), g.uuid().toUpperCase(), real.toUpperCase()], [`{${real}}`, real.replaceAll('-', ''), `${real}\n`, 'not-a-uuid', '']);
    }
    case 'messages': {
      const count = g.pick([1, 3, 50, 499, 500, 500]);
      const list = Array.from({ length: count }, () => (g.chance(0.5) && ids.messages.length ? g.pick(ids.messages) : g.uuid()));
      // Too many, none, or one bad apple.
      return either(
        [list],
        [
          [],
          [...list, ...list, g.uuid()].slice(0, 501),
          Array.from({ length: 2000 }, () => g.uuid()),
          [...list.slice(1), plausible(g, 'message', ids)],
          [list],
        ],
      );
    }
    case 'user':
      return either([...ids.friends, ids.me, g.hex(32), g.hex(32)], [g.hex(31), g.hex(32).toUpperCase(), '', `${g.hex(32)} `]);
    case 'color':
      return either(
        [`#${g.hex(6)}`, `#${g.hex(6).toUpperCase()}`, '#FFFFFF', '#000000'],
        ['red', '#abc', `#${g.hex(8)}`, 'rgb(0, 0, 0)', '#12345g', '#ffffff\n', ' #ffffff', '＃ffffff', 'ffffff', '#-12345', 'javascript:alert(1)', 0xffffff],
      );
    case 'on':
      return either([true, false], ['true', 'false', 1, 0, null, undefined, {}]);
    case 'text':
      return either(['hello ✓', g.unicode(300), g.unicode(3000), ' ', MAX_TEXT, '<img src=x onerror=alert(1)>'], ['', `${MAX_TEXT}z`, HUGE]);
    case 'draft':
      // Empty text is a valid draft: it forgets the conversation's draft.
      return either(['', 'half a thought', g.unicode(300), MAX_TEXT, '<img src=x onerror=alert(1)>'], [`${MAX_TEXT}z`, HUGE, 42, null]);
    case 'availability':
      return either(['available', 'away', 'busy', 'offline'], ['AWAY', 'invisible', '', 'available ']);
    case 'search':
      return either(
        [
          { text: g.pick(['hello', 'a', 'l’arbre', '"*', 'NEAR(', 'café AND', '-x', g.unicode(40)]) },
          { text: 'message', conversationId: g.pick(ids.conversations), limit: 5 },
          { text: 'e', sender: ids.me, from: 0, until: Date.now() },
        ],
        [{ text: '' }, { text: HUGE }, { text: 'a', limit: 0 }, { text: 'a', conversationId: 'x' }, 'hello', { text: 'a', extra: 1 }],
      );
    case 'group':
      return either(
        [
          { name: 'Trio', memberIds: ids.friends.slice(0, 2) },
          { name: g.unicode(40), memberIds: [g.pick(ids.friends)] },
          { name: 'With a stranger', memberIds: [g.hex(32)] },
          { name: 'Me only', memberIds: [ids.me] },
        ],
        [
          { name: '', memberIds: ids.friends },
          { name: 'x', memberIds: [] },
          { name: HUGE, memberIds: ids.friends },
          { memberIds: ids.friends },
          'Trio',
          { name: 'x', memberIds: ids.friends, isgroup: true },
        ],
      );
    case 'send-options':
      // Usually none, as most messages are not replies.
      if (g.chance(0.6)) return undefined;
      return either(
        [undefined, {}, { replyTo: ids.messages.length ? g.pick(ids.messages) : g.uuid() }],
        [{ replyTo: 'x' }, 'reply', { replyTo: g.uuid(), extra: 1 }, null],
      );
    case 'emoji':
      // Mostly good: with four arguments to get right, the handler must still be reached often.
      if (g.chance(0.5)) return g.pick(['👍', '❤️', '🎉']);
      return either(['👍', '❤️', '👍🏽', '🇫🇷', '👩‍👩‍👧'], ['', 'ok', '<b>', '👍'.repeat(20), ' 👍', 1]);
    case 'preferences':
      return either(
        [{}, { appearance: { zoom: g.pick([80, 100, 200]) } }, { notifications: { quietHours: { days: [g.int(7)] } } }, { startup: { onClose: 'quit' } }],
        [{ appearance: { zoom: 1000 } }, { telemetry: true }, 'dark', null, { spelling: { languages: [g.unicode(20)] } }],
      );
    case 'clear-options':
      return either([undefined, {}, { discardUnsent: g.chance(0.5) }], [{ discardUnsent: 'yes' }, null, { all: true }]);
    case 'link':
      return either(
        [
          `ozekichat://open?account=alice%40demo.ozeki.chat&conversation=${g.pick(ids.conversations)}`,
          'ozekichat://open',
          g.unicode(100),
          'javascript:alert(1)',
        ],
        [HUGE, 42, null],
      );
    case 'timer':
      return either([0, 60, 3600, 86_400, 604_800, 2_419_200], [30, -1, 60.5, '60', null, Infinity, Number.NaN]);
    case 'history':
      return either([undefined, {}, { conversationIds: [g.pick(ids.conversations)] }], [{ conversationIds: [] }, { conversationIds: ['x'] }, null, 'all']);
    case 'attach':
      return either(
        [
          { name: 'notes.txt', type: 'text/plain', size: g.int(2000) },
          { name: g.unicode(40), type: '', size: 0 },
          { name: '../../etc/passwd', type: 'image/png', size: 10 },
        ],
        [
          { name: '', type: '', size: 1 },
          { name: 'x', type: '', size: -1 },
          { name: 'x', type: '', size: 200 * 1024 * 1024 },
          { name: 'x', size: 1 },
          'file.txt',
        ],
      );
    case 'staging':
      return either([g.hex(32)], [g.hex(31), '', HUGE, null]);
    case 'piece-index':
      // Mostly the first piece: a file channel's handler must still be reached often.
      if (g.chance(0.5)) return 0;
      return either([0, 1, g.int(10)], [-1, 1.5, '0', null, 2_000_000]);
    case 'piece':
      return either(['', 'aGVsbG8=', Buffer.from(g.unicode(100)).toString('base64')], ['not base64!', 42, HUGE]);
    case 'signIn': {
      const request: Record<string, unknown> = {
        serverUrl: either(
          [ids.serverUrl, `${ids.serverUrl}/`, ` ${ids.serverUrl} `, ids.serverUrl.toUpperCase().replace('HTTP:', 'http:')],
          [
            'javascript:alert(document.cookie)',
            'JAVASCRIPT:alert(1)',
            'file:///etc/passwd',
            'file://C:/Windows/win.ini',
            'data:text/html,<script>alert(1)</script>',
            'ftp://127.0.0.1/',
            'http://',
            'not a url',
            `https://${'a'.repeat(3000)}.example`,
          ],
        ),
        email: either(['alice@demo.ozeki.chat', ' ALICE@demo.ozeki.chat ', 'someone@example.org'], ['not-an-email', '@', `${'x'.repeat(400)}@b.c`, 'a b@c.d']),
        // Never a real key: a valid-looking request signs nobody in.
        apiKey: either([g.hex(64), g.hex(40)], ['', '   ', 'k'.repeat(300)]),
        password: either(['p', 'correct horse battery staple', g.unicode(50)], ['', 'p'.repeat(1025)]),
      };
      if (g.chance(0.1)) for (const key of Object.keys(request)) if (g.chance(0.3)) request[key] = hostile(g);
      if (g.chance(0.1)) return { ...JSON.parse('{"__proto__": {"polluted": true, "isAdmin": true}}'), ...request };
      if (g.chance(0.05)) return [request];
      return request;
    }
  }
}

/** An argument list for a channel: well-formed, one argument too many or too few, or anything at all. */
function argsFor(g: Gen, channel: Channel, ids: Parameters<typeof plausible>[2]): unknown {
  const slots = SIGNATURES[channel];
  const r = g.rand();
  if (r < 0.55) return slots.map((s) => plausible(g, s, ids));
  if (r < 0.7) {
    const args: unknown[] = slots.map((s) => plausible(g, s, ids));
    if (g.chance(0.5) || args.length === 0) args.push(hostile(g));
    else args.pop();
    return args;
  }
  if (r < 0.8) return hostile(g);
  return Array.from({ length: g.int(5) }, () => hostile(g));
}

// ------------------------------------------------------------------------------ what a reply must be

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const HEX32 = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isConversationView(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v.id === 'string' &&
    HEX32.test(v.id) &&
    typeof v.name === 'string' &&
    typeof v.nameDecrypted === 'boolean' &&
    typeof v.isGroup === 'boolean' &&
    Array.isArray(v.participants) &&
    typeof v.favorite === 'boolean' &&
    typeof v.muted === 'boolean' &&
    typeof v.hidden === 'boolean' &&
    typeof v.color === 'string' &&
    /^#[0-9a-f]{6}$/.test(v.color) &&
    Number.isFinite(v.lastActivity) &&
    Number.isInteger(v.unread) &&
    typeof v.pending === 'boolean' &&
    [0, 60, 3600, 86_400, 604_800, 2_419_200].includes(v.timer as number) &&
    (v.last === null || (isObject(v.last) && typeof v.last.mine === 'boolean' && (v.last.text === null || typeof v.last.text === 'string')))
  );
}

function isMessageView(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v.id === 'string' &&
    UUID.test(v.id) &&
    typeof v.conversationId === 'string' &&
    HEX32.test(v.conversationId) &&
    typeof v.from === 'string' &&
    typeof v.fromName === 'string' &&
    typeof v.mine === 'boolean' &&
    (v.text === null || typeof v.text === 'string') &&
    Number.isFinite(v.created) &&
    Number.isFinite(v.validUntil) &&
    ['pending', 'sent', 'delivered', 'viewed', 'failed'].includes(v.state as string)
  );
}

const isPage = (v: unknown): boolean =>
  isObject(v) && typeof v.conversationId === 'string' && Array.isArray(v.messages) && v.messages.every(isMessageView) && typeof v.hasOlder === 'boolean';

function isSnapshot(v: unknown): boolean {
  return (
    isObject(v) &&
    (v.profile === null || isObject(v.profile)) &&
    isObject(v.keychain) &&
    ['signed-out', 'online', 'offline', 'reconnecting', 'unauthorized'].includes(v.connection as string) &&
    Number.isInteger(v.pendingCount) &&
    (v.pendingCount as number) >= 0 &&
    Array.isArray(v.conversations) &&
    v.conversations.every(isConversationView) &&
    Array.isArray(v.friends) &&
    Array.isArray(v.notices)
  );
}

function isHistoryProgress(v: unknown): boolean {
  return isObject(v) && ['idle', 'running', 'offline', 'done', 'failed'].includes(v.state as string) && typeof v.conversationsDone === 'number';
}

const VALUE: Record<Channel, (v: unknown) => boolean> = {
  'session:sign-in': (v) => isObject(v) && isObject(v.profile) && isObject(v.keychain),
  'session:sign-out': (v) => v === undefined,
  'accounts:switch': (v) => v === undefined,
  // Only where and who: never a secret.
  'session:demo': (v) => v === null || (isObject(v) && Object.keys(v).sort().join() === 'email,serverUrl'),
  'session:sign-in-demo': (v) => isObject(v) && isObject(v.profile) && isObject(v.keychain),
  'state:snapshot': isSnapshot,
  'sync:now': (v) => v === undefined,
  'conversation:set-favorite': (v) => v === undefined,
  'conversation:set-muted': (v) => v === undefined,
  'conversation:set-hidden': (v) => v === undefined,
  'conversation:set-color': (v) => v === undefined,
  'conversation:clear': (v) => v === undefined,
  'conversation:start': isConversationView,
  'conversation:create-group': (v) => isConversationView(v) && (v as { isGroup: boolean }).isGroup,
  'conversation:set-timer': (v) => v === undefined,
  'conversations:hidden': (v) => Array.isArray(v) && v.every(isConversationView) && v.every((c) => (c as { hidden: boolean }).hidden),
  'messages:latest': isPage,
  'messages:older': isPage,
  'messages:around': (v) => isObject(v) && Array.isArray(v.messages) && v.messages.every(isMessageView) && typeof v.anchorId === 'string',
  'messages:newer': (v) => isObject(v) && Array.isArray(v.messages) && v.messages.every(isMessageView) && typeof v.hasNewer === 'boolean',
  'search:messages': (v) => isObject(v) && Array.isArray(v.groups) && typeof v.waiting === 'number',
  'history:status': isHistoryProgress,
  'history:start': isHistoryProgress,
  'history:stop': isHistoryProgress,
  'messages:send': (v) => isMessageView(v) && (v as { mine: boolean }).mine,
  'messages:react': (v) => v === undefined,
  'messages:edit': (v) => v === undefined,
  'messages:delete': (v) => v === undefined,
  'messages:mark-viewed': (v) => v === undefined,
  'presence:set': (v) => v === undefined,
  'ui:conversation-opened': (v) => v === undefined,
  'drafts:get': (v) => isObject(v) && Object.values(v).every((d) => typeof d === 'string'),
  'drafts:set': (v) => v === undefined,
  'files:attach-begin': (v) => isObject(v) && typeof v.stagingId === 'string' && HEX32.test(v.stagingId),
  'files:attach-piece': (v) => v === undefined,
  'files:attach-end': (v) => isMessageView(v),
  'files:attach-abort': (v) => v === undefined,
  // This host has no dialog of its own.
  'files:pick': (v) => isObject(v) && v.dialog === false,
  'files:cancel': (v) => v === undefined,
  'files:read': (v) => isObject(v) && typeof v.data === 'string' && typeof v.pieces === 'number',
  'files:save': (v) => isObject(v) && v.saved === 'browser',
  'files:show-in-folder': (v) => v === undefined,
  // A service alone answers none of these (the accounts registry does): never a value.
  'settings:get': () => false,
  'settings:set': () => false,
  'accounts:clear-local-data': () => false,
  'updates:check': () => false,
  'links:open': () => false,
};

/** A message a person can read: one sentence, nothing from inside the app. */
function expectSentence(message: string, where: string): void {
  expect(message, where).toMatch(/^[A-Z]/);
  expect(message, where).toMatch(/[.!?)]$/);
  expect(message.length, where).toBeLessThan(400);
  expect(message, where).not.toMatch(/\n/);
  expect(message, `${where}: a stack frame`).not.toMatch(/\bat\s.*:\d+:\d+|file:\/\/|node:internal/);
  expect(message, `${where}: a file path`).not.toMatch(
    /(^|[\s('"])(\/(work|home|tmp|usr|var|etc|Users|private|opt)\b|[A-Za-z]:\\)|node_modules|\.(ts|js|mjs|cjs)\b/,
  );
  expect(message, `${where}: an internal name`).not.toMatch(/TypeError|RangeError|ReferenceError|SqliteError|ZodError|\[object Object\]|Symbol\(/);
}

/** Checks the shape of any reply; returns it typed. */
function expectWellFormed(reply: unknown, channel: Channel, where: string): Reply<Channel> {
  expect(isObject(reply), where).toBe(true);
  const r = reply as Record<string, unknown>;
  if (r.ok === true) {
    expect(Object.keys(r).sort(), where).toEqual(['ok', 'value']);
    expect(VALUE[channel](r.value), `${where}: the value is not a ${channel} answer: ${JSON.stringify(r.value)?.slice(0, 300)}`).toBe(true);
  } else {
    expect(r.ok, where).toBe(false);
    expect(Object.keys(r).sort(), where).toEqual(['error', 'ok']);
    expect(isObject(r.error), where).toBe(true);
    const error = r.error as Record<string, unknown>;
    expect(Object.keys(error).sort(), where).toEqual(['code', 'message']);
    expect(ERROR_CODES, where).toContain(error.code);
    expect(typeof error.message, where).toBe('string');
    expectSentence(error.message as string, `${where}: "${error.message as string}"`);
  }
  // It has to cross to the renderer.
  expect(() => structuredClone(reply), where).not.toThrow();
  return reply as Reply<Channel>;
}

/** What the real service must answer to arguments that pass the schema: a code, 'ok', or either. */
function expected(channel: Channel, args: unknown[]): 'ok' | ErrorCode | 'ok-or-not-found' | 'an-error' | 'a-refusal-or-ok' {
  const [first, second] = args as [unknown, unknown];
  switch (channel) {
    case 'session:sign-in':
      // The generator never has a real key; the address may also be one the server does not serve.
      return (first as { serverUrl: string }).serverUrl.trim() === t.server.url ? 'unauthorized' : 'an-error';
    case 'session:sign-in-demo':
      // This host offers no demo account.
      return 'not-found';
    case 'accounts:switch':
      // A service alone is its one account: switching to it is a no-op, to any other not found.
      return first === accountIdNow() ? 'ok' : 'not-found';
    case 'conversation:start':
      return first === meId ? 'invalid-argument' : friendIds.includes(first as string) ? 'ok' : 'not-found';
    case 'conversation:create-group': {
      const others = (first as { memberIds: string[] }).memberIds.filter((id) => id !== meId);
      if (!others.length) return 'invalid-argument';
      return others.every((id) => friendIds.includes(id)) ? 'ok' : 'not-found';
    }
    case 'messages:send': {
      if (!conversationIds.includes(first as string)) return 'not-found';
      const replyTo = (args[2] as { replyTo?: string } | undefined)?.replyTo;
      return replyTo === undefined ? 'ok' : 'ok-or-not-found';
    }
    case 'messages:react':
    case 'messages:edit':
    case 'messages:delete':
      if (!conversationIds.includes(first as string)) return 'not-found';
      // A message of someone else's cannot be edited or deleted; a known one may be gone since.
      return 'a-refusal-or-ok';
    case 'files:attach-piece':
    case 'files:attach-end':
      // The fuzz never begins the staging it names.
      return 'not-found';
    case 'files:attach-abort':
      return 'ok';
    case 'settings:get':
    case 'settings:set':
    case 'accounts:clear-local-data':
    case 'updates:check':
    case 'links:open':
      // The accounts registry's own channels (app/core/accounts/accounts-contract.ts).
      return 'not-found';
    case 'files:cancel':
    case 'files:read':
    case 'files:save':
    case 'files:show-in-folder':
      if (!conversationIds.includes(first as string)) return 'not-found';
      // The fuzz's messages carry no file.
      return 'not-found';
    case 'messages:around':
    case 'messages:newer':
    case 'messages:older':
      if (!conversationIds.includes(first as string)) return 'not-found';
      // A known message may be gone since (a fuzzed clear); an unknown one never answers.
      return knownMessageIds.has(second as string) ? 'ok-or-not-found' : 'not-found';
    default:
      if (SIGNATURES[channel][0] === 'conversation' && !conversationIds.includes(first as string)) return 'not-found';
      return 'ok';
  }
}

function snapshotPrototypes(): Record<string, string[]> {
  return Object.fromEntries(
    [Object.prototype, Array.prototype, Function.prototype, String.prototype].map((p, i) => [i, Reflect.ownKeys(p).map(String).sort()]),
  );
}

function expectPrototypesUntouched(before: Record<string, string[]>): void {
  expect(snapshotPrototypes()).toEqual(before);
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(probe.isAdmin).toBeUndefined();
  expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
}

// ------------------------------------------------------------------------------ the tests

const SEED = 424_242;
const PER_CHANNEL = 400;

describe('the IPC dispatcher in front of a signed-in ChatService', () => {
  it(`answers ${PER_CHANNEL * CHANNEL_NAMES.length} random and hostile argument lists with a well-formed reply, never an exception or an internal error`, async () => {
    const prototypes = snapshotPrototypes();
    const g = new Gen(seeded(SEED));
    const secrets = [t.accounts[0]!.apikey, t.accounts[0]!.password];
    const tally = { valid: 0, refused: 0, notFound: 0, ok: 0 };
    const reachedHandler = new Map<Channel, number>();
    for (let i = 0; i < PER_CHANNEL * CHANNEL_NAMES.length; i++) {
      const channel = CHANNEL_NAMES[i % CHANNEL_NAMES.length]!;
      const ids = { conversations: conversationIds, messages: [...knownMessageIds], friends: friendIds, me: meId, serverUrl: t.server.url };
      let args = argsFor(g, channel, ids);
      const valid = CHANNELS[channel].safeParse(args).success;
      // Signing out for real is a test of its own: here it would end the session under the fuzz.
      if (valid && channel === 'session:sign-out') args = [null];
      const where = `#${i} ${channel} (seed ${SEED})`;

      let reply: unknown;
      try {
        reply = await dispatch(channel, args);
      } catch (err) {
        throw new Error(`${where}: dispatch threw: ${String(err)}`, { cause: err });
      }
      const r = expectWellFormed(reply, channel, where);
      expect(r.ok ? null : r.error.code, `${where}: internal error; log:\n${logged.join('\n')}`).not.toBe('internal');

      if (!CHANNELS[channel].safeParse(args).success) {
        expect(r.ok ? 'ok' : r.error.code, where).toBe('invalid-argument');
        tally.refused++;
      } else {
        tally.valid++;
        reachedHandler.set(channel, (reachedHandler.get(channel) ?? 0) + 1);
        const want = expected(channel, args as unknown[]);
        const got = r.ok ? 'ok' : r.error.code;
        if (want === 'ok-or-not-found') expect(['ok', 'not-found'], `${where}: ${got}`).toContain(got);
        else if (want === 'a-refusal-or-ok') expect(['ok', 'not-found', 'invalid-argument'], `${where}: ${got}`).toContain(got);
        else if (want === 'an-error') expect(got, where).not.toBe('ok');
        else expect(got, `${where}: ${r.ok ? '' : r.error.message}`).toBe(want);
        if (got === 'not-found') tally.notFound++;
        if (got === 'ok') tally.ok++;
      }
      if (r.ok && (channel === 'messages:latest' || channel === 'messages:older')) {
        for (const m of (r.value as { messages: { id: string }[] }).messages) knownMessageIds.add(m.id);
      }
      const text = JSON.stringify(reply, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? '';
      for (const secret of secrets) expect(text.includes(secret), `${where}: a secret in the reply`).toBe(false);
    }
    // The generator reaches past the schema often enough to exercise the handlers.
    expect(tally.valid).toBeGreaterThan(1000);
    expect(tally.refused).toBeGreaterThan(1000);
    expect(tally.notFound).toBeGreaterThan(200);
    expect(tally.ok).toBeGreaterThan(500);
    if (process.env.FUZZ_TALLY) console.log(tally, Object.fromEntries(reachedHandler));
    // Every channel's handler was reached many times (sign-out is left to its own test).
    for (const channel of CHANNEL_NAMES) {
      // Each argument may be drawn wrong: a channel of four is reached less often than one of two.
      const floor = channel === 'session:sign-in' ? 20 : SIGNATURES[channel].length >= 4 ? 35 : 60;
      if (channel !== 'session:sign-out') expect(reachedHandler.get(channel) ?? 0, channel).toBeGreaterThan(floor);
    }
    expect(logged).toEqual([]);
    expectPrototypesUntouched(prototypes);
    expect(allCodesListed).toBe(true);
  }, 60_000);

  it('still works afterwards: a favourite and a message reach the server', async () => {
    await eventually(
      async () => {
        await sut.service.settle();
        return sut.service.snapshot().pendingCount === 0;
      },
      20_000,
      'the fuzzed outbox to drain',
    );
    expect(sut.service.snapshot()).toMatchObject({ profile: { email: 'alice@demo.ozeki.chat' }, connection: 'online' });
    const id = conversationIds[0]!;
    const props = async () => (await onServer.conversations()).find((c) => c.id === id).properties[0];

    expect(await dispatch('conversation:set-favorite', [id, false])).toEqual({ ok: true, value: undefined });
    await sut.service.settle();
    expect((await props()).isfavorite).toBe(false);
    expect(await dispatch('conversation:set-favorite', [id, true])).toEqual({ ok: true, value: undefined });
    const sent = await dispatch('messages:send', [id, 'still here after the fuzz']);
    expect(sent.ok).toBe(true);
    await sut.service.settle();
    expect((await props()).isfavorite).toBe(true);

    const conversation = (await onServer.conversations()).find((c) => c.id === id);
    const res = await onServer.call('download', {
      conversationid: id,
      instance: conversation.instance,
      firstmessagedate: '',
      firstmessageid: '',
      firstreportdate: '',
      firstreportid: '',
    });
    const texts = (res.json.messages as { ID: string; Data: string }[]).map((m) => ({
      id: m.ID,
      text: openMessage(onServer.conversationKey(conversation), m.Data).text,
    }));
    expect(texts.filter((m) => m.text === 'still here after the fuzz')).toEqual([
      { id: (sent as { value: { id: string } }).value.id, text: 'still here after the fuzz' },
    ]);
  });

  it('refuses a server address with a javascript:, file: or data: scheme before anything is sent', async () => {
    for (const serverUrl of [
      'javascript:alert(1)',
      'JavaScript:alert(1)//http://x',
      'file:///etc/passwd',
      'data:text/html,x',
      'ftp://127.0.0.1/',
      `  javascript:${t.server.url}`,
    ]) {
      const reply = await dispatch('session:sign-in', [
        { serverUrl, email: 'alice@demo.ozeki.chat', apiKey: t.accounts[0]!.apikey, password: t.accounts[0]!.password },
      ]);
      expect(reply, serverUrl).toEqual({
        ok: false,
        error: { code: 'invalid-argument', message: 'Invalid request: the server URL must start with http:// or https://.' },
      });
    }
    expect(sut.service.snapshot().profile?.email).toBe('alice@demo.ozeki.chat');
  });

  it('answers not-found for ids that look right but do not exist, on every channel that takes one', async () => {
    const ghost = 'e'.repeat(32);
    const real = conversationIds[0]!;
    const cases: [Channel, unknown[]][] = [
      ['conversation:set-favorite', [ghost, true]],
      ['conversation:set-favorite', [ghost, false]],
      ['conversation:set-muted', [ghost, true]],
      ['conversation:set-muted', [ghost, false]],
      ['conversation:set-hidden', [ghost, true]],
      ['conversation:set-hidden', [ghost, false]],
      ['conversation:set-color', [ghost, '#123456']],
      ['conversation:clear', [ghost]],
      ['conversation:start', ['d'.repeat(32)]],
      ['messages:latest', [ghost]],
      ['messages:older', [ghost, '00000000-0000-4000-8000-000000000000']],
      ['messages:older', [real, '00000000-0000-4000-8000-000000000000']],
      ['messages:send', [ghost, 'to nowhere']],
      ['messages:mark-viewed', [ghost, ['00000000-0000-4000-8000-000000000000']]],
    ];
    const before = sut.service.snapshot().pendingCount;
    for (const [channel, args] of cases) {
      const reply = await dispatch(channel, args);
      expect(reply.ok ? 'ok' : reply.error.code, `${channel} ${JSON.stringify(args)}`).toBe('not-found');
    }
    // Unknown message IDs in a real conversation are not an error (they may have expired meanwhile), but nothing is queued.
    const ids = Array.from({ length: 500 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    expect(await dispatch('messages:mark-viewed', [real, ids])).toEqual({ ok: true, value: undefined });
    expect((await dispatch('messages:mark-viewed', [real, [...ids, ids[0]]])).ok).toBe(false);
    expect(sut.service.snapshot().pendingCount).toBe(before);
  });
});

describe('reading messages around a clear', () => {
  it('answers messages:latest right after a clear with the new, empty page, never "cleared since you loaded it"', async () => {
    const id = conversationIds[0]!;
    for (let i = 0; i < 10; i++) {
      await dispatch('messages:send', [id, `before clear ${i}`]);
      expect(await dispatch('conversation:clear', [id])).toEqual({ ok: true, value: undefined });
      // Let the clear reach the server (or not yet) before the renderer reloads the conversation.
      await new Promise((resolve) => setTimeout(resolve, i));
      const reply = await dispatch('messages:latest', [id]);
      expect(reply.ok ? 'ok' : reply.error.code, `after ${i} ms`).toBe('ok');
      if (reply.ok) expect((reply.value as { messages: unknown[] }).messages, `after ${i} ms`).toEqual([]);
    }
  });
});

describe('arguments that are not plain data', () => {
  // zod reads the arguments' properties: a getter or a Proxy trap that throws must still come back
  // as a Reply. Electron's structured clone never delivers such values, but another host might.
  it('answers invalid-argument, and does not throw, when reading the arguments throws', async () => {
    const boom = () => {
      throw new Error('getter exploded at /work/main/app/secret.ts:1:1');
    };
    const trap = new Proxy({}, { get: boom, has: boom, ownKeys: boom, getPrototypeOf: boom, getOwnPropertyDescriptor: boom });
    const getter = Object.defineProperty([], 0, { get: boom, enumerable: true });
    const cases: [Channel, unknown][] = [
      ['conversation:set-favorite', getter],
      ['conversation:set-favorite', [trap, true]],
      [
        'session:sign-in',
        [
          {
            get serverUrl() {
              return boom();
            },
            email: 'a@b.c',
            apiKey: 'k',
            password: 'p',
          },
        ],
      ],
      ['messages:send', trap],
    ];
    for (const [channel, args] of cases) {
      const reply = await dispatch(channel, args);
      expect(reply).toEqual({ ok: false, error: { code: 'invalid-argument', message: expect.any(String) } });
    }
  });
});

describe('signing in through the contract', () => {
  it('leaves the signed-in account signed in when another sign-in is refused', async () => {
    const [alice, bob] = t.accounts as [(typeof t.accounts)[0] & object, (typeof t.accounts)[0] & object];
    const attempts: [string, Record<string, string>, ErrorCode][] = [
      ['a wrong API key', { email: alice.email, apiKey: 'f'.repeat(64), password: alice.password }, 'unauthorized'],
      ['a wrong encryption password', { email: alice.email, apiKey: alice.apikey, password: 'not the password' }, 'wrong-password'],
      ["someone else's key for this account", { email: alice.email, apiKey: bob.apikey, password: alice.password }, 'unauthorized'],
      ["someone else's key for a third account", { email: 'carol@demo.ozeki.chat', apiKey: bob.apikey, password: 'x' }, 'refused'],
    ];
    for (const [what, fields, code] of attempts) {
      const reply = await dispatch('session:sign-in', [{ serverUrl: t.server.url, ...fields }]);
      expect(reply.ok ? 'ok' : reply.error.code, what).toBe(code);
      expect(sut.service.snapshot().profile?.email, what).toBe('alice@demo.ozeki.chat');
    }
    const id = conversationIds[1]!;
    expect((await dispatch('conversation:set-muted', [id, true])).ok).toBe(true);
    await sut.service.settle();
    expect((await onServer.conversations()).find((c) => c.id === id).properties[0].ismuted).toBe(true);
  });

  it('lets an account sign in after a first try with a key that belongs to someone else', async () => {
    const fresh = await openService();
    try {
      const d = createDispatcher(fresh.service.handlers());
      const [alice, bob] = t.accounts as [(typeof t.accounts)[0] & object, (typeof t.accounts)[0] & object];
      const typo = await d('session:sign-in', [{ serverUrl: t.server.url, email: alice.email, apiKey: bob.apikey, password: alice.password }]);
      expect(typo.ok ? 'ok' : typo.error.code).toBe('refused');
      const right = await d('session:sign-in', [{ serverUrl: t.server.url, email: alice.email, apiKey: alice.apikey, password: alice.password }]);
      expect(right.ok ? right.value : right.error).toMatchObject({ profile: { email: alice.email } });
    } finally {
      await fresh.close();
    }
  });
});

describe('the IPC dispatcher in front of a signed-out ChatService', () => {
  it('answers not-signed-in on every channel but sign-in and snapshot, whatever the arguments', async () => {
    const prototypes = snapshotPrototypes();
    const out = await openService();
    try {
      const d = createDispatcher(out.service.handlers(), (line) => logged.push(line));
      const g = new Gen(seeded(SEED + 1));
      const ids = { conversations: conversationIds, messages: [...knownMessageIds], friends: friendIds, me: meId, serverUrl: t.server.url };
      const answered = new Map<Channel, Set<string>>();
      for (let i = 0; i < 60 * CHANNEL_NAMES.length; i++) {
        const channel = CHANNEL_NAMES[i % CHANNEL_NAMES.length]!;
        // Every channel gets well-formed arguments at least once, then anything.
        const args = i < CHANNEL_NAMES.length ? SIGNATURES[channel].map((s) => validFor(s)) : argsFor(g, channel, ids);
        const where = `#${i} ${channel} signed out (seed ${SEED + 1})`;
        const r = expectWellFormed(await d(channel, args), channel, where);
        const got = r.ok ? 'ok' : r.error.code;
        if (!CHANNELS[channel].safeParse(args).success) {
          expect(got, where).toBe('invalid-argument');
          continue;
        }
        if (channel === 'session:sign-in') {
          // Nobody is signed in by a key that is not real (or an address the server does not serve).
          expect(got, where).not.toBe('ok');
          expect(got, where).not.toBe('internal');
        } else {
          // Sign-out while signed out is a harmless no-op (a double click must not show an error);
          // asking for the demo works signed out, and this host offers none; the window says what
          // it shows (nothing, after a sign-out) whoever is signed in.
          const expected =
            channel === 'state:snapshot' || channel === 'session:sign-out' || channel === 'session:demo' || channel === 'ui:conversation-opened'
              ? 'ok'
              : channel === 'session:sign-in-demo' || channel === 'accounts:switch' || REGISTRY_CHANNELS.has(channel)
                ? 'not-found'
                : 'not-signed-in';
          expect(got, where).toBe(expected);
        }
        if (!answered.has(channel)) answered.set(channel, new Set());
        answered.get(channel)!.add(got);
      }
      // Every channel was reached with arguments that pass its schema.
      expect([...answered.keys()].sort()).toEqual([...CHANNEL_NAMES].sort());
      expect(out.service.snapshot()).toMatchObject({ profile: null, connection: 'signed-out', pendingCount: 0, conversations: [] });
      expectPrototypesUntouched(prototypes);
    } finally {
      await out.close();
    }
  });
});

/** Answered by the accounts registry, so a service alone says not-found whoever is signed in. */
const REGISTRY_CHANNELS = new Set<Channel>(['settings:get', 'settings:set', 'accounts:clear-local-data', 'updates:check', 'links:open']);

/** Arguments that pass a slot's schema (ids that do not exist here). */
function validFor(slot: Slot): unknown {
  switch (slot) {
    case 'account':
      return '0123456789abcdef';
    case 'conversation':
    case 'open-conversation':
      return 'c'.repeat(32);
    case 'message':
      return '00000000-0000-4000-8000-000000000001';
    case 'messages':
      return ['00000000-0000-4000-8000-000000000001'];
    case 'user':
      return 'b'.repeat(32);
    case 'color':
      return '#a0b0c0';
    case 'on':
      return true;
    case 'text':
    case 'draft':
      return 'hello';
    case 'availability':
      return 'away';
    case 'signIn':
      return { serverUrl: t.server.url, email: 'alice@demo.ozeki.chat', apiKey: 'f'.repeat(64), password: 'x' };
    case 'preferences':
      return { appearance: { zoom: 110 } };
    case 'clear-options':
      return {};
    case 'link':
      return 'ozekichat://open?account=alice%40demo.ozeki.chat';
  }
}
