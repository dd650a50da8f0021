/**
 * Files on their way in from the user: handed over by the window in pieces (dropped, pasted or
 * picked in the browser), or read from a path the main process's own dialog chose. Either way the
 * file is sealed into the account's folder as it comes, with a fresh key, and its SHA-256 taken, so
 * what the outbox later sends is already encrypted and survives going offline and restarts.
 *
 * Nothing the window says about a file is taken on trust: the name is sanitised, an image's type
 * and size come from its own bytes, and a preview is kept only when its bytes are what it claims.
 */
import { open } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { cipherSize, INLINE_IMAGE_TYPES, MAX_FILE_BYTES, newFileId, newFileKey, sanitizeFileName, type FileAttachment } from '../../../protocol/index.js';
import { sniffImage } from '../../shared/image-sniff.js';
import { FILE_PIECE_BYTES } from '../../shared/rules.js';
import { CoreError } from '../errors.js';
import { thumbnailUrl } from './file-views.js';
import { SealingWriter, type SealedFiles } from './sealed-files.js';

export type Thumbnail = NonNullable<FileAttachment['thumb']>;

export type AttachMeta = {
  name: string;
  type: string;
  size: number;
  replyTo?: string | undefined;
  width?: number | undefined;
  height?: number | undefined;
  thumbnail?: Thumbnail | undefined;
};

/** A file sealed and ready to go into a message. */
export type SealedAttachment = { conversationId: string; attachment: FileAttachment; cipherBytes: number; replyTo?: string };

/** A window that stops sending pieces for this long has gone (closed, reloaded): its file is dropped. */
const STALE_STAGING_MS = 2 * 60_000;

type Staging = {
  conversationId: string;
  meta: AttachMeta;
  id: string;
  key: Buffer;
  writer: SealingWriter;
  next: number;
  sniffed: boolean;
  timer: ReturnType<typeof setTimeout>;
  scratch?: Buffer;
};

