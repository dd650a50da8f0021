/**
 * What a conversation's avatar shows when there is no picture: one or two initials from its name,
 * on a colour that stays the same for the conversation (picked from its id, so renaming it or
 * reordering the list does not repaint it).
 */

/**
 * The avatar backgrounds. White initials reach at least 4.5:1 on every one of them (WCAG AA for
 * normal text; avatar.test.ts checks it with the contrast helper), in light and dark themes alike.
 */
export const AVATAR_PALETTE = [
  '#b3261e', // red
  '#c2410c', // orange
  '#a16207', // amber
  '#15803d', // green
  '#0f766e', // teal
  '#0e7490', // cyan
  '#0369a1', // sky
  '#1d4ed8', // blue
  '#6d28d9', // violet
  '#a21caf', // fuchsia
  '#be123c', // rose
  '#4b5563', // slate
] as const;

/** The colour of the initials on every palette colour. */
export const AVATAR_TEXT = '#ffffff';

/** FNV-1a, 32 bits: cheap, and spreads ids that differ only in their last characters. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The avatar colour of conversation `id`: always the same one for the same id. */
export function avatarColor(id: string): string {
  return AVATAR_PALETTE[hash(id) % AVATAR_PALETTE.length]!;
}

/**
 * User-perceived characters, closely enough for the start of a name: a flag (two regional
 * indicators), an emoji with its skin tone and joined emoji, or a character with its combining
 * marks (accents, variation selectors, a keycap). A regular expression rather than
 * Intl.Segmenter: building a segmenter took 17 to 30 ms in Chromium, on the list's first paint.
 */
const GRAPHEME =
  /\p{RI}\p{RI}|\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|\p{M})*(?:\u200D\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|\p{M})*)*|[\s\S]\p{M}*/gu;

function graphemes(text: string): string[] {
  return text.match(GRAPHEME) ?? [];
}

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]/u;

/**
 * One or two initials for `name`: the first letter of its first and of its last word ("Bob Brown"
 * → "BB", "alice" → "A", "Émile Zola" → "ÉZ", "王小明" → "王"). Words that hold no letter (an emoji,
 * "&") are skipped; a name of emoji only shows its first one ("🎉 🎂" → "🎉"); an empty name, "?".
 */
export function initials(name: string): string {
  const firstLetters: string[] = [];
  for (const word of name.trim().split(/\s+/)) {
    const letter = graphemes(word).find((g) => LETTER_OR_DIGIT.test(g));
    if (letter) firstLetters.push(letter);
  }
  if (firstLetters.length === 0) return graphemes(name.trim())[0] ?? '?';
  const picked = firstLetters.length === 1 ? [firstLetters[0]!] : [firstLetters[0]!, firstLetters[firstLetters.length - 1]!];
  return picked.map((g) => g.toLocaleUpperCase()).join('');
}
