/**
 * A file in a message as the window sees it (FileView): whether it may show as a picture, its
 * preview, and where it stands (uploading, ready, failed; here in full or not; a transfer under way).
 * What a peer sent is never trusted: the type is a hint, the preview is shown only when its bytes
 * are the image they claim to be and small, and an SVG is never an image here.
 */
import { formatFileSize, INLINE_IMAGE_TYPES, type FileAttachment } from '../../../protocol/index.js';
import type { FileProgress, FileView } from '../../ipc/views.js';
import { mayDecodeInline, sniffImage } from '../../shared/image-sniff.js';
import { INLINE_IMAGE_MAX_BYTES, INLINE_IMAGE_MAX_PIXELS } from '../../shared/rules.js';

export type FileStatus = {
  uploading: boolean;
  local: boolean;
  progress: FileProgress | null;
  error: string | null;
};

/** The preview as a `data:` URL, when its bytes are a small PNG, JPEG or WebP of the size it claims. */
export function thumbnailUrl(file: FileAttachment): string | null {
  const thumb = file.thumb;
  if (!thumb) return null;
  const bytes = Buffer.from(thumb.data, 'base64');
  const seen = sniffImage(bytes);
  // A "thumbnail" whose header says 100000 × 100000 is a decompression bomb, not a preview.
  if (!seen || seen.type !== thumb.type || seen.width !== thumb.width || seen.height !== thumb.height) return null;
  if (!mayDecodeInline(seen, bytes.byteLength)) return null;
  return `data:${thumb.type};base64,${bytes.toString('base64')}`;
}

/** Whether the window may try to show the file as a picture (it checks the real bytes again). */
export function inlineImage(file: FileAttachment): FileView['image'] {
  if (!(INLINE_IMAGE_TYPES as readonly string[]).includes(file.type.toLowerCase())) return null;
  if (!file.width || !file.height || file.size > INLINE_IMAGE_MAX_BYTES || file.width * file.height > INLINE_IMAGE_MAX_PIXELS) return null;
  return { width: file.width, height: file.height, thumbnail: thumbnailUrl(file) };
}

export function fileView(file: FileAttachment, status: FileStatus): FileView {
  return {
    name: file.name,
    size: file.size,
    type: file.type,
    image: inlineImage(file),
    state: status.error ? 'failed' : status.uploading ? 'uploading' : 'ready',
    local: status.local,
    progress: status.progress,
    error: status.error,
  };
}

/** What a file message's `text` is beyond the fallback line (a caption), or "". */
export function captionOf(text: string, fallback: string): string {
  if (text === fallback) return '';
  if (text.startsWith(`${fallback}\n`)) return text.slice(fallback.length + 1);
  return text;
}

/** "report.pdf (1.2 MB)": how notices name a file. */
export function fileLabel(file: { name: string; size: number }): string {
  return `“${file.name}” (${formatFileSize(file.size)})`;
}
