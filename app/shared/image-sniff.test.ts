import { describe, expect, it } from 'vitest';
import { mayDecodeInline, sniffImage } from './image-sniff.js';
import { INLINE_IMAGE_MAX_BYTES, INLINE_IMAGE_MAX_PIXELS } from './rules.js';

const fromBase64 = (s: string): Uint8Array => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const be16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];
const be32 = (n: number): number[] => [...be16(Math.floor(n / 0x10000)), ...be16(n & 0xffff)];
const le16 = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff];
const le24 = (n: number): number[] => [...le16(n & 0xffff), (n >> 16) & 0xff];

// Real, complete images of one pixel (they decode in any browser).
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const GIF_1X1 = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
const WEBP_LOSSY_1X1 = 'UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA';
const WEBP_LOSSLESS_1X1 = 'UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==';
const WEBP_EXTENDED_1X1 = 'UklGRkoAAABXRUJQVlA4WAoAAAAQAAAAAAAAAAAAQUxQSAwAAAARBxAR/Q9ERP8DAABWUDggGAAAABQBAJ0BKgEAAQAAAP4AAA3AAP7mtQAAAA==';

/** A PNG's signature and IHDR chunk (the CRC is not checked, so zeros do). */
function pngHeader(width: number, height: number): Uint8Array {
  return new Uint8Array([
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    ...be32(13),
    ...ascii('IHDR'),
    ...be32(width),
    ...be32(height),
    8,
    6,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  ]);
}

/** A segment: marker, length (counting itself), body. */
const segment = (marker: number, body: number[]): number[] => [0xff, marker, ...be16(body.length + 2), ...body];