const EXTENSION_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.zip': 'application/zip',
  '.mp4': 'video/mp4',
  '.mp3': 'audio/mpeg',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export function typeFromName(name: string): string {
  return EXTENSION_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

export class Attachments {
  private readonly staging = new Map<string, Staging>();

  constructor(
    private readonly files: SealedFiles,
    private readonly thumbnailer?: (bytes: Buffer) => Thumbnail | null,
  ) {}

  begin(conversationId: string, meta: AttachMeta): string {
    if (meta.size > MAX_FILE_BYTES) throw new CoreError('invalid-argument', `Files can be at most 100 MB; “${sanitizeFileName(meta.name)}” is larger.`);
    const id = newFileId();
    const key = newFileKey();
    const stagingId = newFileId();
    const writer = new SealingWriter({ id, key, size: meta.size }, this.files.outgoing(id));
    const timer = setTimeout(() => this.abort(stagingId), STALE_STAGING_MS);
    timer.unref?.();
    this.staging.set(stagingId, { conversationId, meta, id, key, writer, next: 0, sniffed: false, timer });
    return stagingId;
  }

  /** A piece as base64 (from the window): decoded into one buffer per file, reused. */
  pieceBase64(stagingId: string, index: number, base64: string): void {
    const s = this.require(stagingId);
    s.scratch ??= Buffer.allocUnsafe(FILE_PIECE_BYTES);
    if (base64.length > Math.ceil(FILE_PIECE_BYTES / 3) * 4) throw new CoreError('invalid-argument', 'A piece of the file is larger than a piece may be.');
    const n = s.scratch.write(base64, 0, 'base64');
    this.piece(stagingId, index, s.scratch.subarray(0, n));
  }

  piece(stagingId: string, index: number, data: Buffer): void {
    const s = this.require(stagingId);
    if (index !== s.next) throw new CoreError('invalid-argument', `Piece ${index} of the file came out of order (piece ${s.next} was expected).`);
    if (index > 0 && data.byteLength === 0) throw new CoreError('invalid-argument', 'An empty piece of a file came.');
    try {
      s.writer.write(data);
    } catch (err) {
      this.abort(stagingId);
      throw new CoreError('invalid-argument', `The file could not be kept for sending: ${err instanceof Error ? err.message : String(err)}.`);
    }
    if (!s.sniffed) this.sniff(s, data);
    s.next++;
    s.timer.refresh();
  }

  end(stagingId: string): SealedAttachment {
    const s = this.require(stagingId);
    this.staging.delete(stagingId);
    clearTimeout(s.timer);
    let sha256: string;
    try {
      sha256 = s.writer.finish();
    } catch (err) {
      s.writer.abort();
      throw new CoreError('invalid-argument', `The file did not arrive whole (${err instanceof Error ? err.message : String(err)}). Attach it again.`);
    }
    return {
      conversationId: s.conversationId,
      attachment: attachment(s, sha256),
      cipherBytes: cipherSize(s.meta.size),
      ...(s.meta.replyTo ? { replyTo: s.meta.replyTo } : {}),
    };
  }

  abort(stagingId: string): void {
    const s = this.staging.get(stagingId);
    if (!s) return;
    this.staging.delete(stagingId);
    clearTimeout(s.timer);
    s.writer.abort();
  }

  /** Seals a file the main process's own dialog picked (never a path from the window). */
  async fromPath(conversationId: string, path: string, replyTo?: string): Promise<SealedAttachment> {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const name = basename(path);
      const stagingId = this.begin(conversationId, { name, type: typeFromName(name), size, ...(replyTo ? { replyTo } : {}) });
      const s = this.require(stagingId);
      let head: Buffer | null = null;
      try {
        const piece = Buffer.allocUnsafe(Math.min(FILE_PIECE_BYTES * 2, size));
        for (let offset = 0, index = 0; offset < size || index === 0; index++) {
          const { bytesRead } = await handle.read(piece, 0, Math.min(piece.byteLength, size - offset), offset);
          if (bytesRead === 0 && size > 0) throw new Error('the file got shorter while it was read');
          this.piece(stagingId, index, piece.subarray(0, bytesRead));
          if (index === 0 && s.meta.width) head = Buffer.from(piece.subarray(0, bytesRead));
          offset += bytesRead;
          if (size === 0) break;
        }
      } catch (err) {
        this.abort(stagingId);
        throw err instanceof CoreError ? err : new CoreError('storage', `“${name}” could not be read: ${err instanceof Error ? err.message : String(err)}.`);
      }
      if (head && this.thumbnailer && size <= 25 * 1024 * 1024) {
        const whole = size <= head.byteLength ? head : await readAll(handle, size);
        const thumb = this.thumbnailer(whole);
        if (thumb) s.meta.thumbnail = thumb;
      }
      return this.end(stagingId);
    } finally {
      await handle.close();
    }
  }

  private require(stagingId: string): Staging {
    const s = this.staging.get(stagingId);
    if (!s) throw new CoreError('not-found', 'That file is no longer being attached (it took too long, or was cancelled). Attach it again.');
    return s;
  }

  /** An image's real type and size, from its first bytes (what the window said is only a hint). */
  private sniff(s: Staging, first: Buffer): void {
    s.sniffed = true;
    const seen = sniffImage(first);
    if (seen && (INLINE_IMAGE_TYPES as readonly string[]).includes(seen.type)) {
      s.meta = { ...s.meta, type: seen.type, width: seen.width, height: seen.height };
    } else {
      const { width: _w, height: _h, thumbnail: _t, ...rest } = s.meta;
      s.meta = rest;
    }
  }
}

async function readAll(handle: Awaited<ReturnType<typeof open>>, size: number): Promise<Buffer> {
  const all = Buffer.allocUnsafe(size);
  let done = 0;
  while (done < size) {
    const { bytesRead } = await handle.read(all, done, size - done, done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return all.subarray(0, done);
}

function attachment(s: Staging, sha256: string): FileAttachment {
  const { meta } = s;
  const file: FileAttachment = {
    id: s.id,
    name: sanitizeFileName(meta.name),
    size: meta.size,
    type: meta.type.slice(0, 255) || 'application/octet-stream',
    key: s.key.toString('base64'),
    sha256,
  };
  if (meta.width && meta.height) {
    file.width = meta.width;
    file.height = meta.height;
    if (meta.thumbnail) {
      const candidate = { ...file, thumb: meta.thumbnail };
      // The same check a receiver makes: a preview that is not what it claims is not sent.
      if (thumbnailUrl(candidate)) file.thumb = meta.thumbnail;
    }
  }
  return file;
}
