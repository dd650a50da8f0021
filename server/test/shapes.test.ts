/**
 * Every call's server response carries exactly the documented keys with the documented types.
 *
 * The key lists below are written out from /work/shared/ozeki-chat-api.md (the documented Ozeki
 * API), not taken from the protocol schemas, so a schema that drifts from the documentation cannot
 * hide a server that drifts with it. Keys the profile adds on top of the documentation are listed
 * separately and named as profile additions.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CALLS,
  cipherSize,
  decodeResponse,
  encryptChunk,
  formatTimestamp,
  newFileId,
  newFileKey,
  newMessageId,
  oneToOneConversationId,
  sealMessage,
  unlockPrivateKey,
  type CallName,
  type PayloadOf,
} from '../../protocol/index.js';
import { TestClient, createPayload, signInAll, startTestServer, type TestServer } from './harness.js';

// ---------------------------------------------------------------------------------------------
// The documented shapes (ozeki-chat-api.md §6, §7, §8)
// ---------------------------------------------------------------------------------------------

/** §6.2, §6.4, §6.19 and every plain answer: `{ "status": "OK", "errormessage": "" }`. */
const PLAIN_OK_KEYS = ['status', 'errormessage'];
/** §6.1 Login. */
const LOGIN_KEYS = ['status', 'errormessage', 'server', 'listeners', 'registration', 'rsakey', 'userid', 'fullname', 'nick', 'urls'];
const LISTENER_KEYS = ['udp', 'ws', 'wss'];
/** §6.1 `urls`: the keys the published example shows before it is cut off, each `?srv=chatserver&api=chat<key>`. */
const DOCUMENTED_URL_KEYS = ['login', 'availability', 'conversation', 'conversationgroup', 'blocklist', 'fileserver', 'friends', 'notification'];
/** Profile additions to `urls` (the example is cut off after `notification`): key -> [srv, api]. */
const PROFILE_URL_KEYS: Record<string, [srv: string, api: string]> = {
  reports: ['chatserver', 'chatreports'],
  workspace: ['chatowner', 'workspace'],
};
/** §6.3 Friends/List. */
const FRIENDS_LIST_KEYS = ['status', 'errormessage', 'friends', 'availabilities'];
const AVAILABILITY_ENTRY_KEYS = ['friendid', 'friendname', 'publickey', 'availability'];
/** §6.5 Notification; note the documented spelling `friendavailabilitesof`. */
const NOTIFICATION_KEYS = ['status', 'errormessage', 'friendavailabilitesof', 'conversationchangedof', 'conversationlistchangedof'];
/** §6.6 Conversation/List. */
const CONVERSATION_LIST_KEYS = ['status', 'errormessage', 'conversations'];
/** §6.7 Downloadpartial. */
const DOWNLOAD_PARTIAL_KEYS = ['status', 'errormessage', 'messages', 'reports'];
/** §6.8 Add: the stored message comes back as an object, without `Data`. */
const ADD_KEYS = ['status', 'errormessage', 'message'];
const RECEIPT_KEYS = ['ID', 'Type', 'Created', 'ValidUntil'];
/** §6.9–§6.17: Clear, Favorite, Unfavorite, Change Color, Mute, Unmute, Hide, Unhide. */
const CONVERSATION_RESPONSE_KEYS = ['status', 'errormessage', 'conversation'];
/** §6.13 Download: the documented answer has no `status` and no `errormessage`. */
const DOWNLOAD_KEYS = ['messages', 'reports'];
/** §6.18 Blocklist. */
const BLOCKLIST_KEYS = ['status', 'errormessage', 'blockedusers', 'blockedconversations'];
/** §7 The conversation object: "No other fields appear in any example." */
const CONVERSATION_KEYS = [
  'id',
  'isgroup',
  'participantids',
  'participants',
  'displayname',
  'lastmessageid',
  'lastreportid',
  'lastaccess',
  'secret',
  'instance',
  'mutedby',
  'favoriteby',
  'hiddenby',
  'properties',
];
const PROPERTIES_KEYS = ['userid', 'ismuted', 'isfavorite', 'hideid', 'listitembackgroundcolor'];
const PARTICIPANT_KEYS = ['userid', 'username'];
/** §8 Message. */
const MESSAGE_KEYS = ['ID', 'Type', 'Created', 'ValidUntil', 'Data'];
/** §8 Report: documented `ID`, `Type`, `Created`, then an elision the profile fills with `UserID`, `MessageIDs`. */
const REPORT_KEYS = ['ID', 'Type', 'Created', /* profile: */ 'UserID', 'MessageIDs'];

