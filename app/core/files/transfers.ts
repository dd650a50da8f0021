/**
 * Moving sealed files to and from the file service (profile): an upload resumes from what the
 * server already holds (its `begin` answer lists the stored chunks), a download from what the
 * `.part` file already holds. Two chunks travel at a time, so the network waits neither for the
 * disk nor for the other side's crypto. A download is checked against the message's SHA-256
 * before it counts as here; one that does not match is thrown away.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import {
  chunkCount,
  cipherChunkLength,
  cipherSize,
  chunksOfCipher,
  decryptChunk,
  FILE_CHUNK_BYTES,
  FILE_TAG_BYTES,
  MAX_CHUNK_HEADER_BYTES,
  type FileAttachment,
  type ResponseOf,
} from '../../../protocol/index.js';
import { CoreError } from '../errors.js';
import { chunksPresent, openChunk, readCipherChunk, writeCipherChunk, type SealedFiles } from './sealed-files.js';

/** What of the API client a transfer uses. */
export type FileApi = {
  call(
    name: 'fileBegin',
    payload: { fileid: string; conversationid: string; bytes: number },
    opts?: { signal?: AbortSignal },
  ): Promise<ResponseOf<'fileBegin'>>;
  call(name: 'fileFinish' | 'fileCancel', payload: { fileid: string }, opts?: { signal?: AbortSignal }): Promise<unknown>;
  sendChunk(fileid: string, index: number, bytes: Uint8Array, opts?: { signal?: AbortSignal; scratch?: Buffer }): Promise<unknown>;
  downloadChunk(fileid: string, index: number, opts?: { signal?: AbortSignal }): Promise<Uint8Array>;
};

export type Progress = (done: number, total: number) => void;

const IN_FLIGHT = 2;
const CIPHER_CHUNK = FILE_CHUNK_BYTES + FILE_TAG_BYTES;

/** Two buffers per chunk in flight, reused: the chunk as read, and the request body around it. */
type Lane = { read: Buffer; body: Buffer };

/**
 * Runs `work(i, lane)` for each index, at most IN_FLIGHT at a time, in order of start; the first
 * failure stops the rest. Each lane reuses its buffers, so a 100 MiB file leaves no 100 MiB of
 * garbage behind it.
 */
async function inParallel(indexes: number[], work: (index: number, lane: Lane) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const lane = async (): Promise<void> => {
    const buffers: Lane = { read: Buffer.allocUnsafe(CIPHER_CHUNK), body: Buffer.allocUnsafe(CIPHER_CHUNK + MAX_CHUNK_HEADER_BYTES) };
    while (next < indexes.length && failed === null) {
      const index = indexes[next++]!;
      try {
        await work(index, buffers);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, indexes.length) }, lane));
  if (failed !== null) throw failed;
}

/**
 * Sends a sealed file until the server has all of it, then keeps it as this device's copy. Safe to
 * run again after any failure: it asks the server what it has first.
 */
export async function upload(
  api: FileApi,
  files: SealedFiles,
  conversationId: string,
  file: { id: string; bytes: number },
  progress: Progress,
  signal?: AbortSignal,
): Promise<void> {
  const out = files.outgoing(file.id);
  const path = existsSync(out) ? out : files.local(file.id);
  if (!path) throw new CoreError('not-found', 'The file to send is no longer on this device.', { transient: false });
  const opts = signal ? { signal } : {};
  const begun = await api.call('fileBegin', { fileid: file.id, conversationid: conversationId, bytes: file.bytes }, opts);
  if (!begun.complete) {
    const have = new Set(begun.received);
    const missing = Array.from({ length: chunksOfCipher(file.bytes) }, (_, i) => i).filter((i) => !have.has(i));
    let done = file.bytes - missing.reduce((sum, i) => sum + cipherChunkLength(file.bytes, i), 0);
    progress(done, file.bytes);
    await inParallel(missing, async (index, lane) => {
      await api.sendChunk(file.id, index, readCipherChunk(path, file.bytes, index, lane.read), { ...opts, scratch: lane.body });
      done += cipherChunkLength(file.bytes, index);
      progress(done, file.bytes);
    });
    await api.call('fileFinish', { fileid: file.id }, opts);
  }
  progress(file.bytes, file.bytes);
  files.keepSent(file.id);
}

/**
 * Downloads a file into this device's store and checks it; answers the path of the sealed copy.
 * Two chunks are asked for ahead, and each is authenticated, hashed and written as it comes, in
 * order, so a `.part` file's length says how far an earlier try came and the file is never read
 * twice. A chunk that does not open, or a whole whose SHA-256 is not the message's, is thrown away.
 */
export async function download(api: FileApi, files: SealedFiles, file: FileAttachment, progress: Progress, signal?: AbortSignal): Promise<string> {
  const have = files.local(file.id);
  if (have) return have;
  const bytes = cipherSize(file.size);
  const chunks = chunkCount(file.size);
  const key = { id: file.id, key: Buffer.from(file.key, 'base64'), size: file.size };
  const final = files.incoming(file.id);
  const part = `${final}.part`;
  const fd = openSync(part, existsSync(part) ? 'r+' : 'w', 0o600);
  const opts = signal ? { signal } : {};
  const hash = createHash('sha256');
  // One error, so the catch below knows it from any other.
  const altered = new CoreError('invalid-response', `“${file.name}” does not match what its sender sent (it may have been altered), so it was not kept.`, {
    transient: false,
  });
  let ok: boolean;
  try {
    const from = chunksPresent(fd, bytes);
    // What an earlier try kept is checked like the rest.
    for (let i = 0; i < from; i++) hash.update(openChunk(part, key, i));
    let done = from * cipherChunkLength(bytes, 0);
    progress(Math.min(done, bytes), bytes);
    const ahead = new Map<number, Promise<Uint8Array>>();
    const ask = (index: number): void => {
      if (index >= chunks || ahead.has(index)) return;
      const p = api.downloadChunk(file.id, index, opts);
      p.catch(() => {});
      ahead.set(index, p);
    };
    for (let index = from; index < chunks; index++) {
      ask(index);
      ask(index + 1);
      const chunk = await ahead.get(index)!;
      ahead.delete(index);
      if (chunk.byteLength !== cipherChunkLength(bytes, index)) {
        throw new CoreError('invalid-response', `The server sent a piece of “${file.name}” of the wrong size. Try again later.`, { transient: false });
      }
      let plain: Buffer;
      try {
        plain = decryptChunk(key.key, file.id, index, chunks, chunk);
      } catch {
        throw altered;
      }
      hash.update(plain);
      writeCipherChunk(fd, index, chunk);
      done += chunk.byteLength;
      progress(done, bytes);
    }
    fsyncSync(fd);
    ok = hash.digest('hex') === file.sha256;
  } catch (err) {
    // A chunk that does not open cannot become right by asking again: start over next time.
    if (err === altered) rmSync(part, { force: true });
    throw err;
  } finally {
    closeSync(fd);
  }
  if (!ok) {
    rmSync(part, { force: true });
    throw altered;
  }
  renameSync(part, final);
  return final;
}
