/**
 * PROFILE: the file service on the real server (docs/protocol.md, "Files"). A file is encrypted
 * chunk by chunk with the protocol's own encryptChunk under a fresh key, uploaded, announced in a
 * message, found by the other participant, downloaded and decrypted: the plaintext comes back and
 * the data folder never held it. Then resuming, every refusal with its status and sentence, the
 * quota, cancel, and the purge of stale uploads.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FILE_CHUNK_BYTES,
  FILE_TAG_BYTES,
  MAX_FILE_BYTES,
  chunkCount,
  cipherSize,
  decryptChunk,
  encodeChunkRequest,
  encodeRequest,
  encryptChunk,
  formatFileSize,
  newFileId,
  newFileKey,
  openMessage,
  readRich,
  richPlaintext,
  type FileAttachment,
} from '../../protocol/index.js';
import { FILES_FOLDER } from '../src/db/chunk-files.js';
import { UNFINISHED_UPLOAD_DAYS, purgeStaleUploads } from '../src/file-upkeep.js';
import { TestClient, createPayload, rawPost, signInAll, startTestServer, type Reply, type TestServer } from './harness.js';
import { expectRefused } from './refused.js';

const FULL = FILE_CHUNK_BYTES + FILE_TAG_BYTES;
const DAY = 86_400_000;

type Conversation = { id: string; instance: string; secret: string };
type Sealed = { fileid: string; key: Buffer; plain: Buffer; chunks: Buffer[]; bytes: number };

/** A file as a client seals it: a fresh key and id, every chunk encrypted with the protocol's encryptChunk. */
function sealFile(plain: Buffer, fileid = newFileId()): Sealed {
  const key = newFileKey();
  const n = chunkCount(plain.length);
  const chunks = Array.from({ length: n }, (_, i) => encryptChunk(key, fileid, i, n, plain.subarray(i * FILE_CHUNK_BYTES, (i + 1) * FILE_CHUNK_BYTES)));
  return { fileid, key, plain, chunks, bytes: cipherSize(plain.length) };
}

/** `size` bytes of recognisable plaintext: `marker` over and over. */
function plaintext(size: number, marker: string): Buffer {
  const out = Buffer.alloc(size);
  out.fill(`${marker} `);
  return out;
}

const begin = (client: TestClient, conversationid: string, file: { fileid: string; bytes: number }) =>
  client.call('fileBegin', { fileid: file.fileid, conversationid, bytes: file.bytes });
const finish = (client: TestClient, fileid: string) => client.call('fileFinish', { fileid });
const cancel = (client: TestClient, fileid: string) => client.call('fileCancel', { fileid });
const download = (client: TestClient, fileid: string, index: number) => client.call('fileDownload', { fileid, index });

function expectOk(reply: Reply, what: string): any {
  expect(reply.http, `${what}: ${reply.text.slice(0, 300)}`).toBe(200);
  expect(reply.json?.status, what).toBe('OK');
  return reply.json;
}

/** Begins, sends every chunk and finishes; answers the sealed file. */
async function upload(client: TestClient, conversationid: string, file: Sealed): Promise<Sealed> {
  expectOk(await begin(client, conversationid, file), 'begin');
  for (const [index, bytes] of file.chunks.entries()) expectOk(await client.chunk({ fileid: file.fileid, index }, bytes), `chunk ${index}`);
  expect(expectOk(await finish(client, file.fileid), 'finish')).toMatchObject({ fileid: file.fileid, bytes: file.bytes });
  return file;
}

/** Every file under `dir`, at any depth. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

let t: TestServer;
let alice: TestClient;
let bob: TestClient;
let carol: TestClient;
/** Alice and Bob's 1:1 conversation, which Carol is not part of. */
let pair: Conversation;

beforeAll(async () => {
  t = await startTestServer();
  [alice, bob, carol] = (await signInAll(t)) as [TestClient, TestClient, TestClient];
  pair = await alice.conversationWith(bob);
});
afterAll(() => t.stop({ remove: true }));