// ---------------------------------------------------------------------------------------------
// The profile's file calls (docs/protocol.md, "Files"): not in the Ozeki documentation at all
// ---------------------------------------------------------------------------------------------

/** Profile `begin`: the upload's state. */
const FILE_BEGIN_KEYS = ['status', 'errormessage', 'fileid', 'chunks', 'received', 'complete'];
/** Profile `chunk`: how many chunks are stored. */
const FILE_CHUNK_KEYS = ['status', 'errormessage', 'received'];
/** Profile `finish`: the file and its ciphertext size. */
const FILE_FINISH_KEYS = ['status', 'errormessage', 'fileid', 'bytes'];

// ---------------------------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------------------------

const HEX32 = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INSTANCE = /^[A-Za-z0-9]{10}$/;
const COLOR = /^#[0-9a-fA-F]{6}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** `yyyy-MM-dd HH:mm:ss`, a real calendar time; returns its UTC milliseconds. */
function expectTimestamp(value: unknown, where: string): number {
  expect(typeof value, where).toBe('string');
  const text = value as string;
  expect(text, where).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  const ms = Date.parse(`${text.replace(' ', 'T')}Z`);
  expect(Number.isNaN(ms), `${where}: ${text} is not a real time`).toBe(false);
  expect(new Date(ms).toISOString().slice(0, 19).replace('T', ' '), `${where}: ${text} rolls over`).toBe(text);
  return ms;
}

function expectBase64(value: unknown, where: string): void {
  expect(typeof value, where).toBe('string');
  expect(value as string, where).toMatch(BASE64);
  expect((value as string).length % 4, `${where}: base64 length`).toBe(0);
}

function expectStringArray(value: unknown, where: string, element?: RegExp): string[] {
  expect(Array.isArray(value), `${where} is an array`).toBe(true);
  for (const [i, item] of (value as unknown[]).entries()) {
    expect(typeof item, `${where}[${i}]`).toBe('string');
    if (element) expect(item as string, `${where}[${i}]`).toMatch(element);
  }
  return value as string[];
}

/** The value is a plain JSON object whose key set is exactly `keys`. */
function expectKeys(value: unknown, keys: readonly string[], where: string): Record<string, any> {
  expect(typeof value === 'object' && value !== null && !Array.isArray(value), `${where} is an object`).toBe(true);
  expect(Object.keys(value as object).sort(), `${where} keys`).toEqual([...keys].sort());
  return value as Record<string, any>;
}

function expectPlainStatus(json: Record<string, any>, where: string): void {
  expect(json.status, `${where}.status`).toBe('OK');
  expect(typeof json.errormessage, `${where}.errormessage`).toBe('string');
}

