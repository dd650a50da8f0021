import { describe, expect, it } from 'vitest';
import { AVATAR_PALETTE, AVATAR_TEXT, avatarColor, initials } from './avatar.js';
import { contrastRatio, relativeLuminance } from './contrast.js';

describe('initials', () => {
  it('takes the first letters of the first and last words', () => {
    expect(initials('Bob Brown')).toBe('BB');
    expect(initials('Anna Maria Schmidt')).toBe('AS');
    expect(initials('  Carol   Clark  ')).toBe('CC');
  });

  it('takes one letter from a one-word name', () => {
    expect(initials('Alice')).toBe('A');
    expect(initials('王小明')).toBe('王');
  });

  it('upper-cases, keeping accents with their letter', () => {
    expect(initials('bob brown')).toBe('BB');
    expect(initials('émile zola')).toBe('ÉZ');
    // "e" followed by a combining acute accent: one character to the eye, kept whole.
    expect(initials('e\u0301mile')).toBe('E\u0301');
  });

  it('skips words without letters, and shows an emoji-only name as its first emoji', () => {
    expect(initials('🎉 Party Crew')).toBe('PC');
    expect(initials('Bob & Carol')).toBe('BC');
    expect(initials('(Dave)')).toBe('D');
    expect(initials('👩‍👩‍👧 🏠')).toBe('👩‍👩‍👧');
    expect(initials('👍🏽')).toBe('👍🏽');
    expect(initials('🇫🇷')).toBe('🇫🇷');
    expect(initials('🇫🇷 Paris Team')).toBe('PT');
  });

  it('shows a question mark for an empty name', () => {
    expect(initials('')).toBe('?');
    expect(initials('   ')).toBe('?');
  });
});

describe('avatarColor', () => {
  it('gives the same conversation the same colour every time', () => {
    const id = '0123456789abcdef0123456789abcdef';
    expect(avatarColor(id)).toBe(avatarColor(id));
    expect(AVATAR_PALETTE).toContain(avatarColor(id));
  });

  it('spreads ids over the palette', () => {
    const ids = Array.from({ length: 200 }, (_, i) => i.toString(16).padStart(32, '0'));
    expect(new Set(ids.map(avatarColor)).size).toBe(AVATAR_PALETTE.length);
  });

  it('uses only colours on which white initials reach at least 4.5:1', () => {
    const white = relativeLuminance(AVATAR_TEXT) as number;
    for (const color of AVATAR_PALETTE) expect(contrastRatio(relativeLuminance(color) as number, white), color).toBeGreaterThanOrEqual(4.5);
  });
});