describe('a file sent in a conversation', () => {
  it('goes up in chunks, is announced in a message, and comes back to the other participant byte for byte', async () => {
    // Two full chunks and a short last one.
    const file = await upload(alice, pair.id, sealFile(randomBytes(2 * FILE_CHUNK_BYTES + 12_345)));
    const attachment: FileAttachment = {
      id: file.fileid,
      name: 'holiday.bin',
      size: file.plain.length,
      type: 'application/octet-stream',
      key: file.key.toString('base64'),
      sha256: createHash('sha256').update(file.plain).digest('hex'),
    };
    await alice.send(pair, richPlaintext.file(alice.userid, attachment));

    // Bob finds the file in the message, as his app would, and fetches every chunk.
    const bobsView = await bob.conversationWith(alice);
    const newest = (await bob.newestPage(bobsView)).messages.at(-1)!;
    const read = readRich(openMessage(bob.conversationKey(bobsView), newest.Data));
    if (read.kind !== 'text' || !read.file) throw new Error('the message carries no file');
    const found = read.file;
    expect(found).toMatchObject({ id: file.fileid, size: file.plain.length });
    const n = chunkCount(found.size);
    const pieces: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      const reply = await download(bob, found.id, i);
      expect(reply.http, reply.text.slice(0, 200)).toBe(200);
      expect(reply.contentType).toBe('application/octet-stream');
      expect(reply.bytes.equals(file.chunks[i]!), `chunk ${i} is stored exactly as sent`).toBe(true);
      pieces.push(decryptChunk(Buffer.from(found.key, 'base64'), found.id, i, n, reply.bytes));
    }
    const back = Buffer.concat(pieces);
    expect(back.equals(file.plain)).toBe(true);
    expect(createHash('sha256').update(back).digest('hex')).toBe(found.sha256);
    // The uploader can fetch it too: she is a participant.
    expect((await download(alice, file.fileid, n - 1)).bytes.equals(file.chunks[n - 1]!)).toBe(true);
  });

  it('a chunk answer has a Content-Length and nothing but the bytes', async () => {
    const file = await upload(alice, pair.id, sealFile(Buffer.from('short and sweet')));
    const { body, headers } = encodeRequest(
      'fileDownload',
      { fileid: file.fileid, index: 0 },
      { station: bob.station, user: bob.userid, apikey: bob.account.apikey },
    );
    const res = await fetch(bob.urlFor('fileDownload'), { method: 'POST', body, headers });
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(Number(res.headers.get('content-length'))).toBe(file.bytes);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(bytes.equals(file.chunks[0]!)).toBe(true);
  });

  it('an empty file is one chunk of just its tag', async () => {
    const file = await upload(alice, pair.id, sealFile(Buffer.alloc(0)));
    expect(file.bytes).toBe(FILE_TAG_BYTES);
    const reply = await download(bob, file.fileid, 0);
    expect(decryptChunk(file.key, file.fileid, 0, 1, reply.bytes)).toEqual(Buffer.alloc(0));
  });

  it('the data folder holds only ciphertext: no file, database page or log line there contains the plaintext or its name', async () => {
    const marker = `plaintext-marker-${randomBytes(8).toString('hex')}`;
    const file = await upload(alice, pair.id, sealFile(plaintext(FILE_CHUNK_BYTES + 5000, marker)));
    const attachment: FileAttachment = {
      id: file.fileid,
      name: `${marker}.txt`,
      size: file.plain.length,
      type: 'text/plain',
      key: file.key.toString('base64'),
      sha256: createHash('sha256').update(file.plain).digest('hex'),
    };
    await alice.send(pair, richPlaintext.file(alice.userid, attachment));
    const all = filesUnder(t.dataDir);
    const chunkFiles = all.filter((p) => p.startsWith(join(t.dataDir, FILES_FOLDER, file.fileid)));
    expect(chunkFiles.map((p) => basename(p)).sort(), 'the chunks are on disk, one file each').toEqual(['0', '1']);
    for (const path of all) {
      const bytes = readFileSync(path);
      expect(bytes.includes(marker), `${path} holds the plaintext`).toBe(false);
      expect(bytes.includes(file.key), `${path} holds the file key`).toBe(false);
      expect(bytes.includes(attachment.key), `${path} holds the file key in base64`).toBe(false);
    }
    if (process.platform !== 'win32') {
      expect(statSync(join(t.dataDir, FILES_FOLDER)).mode & 0o777).toBe(0o700);
      expect(statSync(join(t.dataDir, FILES_FOLDER, file.fileid)).mode & 0o777).toBe(0o700);
      for (const path of chunkFiles) expect([path, statSync(path).mode & 0o777]).toEqual([path, 0o600]);
    }
  });
});

