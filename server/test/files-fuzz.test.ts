/**
 * PROFILE: a few thousand hostile requests to the file service (`api=chatfileserver`): random bytes,
 * header lines that are not JSON, no newline, header lines over MAX_CHUNK_HEADER_BYTES, hostile
 * indexes and ids, wrong types, chunks of the wrong length, framings that do not fit the call,
 * bodies over the limit, signed and unsigned. Every one is built to be refused: each answer must be
 * the profile's JSON error with a 4xx status, never a 500 or a hang, and the server must go on
 * serving a real upload afterwards. Seeded, so a failure can be replayed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHUNK_CONTENT_TYPE,
  FILE_CHUNK_BYTES,
  FILE_TAG_BYTES,
  MAX_BODY_BYTES,
  MAX_CHUNK_HEADER_BYTES,
  cipherSize,
  encryptChunk,
  newFileId,
  newFileKey,
  signBody,
} from '../../protocol/index.js';
import { TestClient, signInAll, startTestServer, type TestServer } from './harness.js';
import { expectErrorBody } from './refused.js';

const SEED = 0x5eed_f11e;
const CASES = 3000;
const PARALLEL = 12;
const FULL = FILE_CHUNK_BYTES + FILE_TAG_BYTES;

/** mulberry32: small, fast, and the same sequence for the same seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Case = { label: string; body: Buffer; headers: Record<string, string> };

let t: TestServer;
let alice: TestClient;
let bob: TestClient;
let conversationId: string;
/** Alice's upload of two chunks (a full one and 100 + tag bytes), begun and never finished. */
const open = { fileid: newFileId(), bytes: FULL + 100 + FILE_TAG_BYTES };
/** A finished one-chunk file of Alice's. */
const done = { fileid: newFileId(), bytes: 64 + FILE_TAG_BYTES };

beforeAll(async () => {
  t = await startTestServer();
  [alice, bob] = (await signInAll(t)) as [TestClient, TestClient];
  conversationId = (await alice.conversationWith(bob)).id;
  for (const file of [open, done]) {
    const reply = await alice.call('fileBegin', { fileid: file.fileid, conversationid: conversationId, bytes: file.bytes });
    expect(reply.http, reply.text).toBe(200);
  }
  expect((await alice.chunk({ fileid: done.fileid, index: 0 }, Buffer.alloc(done.bytes, 7))).http).toBe(200);
  expect((await alice.call('fileFinish', { fileid: done.fileid })).http).toBe(200);
});
afterAll(() => t.stop({ remove: true }));

