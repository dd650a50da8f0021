/**
 * PROFILE: the file service (`api=chatfileserver`; docs/protocol.md, "Files"): begin, chunk,
 * finish, cancel and download. The server sees ciphertext and sizes only, never a key or a name.
 *
 * Every call but download is the uploader's; download is for whoever is a participant of the
 * file's conversation at the time they ask. Begin, chunk, finish and cancel can each be repeated
 * after a lost answer and reach the same outcome, so a client resumes by doing them again.
 */
import { FILE_CHUNK_BYTES, FILE_TAG_BYTES, MAX_FILE_BYTES, chunksOfCipher, cipherChunkLength, cipherSize, formatFileSize } from '../../../protocol/index.js';
import { badRequest, conflict, forbidden, insufficientStorage, notFound, payloadTooLarge } from '../api-error.js';
import type { FileRow } from '../db/files.js';
import { OK, type BytesAnswer, type Handler, type HandlerContext } from './context.js';
import { membership } from './membership.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Two sizes as a person reads them; in bytes when rounding would show them the same ("needs 1 MB, 1 MB free"). */
function twoSizes(a: number, b: number): [string, string] {
  const [ra, rb] = [formatFileSize(a), formatFileSize(b)];
  return ra !== rb ? [ra, rb] : [`${a.toLocaleString('en-US')} bytes`, `${b.toLocaleString('en-US')} bytes`];
}

/** A file the caller is uploading: 404 when there is none, 403 when it is someone else's. */
function ownUpload(ctx: HandlerContext, fileId: string): FileRow {
  const file = ctx.store.files.get(fileId);
  if (!file) throw notFound('There is no upload with this file id on this server. Begin the upload first.');
  if (file.uploader_id !== ctx.caller.user.id) throw forbidden('This file was uploaded by someone else; only its uploader can send, finish or cancel it.');
  return file;
}

function requireIndex(file: FileRow, index: number): void {
  if (index >= file.chunks) {
    throw badRequest(`Chunk ${index} does not exist: this file has ${plural(file.chunks, 'chunk')}, numbered 0 to ${file.chunks - 1}.`);
  }
}

/**
 * `bytes` is a ciphertext size, so some values are no file's: a last chunk shorter than its tag, or
 * an empty one after full chunks (an exact multiple of the chunk size has no empty chunk).
 */
function requireCipherSize(bytes: number): void {
  const chunks = chunksOfCipher(bytes);
  const last = cipherChunkLength(bytes, chunks - 1);
  if (last < FILE_TAG_BYTES || (chunks > 1 && last === FILE_TAG_BYTES)) {
    throw badRequest(
      `No encrypted file is ${bytes} bytes long. "bytes" is the ciphertext size: the plaintext size plus ${FILE_TAG_BYTES} bytes ` +
        `for each chunk of up to ${FILE_CHUNK_BYTES} bytes.`,
    );
  }
}

function uploadState(ctx: HandlerContext, file: FileRow): object {
  return { ...OK, fileid: file.id, chunks: file.chunks, received: ctx.store.files.chunkIndexes(file.id), complete: file.complete === 1 };
}

export const fileBegin: Handler<'fileBegin'> = (ctx, req) => {
  membership(ctx, req.conversationid);
  if (req.bytes > cipherSize(MAX_FILE_BYTES)) {
    throw payloadTooLarge(`The file is larger than ${MAX_FILE_BYTES / (1024 * 1024)} MB, the most this server accepts. Send a smaller file.`);
  }
  requireCipherSize(req.bytes);
  const me = ctx.caller.user.id;

  // The same id again is the same upload resuming (after a lost answer, a restart, days offline).
  const existing = ctx.store.files.get(req.fileid);
  if (existing) {
    if (existing.uploader_id !== me) throw conflict('This file id is already in use on this server. Start the upload again with a new file id.');
    if (existing.conversation_id !== req.conversationid || existing.bytes !== req.bytes) {
      throw conflict('You already began an upload with this file id for another conversation or size. Start this upload with a new file id.');
    }
    if (!existing.complete) ctx.store.files.touch(existing.id, ctx.nowMs);
    return uploadState(ctx, existing);
  }

  // The whole size is reserved now, so uploads running side by side cannot together pass the quota.
  const used = ctx.store.files.storedBytes(me);
  if (used + req.bytes > ctx.fileQuotaBytes) {
    const [needs, left] = twoSizes(req.bytes, Math.max(0, ctx.fileQuotaBytes - used));
    throw insufficientStorage(
      `This file needs ${needs}, but only ${left} of your ${formatFileSize(ctx.fileQuotaBytes)} of file storage ` +
        'on this server is free. Cancel unfinished uploads or take back files you sent, or ask the administrator for more room.',
    );
  }
  const row = { id: req.fileid, uploader_id: me, conversation_id: req.conversationid, bytes: req.bytes, chunks: chunksOfCipher(req.bytes), created: ctx.nowMs };
  ctx.store.files.add(row);
  return uploadState(ctx, { ...row, complete: 0, touched: ctx.nowMs });
};

