import { describe, expect, it } from 'vitest';
import { CALLS, encodeChunkRequest, encodeRequest, findCall, type CallName, type CallSpec, type Credentials, type PayloadOf } from '../calls.js';
import { API, CLIENT_VERSION_CODE, HEADER, SERVICE } from '../ozeki/endpoints.js';
import { formatTimestamp, isTimestamp, parseTimestamp } from '../ozeki/timestamp.js';
import { CHUNK_CONTENT_TYPE, decodeChunkBody, fileChunkRequestSchema } from '../profile/files.js';
import { isValidSignature, isWithinWindow } from '../profile/signing.js';
import { OZEKI_REQUEST_EXAMPLES } from './fixtures/ozeki-requests.js';

const STATION = '801c91e6466a1ab34945d73ae4f762c6';
const USER = 'aa68d2204cb2bb85f2de3b9aad0d86d7';
const APIKEY = 'd040b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7dae0d0';
const CREDENTIALS: Credentials = { station: STATION, user: USER, apikey: APIKEY };
const NOW = Date.UTC(2024, 2, 8, 13, 55, 47, 250);
const FILE_ID = '0123456789abcdef0123456789abcdef';

const SIGNED_HEADERS = [HEADER.contentType, HEADER.signature, HEADER.station, HEADER.user].sort();

/** What a caller passes for a call: its documented example minus the fields the encoder fills in. */
function payloadFor(call: CallName): Record<string, unknown> {
  if (call === 'create') {
    return {
      participantids: [USER, 'd574638619cbff603bf857164c47e850'],
      isgroup: false,
      displayname: 'c2VhbGVkIG5hbWU=',
      secrets: { [USER]: 'd3JhcHBlZCBrZXk=', d574638619cbff603bf857164c47e850: 'd3JhcHBlZCBrZXk=' },
    };
  }
  if (call === 'setAvailability') return { availability: 'away' };
  if (call === 'fileBegin') return { fileid: FILE_ID, conversationid: '8ca16186c36a4e0a1ef2096e6c60b613', bytes: 1_048_608 };
  if (call === 'fileFinish' || call === 'fileCancel') return { fileid: FILE_ID };
  if (call === 'fileDownload') return { fileid: FILE_ID, index: 0 };
  const example = OZEKI_REQUEST_EXAMPLES.find((e) => e.call === call);
  if (!example) throw new Error(`no documented request example for ${call}`);
  const { action: _action, clientversioncode: _version, timestamp: _timestamp, ...payload } = example.json;
  return payload;
}

function encode(call: CallName, credentials: Credentials = CREDENTIALS, now: number = NOW) {
  return encodeRequest(call, payloadFor(call) as PayloadOf<typeof call>, credentials, now);
}

const callsWithAuth = (auth: CallSpec['auth']): CallName[] => (Object.keys(CALLS) as CallName[]).filter((name) => CALLS[name].auth === auth);
/** Calls whose body is JSON, which encodeRequest builds (a file chunk is built by encodeChunkRequest). */
const jsonBodied = (names: CallName[]): CallName[] => names.filter((name) => CALLS[name].wire.request === 'json');

describe('login', () => {
  it('sends Content-Type and Ozeki-Station only', () => {
    const { headers } = encode('login');
    expect(headers).toEqual({ 'Content-Type': 'application/json', 'Ozeki-Station': STATION });
  });

  it('carries the apikey in the body, with no timestamp, version code or nonce', () => {
    const { body } = encodeRequest('login', { apikey: APIKEY }, { station: STATION }, NOW);
    expect(JSON.parse(body)).toEqual({ action: 'login', apikey: APIKEY });
    expect(CALLS.login.request.safeParse(JSON.parse(body)).success).toBe(true);
  });

  it('is not signed even when user credentials are at hand', () => {
    const { headers } = encode('login', CREDENTIALS);
    expect(headers).not.toHaveProperty(HEADER.user);
    expect(headers).not.toHaveProperty(HEADER.signature);
  });

  it('needs a station id', () => {
    expect(() => encode('login', { user: USER, apikey: APIKEY })).toThrow(/station id is required/);
  });
});

