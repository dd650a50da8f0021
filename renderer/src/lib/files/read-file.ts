/**
 * A file's decrypted bytes from the main process, piece by piece (`files:read`: the first answer
 * says how many pieces there are), and the browser's download of them. The main process
 * downloads and checks the file first when this device does not have it yet.
 */
import { FILE_PIECE_BYTES, MAX_FILE_BYTES } from '../../../../app/shared/rules.js';
import { base64ToBytes } from './base64.js';

export type ReadResult = { ok: true; parts: Uint8Array<ArrayBuffer>[]; size: number } | { ok: false; error: string };

/** The browser has read a download's blob long before this; the URL is let go then. */
const REVOKE_AFTER_MS = 60_000;
const INTERNAL = 'The file could not be read because of a problem inside the app. Try again; if it keeps happening, restart the app.';
const TOO_BIG = 'The file is larger than it should be.';

/**
 * Every piece in order, as byte arrays (a Blob takes them as they are: never one giant string or
 * buffer). Refuses more than `maxBytes`, whatever the main process answers.
 */
export async function readPieces(conversationId: string, messageId: string, maxBytes = MAX_FILE_BYTES): Promise<ReadResult> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let size = 0;
  try {
    let pieces = 1;
    for (let index = 0; index < pieces; index++) {
      const reply = await window.ozeki.invoke('files:read', conversationId, messageId, index);
      if (!reply.ok) return { ok: false, error: reply.error.message };
      if (index === 0) {
        pieces = reply.value.pieces;
        if (!Number.isInteger(pieces) || pieces < 0 || pieces > Math.ceil(maxBytes / FILE_PIECE_BYTES)) return { ok: false, error: TOO_BIG };
      }
      const bytes = base64ToBytes(reply.value.data);
      size += bytes.length;
      if (bytes.length > FILE_PIECE_BYTES || size > maxBytes) return { ok: false, error: TOO_BIG };
      parts.push(bytes);
    }
    return { ok: true, parts, size };
  } catch {
    return { ok: false, error: INTERNAL };
  }
}

/** The browser's own download of `blob` as `name`; nothing is opened. */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