describe('resuming an upload', () => {
  it('begin again lists the chunks already stored; a chunk sent twice is fine; a finished file says so', async () => {
    const file = sealFile(randomBytes(3 * FILE_CHUNK_BYTES + 1));
    expect(file.chunks).toHaveLength(4);
    expect(expectOk(await begin(alice, pair.id, file), 'begin')).toEqual({
      status: 'OK',
      errormessage: '',
      fileid: file.fileid,
      chunks: 4,
      received: [],
      complete: false,
    });
    expect(expectOk(await alice.chunk({ fileid: file.fileid, index: 2 }, file.chunks[2]!), 'chunk 2').received).toBe(1);
    expect(expectOk(await alice.chunk({ fileid: file.fileid, index: 0 }, file.chunks[0]!), 'chunk 0').received).toBe(2);

    // The server restarts (the app's, or the server's): the app begins again and learns what is there.
    await t.stop();
    t = await t.restart();
    [alice, bob, carol] = (await signInAll(t)) as [TestClient, TestClient, TestClient];
    expect(expectOk(await begin(alice, pair.id, file), 'begin again')).toMatchObject({ chunks: 4, received: [0, 2], complete: false });
    // Chunk 0 again (its answer was lost): accepted, still two stored.
    expect(expectOk(await alice.chunk({ fileid: file.fileid, index: 0 }, file.chunks[0]!), 'chunk 0 again').received).toBe(2);
    for (const index of [1, 3]) expectOk(await alice.chunk({ fileid: file.fileid, index }, file.chunks[index]!), `chunk ${index}`);
    expectOk(await finish(alice, file.fileid), 'finish');
    // A finish retried after a lost answer is OK again; a begin again says it is complete.
    expect(expectOk(await finish(alice, file.fileid), 'finish again')).toMatchObject({ fileid: file.fileid, bytes: file.bytes });
    expect(expectOk(await begin(alice, pair.id, file), 'begin after finish')).toMatchObject({ received: [0, 1, 2, 3], complete: true });
    const back = await download(bob, file.fileid, 3);
    expect(back.http).toBe(200);
    expect(decryptChunk(file.key, file.fileid, 3, 4, back.bytes)).toEqual(file.plain.subarray(3 * FILE_CHUNK_BYTES));
  });
});

