/**
 * PROFILE (ours, not Ozeki's): files. The Ozeki login names a `fileserver` URL
 * (`api=chatfileserver`) and documents nothing behind it, so the whole service is this project's
 * choice (docs/protocol.md, "Files"):
 *
 * - The sender encrypts each file with a fresh AES-256-GCM key, in chunks of FILE_CHUNK_BYTES. The
 *   server stores and serves ciphertext only; the key, the name and a SHA-256 of the plaintext
 *   travel inside the message's encrypted payload (`file`, below).
 * - Calls are signed like every other call. `begin`, `finish`, `cancel` and `download` have JSON
 *   bodies; `chunk` has a binary body: one line of JSON (the signed fields), `\n`, then the chunk's
 *   ciphertext. The signature covers the whole body as sent. `download` answers with the chunk's
 *   bytes (`application/octet-stream`), or a JSON error.
 * - The client picks the file id (32 random hex), so a `begin` repeated after a lost answer, a
 *   restart or days offline resumes the same upload: its answer lists the chunks already stored.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { hexIdSchema, timestampSchema } from '../ozeki/schemas.js';
import { MAX_BODY_BYTES, MAX_FILE_BYTES } from './limits.js';

/** Plaintext bytes per chunk: a chunk's body (header line + ciphertext) stays within MAX_BODY_BYTES. */
export const FILE_CHUNK_BYTES = MAX_BODY_BYTES - 4096;
/** AES-GCM's tag, added to every chunk. */
export const FILE_TAG_BYTES = 16;
/** The longest file name a message carries (characters, after sanitising). */
export const MAX_FILE_NAME_CHARS = 255;
/** The inline thumbnail of an image: its encoded bytes and its longest side. */
export const MAX_THUMBNAIL_BYTES = 48 * 1024;
export const THUMBNAIL_MAX_SIDE = 320;
/** The longest line of JSON before a chunk's bytes. */
export const MAX_CHUNK_HEADER_BYTES = 2048;

export const FILE_ID_PATTERN = /^[0-9a-f]{32}$/;

export const FILE_ACTION = { begin: 'begin', chunk: 'chunk', finish: 'finish', cancel: 'cancel', download: 'download' } as const;

export const CHUNK_CONTENT_TYPE = 'application/octet-stream';

export function newFileId(): string {
  return randomBytes(16).toString('hex');
}

export function newFileKey(): Buffer {
  return randomBytes(32);
}

/** How many chunks a file of `size` plaintext bytes has (an empty file has one, empty chunk). */
export function chunkCount(size: number): number {
  return Math.max(1, Math.ceil(size / FILE_CHUNK_BYTES));
}

/** The ciphertext bytes the server stores for a file of `size` plaintext bytes. */
export function cipherSize(size: number): number {
  return size + chunkCount(size) * FILE_TAG_BYTES;
}

/** How many chunks `bytes` of ciphertext make (what the server can know). */
export function chunksOfCipher(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / (FILE_CHUNK_BYTES + FILE_TAG_BYTES)));
}

/** The ciphertext length of chunk `index` of a file of `cipherBytes`. */
export function cipherChunkLength(cipherBytes: number, index: number): number {
  const full = FILE_CHUNK_BYTES + FILE_TAG_BYTES;
  const chunks = chunksOfCipher(cipherBytes);
  return index < chunks - 1 ? full : cipherBytes - full * (chunks - 1);
}

/**
 * Chunk `index` of `chunks`: the IV is the index (so no IV is stored, and a chunk re-encrypted after
 * a restart is byte-identical), and the associated data names the file, the index and the count,
 * so chunks cannot be swapped between files, reordered or dropped from the end.
 */
function chunkParams(fileId: string, index: number, chunks: number): { iv: Buffer; aad: Buffer } {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(Math.floor(index / 2 ** 32), 4);
  iv.writeUInt32BE(index % 2 ** 32, 8);
  return { iv, aad: Buffer.from(`ozeki-file:${fileId}:${index}:${chunks}`, 'utf8') };
}

