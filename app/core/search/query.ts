/**
 * What a search's text means, as plain functions: its words (folded the way the indexes fold them:
 * case, diacritics, and everything but letters and digits splitting words), the FTS5 expressions
 * for them, how well a message matches, and the message's text cut into plain segments around the
 * matches for highlighting. Nothing here touches the database.
 *
 * Every word must match (AND). A search is answered in two steps. First the word index, each word
 * as the start of a word ("caf" finds "café", "ca" does not find "deca"): exact, and what people
 * mean most of the time. When that finds fewer than the page, the trigram index adds matches
 * inside words ("example" in "counterexample" or a URL; 3 or more characters only). It answers rows
 * holding all of a word's trigrams anywhere; `relevance` is 0 for those that do not hold the word
 * itself, and the caller drops them. A 1-character word is left out when there are longer ones
 * ("l'arbre" looks for "arbre"); alone it is too short to search. Quotes and operators the user
 * types are plain text, since only letters and digits reach the expressions.
 */
import type { TextSegment } from '../../ipc/views.js';

/** Letters, digits and the marks that are part of letters (Devanagari vowel signs): what SQLite's unicode61 keeps in a word. */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
/** Accents on Latin letters, which both indexes fold away (remove_diacritics); other scripts' marks stay: "й" is not "и". */
const LATIN_ACCENTS = /(\p{Script=Latin})\p{M}+/gu;
/** A character with the marks that follow it: folded and highlighted as one. */
const CLUSTER = /\P{M}\p{M}*|\p{M}+/gsu;
/** Longer messages are shown as the part around their first match. */
const SNIPPET_CHARS = 240;
const SNIPPET_LEAD = 60;

export type ParsedQuery = {
  words: string[];
  /** Every word as the start of a word, over the word index. */
  prefixExpr: string;
  /** The 3+ character words' trigrams, over the trigram index; null when every word is shorter. */
  trigramsExpr: string | null;
};

/** Anything but printable ASCII and ordinary white space. */
const NOT_PLAIN_ASCII = /[^ -~\t\n\r]/;

/** Case and accents folded as the indexes fold them: "Crème Brûlée" → "creme brulee" (Latin accents only). */
export function fold(text: string): string {
  // Most messages are ASCII, and normalizing is most of the cost of checking 400 rows.
  if (!NOT_PLAIN_ASCII.test(text)) return text.toLowerCase();
  return text.normalize('NFD').replace(LATIN_ACCENTS, '$1').normalize('NFC').toLowerCase();
}

/** The query's words and the expressions for the two indexes; null when nothing in it can be searched. */
export function parseQuery(text: string): ParsedQuery | null {
  const all = [...new Set((fold(text).match(WORD) ?? []).map((w) => w))];
  const words = all.filter((w) => w.length >= 2);
  if (words.length === 0) return null;
  const long = words.filter((w) => [...w].length >= 3);
  return {
    words,
    prefixExpr: words.map((w) => `"${w}"*`).join(' AND '),
    trigramsExpr: long.length ? [...new Set(long.flatMap(trigramsOf))].map((t) => `"${t}"`).join(' AND ') : null,
  };
}

/** A word's runs of three characters ("arbre": arb, rbr, bre), as the trigram index holds them. */
function trigramsOf(word: string): string[] {
  const chars = [...word];
  return chars.slice(0, chars.length - 2).map((_, i) => chars.slice(i, i + 3).join(''));
}

/** The text folded, with where each folded character came from (folding can change lengths). */
function foldWithMap(text: string): { folded: string; start: number[]; end: number[] } {
  let folded = '';
  const start: number[] = [];
  const end: number[] = [];
  for (const cluster of text.matchAll(CLUSTER)) {
    const f = fold(cluster[0]);
    for (let k = 0; k < f.length; k++) {
      start.push(cluster.index);
      end.push(cluster.index + cluster[0].length);
    }
    folded += f;
  }
  return { folded, start, end };
}

/** `at`, moved back to the start of its character and marks: a snippet never cuts an emoji or an accent off. */
function cutAt(text: string, at: number): number {
  let i = Math.max(0, Math.min(text.length, at));
  while (i > 0 && i < text.length && (/[\uDC00-\uDFFF]/.test(text[i]!) || /\p{M}/u.test(text[i]!))) i--;
  return i;
}

const isWordChar = (folded: string, at: number): boolean => at >= 0 && at < folded.length && WORD_CHAR.test(folded[at]!);

type Hit = { from: number; to: number; quality: number };

/** Every place a word matches: 3 a whole word, 2 the start of a word, 1 inside a word (3+ characters only). */
function hitsOf(folded: string, word: string): Hit[] {
  const hits: Hit[] = [];
  for (let at = folded.indexOf(word); at !== -1; at = folded.indexOf(word, at + 1)) {
    const startsWord = !isWordChar(folded, at - 1);
    if (!startsWord && [...word].length < 3) continue;
    const quality = startsWord ? (isWordChar(folded, at + word.length) ? 2 : 3) : 1;
    hits.push({ from: at, to: at + word.length, quality });
  }
  return hits;
}

/** How well a text matches: each word's best place, summed (0: a word is not there). */
export function relevance(text: string, words: readonly string[]): number {
  const folded = fold(text);
  let score = 0;
  for (const word of words) {
    const best = Math.max(0, ...hitsOf(folded, word).map((h) => h.quality));
    if (best === 0) return 0;
    score += best;
  }
  return score;
}

/** The text (or the part around its first match) cut into plain segments, the matches marked. */
export function highlight(text: string, words: readonly string[]): TextSegment[] {
  const { folded, start, end } = foldWithMap(text);
  const ranges = words
    .flatMap((w) => hitsOf(folded, w))
    .filter((h) => h.to > h.from)
    .map((h) => ({ from: start[h.from]!, to: end[h.to - 1]! }))
    .sort((a, b) => a.from - b.from);
  const merged: { from: number; to: number }[] = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r.from <= last.to) last.to = Math.max(last.to, r.to);
    else merged.push({ ...r });
  }
  let from = 0;
  let to = text.length;
  if (text.length > SNIPPET_CHARS) {
    const first = merged[0]?.from ?? 0;
    from = cutAt(text, Math.max(0, Math.min(first - SNIPPET_LEAD, text.length - SNIPPET_CHARS)));
    to = cutAt(text, Math.min(text.length, from + SNIPPET_CHARS));
  }
  const segments: TextSegment[] = [];
  const push = (s: string, match: boolean): void => {
    if (s) segments.push({ text: s, match });
  };
  if (from > 0) push('…', false);
  let at = from;
  for (const r of merged) {
    if (r.to <= from || r.from >= to) continue;
    push(text.slice(at, Math.max(at, r.from)), false);
    push(text.slice(Math.max(at, r.from), Math.min(to, r.to)), true);
    at = Math.min(to, r.to);
  }
  push(text.slice(at, to), false);
  if (to < text.length) push('…', false);
  return segments;
}