describe('refusals', () => {
  it('a non-participant can neither upload to a conversation nor download its files (403); an unknown conversation is 404', async () => {
    const file = sealFile(Buffer.from('for Alice and Bob only'));
    expectRefused(await begin(carol, pair.id, file), 403, /not a participant/);
    expectRefused(await begin(alice, 'f'.repeat(32), file), 404, /no conversation/);
    await upload(alice, pair.id, file);
    expectRefused(await download(carol, file.fileid, 0), 403, /participants/);
  });

  it('download is for participants now: someone no longer in the conversation is refused (403)', async () => {
    const keys = new Map<string, string>();
    for (const client of [alice, bob]) {
      for (const a of (await client.call('friendsList', {})).json.availabilities as { friendid: string; publickey: string }[])
        keys.set(a.friendid, a.publickey);
    }
    const { key: _key, ...group } = createPayload(
      alice,
      [alice, bob, carol].map((c) => ({ userid: c.userid, publickey: keys.get(c.userid)! })),
      'Everyone',
      true,
    );
    const created = expectOk(await alice.call('create', group), 'create');
    const file = await upload(alice, created.conversation.id, sealFile(Buffer.from('group notes')));
    expect((await download(carol, file.fileid, 0)).http).toBe(200);
    // The server has no "leave" call yet; Carol leaves the way the database would record it.
    t.server.store.db.prepare('DELETE FROM participants WHERE conversation_id = ? AND user_id = ?').run(created.conversation.id, carol.userid);
    expectRefused(await download(carol, file.fileid, 0), 403, /participants/);
    expect((await download(bob, file.fileid, 0)).http).toBe(200);
  });

  it('a file over 100 MB is refused with 413; exactly 100 MB is accepted', async () => {
    const tooBig = { fileid: newFileId(), bytes: cipherSize(MAX_FILE_BYTES) + 1 };
    expectRefused(await begin(alice, pair.id, tooBig), 413, /larger than 100 MB/);
    const largest = { fileid: newFileId(), bytes: cipherSize(MAX_FILE_BYTES) };
    expect(expectOk(await begin(alice, pair.id, largest), 'begin 100 MB').chunks).toBe(chunkCount(MAX_FILE_BYTES));
    expectOk(await cancel(alice, largest.fileid), 'cancel');
  });

  it('a size no encrypted file has is refused with 400', async () => {
    for (const bytes of [FULL + 5, FULL + FILE_TAG_BYTES]) {
      expectRefused(await begin(alice, pair.id, { fileid: newFileId(), bytes }), 400, /is the ciphertext size/, `bytes ${bytes}`);
    }
  });

  it('a chunk of the wrong length is refused with 400 naming both lengths', async () => {
    const file = sealFile(randomBytes(FILE_CHUNK_BYTES + 100));
    expectOk(await begin(alice, pair.id, file), 'begin');
    expectRefused(
      await alice.chunk({ fileid: file.fileid, index: 1 }, file.chunks[1]!.subarray(1)),
      400,
      new RegExp(`must be ${100 + FILE_TAG_BYTES} bytes.* ${99 + FILE_TAG_BYTES} bytes`),
    );
    expectRefused(
      await alice.chunk({ fileid: file.fileid, index: 0 }, file.chunks[1]!),
      400,
      new RegExp(`must be ${FULL} bytes.* ${100 + FILE_TAG_BYTES} bytes`),
    );
    expect(expectOk(await begin(alice, pair.id, file), 'begin again').received, 'nothing was stored').toEqual([]);
  });

  it('a chunk index out of range is refused with 400', async () => {
    const file = sealFile(Buffer.from('one chunk'));
    expectOk(await begin(alice, pair.id, file), 'begin');
    expectRefused(await alice.chunk({ fileid: file.fileid, index: 1 }, file.chunks[0]!), 400, /Chunk 1 does not exist: this file has 1 chunk, numbered 0 to 0/);
    await upload(alice, pair.id, file);
    expectRefused(await download(bob, file.fileid, 1), 400, /does not exist/);
    expectRefused(await download(bob, file.fileid, 2 ** 40), 400, /does not exist/);
  });

  it('finishing with chunks missing is refused with 409 saying how many; a chunk for a finished file too', async () => {
    const file = sealFile(randomBytes(2 * FILE_CHUNK_BYTES + 1));
    expectOk(await begin(alice, pair.id, file), 'begin');
    expectOk(await alice.chunk({ fileid: file.fileid, index: 0 }, file.chunks[0]!), 'chunk 0');
    expectRefused(await finish(alice, file.fileid), 409, /missing 2 chunks of 3 \(the first is chunk 1\)/);
    expectOk(await alice.chunk({ fileid: file.fileid, index: 2 }, file.chunks[2]!), 'chunk 2');
    expectRefused(await finish(alice, file.fileid), 409, /missing 1 chunk of 3 \(the first is chunk 1\)/);
    expectOk(await alice.chunk({ fileid: file.fileid, index: 1 }, file.chunks[1]!), 'chunk 1');
    expectOk(await finish(alice, file.fileid), 'finish');
    expectRefused(await alice.chunk({ fileid: file.fileid, index: 1 }, file.chunks[1]!), 409, /already finished/);
  });

  it('downloading before the upload is finished is refused with 409; an unknown file with 404', async () => {
    const file = sealFile(Buffer.from('not yet'));
    expectOk(await begin(alice, pair.id, file), 'begin');
    expectOk(await alice.chunk({ fileid: file.fileid, index: 0 }, file.chunks[0]!), 'chunk');
    expectRefused(await download(bob, file.fileid, 0), 409, /still being uploaded/);
    expectRefused(await download(bob, newFileId(), 0), 404, /no file with this id/);
    expectRefused(await alice.chunk({ fileid: newFileId(), index: 0 }, file.chunks[0]!), 404, /Begin the upload first/);
    expectRefused(await finish(alice, newFileId()), 404, /no upload with this file id/);
  });

  it("someone else's file id: begin is 409, chunk, finish and cancel are 403", async () => {
    const file = sealFile(Buffer.from("Alice's"));
    expectOk(await begin(alice, pair.id, file), 'begin');
    expectRefused(await begin(bob, pair.id, file), 409, /already in use/);
    expectRefused(await bob.chunk({ fileid: file.fileid, index: 0 }, file.chunks[0]!), 403, /someone else/);
    expectRefused(await finish(bob, file.fileid), 403, /someone else/);
    expectRefused(await cancel(bob, file.fileid), 403, /someone else/);
    // Alice's own id with another size or conversation is 409 too.
    expectRefused(await begin(alice, pair.id, { ...file, bytes: file.bytes + 1 }), 409, /another conversation or size/);
    const other = await alice.conversationWith(carol);
    expectRefused(await begin(alice, other.id, file), 409, /another conversation or size/);
    expect(expectOk(await begin(alice, pair.id, file), 'begin again').received).toEqual([]);
  });

  it('a chunk whose bytes were changed after signing is refused with 401, and nothing is stored', async () => {
    const file = sealFile(Buffer.from('signed end to end'));
    expectOk(await begin(alice, pair.id, file), 'begin');
    const { body, headers } = encodeChunkRequest({ fileid: file.fileid, index: 0 }, file.chunks[0]!, {
      station: alice.station,
      user: alice.userid,
      apikey: alice.account.apikey,
    });
    const altered = Buffer.from(body);
    altered[altered.length - 1]! ^= 0x01;
    expectRefused(await rawPost(alice.urlFor('fileChunk'), altered, headers), 401, /signature is not valid/);
    expectRefused(await rawPost(alice.urlFor('fileChunk'), body, { ...headers, 'Ozeki-Signature': 'ab'.repeat(32) }), 401, /signature is not valid/);
    expect(expectOk(await begin(alice, pair.id, file), 'begin again').received).toEqual([]);
  });

  it('a replayed chunk request is refused with 401', async () => {
    const file = sealFile(Buffer.from('once only'));
    expectOk(await begin(alice, pair.id, file), 'begin');
    const { body, headers } = encodeChunkRequest({ fileid: file.fileid, index: 0 }, file.chunks[0]!, {
      station: alice.station,
      user: alice.userid,
      apikey: alice.account.apikey,
    });
    expectOk(await rawPost(alice.urlFor('fileChunk'), body, headers), 'first');
    expectRefused(await rawPost(alice.urlFor('fileChunk'), body, headers), 401, /already received once/);
  });

  it('a chunk sent as JSON, or without its header line, is refused with 400 saying how to send it', async () => {
    const file = sealFile(Buffer.from('framing'));
    expectOk(await begin(alice, pair.id, file), 'begin');
    const { body, headers } = encodeChunkRequest({ fileid: file.fileid, index: 0 }, file.chunks[0]!, {
      station: alice.station,
      user: alice.userid,
      apikey: alice.account.apikey,
    });
    expectRefused(await rawPost(alice.urlFor('fileChunk'), body, { ...headers, 'Content-Type': 'application/json' }), 400, /application\/octet-stream/);
    const json = await alice.signed('fileChunk', { action: 'chunk', fileid: file.fileid, index: 0, ...TestClient.common() });
    expectRefused(json, 400, /application\/octet-stream: one line of JSON/);
    const noLine = Buffer.from(JSON.stringify({ action: 'chunk', fileid: file.fileid, index: 0, ...TestClient.common() }));
    expectRefused(await rawPost(alice.urlFor('fileChunk'), noLine, { ...headers, 'Content-Type': 'application/octet-stream' }), 400, /no header line/);
    // A JSON call framed as a chunk.
    const { body: finishBody, headers: finishHeaders } = encodeRequest(
      'fileFinish',
      { fileid: file.fileid },
      { station: alice.station, user: alice.userid, apikey: alice.account.apikey },
    );
    expectRefused(
      await rawPost(alice.urlFor('fileFinish'), `${finishBody}\n`, { ...finishHeaders, 'Content-Type': 'application/octet-stream' }),
      400,
      /takes a JSON body/,
    );
  });
});

