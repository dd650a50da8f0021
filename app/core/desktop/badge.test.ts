import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { conversationView } from '../../../test/support/core/views.js';
import { BADGE_FILES, badgeFor } from './badge.js';
import { unreadTotal } from './tray-menu.js';

const RESOURCES = new URL('../../../resources/badge/', import.meta.url);

/** Width, height and the RGBA pixels of an 8-bit RGBA PNG without filters (what make-badges writes). */
function readPng(bytes: Buffer): { width: number; height: number; pixel(x: number, y: number): number[] } {
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([...data.subarray(8, 13)]).toEqual([8, 6, 0, 0, 0]);
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = 1 + width * 4;
  return { width, height, pixel: (x, y) => [...raw.subarray(y * stride + 1 + x * 4, y * stride + 1 + x * 4 + 4)] };
}

describe('the unread badge', () => {
  it('is a count on macOS and Linux, zero included (which clears it)', () => {
    expect(badgeFor({ unread: 3, platform: 'darwin' })).toEqual({ kind: 'count', count: 3 });
    expect(badgeFor({ unread: 250, platform: 'linux' })).toEqual({ kind: 'count', count: 250 });
    expect(badgeFor({ unread: 0, platform: 'linux' })).toEqual({ kind: 'count', count: 0 });
  });

  it('is an overlay on Windows: the number up to 9, then 9+, with a description for screen readers', () => {
    expect(badgeFor({ unread: 1, platform: 'win32' })).toEqual({ kind: 'overlay', overlay: { file: 'badge-1.png', description: '1 unread message' } });
    expect(badgeFor({ unread: 3, platform: 'win32' })).toEqual({ kind: 'overlay', overlay: { file: 'badge-3.png', description: '3 unread messages' } });
    expect(badgeFor({ unread: 9, platform: 'win32' })).toEqual({ kind: 'overlay', overlay: { file: 'badge-9.png', description: '9 unread messages' } });
    expect(badgeFor({ unread: 10, platform: 'win32' })).toEqual({ kind: 'overlay', overlay: { file: 'badge-9plus.png', description: '10 unread messages' } });
  });

  it('has no overlay on Windows when nothing is unread', () => {
    expect(badgeFor({ unread: 0, platform: 'win32' })).toEqual({ kind: 'overlay', overlay: null });
  });

  it('never shows a negative, fractional or missing number', () => {
    expect(badgeFor({ unread: -2, platform: 'darwin' })).toEqual({ kind: 'count', count: 0 });
    expect(badgeFor({ unread: 2.7, platform: 'darwin' })).toEqual({ kind: 'count', count: 2 });
    expect(badgeFor({ unread: Number.NaN, platform: 'win32' })).toEqual({ kind: 'overlay', overlay: null });
  });

  it('does not count muted or hidden conversations (the tray’s unread total)', () => {
    const conversations = [
      conversationView(1, { unread: 2 }),
      conversationView(2, { unread: 5, muted: true }),
      conversationView(3, { unread: 7, hidden: true }),
      conversationView(4, { unread: 1, favorite: true }),
    ];
    expect(badgeFor({ unread: unreadTotal(conversations), platform: 'darwin' })).toEqual({ kind: 'count', count: 3 });
    expect(badgeFor({ unread: unreadTotal(conversations), platform: 'win32' })).toMatchObject({ overlay: { file: 'badge-3.png' } });
    expect(badgeFor({ unread: unreadTotal(conversations.slice(1, 3)), platform: 'win32' })).toEqual({ kind: 'overlay', overlay: null });
  });

  it('names only files in resources/badge, every one 16 pixels with a 32-pixel @2x, a red disc on a clear corner', () => {
    const named = new Set(
      Array.from({ length: 30 }, (_, i) => badgeFor({ unread: i + 1, platform: 'win32' })).map((b) => (b.kind === 'overlay' ? b.overlay?.file : null)),
    );
    expect([...named].sort()).toEqual([...BADGE_FILES].sort());
    for (const file of BADGE_FILES) {
      for (const [name, size] of [
        [file, 16],
        [file.replace(/\.png$/, '@2x.png'), 32],
      ] as const) {
        const png = readPng(readFileSync(new URL(name, RESOURCES)));
        expect([png.width, png.height], name).toEqual([size, size]);
        expect(png.pixel(0, 0)[3], `${name} corner`).toBe(0);
        const white = (p: number[]) => p[0] === 255 && p[1] === 255 && p[2] === 255 && p[3] === 255;
        const all = Array.from({ length: size * size }, (_, i) => png.pixel(i % size, Math.floor(i / size)));
        expect(all.some(white), `${name} has its number`).toBe(true);
        expect(
          all.filter((p) => p[3] === 255 && !white(p)).every((p) => p[0] === 0xe5 && p[1] === 0x3e),
          `${name} is red`,
        ).toBe(true);
      }
    }
  });

  it('draws a different number on each badge', () => {
    const bytes = BADGE_FILES.map((file) => readFileSync(new URL(file, RESOURCES)).toString('base64'));
    expect(new Set(bytes).size).toBe(BADGE_FILES.length);
  });
});