export const fileChunk: Handler<'fileChunk'> = (ctx, req) => {
  const file = ownUpload(ctx, req.fileid);
  if (file.complete) throw conflict('This file is already finished, so its chunks cannot change. Begin a new upload to send other bytes.');
  requireIndex(file, req.index);
  const bytes = ctx.chunk;
  if (!bytes) throw badRequest('A chunk needs its bytes after the header line.');
  const expected = cipherChunkLength(file.bytes, req.index);
  if (bytes.byteLength !== expected) {
    throw badRequest(`Chunk ${req.index} of this file must be ${expected} bytes of ciphertext, but ${bytes.byteLength} bytes were sent.`);
  }
  // On disk first: a failure after this records nothing, and a chunk sent again replaces its copy.
  ctx.store.chunks.write(file.id, req.index, bytes);
  ctx.store.files.addChunk(file.id, req.index);
  ctx.store.files.touch(file.id, ctx.nowMs);
  return { ...OK, received: ctx.store.files.chunkCount(file.id) };
};

export const fileFinish: Handler<'fileFinish'> = (ctx, req) => {
  const file = ownUpload(ctx, req.fileid);
  if (!file.complete) {
    const stored = ctx.store.files.chunkIndexes(file.id);
    const missing = file.chunks - stored.length;
    if (missing > 0) {
      const first = stored.findIndex((index, i) => index !== i);
      throw conflict(
        `The file is missing ${plural(missing, 'chunk')} of ${file.chunks} (the first is chunk ${first < 0 ? stored.length : first}). Send them, then finish again.`,
      );
    }
    ctx.store.files.markComplete(file.id, ctx.nowMs);
  }
  return { ...OK, fileid: file.id, bytes: file.bytes };
};

export const fileCancel: Handler<'fileCancel'> = (ctx, req) => {
  const file = ctx.store.files.get(req.fileid);
  // Already gone (a retried cancel, or purged): the outcome the caller wants.
  if (!file) return { ...OK };
  if (file.uploader_id !== ctx.caller.user.id) throw forbidden('This file was uploaded by someone else; only its uploader can cancel it.');
  ctx.store.files.remove(file.id);
  // The bytes go only once the rows are gone for good; unless the same id was begun again meanwhile.
  ctx.afterCommit(() => {
    if (!ctx.store.files.get(file.id)) ctx.store.chunks.remove(file.id);
  });
  return { ...OK };
};

export const fileDownload: Handler<'fileDownload'> = (ctx, req): BytesAnswer => {
  const file = ctx.store.files.get(req.fileid);
  if (!file) throw notFound('There is no file with this id on this server; its sender may have taken it back.');
  // Participants now, not when it was sent: someone who left the conversation has lost its files.
  if (!ctx.store.conversations.forUser(file.conversation_id, ctx.caller.user.id)) {
    throw forbidden('Only the participants of the conversation this file was sent to can download it.');
  }
  if (!file.complete) throw conflict('This file is still being uploaded. Try again once its sender has finished sending it.');
  requireIndex(file, req.index);
  return { bytes: ctx.store.chunks.read(file.id, req.index) };
};