describe('cancel', () => {
  it('removes the chunks from disk, is idempotent, and only the uploader may do it', async () => {
    const file = await upload(alice, pair.id, sealFile(randomBytes(FILE_CHUNK_BYTES + 1)));
    const folder = join(t.dataDir, FILES_FOLDER, file.fileid);
    expect(readdirSync(folder).sort()).toEqual(['0', '1']);
    expectOk(await cancel(alice, file.fileid), 'cancel');
    expect(() => statSync(folder)).toThrow();
    expectRefused(await download(bob, file.fileid, 0), 404);
    expect(expectOk(await cancel(alice, file.fileid), 'cancel again')).toEqual({ status: 'OK', errormessage: '' });
    expectOk(await cancel(alice, newFileId()), 'cancel of an id never used');
  });
});

describe('the quota and the purge of stale uploads', () => {
  let small: TestServer;
  let dave: TestClient;
  let erin: TestClient;
  let theirs: Conversation;
  // Room for three full chunks per user.
  const QUOTA = 3 * FULL;

  beforeAll(async () => {
    small = await startTestServer({ fileQuotaBytes: QUOTA });
    [dave, erin] = (await signInAll(small)) as [TestClient, TestClient];
    theirs = await dave.conversationWith(erin);
  });
  afterAll(() => small.stop({ remove: true }));

  it('an upload over the quota is refused with 507 saying how much room is left; cancelling frees it', async () => {
    const first = sealFile(randomBytes(2 * FILE_CHUNK_BYTES));
    expectOk(await begin(dave, theirs.id, first), 'first begin');
    expectOk(await dave.chunk({ fileid: first.fileid, index: 0 }, first.chunks[0]!), 'first chunk');
    // Unfinished uploads count: two chunks are reserved, one is left.
    const second = sealFile(randomBytes(2 * FILE_CHUNK_BYTES));
    const refused = await begin(dave, theirs.id, second);
    expectRefused(refused, 507, /free/);
    expect(refused.json.errormessage).toContain(`only ${formatFileSize(FULL)} of your ${formatFileSize(QUOTA)}`);
    expect(refused.json.errormessage).toContain(formatFileSize(second.bytes));
    // Each user has their own quota.
    expectOk(await begin(erin, theirs.id, second), "Erin's begin");
    expectOk(await cancel(erin, second.fileid), "Erin's cancel");

    expectOk(await cancel(dave, first.fileid), 'cancel');
    await upload(dave, theirs.id, second);
    // Finished files count too.
    expectRefused(await begin(dave, theirs.id, sealFile(randomBytes(2 * FILE_CHUNK_BYTES))), 507, /only .* of your/);
    expectOk(await cancel(dave, second.fileid), 'taking back a sent file');
  });

  it('unfinished uploads untouched for 7 days are purged with their chunks; finished and recently touched ones stay', async () => {
    const { store } = small.server;
    const stale = sealFile(randomBytes(FILE_CHUNK_BYTES + 10));
    const resumed = sealFile(Buffer.from('resumed since'));
    const done = await upload(dave, theirs.id, sealFile(Buffer.from('finished long ago')));
    for (const file of [stale, resumed]) {
      expectOk(await begin(dave, theirs.id, file), 'begin');
      expectOk(await dave.chunk({ fileid: file.fileid, index: 0 }, file.chunks[0]!), 'chunk');
    }
    // A week and a minute ago, as the clock of the purge sees it. The resumed one is begun again now.
    const longAgo = Date.now() - UNFINISHED_UPLOAD_DAYS * DAY - 60_000;
    store.db.prepare('UPDATE files SET touched = ? WHERE id IN (?, ?, ?)').run(longAgo, stale.fileid, resumed.fileid, done.fileid);
    expectOk(await begin(dave, theirs.id, resumed), 'resume');
    // A folder no row names (a commit that failed after its chunk was written).
    const orphan = join(small.dataDir, FILES_FOLDER, newFileId());
    mkdirSync(orphan);
    writeFileSync(join(orphan, '0'), 'left behind');

    expect(purgeStaleUploads(store, Date.now())).toEqual({ uploads: 1, folders: 2 });
    expect(() => statSync(join(small.dataDir, FILES_FOLDER, stale.fileid))).toThrow();
    expect(() => statSync(orphan)).toThrow();
    expectRefused(await dave.chunk({ fileid: stale.fileid, index: 1 }, stale.chunks[1]!), 404, /Begin the upload first/);
    // Begun again, the stale upload starts from nothing; the others are as they were.
    expect(expectOk(await begin(dave, theirs.id, stale), 'stale begun again').received).toEqual([]);
    expect(expectOk(await begin(dave, theirs.id, resumed), 'resumed').received).toEqual([0]);
    expect((await download(erin, done.fileid, 0)).bytes.equals(done.chunks[0]!)).toBe(true);
    // Its room is free again: the quota counts what is left.
    expect(store.files.storedBytes(dave.userid)).toBe(stale.bytes + resumed.bytes + done.bytes);

    // Eight days on, everything unfinished goes; the finished file stays.
    // (The stale one begun again has no chunk yet, so only the resumed one has a folder.)
    expect(purgeStaleUploads(store, Date.now() + 8 * DAY)).toEqual({ uploads: 2, folders: 1 });
    expect(store.files.storedBytes(dave.userid)).toBe(done.bytes);
    expect(readdirSync(join(small.dataDir, FILES_FOLDER))).toEqual([done.fileid]);
  });
});
