import { describe, expect, it } from 'vitest';
import { contrastRatio, parseHex, readableTextColor, relativeLuminance } from './contrast.js';

describe('contrast', () => {
  it('parses #rrggbb and #rgb, and refuses anything else', () => {
    expect(parseHex('#1d5fd1')).toEqual([0x1d, 0x5f, 0xd1]);
    expect(parseHex('#FFF')).toEqual([255, 255, 255]);
    expect(parseHex('red')).toBeNull();
    expect(parseHex('#12345')).toBeNull();
  });

  it('computes WCAG relative luminance and contrast ratio', () => {
    expect(relativeLuminance('#000000')).toBe(0);
    expect(relativeLuminance('#ffffff')).toBeCloseTo(1, 10);
    expect(relativeLuminance('#808080')).toBeCloseTo(0.2159, 3);
    expect(contrastRatio(1, 0)).toBeCloseTo(21, 10);
    expect(contrastRatio(0, 1)).toBeCloseTo(21, 10);
  });

  it('picks black on light colours and white on dark ones', () => {
    for (const light of ['#ffffff', '#fff3bf', '#cfe2ff', '#ffff00', '#00ff00', '#808080']) expect(readableTextColor(light)).toBe('#000000');
    for (const dark of ['#000000', '#1e3a8a', '#0000ff', '#7f1d1d', '#374151', '#ff0000'.replace('ff', '99')]) expect(readableTextColor(dark)).toBe('#ffffff');
    expect(readableTextColor('not a colour')).toBeNull();
  });

  it('always reaches at least 4.5:1 with the colour it picks', () => {
    for (let i = 0; i < 4096; i += 7) {
      const hex = `#${[i >> 8, (i >> 4) & 15, i & 15].map((d) => (d * 17).toString(16).padStart(2, '0')).join('')}`;
      const l = relativeLuminance(hex) as number;
      const text = readableTextColor(hex) === '#000000' ? 0 : 1;
      expect(contrastRatio(l, text)).toBeGreaterThanOrEqual(4.5);
    }
  });
});