/** A JPEG header: SOI, a JFIF APP0, an EXIF-ish APP1, a DQT, then the frame (SOF0 unless told) and the scan. */
function jpegHeader(width: number, height: number, sof = 0xc0): Uint8Array {
  return new Uint8Array([
    0xff,
    0xd8,
    ...segment(0xe0, [...ascii('JFIF'), 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...segment(0xe1, [...ascii('Exif'), 0, 0, ...new Array<number>(300).fill(7)]),
    ...segment(0xdb, [0, ...new Array<number>(64).fill(1)]),
    ...segment(sof, [8, ...be16(height), ...be16(width), 1, 1, 0x11, 0]),
    ...segment(0xda, [1, 1, 0, 0, 63, 0]),
    0x12,
    0x34,
    0xff,
    0xd9,
  ]);
}

describe('sniffImage', () => {
  it('reads the type and size of real one-pixel PNG, GIF and WebP (lossy, lossless, extended) images', () => {
    expect(sniffImage(fromBase64(PNG_1X1))).toEqual({ type: 'image/png', width: 1, height: 1 });
    expect(sniffImage(fromBase64(GIF_1X1))).toEqual({ type: 'image/gif', width: 1, height: 1 });
    expect(sniffImage(fromBase64(WEBP_LOSSY_1X1))).toEqual({ type: 'image/webp', width: 1, height: 1 });
    expect(sniffImage(fromBase64(WEBP_LOSSLESS_1X1))).toEqual({ type: 'image/webp', width: 1, height: 1 });
    expect(sniffImage(fromBase64(WEBP_EXTENDED_1X1))).toEqual({ type: 'image/webp', width: 1, height: 1 });
  });

  it('reads sizes from headers written by hand, in each byte order', () => {
    expect(sniffImage(pngHeader(640, 480))).toEqual({ type: 'image/png', width: 640, height: 480 });
    const gif = new Uint8Array([...ascii('GIF87a'), ...le16(300), ...le16(200), 0, 0, 0]);
    expect(sniffImage(gif)).toEqual({ type: 'image/gif', width: 300, height: 200 });
    const lossless = new Uint8Array([...ascii('RIFF'), 0, 0, 0, 0, ...ascii('WEBPVP8L'), 0, 0, 0, 0, 0x2f, 0, 0, 0, 0]);
    // 14 bits of width - 1 (1023), then 14 bits of height - 1 (767).
    const bits = 1023 | (767 << 14);
    lossless.set([bits & 0xff, (bits >> 8) & 0xff, (bits >> 16) & 0xff, (bits >>> 24) & 0xff], 21);
    expect(sniffImage(lossless)).toEqual({ type: 'image/webp', width: 1024, height: 768 });
    const extended = new Uint8Array([...ascii('RIFF'), 0, 0, 0, 0, ...ascii('WEBPVP8X'), 10, 0, 0, 0, 0, 0, 0, 0, ...le24(3999), ...le24(2999)]);
    expect(sniffImage(extended)).toEqual({ type: 'image/webp', width: 4000, height: 3000 });
    const lossy = new Uint8Array([...ascii('RIFF'), 0, 0, 0, 0, ...ascii('WEBPVP8 '), 0, 0, 0, 0, 0, 0, 0, 0x9d, 0x01, 0x2a, ...le16(800), ...le16(600)]);
    expect(sniffImage(lossy)).toEqual({ type: 'image/webp', width: 800, height: 600 });
  });

  it('walks a JPEG to its frame past the segments before it, for every kind of frame', () => {
    expect(sniffImage(jpegHeader(4032, 3024))).toEqual({ type: 'image/jpeg', width: 4032, height: 3024 });
    for (const sof of [0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]) {
      expect(sniffImage(jpegHeader(10, 20, sof)), sof.toString(16)).toEqual({ type: 'image/jpeg', width: 10, height: 20 });
    }
    // DHT (c4), JPG (c8) and DAC (cc) are not frames: the walk goes past them to the scan and gives up.
    for (const notSof of [0xc4, 0xc8, 0xcc]) expect(sniffImage(jpegHeader(10, 20, notSof)), notSof.toString(16)).toBeNull();
  });

  it('skips padding before a JPEG marker', () => {
    const padded = new Uint8Array([0xff, 0xd8, 0xff, 0xff, 0xff, ...segment(0xc0, [8, ...be16(5), ...be16(6), 1, 1, 0x11, 0]).slice(1)]);
    expect(sniffImage(padded)).toEqual({ type: 'image/jpeg', width: 6, height: 5 });
  });

  it('refuses SVG, text, other formats and nothing at all', () => {
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
    expect(sniffImage(svg)).toBeNull();
    expect(sniffImage(new TextEncoder().encode('<?xml version="1.0"?><svg/>'))).toBeNull();
    expect(sniffImage(new TextEncoder().encode('%PDF-1.7\n'))).toBeNull();
    expect(sniffImage(new Uint8Array([0x42, 0x4d, 0, 0, 0, 0]))).toBeNull(); // BMP
    expect(sniffImage(new Uint8Array([...ascii('RIFF'), 0, 0, 0, 0, ...ascii('WAVEfmt ')]))).toBeNull();
    expect(sniffImage(new Uint8Array())).toBeNull();
  });

  it('refuses every truncation of a real image, without reading past the end', () => {
    for (const image of [fromBase64(PNG_1X1), fromBase64(GIF_1X1), fromBase64(WEBP_LOSSY_1X1), fromBase64(WEBP_EXTENDED_1X1), jpegHeader(10, 20)]) {
      const whole = sniffImage(image);
      expect(whole).not.toBeNull();
      // Cut before the size is complete, each prefix is null; after, it is the same answer.
      const results = Array.from({ length: image.length }, (_, n) => sniffImage(image.subarray(0, n)));
      const first = results.findIndex((r) => r !== null);
      expect(first).toBeGreaterThan(0);
      for (const r of results.slice(first)) expect(r).toEqual(whole);
    }
  });

  it('refuses a JPEG whose segment length points past the end, or is shorter than itself', () => {
    const beyond = new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xf0, 1, 2, 3, 4]);
    expect(sniffImage(beyond)).toBeNull();
    const tooShort = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01, 0xff, 0xc0, 0, 17, 8, 0, 1, 0, 1]);
    expect(sniffImage(tooShort)).toBeNull();
    // A frame segment too short to hold the size.
    expect(sniffImage(new Uint8Array([0xff, 0xd8, ...segment(0xc0, [8, 0, 1])]))).toBeNull();
  });

  it('stops within its bound on a JPEG that is only segments', () => {
    const many: number[] = [0xff, 0xd8];
    for (let i = 0; i < 10_000; i++) many.push(...segment(0xfe, []));
    many.push(...segment(0xc0, [8, ...be16(5), ...be16(6), 1, 1, 0x11, 0]));
    expect(sniffImage(new Uint8Array(many))).toBeNull();
  });

  it('refuses zero sizes in every format', () => {
    expect(sniffImage(pngHeader(0, 10))).toBeNull();
    expect(sniffImage(pngHeader(10, 0))).toBeNull();
    expect(sniffImage(new Uint8Array([...ascii('GIF89a'), 0, 0, 5, 0]))).toBeNull();
    expect(sniffImage(jpegHeader(0, 10))).toBeNull();
    expect(sniffImage(jpegHeader(10, 0))).toBeNull();
  });

  it('refuses a PNG whose IHDR is not first or has the wrong length', () => {
    const wrongChunk = pngHeader(1, 1);
    wrongChunk.set(ascii('tEXt'), 12);
    expect(sniffImage(wrongChunk)).toBeNull();
    const wrongLength = pngHeader(1, 1);
    wrongLength.set(be32(14), 8);
    expect(sniffImage(wrongLength)).toBeNull();
    expect(sniffImage(pngHeader(0x80000000, 1))).toBeNull();
  });
});

