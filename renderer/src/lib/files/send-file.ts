/**
 * Hands one file the window has in hand (dropped, pasted, or chosen with the browser's own
 * chooser) to the main process: `files:attach-begin` with what it is, then its bytes in
 * FILE_PIECE_BYTES pieces in order, each read with `file.slice()` and base64'd on its own (a
 * 100 MB file is never one string), then `files:attach-end`, which answers the queued message.
 * Whatever goes wrong after the begin, `files:attach-abort` lets the main process forget it.
 * An image is sniffed from its first bytes, never trusted by its name or type; only one the
 * rules let be decoded gets a thumbnail.
 */
import type { ChannelArgs } from '../../../../app/ipc/contract.js';
import type { MessageView } from '../../../../app/ipc/views.js';
import { mayDecodeInline, sniffImage, type SniffedImage } from '../../../../app/shared/image-sniff.js';
import { FILE_PIECE_BYTES, MAX_FILE_BYTES } from '../../../../app/shared/rules.js';
import { bytesToBase64 } from './base64.js';
import { formatSize } from './file-labels.js';
import { makeThumbnail } from './thumbnail.js';

export type SendOptions = {
  /** The message the file answers. */
  replyTo?: string;
  /** Bytes handed over so far, after each piece. */
  onprogress?: (done: number, total: number) => void;
  /** Aborted: stop at the next piece and forget what was handed over. */
  signal?: AbortSignal;
};

export type SendResult = { ok: true; message: MessageView } | { ok: false; error: string; cancelled: boolean };

/** Enough for the header of any of the four image types (a JPEG's frame comes after its EXIF). */
const SNIFF_BYTES = 64 * 1024;
/** The contract's limits on what `files:attach-begin` says. */
const MAX_NAME = 1024;
const MAX_TYPE = 255;
const MAX_SIDE = 100_000;
/** As the contract says it: MAX_FILE_BYTES is 100 MiB, which decimal units would call 104.9 MB. */
const LIMIT_WORDS = `${MAX_FILE_BYTES / (1024 * 1024)} MB`;
const INTERNAL = 'because of a problem inside the app. Try again; if it keeps happening, restart the app.';

type Meta = ChannelArgs<'files:attach-begin'>[1];

class SendError extends Error {
  constructor(
    message: string,
    readonly cancelled = false,
  ) {
    super(message);
  }
}

async function bytesOf(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}

/** The name to send: the file's own, or one made up for a pasted image that has none. */
export function nameOf(file: File, image: SniffedImage | null = null): string {
  const name = file.name.trim() || (image ? `image.${image.type.slice('image/'.length)}` : 'file');
  return name.slice(0, MAX_NAME);
}

/**
 * What the first bytes say. A JPEG's frame can sit past 64 KiB, behind large EXIF and colour
 * profile segments: then one piece's worth is read before giving up.
 */
async function sniffFile(file: File): Promise<SniffedImage | null> {
  const head = await bytesOf(file.slice(0, SNIFF_BYTES));
  const image = sniffImage(head);
  if (image || file.size <= SNIFF_BYTES || head[0] !== 0xff || head[1] !== 0xd8) return image;
  return sniffImage(await bytesOf(file.slice(0, FILE_PIECE_BYTES)));
}

async function metaOf(file: File, replyTo: string | undefined): Promise<{ meta: Meta; name: string }> {
  const image = await sniffFile(file);
  const name = nameOf(file, image);
  const meta: Meta = { name, type: (image?.type ?? file.type).slice(0, MAX_TYPE), size: file.size };
  if (replyTo) meta.replyTo = replyTo;
  if (image && image.width <= MAX_SIDE && image.height <= MAX_SIDE) {
    meta.width = image.width;
    meta.height = image.height;
  }
  if (image && mayDecodeInline(image, file.size)) {
    const thumbnail = await makeThumbnail(file, image);
    if (thumbnail) meta.thumbnail = thumbnail;
  }
  return { meta, name };
}

const couldNotRead = (name: string): string => `“${name}” could not be read. It may have been moved or deleted; try again.`;

/** Sends one file; never throws: a failure is the result, with words for the user. */
export async function sendFile(conversationId: string, file: File, options: SendOptions = {}): Promise<SendResult> {
  const { replyTo, onprogress, signal } = options;
  // Refused before a byte of it is read.
  if (file.size > MAX_FILE_BYTES) {
    return { ok: false, cancelled: false, error: `“${nameOf(file)}” is ${formatSize(file.size)}: files can be at most ${LIMIT_WORDS}.` };
  }
  let described: { meta: Meta; name: string };
  try {
    described = await metaOf(file, replyTo);
  } catch {
    return { ok: false, cancelled: false, error: couldNotRead(nameOf(file)) };
  }
  const { meta, name } = described;
  let stagingId: string;
  try {
    const begin = await window.ozeki.invoke('files:attach-begin', conversationId, meta);
    if (!begin.ok) return { ok: false, cancelled: false, error: begin.error.message };
    stagingId = begin.value.stagingId;
  } catch {
    return { ok: false, cancelled: false, error: `“${name}” could not be sent ${INTERNAL}` };
  }

  try {
    const pieces = Math.ceil(file.size / FILE_PIECE_BYTES);
    for (let index = 0; index < pieces; index++) {
      if (signal?.aborted) throw new SendError('', true);
      const start = index * FILE_PIECE_BYTES;
      let bytes: Uint8Array;
      try {
        bytes = await bytesOf(file.slice(start, Math.min(file.size, start + FILE_PIECE_BYTES)));
      } catch {
        throw new SendError(couldNotRead(name));
      }
      const piece = await window.ozeki.invoke('files:attach-piece', stagingId, index, bytesToBase64(bytes));
      if (!piece.ok) throw new SendError(piece.error.message);
      onprogress?.(start + bytes.length, file.size);
    }
    if (signal?.aborted) throw new SendError('', true);
    const end = await window.ozeki.invoke('files:attach-end', stagingId);
    if (!end.ok) throw new SendError(end.error.message);
    return { ok: true, message: end.value };
  } catch (error) {
    window.ozeki.invoke('files:attach-abort', stagingId).catch(() => {
      // The main process drops unfinished staging on its own too: nothing to tell the user.
    });
    if (error instanceof SendError) return { ok: false, cancelled: error.cancelled, error: error.message };
    return { ok: false, cancelled: false, error: `“${name}” could not be sent ${INTERNAL}` };
  }
}