export function encryptChunk(key: Uint8Array, fileId: string, index: number, chunks: number, plain: Uint8Array): Buffer {
  const { body, tag } = encryptChunkParts(key, fileId, index, chunks, plain);
  return Buffer.concat([body, tag]);
}

/** The same, as the ciphertext and its tag apart: a writer puts both where they go without a copy. */
export function encryptChunkParts(key: Uint8Array, fileId: string, index: number, chunks: number, plain: Uint8Array): { body: Buffer; tag: Buffer } {
  const { iv, aad } = chunkParams(fileId, index, chunks);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = cipher.update(plain);
  cipher.final();
  return { body, tag: cipher.getAuthTag() };
}

/** Throws when the chunk was altered, belongs elsewhere, or the key is wrong. */
export function decryptChunk(key: Uint8Array, fileId: string, index: number, chunks: number, sealed: Uint8Array): Buffer {
  if (sealed.byteLength < FILE_TAG_BYTES) throw new Error('The chunk is shorter than its tag.');
  const { iv, aad } = chunkParams(fileId, index, chunks);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.byteLength - FILE_TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.byteLength - FILE_TAG_BYTES)), decipher.final()]);
}

// ---- Calls (api=chatfileserver) -------------------------------------------------------------

const common = { clientversioncode: z.number().int().min(0), timestamp: timestampSchema };
const fileId = z.string().regex(FILE_ID_PATTERN, 'a file id is 32 lower-case hex characters');

/** Starts an upload, or resumes it: the same `fileid`, conversation and size from the same user. */
export const fileBeginRequestSchema = z.object({
  action: z.literal(FILE_ACTION.begin),
  fileid: fileId,
  conversationid: hexIdSchema,
  /** Ciphertext bytes (what the server stores): cipherSize(plaintext size). */
  bytes: z.number().int().min(FILE_TAG_BYTES),
  ...common,
});
export const fileBeginResponseSchema = z.looseObject({
  status: z.literal('OK'),
  fileid: fileId,
  chunks: z.number().int().min(1),
  /** The chunk indexes already stored, ascending. */
  received: z.array(z.number().int().min(0)),
  complete: z.boolean(),
});

/** The JSON line before a chunk's bytes. */
export const fileChunkRequestSchema = z.object({
  action: z.literal(FILE_ACTION.chunk),
  fileid: fileId,
  index: z.number().int().min(0),
  ...common,
});
export const fileChunkResponseSchema = z.looseObject({ status: z.literal('OK'), received: z.number().int().min(0) });

/** Every chunk is stored: the file becomes downloadable by the conversation's participants. */
export const fileFinishRequestSchema = z.object({ action: z.literal(FILE_ACTION.finish), fileid: fileId, ...common });
export const fileFinishResponseSchema = z.looseObject({ status: z.literal('OK'), fileid: fileId, bytes: z.number().int().min(0) });

/** The uploader takes the file back (a cancelled upload, or a sent file): its chunks and quota are freed. */
export const fileCancelRequestSchema = z.object({ action: z.literal(FILE_ACTION.cancel), fileid: fileId, ...common });
export const fileCancelResponseSchema = z.looseObject({ status: z.literal('OK') });

/** One chunk of a finished file, for a participant of its conversation. Answered with the bytes. */
export const fileDownloadRequestSchema = z.object({ action: z.literal(FILE_ACTION.download), fileid: fileId, index: z.number().int().min(0), ...common });
/** Stands for the binary answer of `download` in the call table (it is never JSON when it succeeds). */
export const fileBytesResponseSchema = z.instanceof(Uint8Array);

/** A chunk body: the JSON line, `\n`, the bytes (built in `scratch` when it is big enough). */
export function encodeChunkBody(header: string, bytes: Uint8Array, scratch?: Buffer): Buffer {
  if (header.includes('\n')) throw new Error('A chunk header is one line.');
  const line = Buffer.byteLength(header, 'utf8') + 1;
  const body =
    scratch && scratch.byteLength >= line + bytes.byteLength ? scratch.subarray(0, line + bytes.byteLength) : Buffer.allocUnsafe(line + bytes.byteLength);
  body.write(`${header}\n`, 0, 'utf8');
  body.set(bytes, line);
  return body;
}