function expectConversation(value: unknown, caller: string, where: string): Record<string, any> {
  const c = expectKeys(value, CONVERSATION_KEYS, where);
  expect(c.id, `${where}.id`).toMatch(HEX32);
  expect(typeof c.isgroup, `${where}.isgroup`).toBe('boolean');
  const ids = expectStringArray(c.participantids, `${where}.participantids`, HEX32);
  expect(ids.length, `${where}.participantids length`).toBeGreaterThanOrEqual(2);
  expect(ids, `${where}.participantids names the caller`).toContain(caller);
  expect(Array.isArray(c.participants), `${where}.participants is an array`).toBe(true);
  (c.participants as unknown[]).forEach((p, i) => {
    const entry = expectKeys(p, PARTICIPANT_KEYS, `${where}.participants[${i}]`);
    expect(entry.userid, `${where}.participants[${i}].userid`).toMatch(HEX32);
    expect(typeof entry.username, `${where}.participants[${i}].username`).toBe('string');
    expect(entry.username.length, `${where}.participants[${i}].username`).toBeGreaterThan(0);
  });
  expect(
    (c.participants as { userid: string }[]).map((p) => p.userid),
    `${where}.participants follow participantids`,
  ).toEqual(ids);
  expectBase64(c.displayname, `${where}.displayname`);
  expect(c.lastmessageid === '' || UUID.test(c.lastmessageid), `${where}.lastmessageid "${c.lastmessageid}"`).toBe(true);
  expect(c.lastreportid === '' || UUID.test(c.lastreportid) || HEX32.test(c.lastreportid), `${where}.lastreportid "${c.lastreportid}"`).toBe(true);
  expect(Number.isInteger(c.lastaccess), `${where}.lastaccess is an integer`).toBe(true);
  // Unix seconds (not milliseconds): after 2020, not in the future.
  expect(c.lastaccess, `${where}.lastaccess`).toBeGreaterThan(1_577_836_800);
  expect(c.lastaccess, `${where}.lastaccess`).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 5);
  expectBase64(c.secret, `${where}.secret`);
  expect(c.instance, `${where}.instance`).toMatch(INSTANCE);
  const mutedby = expectStringArray(c.mutedby, `${where}.mutedby`, HEX32);
  const favoriteby = expectStringArray(c.favoriteby, `${where}.favoriteby`, HEX32);
  expectStringArray(c.hiddenby, `${where}.hiddenby`, HEX32);
  expect(Array.isArray(c.properties), `${where}.properties is an array`).toBe(true);
  expect(c.properties, `${where}.properties holds only the caller's entry`).toHaveLength(1);
  const p = expectKeys(c.properties[0], PROPERTIES_KEYS, `${where}.properties[0]`);
  expect(p.userid, `${where}.properties[0].userid`).toBe(caller);
  expect(typeof p.ismuted, `${where}.properties[0].ismuted`).toBe('boolean');
  expect(typeof p.isfavorite, `${where}.properties[0].isfavorite`).toBe('boolean');
  expect(typeof p.hideid, `${where}.properties[0].hideid`).toBe('string');
  expect(p.listitembackgroundcolor, `${where}.properties[0].listitembackgroundcolor`).toMatch(COLOR);
  expect(mutedby.includes(caller), `${where}: mutedby agrees with ismuted`).toBe(p.ismuted);
  expect(favoriteby.includes(caller), `${where}: favoriteby agrees with isfavorite`).toBe(p.isfavorite);
  if (!c.isgroup) {
    expect(ids, `${where}: a 1:1 conversation has two participants`).toHaveLength(2);
    expect(ids, `${where}: 1:1 participantids are in ascending order`).toEqual([...ids].sort());
    expect(c.id, `${where}: 1:1 id is md5 of the sorted ids joined by ";"`).toBe(md5(`${ids[0]};${ids[1]}`));
    expect(c.id, `${where}: 1:1 id`).toBe(oneToOneConversationId(ids[0]!, ids[1]!));
  }
  return c;
}

function expectMessage(value: unknown, where: string): Record<string, any> {
  const m = expectKeys(value, MESSAGE_KEYS, where);
  expect(m.ID, `${where}.ID`).toMatch(UUID);
  expect(m.Type, `${where}.Type`).toBe('Message');
  const created = expectTimestamp(m.Created, `${where}.Created`);
  const validUntil = expectTimestamp(m.ValidUntil, `${where}.ValidUntil`);
  expect(validUntil, `${where}: ValidUntil after Created`).toBeGreaterThan(created);
  expectBase64(m.Data, `${where}.Data`);
  return m;
}

function expectReport(value: unknown, where: string): Record<string, any> {
  const r = expectKeys(value, REPORT_KEYS, where);
  expect(r.ID, `${where}.ID`).toMatch(UUID);
  expect(['delivered', 'viewed'], `${where}.Type`).toContain(r.Type);
  expectTimestamp(r.Created, `${where}.Created`);
  expect(r.UserID, `${where}.UserID`).toMatch(HEX32);
  expect(expectStringArray(r.MessageIDs, `${where}.MessageIDs`, UUID).length, `${where}.MessageIDs`).toBeGreaterThan(0);
  return r;
}

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

// ---------------------------------------------------------------------------------------------
// Driving the server
// ---------------------------------------------------------------------------------------------

let t: TestServer;
let alice: TestClient;
let bob: TestClient;
let carol: TestClient;
const exercised = new Set<CallName>();

beforeAll(async () => {
  t = await startTestServer();
  [alice, bob, carol] = (await signInAll(t)) as [TestClient, TestClient, TestClient];
});
afterAll(() => t.stop({ remove: true }));