/** Builds the hostile cases from one seed. */
function hostileCases(count: number, seed: number): Case[] {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const noNewline = (n: number) => Buffer.from(Array.from({ length: n }, () => pick([0x00, 0x20, 0x7b, 0x7d, 0xff, 0x41, 0x22, 0x0d])));
  const common = () => TestClient.common();
  const signed = (body: Buffer, contentType: string, who: TestClient = alice): Record<string, string> => ({
    'Content-Type': contentType,
    'Ozeki-Station': who.station,
    'Ozeki-User': who.userid,
    'Ozeki-Signature': signBody(body, who.account.apikey),
  });
  const unsigned = (contentType: string): Record<string, string> => ({ 'Content-Type': contentType, 'Ozeki-Station': alice.station });
  const maybeSigned = (body: Buffer, contentType: string) => (rnd() < 0.6 ? signed(body, contentType) : unsigned(contentType));
  const contentTypes = [
    CHUNK_CONTENT_TYPE,
    'application/json',
    'text/plain',
    `${CHUNK_CONTENT_TYPE}; charset=binary`,
    'APPLICATION/OCTET-STREAM',
    'multipart/form-data',
  ];
  const hostileIndexes: unknown[] = [-1, -(2 ** 53), 1e308, 1.5, 2 ** 53, 2 ** 64, '0', null, [], {}, true, 'NaN', 2, 3, 1e9];
  const hostileIds: unknown[] = [
    '../../server.db',
    '..',
    open.fileid.toUpperCase(),
    open.fileid.slice(1),
    `${open.fileid}0`,
    `${open.fileid.slice(0, 31)}/`,
    42,
    null,
    [open.fileid],
    { id: open.fileid },
    '',
  ];
  const chunkHeader = (fields: Record<string, unknown>) => JSON.stringify({ action: 'chunk', ...fields, ...common() });
  const chunkBody = (header: string, tail: Buffer) => Buffer.concat([Buffer.from(`${header}\n`, 'utf8'), tail]);

  // Each maker returns a case that no server may accept.
  const makers: Array<() => Case> = [
    () => {
      const body = bytes(int(4096));
      return { label: 'random bytes', body, headers: maybeSigned(body, pick(contentTypes)) };
    },
    () => {
      const text = Array.from({ length: 1 + int(200) }, () => String.fromCharCode(0x20 + int(95))).join('');
      const body = chunkBody(pick([text, '{', '{"action":"chunk"', '[1,2]', '"chunk"', 'null', '{"action":"chunk",}', `{${text}}`]), bytes(int(512)));
      return { label: 'a header line that is not a JSON object', body, headers: maybeSigned(body, CHUNK_CONTENT_TYPE) };
    },
    () => {
      const body = chunkBody(chunkHeader({ fileid: pick([open.fileid, done.fileid, newFileId()]), index: pick(hostileIndexes) }), bytes(int(300)));
      return { label: 'a hostile index', body, headers: maybeSigned(body, CHUNK_CONTENT_TYPE) };
    },
    () => {
      const body = chunkBody(chunkHeader({ fileid: pick(hostileIds), index: int(3) }), bytes(int(300)));
      return { label: 'a hostile file id', body, headers: maybeSigned(body, CHUNK_CONTENT_TYPE) };
    },
    () => {
      const header = chunkHeader({ fileid: open.fileid, index: 0 }).replace(/\n/g, '');
      const body = Buffer.concat([Buffer.from(header, 'utf8'), noNewline(int(3000))]);
      return { label: 'no newline after the header', body, headers: signed(body, CHUNK_CONTENT_TYPE) };
    },
    () => {
      const pad = 'x'.repeat(MAX_CHUNK_HEADER_BYTES + int(2000));
      const body = chunkBody(chunkHeader({ fileid: open.fileid, index: 1, pad }), bytes(100 + FILE_TAG_BYTES));
      return { label: 'a header line over the limit', body, headers: signed(body, CHUNK_CONTENT_TYPE) };
    },
    () => {
      // A real header for a real upload, but the length is wrong or the index past the end.
      const index = pick([0, 1, 2, 7]);
      const right = index === 0 ? FULL : 100 + FILE_TAG_BYTES;
      let length = int(index === 0 ? 4096 : 400);
      if (length === right && index < 2) length += 1;
      const body = chunkBody(chunkHeader({ fileid: open.fileid, index }), bytes(length));
      return { label: `chunk ${index} of ${length} bytes`, body, headers: signed(body, CHUNK_CONTENT_TYPE) };
    },
    () => {
      // A right chunk with the wrong signature, an unknown user, or another user's file.
      const body = chunkBody(chunkHeader({ fileid: pick([open.fileid, done.fileid]), index: 1 }), bytes(100 + FILE_TAG_BYTES));
      const headers = pick([
        unsigned(CHUNK_CONTENT_TYPE),
        { ...signed(body, CHUNK_CONTENT_TYPE), 'Ozeki-Signature': signBody(body, bob.account.apikey) },
        { ...signed(body, CHUNK_CONTENT_TYPE), 'Ozeki-User': newFileId() },
        signed(body, CHUNK_CONTENT_TYPE, bob),
      ]);
      return { label: 'a chunk signed wrongly, or by someone else', body, headers };
    },
    () => {
      // JSON calls with at least one field of the wrong type, missing, or out of range.
      const call = pick(['begin', 'finish', 'cancel', 'download'] as const);
      const fields: Record<string, unknown> = { action: call, fileid: newFileId(), ...common() };
      if (call === 'begin') Object.assign(fields, { conversationid: conversationId, bytes: cipherSize(int(1000)) });
      if (call === 'download') Object.assign(fields, { fileid: done.fileid, index: 0 });
      const fieldsOf = { begin: ['fileid', 'conversationid', 'bytes'], finish: ['fileid'], cancel: ['fileid'], download: ['fileid', 'index'] } as const;
      const spoil = pick([...fieldsOf[call], 'timestamp', 'clientversioncode', 'action'] as const);
      // Every value here is refused for its field (by the schema, the clock window, the size limit or a range check).
      const values: Record<typeof spoil, unknown[]> = {
        fileid: hostileIds,
        bytes: [-1, 0, 15, '100', 1.5, 1e300, null, [], cipherSize(200 * 1024 * 1024)],
        index: [-1, 'x', 0.5, null, 1e9],
        conversationid: ['', 'nope', 7, null, 'F'.repeat(32)],
        timestamp: ['2024-02-30 10:00:00', '', 0, '2001-01-01 00:00:00'],
        clientversioncode: [-1, 'three', 1.5, null],
        action: ['chunk', 'upload', '', 'BEGIN', 7],
      };
      fields[spoil] = pick(values[spoil]);
      const spoilt = spoil;
      if (rnd() < 0.15) delete fields[pick(Object.keys(fields).filter((k) => k !== 'action' && k !== 'nonce'))];
      const body = Buffer.from(JSON.stringify(fields), 'utf8');
      return { label: `${call} with a bad ${spoilt}`, body, headers: maybeSigned(body, pick(['application/json', 'text/plain'])) };
    },
    () => {
      // Framings that do not fit the call.
      const json = Buffer.from(JSON.stringify({ action: 'finish', fileid: open.fileid, ...common() }), 'utf8');
      const asChunk = Buffer.concat([json, Buffer.from('\n'), bytes(int(64))]);
      const chunkAsJson = Buffer.from(JSON.stringify({ action: 'chunk', fileid: open.fileid, index: 1, ...common() }), 'utf8');
      const [body, type] = pick([
        [asChunk, CHUNK_CONTENT_TYPE],
        [chunkAsJson, 'application/json'],
        [chunkBody(chunkHeader({ fileid: open.fileid, index: 1 }), bytes(100 + FILE_TAG_BYTES)), 'application/json'],
      ] as const);
      return { label: 'a framing that does not fit the call', body, headers: signed(body, type) };
    },
    () => {
      // A chunk for the finished file, or the real length for an index past the end.
      const body = chunkBody(chunkHeader({ fileid: done.fileid, index: 0 }), bytes(done.bytes));
      return { label: 'a chunk for a finished file', body, headers: signed(body, CHUNK_CONTENT_TYPE) };
    },
  ];

  const cases = Array.from({ length: count }, () => pick(makers)());
  // A few bodies over the limit, and the whole run once more as replays of signed requests.
  for (let i = 0; i < 3; i++) {
    const body = chunkBody(chunkHeader({ fileid: open.fileid, index: 0 }), bytes(MAX_BODY_BYTES));
    cases.push({ label: 'a body over the limit', body, headers: signed(body, CHUNK_CONTENT_TYPE) });
  }
  return cases;
}