/** Splits a chunk body; null when there is no header line within MAX_CHUNK_HEADER_BYTES. */
export function decodeChunkBody(raw: Buffer): { header: string; bytes: Buffer } | null {
  const end = raw.subarray(0, MAX_CHUNK_HEADER_BYTES + 1).indexOf(0x0a);
  if (end < 0) return null;
  return { header: raw.subarray(0, end).toString('utf8'), bytes: raw.subarray(end + 1) };
}

// ---- The file in a message's plaintext -----------------------------------------------------

/** Image types shown inline (from decrypted bytes whose magic matches). SVG never is. */
export const INLINE_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type InlineImageType = (typeof INLINE_IMAGE_TYPES)[number];

export const thumbnailSchema = z.object({
  type: z.enum(['image/jpeg', 'image/png', 'image/webp']),
  width: z.number().int().min(1).max(THUMBNAIL_MAX_SIDE),
  height: z.number().int().min(1).max(THUMBNAIL_MAX_SIDE),
  /** base64 of the encoded thumbnail. */
  data: z
    .string()
    .max(Math.ceil(MAX_THUMBNAIL_BYTES / 3) * 4)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/),
});

/**
 * `file` in a message's plaintext: `{"from","text":"📎 report.pdf (1.2 MB)","file":{...}}`.
 * `width`/`height` are the full image's, for images (so the bubble has its size before the bytes).
 */
export const fileAttachmentSchema = z.object({
  id: fileId,
  name: z
    .string()
    .min(1)
    .max(MAX_FILE_NAME_CHARS * 2),
  size: z.number().int().min(0).max(MAX_FILE_BYTES),
  type: z.string().max(255),
  /** base64 of the 32-byte AES-256-GCM key. */
  key: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
  /** Lower-case hex SHA-256 of the plaintext. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  width: z.number().int().min(1).max(100_000).optional(),
  height: z.number().int().min(1).max(100_000).optional(),
  thumb: thumbnailSchema.optional(),
});
export type FileAttachment = z.infer<typeof fileAttachmentSchema>;

const RESERVED_WINDOWS_NAMES = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;
// Control characters, path separators, characters Windows refuses, and the bidirectional controls
// that make "gpj.exe" read as "exe.jpg".
// eslint-disable-next-line no-control-regex
const UNSAFE_NAME_CHARS = /[\u0000-\u001f\u007f-\u009f/\\:*?"<>|\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A name safe to show and to save under on every desktop system: one path component, no control
 * or direction characters, no reserved device name, no leading dot (hidden) or trailing dot/space,
 * at most MAX_FILE_NAME_CHARS characters with its extension kept. Never empty.
 */
export function sanitizeFileName(name: string): string {
  let clean = name.normalize('NFC').replace(UNSAFE_NAME_CHARS, '_').replace(/\s+/g, ' ').trim();
  clean = clean.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (RESERVED_WINDOWS_NAMES.test(clean)) clean = `_${clean}`;
  const chars = Array.from(clean);
  if (chars.length > MAX_FILE_NAME_CHARS) {
    const dot = clean.lastIndexOf('.');
    const ext = dot > 0 ? Array.from(clean.slice(dot)) : [];
    const keep = ext.length > 0 && ext.length <= 16 ? ext : [];
    clean =
      chars
        .slice(0, MAX_FILE_NAME_CHARS - keep.length)
        .join('')
        .trimEnd() + keep.join('');
  }
  return clean || 'file';
}

/** "1.2 MB", "840 kB", "12 bytes": decimal units, as file managers show them. */
export function formatFileSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 999.5 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 10 ? Math.round(value) : Math.round(value * 10) / 10} ${units[unit]}`;
}

/** The `text` a file message carries for clients that know only text. */
export function fileFallbackText(name: string, size: number): string {
  return `📎 ${name} (${formatFileSize(size)})`;
}