/** Calls, expects HTTP 200 and a response the protocol module's decoder accepts; returns the JSON. */
async function ok<N extends CallName>(client: TestClient, name: N, payload: PayloadOf<N>): Promise<Record<string, any>> {
  const reply = await client.call(name, payload);
  exercised.add(name);
  expect(reply.http, `${name}: ${reply.text.slice(0, 300)}`).toBe(200);
  const decoded = decodeResponse(name, reply.json);
  expect(decoded.ok ? 'decodes' : decoded.message, `${name} passes decodeResponse`).toBe('decodes');
  return reply.json as Record<string, any>;
}

/** Everyone's public key, as friends see it (Alice's list has Bob's and Carol's, Bob's has Alice's). */
async function publicKeys(): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  for (const client of [alice, bob]) {
    const list = await ok(client, 'friendsList', {});
    for (const a of list.availabilities as { friendid: string; publickey: string }[]) keys.set(a.friendid, a.publickey);
  }
  return keys;
}

function newMessage(client: TestClient, key: Buffer, text: string, lifetimeMs = 7 * 86_400_000): string {
  const now = Date.now();
  return JSON.stringify({
    ID: newMessageId(),
    Type: 'Message',
    Created: formatTimestamp(now),
    ValidUntil: formatTimestamp(now + lifetimeMs),
    Data: sealMessage(key, { from: client.userid, text }),
  });
}

