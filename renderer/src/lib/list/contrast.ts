/**
 * Readable text on any list colour: black or white, whichever contrasts more with the background
 * (WCAG 2 relative luminance and contrast ratio).
 */

/** `#rrggbb` (or `#rgb`) as 0–255 channels; null when it is not a colour of that form. */
export function parseHex(color: string): [number, number, number] | null {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (!m) return null;
  let hex = m[1] as string;
  if (hex.length === 3) hex = [...hex].map((d) => d + d).join('');
  const n = Number.parseInt(hex, 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance, 0 (black) to 1 (white); null for something that is not a colour. */
export function relativeLuminance(color: string): number | null {
  const rgb = parseHex(color);
  if (!rgb) return null;
  const [r, g, b] = rgb;
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** WCAG contrast ratio of two luminances, 1 to 21. */
export function contrastRatio(l1: number, l2: number): number {
  const [hi, lo] = l1 >= l2 ? [l1, l2] : [l2, l1];
  return (hi + 0.05) / (lo + 0.05);
}

/** `#000000` or `#ffffff`, whichever reads better on `background`; null when it is not a colour. */
export function readableTextColor(background: string): '#000000' | '#ffffff' | null {
  const l = relativeLuminance(background);
  if (l === null) return null;
  return contrastRatio(l, 0) >= contrastRatio(l, 1) ? '#000000' : '#ffffff';
}
