#!/usr/bin/env node
// Generates every icon PNG the app and its installers use, from one drawing:
// a rounded speech bubble in brand blue (#2f6fed) with three white dots, on a
// transparent background.
//
//   node resources/generate-icons.mjs
//
// Plain Node, no dependencies: shapes are tested point by point on a
// supersampled grid (anti-aliasing), and PNGs are encoded by hand with
// node:zlib. The output is deterministic, so re-running it on an unchanged
// script leaves git clean. The PNGs are committed as source assets.
//
// Writes (paths relative to the repository root):
//   resources/icon.png                    512  window icon (BrowserWindow `icon`)
//   resources/tray/tray.png, tray@2x.png  16/32  tray icon, Windows and Linux
//   resources/tray/tray-unread(@2x).png   16/32  same with a red unread badge
//   resources/tray/trayTemplate(@2x).png  16/32  macOS template image (black + alpha)
//   resources/tray/trayUnreadTemplate(@2x).png   macOS template with a badge
//   build/icon.png                        1024 electron-builder derives .icns / .ico from it
//   build/icons/<n>x<n>.png               16..512  Linux icon set (linux.icon)
//   renderer/public/favicon.png           64   the chat window's favicon (browser host and app://)
//
// At runtime the tray images live inside app.asar (files: resources/**);
// nativeImage reads asar paths and picks up the @2x file next to the 1x one,
// and a file name ending in "Template" marks a macOS template image.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------- colours

const BLUE = [0x2f, 0x6f, 0xed];
const WHITE = [0xff, 0xff, 0xff];
const RED = [0xe5, 0x3e, 0x3e];
const BLACK = [0x00, 0x00, 0x00];

// ---------------------------------------------------------------- geometry
// All shapes are in a unit square, x to the right, y downwards.

/** Rounded rectangle given by its bounds and corner radius. */
function roundedRect(x0, y0, x1, y1, r) {
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const hx = (x1 - x0) / 2;
  const hy = (y1 - y0) / 2;
  return (x, y) => {
    const dx = Math.abs(x - cx);
    const dy = Math.abs(y - cy);
    if (dx > hx || dy > hy) return false;
    const qx = dx - (hx - r);
    const qy = dy - (hy - r);
    if (qx <= 0 || qy <= 0) return true;
    return qx * qx + qy * qy <= r * r;
  };
}

/** Triangle through three points (either winding). */
function triangle([ax, ay], [bx, by], [cx, cy]) {
  const side = (px, py, qx, qy, x, y) => (qx - px) * (y - py) - (qy - py) * (x - px);
  return (x, y) => {
    const d1 = side(ax, ay, bx, by, x, y);
    const d2 = side(bx, by, cx, cy, x, y);
    const d3 = side(cx, cy, ax, ay, x, y);
    const hasNeg = d1 < 0 || d2 < 0 || d3 < 0;
    const hasPos = d1 > 0 || d2 > 0 || d3 > 0;
    return !(hasNeg && hasPos);
  };
}

