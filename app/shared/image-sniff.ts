/**
 * What an image is and how big, read from its first bytes (the magic number and the header), never
 * by decoding it. Both sides use it before they let an image near a decoder: the main process on
 * the bytes it stores and receives, the window on what it is about to show. A file's name and MIME
 * type are the sender's word; only these bytes count.
 *
 * Part of app/shared: plain TypeScript that imports nothing outside app/shared.
 */
import { INLINE_IMAGE_MAX_BYTES, INLINE_IMAGE_MAX_PIXELS } from './rules.js';

export type SniffedImage = { type: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp'; width: number; height: number };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** A JPEG header is a few segments; a walk longer than this is not a header worth reading. */
const MAX_JPEG_SEGMENTS = 256;

/** Whether `bytes` holds `expected` (numbers, or a string of ASCII characters) at `at`. */
function startsWith(bytes: Uint8Array, expected: readonly number[] | string, at = 0): boolean {
  if (at + expected.length > bytes.length) return false;
  for (let i = 0; i < expected.length; i++) {
    const want = typeof expected === 'string' ? expected.charCodeAt(i) : expected[i];
    if (bytes[at + i] !== want) return false;
  }
  return true;
}

// Callers check the length first: these read inside the array only.
const u16be = (b: Uint8Array, at: number): number => ((b[at] as number) << 8) | (b[at + 1] as number);
const u16le = (b: Uint8Array, at: number): number => (b[at] as number) | ((b[at + 1] as number) << 8);
const u24le = (b: Uint8Array, at: number): number => u16le(b, at) | ((b[at + 2] as number) << 16);
// Multiplied, not shifted: a shift would make the top bit a sign.
const u32be = (b: Uint8Array, at: number): number => u16be(b, at) * 0x10000 + u16be(b, at + 2);

function sized(type: SniffedImage['type'], width: number, height: number): SniffedImage | null {
  return width >= 1 && height >= 1 ? { type, width, height } : null;
}

/** PNG: the signature, then the IHDR chunk (always first) with the width and height. */
function png(b: Uint8Array): SniffedImage | null {
  if (b.length < 24 || !startsWith(b, 'IHDR', 12) || u32be(b, 8) !== 13) return null;
  const width = u32be(b, 16);
  const height = u32be(b, 20);
  // The PNG specification caps each side at 2^31 - 1.
  if (width > 0x7fffffff || height > 0x7fffffff) return null;
  return sized('image/png', width, height);
}

/** GIF: the version, then the logical screen's width and height. */
function gif(b: Uint8Array): SniffedImage | null {
  if (b.length < 10) return null;
  return sized('image/gif', u16le(b, 6), u16le(b, 8));
}

/** WebP: RIFF....WEBP, then the first chunk: lossy (VP8), lossless (VP8L) or extended (VP8X). */
function webp(b: Uint8Array): SniffedImage | null {
  if (!startsWith(b, 'WEBP', 8)) return null;
  if (startsWith(b, 'VP8 ', 12)) {
    // A 3-byte frame tag (bit 0 clear: a key frame), the start code 9d 01 2a, then 14-bit sides.
    if (b.length < 30 || ((b[20] as number) & 1) !== 0 || !startsWith(b, [0x9d, 0x01, 0x2a], 23)) return null;
    return sized('image/webp', u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff);
  }
  if (startsWith(b, 'VP8L', 12)) {
    // The signature 0x2f, then 14 bits of width - 1 and 14 bits of height - 1, little-endian.
    if (b.length < 25 || b[20] !== 0x2f) return null;
    const bits = (u16le(b, 21) | (u16le(b, 23) << 16)) >>> 0;
    return sized('image/webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (startsWith(b, 'VP8X', 12)) {
    // Flags and reserved bytes, then 24 bits each of canvas width - 1 and height - 1.
    if (b.length < 30) return null;
    return sized('image/webp', u24le(b, 24) + 1, u24le(b, 27) + 1);
  }
  return null;
}

/** A JPEG start-of-frame marker (baseline, progressive, lossless, ...): not DHT (C4), JPG (C8) or DAC (CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/**
 * JPEG: SOI, then segments (each a marker and a length that counts itself) up to the first
 * start-of-frame, which holds the height and the width. Every step moves forward, and nothing is
 * read past the end: a length that points beyond it, or the scan starting first, is no header.
 */
function jpeg(b: Uint8Array): SniffedImage | null {
  let at = 2;
  for (let segment = 0; segment < MAX_JPEG_SEGMENTS; segment++) {
    if (at >= b.length || b[at] !== 0xff) return null;
    // Any number of 0xff may pad before a marker.
    while (at < b.length && b[at] === 0xff) at++;
    if (at >= b.length) return null;
    const marker = b[at] as number;
    at++;
    // Markers without a segment: TEM and the restart markers.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    // Another SOI, the end of the image, or the scan before any frame: nonsense.
    if (marker === 0x00 || marker === 0xd8 || marker === 0xd9 || marker === 0xda) return null;
    if (at + 2 > b.length) return null;
    const length = u16be(b, at);
    if (length < 2) return null;
    if (isStartOfFrame(marker)) {
      // Length, precision (1 byte), height, width.
      if (length < 8 || at + 7 > b.length) return null;
      return sized('image/jpeg', u16be(b, at + 5), u16be(b, at + 3));
    }
    at += length;
  }
  return null;
}

/**
 * The type and pixel size from the first bytes of an image (its magic number and header), or null:
 * not one of these four, SVG, truncated or nonsense. Never decodes.
 */
export function sniffImage(bytes: Uint8Array): SniffedImage | null {
  if (startsWith(bytes, PNG_SIGNATURE)) return png(bytes);
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return jpeg(bytes);
  if (startsWith(bytes, 'GIF87a') || startsWith(bytes, 'GIF89a')) return gif(bytes);
  if (startsWith(bytes, 'RIFF')) return webp(bytes);
  return null;
}

/**
 * Whether an image of this size may be decoded inline: bytes ≤ INLINE_IMAGE_MAX_BYTES,
 * width*height ≤ INLINE_IMAGE_MAX_PIXELS, both sides ≥ 1. A small file can claim a huge picture
 * (a decompression bomb), so the pixels count as much as the bytes.
 */
export function mayDecodeInline(image: SniffedImage, byteLength: number): boolean {
  const { width, height } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) return false;
  if (!Number.isFinite(byteLength) || byteLength < 0 || byteLength > INLINE_IMAGE_MAX_BYTES) return false;
  return width * height <= INLINE_IMAGE_MAX_PIXELS;
}
