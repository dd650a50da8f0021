/**
 * Draws the Windows taskbar overlay badges: resources/badge/badge-1.png … badge-9.png and
 * badge-9plus.png, 16×16, each with a 32×32 @2x sibling. A red disc (the tray's unread red) with
 * the count in white, in a 5×7 pixel font drawn on whole pixels so it stays sharp at 16 pixels;
 * only the disc's edge is smoothed.
 *
 *   npx tsx scripts/make-badges.ts
 *
 * Plain Node and node:zlib, nothing random and no timestamps: running it again on an unchanged
 * script leaves git clean. The PNGs are committed; app/core/desktop/badge.ts names them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'badge');
const RED = [0xe5, 0x3e, 0x3e] as const;
const WHITE = [0xff, 0xff, 0xff] as const;
const SUPERSAMPLE = 4;

const GLYPHS: Record<string, string[]> = {
  '1': ['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  '2': ['.###.', '#...#', '....#', '...#.', '..#..', '.#...', '#####'],
  '3': ['#####', '...#.', '..#..', '...#.', '....#', '#...#', '.###.'],
  '4': ['...#.', '..##.', '.#.#.', '#..#.', '#####', '...#.', '...#.'],
  '5': ['#####', '#....', '####.', '....#', '....#', '#...#', '.###.'],
  '6': ['..##.', '.#...', '#....', '####.', '#...#', '#...#', '.###.'],
  '7': ['#####', '....#', '...#.', '..#..', '.#...', '.#...', '.#...'],
  '8': ['.###.', '#...#', '#...#', '.###.', '#...#', '#...#', '.###.'],
  '9': ['.###.', '#...#', '#...#', '.####', '....#', '...#.', '.##..'],
  '+': ['.....', '..#..', '..#..', '#####', '..#..', '..#..', '.....'],
};
const GLYPH_W = 5;
const GLYPH_H = 7;

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.byteLength);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** An 8-bit RGBA PNG of `rgba` (size × size × 4 bytes). */
function encodePng(size: number, rgba: Uint8Array): Buffer {
  const raw = Buffer.alloc(size * (1 + size * 4));
  for (let y = 0; y < size; y++) {
    raw[y * (1 + size * 4)] = 0; // filter: none
    raw.set(rgba.subarray(y * size * 4, (y + 1) * size * 4), y * (1 + size * 4) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The badge for `label` ("1" … "9", "9+") at `size` pixels (16 or 32). */
export function drawBadge(label: string, size: number): Buffer {
  const rgba = new Uint8Array(size * size * 4);
  const r = size / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let inside = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const dx = x + (sx + 0.5) / SUPERSAMPLE - r;
          const dy = y + (sy + 0.5) / SUPERSAMPLE - r;
          if (dx * dx + dy * dy <= r * r) inside++;
        }
      }
      rgba.set([...RED, Math.round((255 * inside) / SUPERSAMPLE ** 2)], (y * size + x) * 4);
    }
  }
  // Whole pixels per font pixel; one font pixel between characters.
  const scale = size / 16;
  const width = (label.length * GLYPH_W + (label.length - 1)) * scale;
  const left = Math.floor((size - width) / 2);
  const top = Math.floor((size - GLYPH_H * scale) / 2);
  [...label].forEach((ch, index) => {
    const glyph = GLYPHS[ch];
    if (!glyph) throw new Error(`no glyph for ${ch}`);
    glyph.forEach((row, gy) => {
      [...row].forEach((cell, gx) => {
        if (cell !== '#') return;
        for (let py = 0; py < scale; py++) {
          for (let px = 0; px < scale; px++) {
            const x = left + (index * (GLYPH_W + 1) + gx) * scale + px;
            const y = top + gy * scale + py;
            rgba.set([...WHITE, 255], (y * size + x) * 4);
          }
        }
      });
    });
  });
  return encodePng(size, rgba);
}

/** File name (as badge.ts names it) → label. */
export const BADGES: [file: string, label: string][] = [
  ...Array.from({ length: 9 }, (_, i): [string, string] => [`badge-${i + 1}.png`, String(i + 1)]),
  ['badge-9plus.png', '9+'],
];

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(OUT, { recursive: true });
  for (const [file, label] of BADGES) {
    writeFileSync(join(OUT, file), drawBadge(label, 16));
    writeFileSync(join(OUT, file.replace(/\.png$/, '@2x.png')), drawBadge(label, 32));
  }
  process.stdout.write(`wrote ${BADGES.length * 2} badges to ${OUT}\n`);
}