describe('mayDecodeInline', () => {
  it('lets an ordinary picture be decoded', () => {
    expect(mayDecodeInline({ type: 'image/jpeg', width: 4032, height: 3024 }, 3_000_000)).toBe(true);
    expect(mayDecodeInline({ type: 'image/png', width: 1, height: 1 }, 68)).toBe(true);
  });

  it('sniffs a small PNG claiming 100000×100000, then refuses to decode it', () => {
    const bomb = pngHeader(100_000, 100_000);
    const image = sniffImage(bomb);
    expect(image).toEqual({ type: 'image/png', width: 100_000, height: 100_000 });
    expect(mayDecodeInline(image!, bomb.length)).toBe(false);
  });

  it('holds to the limits: bytes and pixels up to the limit pass, one more does not', () => {
    const side = Math.floor(Math.sqrt(INLINE_IMAGE_MAX_PIXELS));
    expect(mayDecodeInline({ type: 'image/png', width: side, height: side }, INLINE_IMAGE_MAX_BYTES)).toBe(true);
    expect(mayDecodeInline({ type: 'image/png', width: 10, height: 10 }, INLINE_IMAGE_MAX_BYTES + 1)).toBe(false);
    expect(mayDecodeInline({ type: 'image/png', width: INLINE_IMAGE_MAX_PIXELS, height: 1 }, 100)).toBe(true);
    expect(mayDecodeInline({ type: 'image/png', width: INLINE_IMAGE_MAX_PIXELS + 1, height: 1 }, 100)).toBe(false);
  });

  it('refuses zero, negative, fractional and non-finite sizes', () => {
    for (const [width, height] of [
      [0, 10],
      [10, 0],
      [-1, 10],
      [1.5, 10],
      [Number.NaN, 1],
      [Number.POSITIVE_INFINITY, 1],
    ] as const) {
      expect(mayDecodeInline({ type: 'image/gif', width, height }, 100), `${width}×${height}`).toBe(false);
    }
    expect(mayDecodeInline({ type: 'image/gif', width: 1, height: 1 }, Number.NaN)).toBe(false);
  });
});
