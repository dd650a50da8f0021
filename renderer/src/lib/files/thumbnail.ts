/**
 * A small preview of an image the window has in hand, sent with it so the other side shows
 * something at once: at most 320 px on the long side, WebP (which keeps transparency) or else
 * JPEG, within the contract's 64 KiB of base64 (48 KiB of bytes). The caller has sniffed the
 * image and checked `mayDecodeInline` first: only then is it decoded. Anything failing (no
 * canvas, as in jsdom; a decode error; every encoding too big) means no preview, silently.
 */
import type { SniffedImage } from '../../../../app/shared/image-sniff.js';
import { bytesToBase64 } from './base64.js';

export type Thumbnail = { type: 'image/jpeg' | 'image/webp'; width: number; height: number; data: string };

const LONG_SIDE = 320;
/** The contract's limit on a thumbnail's base64. */
const MAX_BASE64 = 65_536;
/** Tried in order until one fits; WebP first, as a JPEG turns transparent pixels white. */
const ENCODINGS: { type: Thumbnail['type']; quality: number }[] = [
  { type: 'image/webp', quality: 0.8 },
  { type: 'image/jpeg', quality: 0.8 },
  { type: 'image/jpeg', quality: 0.6 },
  { type: 'image/jpeg', quality: 0.4 },
];

type Surface = { canvas: OffscreenCanvas | HTMLCanvasElement; context: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D };

function surface(width: number, height: number): Surface | null {
  if (typeof OffscreenCanvas === 'function') {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d');
    return context ? { canvas, context } : null;
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  return context ? { canvas, context } : null;
}

function encode(canvas: OffscreenCanvas | HTMLCanvasElement, type: string, quality: number): Promise<Blob | null> {
  if ('convertToBlob' in canvas) return canvas.convertToBlob({ type, quality });
  return new Promise((resolve) => canvas.toBlob(resolve, type, quality));
}

/** The thumbnail's size: the picture's shape, its long side at most LONG_SIDE, each side at least 1. */
export function thumbnailSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, LONG_SIDE / Math.max(width, height));
  const fit = (side: number): number => Math.min(LONG_SIDE, Math.max(1, Math.round(side * scale)));
  return { width: fit(width), height: fit(height) };
}

export async function makeThumbnail(file: Blob, image: SniffedImage): Promise<Thumbnail | null> {
  if (typeof createImageBitmap !== 'function') return null;
  let bitmap: ImageBitmap | null = null;
  try {
    bitmap = await createImageBitmap(file);
    // The bitmap's own size: a photo's orientation (EXIF) may have turned it from the sniffed one.
    const { width, height } = thumbnailSize(bitmap.width || image.width, bitmap.height || image.height);
    const target = surface(width, height);
    if (!target) return null;
    for (const { type, quality } of ENCODINGS) {
      target.context.clearRect(0, 0, width, height);
      if (type === 'image/jpeg') {
        target.context.fillStyle = '#ffffff';
        target.context.fillRect(0, 0, width, height);
      }
      target.context.drawImage(bitmap, 0, 0, width, height);
      const blob = await encode(target.canvas, type, quality);
      // An engine that cannot write WebP writes PNG instead: try the next.
      if (!blob || blob.type !== type) continue;
      const data = bytesToBase64(new Uint8Array(await blob.arrayBuffer()));
      if (data.length <= MAX_BASE64) return { type, width, height, data };
    }
    return null;
  } catch {
    return null;
  } finally {
    bitmap?.close();
  }
}