async function send(c: Case): Promise<{ http: number; json: unknown; text: string; contentType: string }> {
  const res = await fetch(alice.urlFor('fileChunk'), { method: 'POST', body: c.body, headers: c.headers, signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { http: res.status, json, text, contentType: res.headers.get('content-type') ?? '' };
}

describe('hostile requests to the file service', () => {
  it(`${CASES} of them are each refused with a JSON 4xx, never a 500 or a hang (seed ${SEED})`, async () => {
    const cases = hostileCases(CASES, SEED);
    const statuses = new Map<number, number>();
    const check = async (c: Case, what: string) => {
      const answer = await send(c);
      statuses.set(answer.http, (statuses.get(answer.http) ?? 0) + 1);
      expect(answer.http, `${what}: ${answer.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(answer.http, `${what}: ${answer.text.slice(0, 200)}`).toBeLessThan(500);
      expect(answer.contentType, what).toMatch(/^application\/json/);
      expectErrorBody(answer.text, answer.json, `${what} (HTTP ${answer.http})`);
    };
    for (let i = 0; i < cases.length; i += PARALLEL) {
      await Promise.all(cases.slice(i, i + PARALLEL).map((c, j) => check(c, `#${i + j} ${c.label}`)));
    }
    // Replays of what was signed: refused again (401, or whatever refused them before).
    for (const c of cases.filter((c) => c.headers['Ozeki-Signature']).slice(0, 200)) await check(c, `replay of ${c.label}`);

    // The refusals reached every layer: framing and schema (400), signatures and replays (401),
    // someone else's file (403), unknown files (404), finished files (409), the size limit (413).
    for (const status of [400, 401, 403, 404, 409, 413]) expect(statuses.get(status) ?? 0, `some answers were ${status}`).toBeGreaterThan(0);
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('after all of that, the server still stores and serves a real file', async () => {
    const key = newFileKey();
    const fileid = newFileId();
    const sealed = encryptChunk(key, fileid, 0, 1, Buffer.from('still here'));
    expect((await alice.call('fileBegin', { fileid, conversationid: conversationId, bytes: sealed.length })).http).toBe(200);
    expect((await alice.chunk({ fileid, index: 0 }, sealed)).json).toMatchObject({ status: 'OK', received: 1 });
    // The upload the hostile requests aimed at is untouched: nothing of theirs was stored.
    expect((await alice.call('fileBegin', { fileid: open.fileid, conversationid: conversationId, bytes: open.bytes })).json.received).toEqual([]);
    expect((await alice.call('fileFinish', { fileid })).http).toBe(200);
    const back = await bob.call('fileDownload', { fileid, index: 0 });
    expect(back.http).toBe(200);
    expect(back.bytes.equals(sealed)).toBe(true);
    expect((await bob.call('conversationList', {})).http).toBe(200);
  });
});