describe('login', () => {
  it('answers with exactly the documented keys, listeners and identity', async () => {
    const client = new TestClient(t.server.url, t.accounts[0]!);
    const json = await ok(client, 'login', { apikey: client.account.apikey });
    expectKeys(json, LOGIN_KEYS, 'login');
    expectPlainStatus(json, 'login');
    expect(typeof json.server).toBe('string');
    expect(json.server.length).toBeGreaterThan(0);
    expect(json.registration, 'registration is the string "true"').toBe('true');
    expect(json.userid).toBe(md5(client.account.email.toLowerCase()));
    expect(json.userid).toMatch(HEX32);
    expect(json.fullname).toBe(client.account.fullname);
    expect(json.nick).toBe(client.account.nick);
    const listeners = expectKeys(json.listeners, LISTENER_KEYS, 'login.listeners');
    for (const k of LISTENER_KEYS) expect(typeof listeners[k], `login.listeners.${k}`).toBe('string');
    expect(new URL(listeners.ws).protocol, 'listeners.ws is a WebSocket URL').toBe('ws:');
    if (listeners.udp) expect(listeners.udp).toMatch(/^udp:\/\//);
    if (listeners.wss) expect(listeners.wss).toMatch(/^wss:\/\//);
  });

  it('answers with absolute http urls for every documented api, plus only the profile additions', async () => {
    const client = new TestClient(t.server.url, t.accounts[1]!);
    const json = await ok(client, 'login', { apikey: client.account.apikey });
    expect(typeof json.urls === 'object' && json.urls !== null && !Array.isArray(json.urls)).toBe(true);
    const keys = Object.keys(json.urls);
    for (const k of DOCUMENTED_URL_KEYS) expect(keys, `urls.${k} is present`).toContain(k);
    const extra = keys.filter((k) => !DOCUMENTED_URL_KEYS.includes(k));
    for (const k of extra) expect(Object.keys(PROFILE_URL_KEYS), `urls.${k} is documented or a listed profile addition`).toContain(k);
    const base = new URL(t.server.url);
    for (const k of keys) {
      const value = json.urls[k];
      expect(typeof value, `urls.${k}`).toBe('string');
      const url = new URL(value);
      expect(url.protocol, `urls.${k} is http`).toBe('http:');
      expect(url.origin + url.pathname, `urls.${k} points at this server's API path`).toBe(base.origin + base.pathname);
      const [srv, api] = PROFILE_URL_KEYS[k] ?? ['chatserver', `chat${k}`];
      expect(url.searchParams.get('srv'), `urls.${k} srv`).toBe(srv);
      expect(url.searchParams.get('api'), `urls.${k} api`).toBe(api);
    }
  });

  it('hands out the rsakey as an encrypted PEM with the documented header lines joined by CRLF', async () => {
    const json = alice.login as Record<string, any>;
    const rsakey: string = json.rsakey;
    expect(rsakey.startsWith('-----BEGIN RSA PRIVATE KEY-----\r\nProc-Type: 4,ENCRYPTED\r\nDEK-Info: AES-256-CFB,')).toBe(true);
    expect(rsakey.endsWith('\r\n-----END RSA PRIVATE KEY-----')).toBe(true);
    expect(rsakey, 'every line break is CRLF').not.toMatch(/[^\r]\n/);
    expect(rsakey, 'no bare CR').not.toMatch(/\r(?!\n)/);
    const lines = rsakey.split('\r\n');
    expect(lines[2]).toMatch(/^DEK-Info: AES-256-CFB,[0-9A-F]{32}$/i);
    expect(lines[3], 'a blank line separates the headers from the body').toBe('');
    for (const line of lines.slice(4, -1)) expect(line).toMatch(/^[A-Za-z0-9+/=]{1,64}$/);
    expect(unlockPrivateKey(rsakey, alice.account.password).asymmetricKeyType).toBe('rsa');
  });
});

describe('availability', () => {
  it('useravailable answers with exactly status and errormessage', async () => {
    const json = await ok(alice, 'availability', {});
    expectKeys(json, PLAIN_OK_KEYS, 'useravailable');
    expect(json).toEqual({ status: 'OK', errormessage: '' });
  });

  it('the profile setavailability answers with exactly status and errormessage', async () => {
    const json = await ok(carol, 'setAvailability', { availability: 'away' });
    expectKeys(json, PLAIN_OK_KEYS, 'setavailability');
    expect(json).toEqual({ status: 'OK', errormessage: '' });
    await ok(carol, 'setAvailability', { availability: 'available' });
  });
});

describe('friends list', () => {
  it('maps friend ids to names and lists availabilities with exactly the four documented keys', async () => {
    const json = await ok(alice, 'friendsList', {});
    expectKeys(json, FRIENDS_LIST_KEYS, 'friends list');
    expectPlainStatus(json, 'friends list');
    const friends = json.friends as Record<string, unknown>;
    expect(typeof friends === 'object' && friends !== null && !Array.isArray(friends)).toBe(true);
    expect(Object.keys(friends).sort()).toEqual([bob.userid, carol.userid].sort());
    for (const [id, name] of Object.entries(friends)) {
      expect(id).toMatch(HEX32);
      expect(typeof name).toBe('string');
    }
    expect(Array.isArray(json.availabilities)).toBe(true);
    expect(json.availabilities).toHaveLength(2);
    (json.availabilities as unknown[]).forEach((entry, i) => {
      const a = expectKeys(entry, AVAILABILITY_ENTRY_KEYS, `availabilities[${i}]`);
      expect(a.friendid).toMatch(HEX32);
      expect(a.friendname, 'friendname matches the friends map').toBe(friends[a.friendid]);
      expectBase64(a.publickey, `availabilities[${i}].publickey`);
      // Base64 DER SubjectPublicKeyInfo of an RSA-2048 key, e = 65537, like the documented "MIIBIjA...IDAQAB".
      expect(a.publickey.startsWith('MIIBIj')).toBe(true);
      expect(a.publickey.endsWith('IDAQAB')).toBe(true);
      const key = createPublicKey({ key: Buffer.from(a.publickey, 'base64'), format: 'der', type: 'spki' });
      expect(key.asymmetricKeyType).toBe('rsa');
      expect(['available', 'away', 'busy', 'offline']).toContain(a.availability);
    });
  });
});

describe('conversation list', () => {
  it('holds conversation objects with exactly the 14 documented keys, nested objects included', async () => {
    const json = await ok(bob, 'conversationList', {});
    expectKeys(json, CONVERSATION_LIST_KEYS, 'conversation list');
    expectPlainStatus(json, 'conversation list');
    expect(Array.isArray(json.conversations)).toBe(true);
    expect(json.conversations.length).toBeGreaterThanOrEqual(2);
    (json.conversations as unknown[]).forEach((c, i) => expectConversation(c, bob.userid, `conversations[${i}]`));
  });

  it('names each 1:1 conversation by the md5 of the two sorted user ids joined by ";"', async () => {
    const json = await ok(alice, 'conversationList', {});
    const oneToOne = (json.conversations as { id: string; isgroup: boolean; participantids: string[] }[]).filter((c) => !c.isgroup);
    const expected = [bob, carol].map((other) => md5([alice.userid, other.userid].sort().join(';')));
    expect(oneToOne.map((c) => c.id).sort()).toEqual(expected.sort());
    for (const other of [bob, carol]) {
      expect(oneToOneConversationId(alice.userid, other.userid)).toBe(md5([alice.userid, other.userid].sort().join(';')));
    }
  });
});

describe('messages and reports', () => {
  it('downloadpartial answers with messages of exactly the five documented keys', async () => {
    const c = await alice.conversationWith(bob);
    const json = await ok(alice, 'downloadPartial', {
      conversationid: c.id,
      instance: c.instance,
      lastmessagedate: '',
      lastmessageid: '',
      lastreportdate: '',
      lastreportid: '',
      limit: 50,
    });
    expectKeys(json, DOWNLOAD_PARTIAL_KEYS, 'downloadpartial');
    expectPlainStatus(json, 'downloadpartial');
    expect(json.messages.length).toBeGreaterThanOrEqual(4);
    (json.messages as unknown[]).forEach((m, i) => expectMessage(m, `downloadpartial.messages[${i}]`));
    expect(Array.isArray(json.reports)).toBe(true);
    (json.reports as unknown[]).forEach((r, i) => expectReport(r, `downloadpartial.reports[${i}]`));
  });

  it('add answers with a receipt of exactly ID, Type, Created and ValidUntil, with no Data', async () => {
    const c = await alice.conversationWith(bob);
    const message = newMessage(alice, alice.conversationKey(c), 'shape check');
    const sent = JSON.parse(message) as { ID: string; ValidUntil: string };
    const json = await ok(alice, 'add', { conversationid: c.id, instance: c.instance, message });
    expectKeys(json, ADD_KEYS, 'add');
    expectPlainStatus(json, 'add');
    const receipt = expectKeys(json.message, RECEIPT_KEYS, 'add.message');
    expect(receipt.ID).toBe(sent.ID);
    expect(receipt.Type).toBe('Message');
    const created = expectTimestamp(receipt.Created, 'add.message.Created');
    expect(Math.abs(created - Date.now()), 'Created is the current UTC time').toBeLessThan(10_000);
    expectTimestamp(receipt.ValidUntil, 'add.message.ValidUntil');
    expect(receipt.ValidUntil).toBe(sent.ValidUntil);
  });

  it('the viewed report answers with exactly status and errormessage', async () => {
    const c = await bob.conversationWith(alice);
    const page = await ok(bob, 'downloadPartial', {
      conversationid: c.id,
      instance: c.instance,
      lastmessagedate: '',
      lastmessageid: '',
      lastreportdate: '',
      lastreportid: '',
      limit: 2,
    });
    const messages = page.messages as { ID: string; Created: string }[];
    const json = await ok(bob, 'viewedReport', {
      conversationid: c.id,
      instance: c.instance,
      firstmessagedate: messages[0]!.Created,
      lastmessagedate: messages[messages.length - 1]!.Created,
      messageids: messages.map((m) => m.ID),
    });
    expectKeys(json, PLAIN_OK_KEYS, 'viewed');
    expect(json).toEqual({ status: 'OK', errormessage: '' });
  });

  it('download answers with exactly messages and reports and no status, reports carrying the documented plus profile keys', async () => {
    // Bob downloads and views Alice's messages, so there are delivered and viewed reports.
    const seen = await bob.conversationWith(alice);
    const page = await ok(bob, 'downloadPartial', {
      conversationid: seen.id,
      instance: seen.instance,
      lastmessagedate: '',
      lastmessageid: '',
      lastreportdate: '',
      lastreportid: '',
      limit: 50,
    });
    const fromAlice = (page.messages as { ID: string; Created: string }[]).slice(0, 1);
    await ok(bob, 'viewedReport', {
      conversationid: seen.id,
      instance: seen.instance,
      firstmessagedate: fromAlice[0]!.Created,
      lastmessagedate: fromAlice[0]!.Created,
      messageids: fromAlice.map((m) => m.ID),
    });
    const c = await alice.conversationWith(bob);
    const json = await ok(alice, 'download', {
      conversationid: c.id,
      instance: c.instance,
      firstmessagedate: '',
      firstmessageid: '',
      firstreportdate: '',
      firstreportid: '',
    });
    expectKeys(json, DOWNLOAD_KEYS, 'download');
    expect(json.messages.length).toBeGreaterThanOrEqual(4);
    (json.messages as unknown[]).forEach((m, i) => expectMessage(m, `download.messages[${i}]`));
    const reports = json.reports as unknown[];
    expect(reports.length, 'the server made delivered and viewed reports').toBeGreaterThanOrEqual(2);
    reports.forEach((r, i) => expectReport(r, `download.reports[${i}]`));
    const types = new Set((reports as { Type: string }[]).map((r) => r.Type));
    expect([...types].sort()).toEqual(['delivered', 'viewed']);
    expect(c.lastreportid === '' || UUID.test(c.lastreportid)).toBe(true);
  });
});

describe('notification', () => {
  it('answers with exactly the five documented keys, spelled friendavailabilitesof, holding id strings', async () => {
    const c = await alice.conversationWith(bob);
    await ok(alice, 'setAvailability', { availability: 'busy' });
    await ok(alice, 'add', { conversationid: c.id, instance: c.instance, message: newMessage(alice, alice.conversationKey(c), 'ping') });
    const keys = await publicKeys();
    const group = createPayload(
      alice,
      [
        { userid: alice.userid, publickey: keys.get(alice.userid)! },
        { userid: bob.userid, publickey: keys.get(bob.userid)! },
      ],
      'Notified',
      true,
    );
    const { key: _key, ...payload } = group;
    const created = await ok(alice, 'create', payload);
    await ok(alice, 'setAvailability', { availability: 'available' });

    const json = await ok(bob, 'notification', {});
    expectKeys(json, NOTIFICATION_KEYS, 'notification');
    expectPlainStatus(json, 'notification');
    expect(Object.keys(json)).not.toContain('friendavailabilitiesof');
    expect(expectStringArray(json.friendavailabilitesof, 'friendavailabilitesof', HEX32)).toContain(alice.userid);
    expect(expectStringArray(json.conversationchangedof, 'conversationchangedof', HEX32)).toContain(c.id);
    expect(expectStringArray(json.conversationlistchangedof, 'conversationlistchangedof', HEX32)).toContain(created.conversation.id);
  });
});

describe('per-user conversation settings', () => {
  it('favorite, unfavorite, setlistitembackgroundcolor, mute, unmute, hide and unhide each answer with one conversation object', async () => {
    const c = await carol.conversationWith(bob);
    const steps: [CallName, Record<string, unknown>, (conversation: Record<string, any>) => void][] = [
      ['favorite', {}, (v) => expect(v.properties[0].isfavorite).toBe(true)],
      ['unfavorite', {}, (v) => expect(v.favoriteby).toEqual([])],
      ['setColor', { color: '#bae1ff' }, (v) => expect(v.properties[0].listitembackgroundcolor).toBe('#bae1ff')],
      ['mute', {}, (v) => expect(v.mutedby).toEqual([carol.userid])],
      ['unmute', {}, (v) => expect(v.properties[0].ismuted).toBe(false)],
      ['hide', { hideid: `${c.instance};` }, (v) => expect(v.properties[0].hideid).toBe(`${c.instance};`)],
      ['unhide', {}, (v) => expect(v.properties[0].hideid).toBe('')],
    ];
    for (const [name, extra, check] of steps) {
      const json = await ok(carol, name, { conversationid: c.id, ...extra } as PayloadOf<typeof name>);
      expectKeys(json, CONVERSATION_RESPONSE_KEYS, name);
      expectPlainStatus(json, name);
      const conversation = expectConversation(json.conversation, carol.userid, `${name}.conversation`);
      expect(conversation.id).toBe(c.id);
      check(conversation);
    }
  });

  it('blocklist answers with exactly status, errormessage, blockedusers and blockedconversations', async () => {
    const c = await carol.conversationWith(alice);
    await ok(carol, 'hide', { conversationid: c.id, hideid: `${c.instance};` });
    const json = await ok(carol, 'blocklist', {});
    expectKeys(json, BLOCKLIST_KEYS, 'blocklist');
    expectPlainStatus(json, 'blocklist');
    expectStringArray(json.blockedusers, 'blockedusers', HEX32);
    expect(expectStringArray(json.blockedconversations, 'blockedconversations', HEX32)).toContain(c.id);
    await ok(carol, 'unhide', { conversationid: c.id });
  });
});

describe('clear', () => {
  it('answers with the conversation object at a new instance with the last ids emptied', async () => {
    const c = await carol.conversationWith(alice);
    const json = await ok(carol, 'clear', { conversationid: c.id, instance: c.instance });
    expectKeys(json, CONVERSATION_RESPONSE_KEYS, 'clear');
    expectPlainStatus(json, 'clear');
    const conversation = expectConversation(json.conversation, carol.userid, 'clear.conversation');
    expect(conversation.id).toBe(c.id);
    expect(conversation.instance).not.toBe(c.instance);
    expect(conversation.lastmessageid).toBe('');
    expect(conversation.lastreportid).toBe('');
  });
});

describe('workspace registration', () => {
  it('answers with exactly status and errormessage', async () => {
    const json = await ok(carol, 'workspaceRegister', { workspacename: 'carol.ozeki.chat' });
    expectKeys(json, PLAIN_OK_KEYS, 'workspaceregister');
    expect(json).toEqual({ status: 'OK', errormessage: '' });
  });
});

describe('create (profile)', () => {
  it('answers with exactly status, errormessage and one conversation object, for groups and for 1:1', async () => {
    const keys = await publicKeys();
    const participants = [bob, carol].map((p) => ({ userid: p.userid, publickey: keys.get(p.userid)! }));
    const { key: _groupKey, ...group } = createPayload(bob, participants, 'Bob and Carol, the group', true);
    const json = await ok(bob, 'create', group);
    expectKeys(json, CONVERSATION_RESPONSE_KEYS, 'create');
    expectPlainStatus(json, 'create');
    const conversation = expectConversation(json.conversation, bob.userid, 'create.conversation');
    expect(conversation.isgroup).toBe(true);
    expect(conversation.participantids).toEqual([bob.userid, carol.userid]);

    // Creating an existing 1:1 conversation answers with that conversation, id = md5(sorted ids joined by ";").
    const { key: _pairKey, ...pair } = createPayload(bob, participants, 'Bob and Carol', false);
    const again = await ok(bob, 'create', pair);
    expectKeys(again, CONVERSATION_RESPONSE_KEYS, 'create 1:1');
    const existing = expectConversation(again.conversation, bob.userid, 'create 1:1.conversation');
    expect(existing.isgroup).toBe(false);
    expect(existing.id).toBe(md5([bob.userid, carol.userid].sort().join(';')));
    expect(existing.id).toBe((await bob.conversationWith(carol)).id);
  });
});

describe('files (profile)', () => {
  it('begin, chunk, finish and cancel answer with exactly their profile keys; download with the bytes as application/octet-stream', async () => {
    const c = await alice.conversationWith(bob);
    const fileid = newFileId();
    const plain = Buffer.from('a small file');
    const sealed = encryptChunk(newFileKey(), fileid, 0, 1, plain);
    expect(sealed.length).toBe(cipherSize(plain.length));

    const begun = await ok(alice, 'fileBegin', { fileid, conversationid: c.id, bytes: sealed.length });
    expectKeys(begun, FILE_BEGIN_KEYS, 'begin');
    expectPlainStatus(begun, 'begin');
    expect(begun).toMatchObject({ fileid, chunks: 1, received: [], complete: false });

    const chunk = await alice.chunk({ fileid, index: 0 }, sealed);
    exercised.add('fileChunk');
    expect(chunk.http, chunk.text).toBe(200);
    expect(decodeResponse('fileChunk', chunk.json).ok).toBe(true);
    expectKeys(chunk.json, FILE_CHUNK_KEYS, 'chunk');
    expect(chunk.json.received).toBe(1);

    const finished = await ok(alice, 'fileFinish', { fileid });
    expectKeys(finished, FILE_FINISH_KEYS, 'finish');
    expect(finished).toMatchObject({ fileid, bytes: sealed.length });

    const bytes = await bob.call('fileDownload', { fileid, index: 0 });
    exercised.add('fileDownload');
    expect(bytes.http, bytes.text).toBe(200);
    expect(bytes.contentType).toBe('application/octet-stream');
    expect(CALLS.fileDownload.response.safeParse(new Uint8Array(bytes.bytes)).success).toBe(true);
    expect(bytes.bytes.equals(sealed)).toBe(true);

    const cancelled = await ok(alice, 'fileCancel', { fileid });
    expectKeys(cancelled, PLAIN_OK_KEYS, 'cancel');
    expect(cancelled).toEqual({ status: 'OK', errormessage: '' });
  });
});

// Needs the whole file: it checks what the tests above drove.
describe('coverage', () => {
  it('drove all 19 documented calls plus create and setavailability and the five file calls', () => {
    expect([...exercised].sort()).toEqual(Object.keys(CALLS).sort());
    expect(Object.keys(CALLS)).toHaveLength(26);
    expect((Object.keys(CALLS) as CallName[]).filter((n) => CALLS[n].origin === 'ozeki')).toHaveLength(19);
  });
});