describe('signed calls', () => {
  const signed = jsonBodied(callsWithAuth('signed'));

  it('are every documented call but login, notification and workspace registration, plus the extensions and the file calls', () => {
    expect(callsWithAuth('signed')).toHaveLength(23);
    expect(callsWithAuth('signed')).toEqual(expect.arrayContaining(['fileBegin', 'fileChunk', 'fileFinish', 'fileCancel', 'fileDownload']));
    expect(signed).toHaveLength(22);
    expect(signed).not.toContain('login');
    expect(signed).not.toContain('notification');
    expect(signed).not.toContain('workspaceRegister');
  });

  it.each(signed)('%s sends Content-Type, Ozeki-Station, Ozeki-User and Ozeki-Signature', (call) => {
    const { headers } = encode(call);
    expect(Object.keys(headers).sort()).toEqual(SIGNED_HEADERS);
    expect(headers[HEADER.contentType]).toBe('application/json');
    expect(headers[HEADER.station]).toBe(STATION);
    expect(headers[HEADER.user]).toBe(USER);
  });

  it.each(signed)('%s has clientversioncode 3, a valid timestamp and a 32-hex nonce in its body', (call) => {
    const body = JSON.parse(encode(call).body) as Record<string, unknown>;
    expect(body.action).toBe(CALLS[call].action);
    expect(body.clientversioncode).toBe(3);
    expect(CLIENT_VERSION_CODE).toBe(3);
    expect(body.timestamp).toBe('2024-03-08 13:55:47');
    expect(isTimestamp(body.timestamp as string)).toBe(true);
    expect(body.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(body).toMatchObject(payloadFor(call));
  });

  it.each(signed)('%s body satisfies its own request schema', (call) => {
    const spec: CallSpec = CALLS[call];
    const parsed = spec.request.safeParse(JSON.parse(encode(call).body));
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it.each(signed)('%s signature verifies over the exact body bytes', (call) => {
    const { body, headers } = encode(call);
    const signature = headers[HEADER.signature]!;
    expect(isValidSignature(body, APIKEY, signature)).toBe(true);
    expect(isValidSignature(Buffer.from(body, 'utf8'), APIKEY, signature)).toBe(true);
    expect(isValidSignature(JSON.stringify(JSON.parse(body), null, 2), APIKEY, signature)).toBe(false);
    expect(isValidSignature(body, APIKEY.replace(/^d/, 'e'), signature)).toBe(false);
  });

  it('keeps non-ASCII payload text intact in the signed bytes', () => {
    const { body, headers } = encodeRequest('setColor', { conversationid: '8ca16186c36a4e0a1ef2096e6c60b613', color: '#bae1ff' }, CREDENTIALS, NOW);
    expect(isValidSignature(body, APIKEY, headers[HEADER.signature]!)).toBe(true);
    const ws = encodeRequest('workspaceRegister', { workspacename: 'ékezet-日本.ozeki.chat' }, CREDENTIALS, NOW);
    expect(JSON.parse(ws.body).workspacename).toBe('ékezet-日本.ozeki.chat');
    expect(isValidSignature(Buffer.from(ws.body, 'utf8'), APIKEY, ws.headers[HEADER.signature]!)).toBe(true);
  });

  it('use the current time by default, inside the server window', () => {
    const body = JSON.parse(encodeRequest('availability', {}, CREDENTIALS).body) as { timestamp: string };
    expect(isWithinWindow(parseTimestamp(body.timestamp)!, Date.now())).toBe(true);
  });

  it('refuse to encode without a station, user or API key', () => {
    expect(() => encode('favorite', { user: USER, apikey: APIKEY })).toThrow(/station id is required/);
    expect(() => encode('favorite', { station: STATION, apikey: APIKEY })).toThrow(/user id and API key are required/);
    expect(() => encode('favorite', { station: STATION, user: USER })).toThrow(/user id and API key are required/);
  });
});

describe('two encodes of the same call in the same second', () => {
  it('give different bodies and signatures', () => {
    const a = encode('availability', CREDENTIALS, NOW);
    const b = encode('availability', CREDENTIALS, NOW + 500);
    const bodyA = JSON.parse(a.body) as Record<string, unknown>;
    const bodyB = JSON.parse(b.body) as Record<string, unknown>;
    expect(bodyA.timestamp).toBe(bodyB.timestamp);
    expect(bodyA.nonce).not.toBe(bodyB.nonce);
    expect(a.body).not.toBe(b.body);
    expect(a.headers[HEADER.signature]).not.toBe(b.headers[HEADER.signature]);
  });

  it('give different bodies even with an identical clock value, for every call that is signed', () => {
    for (const call of [...jsonBodied(callsWithAuth('signed')), 'notification', 'workspaceRegister'] as CallName[]) {
      expect(encode(call).body, call).not.toBe(encode(call).body);
    }
  });
});

describe('file chunks (profile)', () => {
  const bytes = Buffer.from([0x00, 0x0a, 0xff, 0x7b, 0x0a]);

  it('send the chunk content type and the three signed headers', () => {
    const { headers } = encodeChunkRequest({ fileid: FILE_ID, index: 2 }, bytes, CREDENTIALS, NOW);
    expect(Object.keys(headers).sort()).toEqual(SIGNED_HEADERS);
    expect(headers[HEADER.contentType]).toBe(CHUNK_CONTENT_TYPE);
    expect(headers[HEADER.station]).toBe(STATION);
    expect(headers[HEADER.user]).toBe(USER);
  });

  it('are one signed JSON line, a newline, then the bytes exactly', () => {
    const { body } = encodeChunkRequest({ fileid: FILE_ID, index: 2 }, bytes, CREDENTIALS, NOW);
    const split = decodeChunkBody(body);
    expect(split?.bytes).toEqual(bytes);
    const header = JSON.parse(split!.header) as Record<string, unknown>;
    expect(header).toMatchObject({ action: 'chunk', fileid: FILE_ID, index: 2, clientversioncode: 3, timestamp: '2024-03-08 13:55:47' });
    expect(header.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(fileChunkRequestSchema.safeParse(header).error?.issues ?? []).toEqual([]);
  });

  it('are signed over the whole body, the bytes included', () => {
    const { body, headers } = encodeChunkRequest({ fileid: FILE_ID, index: 0 }, bytes, CREDENTIALS, NOW);
    const signature = headers[HEADER.signature]!;
    expect(isValidSignature(body, APIKEY, signature)).toBe(true);
    const altered = Buffer.from(body);
    altered[altered.length - 1]! ^= 1;
    expect(isValidSignature(altered, APIKEY, signature)).toBe(false);
    expect(encodeChunkRequest({ fileid: FILE_ID, index: 0 }, bytes, CREDENTIALS, NOW).body).not.toEqual(body);
  });

  it('refuse to encode without a station, user or API key', () => {
    expect(() => encodeChunkRequest({ fileid: FILE_ID, index: 0 }, bytes, { user: USER, apikey: APIKEY })).toThrow(/station, user id and API key/);
  });
});

describe('notification', () => {
  it('without user credentials sends Content-Type and Ozeki-Station only', () => {
    const { headers, body } = encode('notification', { station: STATION });
    expect(headers).toEqual({ 'Content-Type': 'application/json', 'Ozeki-Station': STATION });
    const parsed = JSON.parse(body) as Record<string, unknown>;
    expect(parsed).toMatchObject({ action: 'download', clientversioncode: 3, timestamp: '2024-03-08 13:55:47' });
    expect(parsed.nonce).toMatch(/^[0-9a-f]{32}$/);
  });

  it('with a user id but no API key still sends the station only', () => {
    const { headers } = encode('notification', { station: STATION, user: USER });
    expect(Object.keys(headers).sort()).toEqual([HEADER.contentType, HEADER.station].sort());
  });

  it('is signed when a user id and API key are given', () => {
    const { headers, body } = encode('notification', CREDENTIALS);
    expect(Object.keys(headers).sort()).toEqual(SIGNED_HEADERS);
    expect(isValidSignature(body, APIKEY, headers[HEADER.signature]!)).toBe(true);
  });

  it('needs a station id', () => {
    expect(() => encode('notification', { user: USER, apikey: APIKEY })).toThrow(/station id is required/);
  });
});

describe('workspace registration', () => {
  it('sends Ozeki-User and Ozeki-Signature but no Ozeki-Station, even when a station is known', () => {
    const { headers } = encode('workspaceRegister', CREDENTIALS);
    expect(Object.keys(headers).sort()).toEqual([HEADER.contentType, HEADER.signature, HEADER.user].sort());
    expect(headers[HEADER.user]).toBe(USER);
  });

  it('works without a station id', () => {
    const { headers, body } = encode('workspaceRegister', { user: USER, apikey: APIKEY });
    expect(headers).not.toHaveProperty(HEADER.station);
    expect(isValidSignature(body, APIKEY, headers[HEADER.signature]!)).toBe(true);
  });

  it('has a timestamp and nonce but no clientversioncode, and satisfies its schema', () => {
    const body = JSON.parse(encode('workspaceRegister').body) as Record<string, unknown>;
    expect(body).toMatchObject({ action: 'workspaceregister', workspacename: 'alice.ozeki.chat', timestamp: '2024-03-08 13:55:47' });
    expect(body).not.toHaveProperty('clientversioncode');
    expect(body.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(CALLS.workspaceRegister.request.safeParse(body).success).toBe(true);
  });

  it('refuses to encode without user credentials', () => {
    expect(() => encode('workspaceRegister', { station: STATION })).toThrow(/user id and API key are required/);
  });
});

describe('the call catalogue', () => {
  it.each(Object.keys(CALLS) as CallName[])('%s is found again by its service, api and action', (call) => {
    const spec: CallSpec = CALLS[call];
    expect(findCall(spec.service, API[spec.urlKey], spec.action)?.name).toBe(call);
  });

  it('tells apart calls that share an action on different apis', () => {
    expect(findCall(SERVICE.chat, 'chatfriends', 'list')?.name).toBe('friendsList');
    expect(findCall(SERVICE.chat, 'chatconversation', 'list')?.name).toBe('conversationList');
    expect(findCall(SERVICE.chat, 'chatnotification', 'download')?.name).toBe('notification');
    expect(findCall(SERVICE.chat, 'chatconversation', 'download')?.name).toBe('download');
  });

  it('finds nothing for an unknown action, api or service', () => {
    expect(findCall(SERVICE.chat, 'chatconversation', 'delete')).toBeUndefined();
    expect(findCall(SERVICE.chat, 'chatgroups', 'list')).toBeUndefined();
    expect(findCall(SERVICE.chat, 'workspace', 'workspaceregister')).toBeUndefined();
    expect(findCall(SERVICE.owner, 'workspace', 'workspaceregister')?.name).toBe('workspaceRegister');
  });

  it('formats timestamps the encoder uses the same way as formatTimestamp', () => {
    expect(JSON.parse(encode('blocklist').body).timestamp).toBe(formatTimestamp(NOW));
  });
});