function circle(cx, cy, r) {
  return (x, y) => (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r;
}

const union =
  (...shapes) =>
  (x, y) =>
    shapes.some((s) => s(x, y));
const never = () => false;

/**
 * The logo, parameterised so that the small tray sizes can use the whole
 * square and bigger dots (they would blur away at 16 px otherwise) while the
 * application icon keeps some breathing room.
 */
function logo({ body, radius, tail, dotY, dotSpacing, dotRadius, badge }) {
  const bubble = union(roundedRect(...body, radius), triangle(...tail));
  const dots = union(circle(0.5 - dotSpacing, dotY, dotRadius), circle(0.5, dotY, dotRadius), circle(0.5 + dotSpacing, dotY, dotRadius));
  const badgeDot = badge ? circle(badge.x, badge.y, badge.r) : never;
  // A transparent ring around the badge so it reads as separate from the bubble.
  const badgeGap = badge ? circle(badge.x, badge.y, badge.r + badge.gap) : never;
  return { bubble, dots, badgeDot, badgeGap };
}

const APP_ICON = {
  body: [0.08, 0.14, 0.92, 0.74],
  radius: 0.2,
  tail: [
    [0.22, 0.7],
    [0.44, 0.7],
    [0.15, 0.9],
  ],
  dotY: 0.44,
  dotSpacing: 0.19,
  dotRadius: 0.065,
};

const TRAY_ICON = {
  body: [0.02, 0.08, 0.98, 0.76],
  radius: 0.24,
  tail: [
    [0.18, 0.7],
    [0.44, 0.7],
    [0.08, 0.97],
  ],
  dotY: 0.44,
  dotSpacing: 0.24,
  dotRadius: 0.085,
};

// In the top-right corner, clear of the third dot (badge + gap + dot radius
// is less than the distance between their centres).
const TRAY_BADGE = { x: 0.85, y: 0.15, r: 0.15, gap: 0.06 };

/** Colour (or null for transparent) of the topmost layer at one point. */
function colourPainter(shapes) {
  return (x, y) => {
    if (shapes.badgeDot(x, y)) return RED;
    if (shapes.badgeGap(x, y)) return null;
    if (!shapes.bubble(x, y)) return null;
    return shapes.dots(x, y) ? WHITE : BLUE;
  };
}

/**
 * macOS template image: only black and alpha matter (the system recolours it
 * for light/dark menu bars), so the dots are cut out of the silhouette.
 */
function templatePainter(shapes) {
  return (x, y) => {
    if (shapes.badgeDot(x, y)) return BLACK;
    if (shapes.badgeGap(x, y)) return null;
    if (!shapes.bubble(x, y) || shapes.dots(x, y)) return null;
    return BLACK;
  };
}

// ---------------------------------------------------------------- raster

/** Renders `paint` into straight (non-premultiplied) RGBA, size x size. */
function render(size, paint) {
  // More subsamples for small images: edges there are a large share of pixels.
  const n = size <= 64 ? 16 : size <= 256 ? 8 : 4;
  const samples = n * n;
  const out = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < n; sy++) {
        const y = (py + (sy + 0.5) / n) / size;
        for (let sx = 0; sx < n; sx++) {
          const x = (px + (sx + 0.5) / n) / size;
          const c = paint(x, y);
          if (c === null) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          a += 1;
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        // Average colour over the covered samples, coverage as alpha.
        out[i] = Math.round(r / a);
        out[i + 1] = Math.round(g / a);
        out[i + 2] = Math.round(b / a);
        out[i + 3] = Math.round((255 * a) / samples);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- PNG

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/**
 * Filters each scanline with whichever of the five PNG filters gives the
 * smallest sum of absolute values (the usual heuristic), for smaller files.
 */
function filterScanlines(rgba, width, height) {
  const bpp = 4;
  const stride = width * bpp;
  const out = Buffer.alloc((stride + 1) * height);
  const candidate = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const row = rgba.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? rgba.subarray((y - 1) * stride, y * stride) : Buffer.alloc(stride);
    let bestFilter = 0;
    let bestScore = Infinity;
    let best = Buffer.from(row);
    for (let filter = 0; filter <= 4; filter++) {
      let score = 0;
      for (let i = 0; i < stride; i++) {
        const left = i >= bpp ? row[i - bpp] : 0;
        const up = prev[i];
        const upLeft = i >= bpp ? prev[i - bpp] : 0;
        let predictor = 0;
        if (filter === 1) predictor = left;
        else if (filter === 2) predictor = up;
        else if (filter === 3) predictor = (left + up) >> 1;
        else if (filter === 4) predictor = paeth(left, up, upLeft);
        const v = (row[i] - predictor) & 0xff;
        candidate[i] = v;
        score += v < 128 ? v : 256 - v;
      }
      if (score < bestScore) {
        bestScore = score;
        bestFilter = filter;
        best = Buffer.from(candidate);
      }
    }
    out[y * (stride + 1)] = bestFilter;
    best.copy(out, y * (stride + 1) + 1);
  }
  return out;
}

function encodePng(rgba, size) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0); // width
  header.writeUInt32BE(size, 4); // height
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: truecolour with alpha
  header[10] = 0; // compression
  header[11] = 0; // filter method
  header[12] = 0; // no interlace
  const idat = deflateSync(filterScanlines(rgba, size, size), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------- outputs

function write(relativePath, size, paint) {
  const path = join(ROOT, relativePath);
  mkdirSync(dirname(path), { recursive: true });
  const png = encodePng(render(size, paint), size);
  writeFileSync(path, png);
  console.log(`${relativePath.padEnd(40)} ${String(size).padStart(4)} px  ${png.length} bytes`);
}

const appIcon = colourPainter(logo(APP_ICON));
const tray = colourPainter(logo(TRAY_ICON));
const trayUnread = colourPainter(logo({ ...TRAY_ICON, badge: TRAY_BADGE }));
const trayTemplate = templatePainter(logo(TRAY_ICON));
const trayUnreadTemplate = templatePainter(logo({ ...TRAY_ICON, badge: TRAY_BADGE }));

write('resources/icon.png', 512, appIcon);

for (const [scale, suffix] of [
  [1, ''],
  [2, '@2x'],
]) {
  const size = 16 * scale;
  write(`resources/tray/tray${suffix}.png`, size, tray);
  write(`resources/tray/tray-unread${suffix}.png`, size, trayUnread);
  write(`resources/tray/trayTemplate${suffix}.png`, size, trayTemplate);
  write(`resources/tray/trayUnreadTemplate${suffix}.png`, size, trayUnreadTemplate);
}

write('build/icon.png', 1024, appIcon);
for (const size of [16, 32, 48, 64, 128, 256, 512]) {
  write(`build/icons/${size}x${size}.png`, size, appIcon);
}
write('renderer/public/favicon.png', 64, appIcon);
