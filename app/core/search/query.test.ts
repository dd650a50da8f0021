/**
 * What a search's text means, as plain functions: folding, the FTS5 expressions built from it, how
 * well a text matches, and the text cut into segments for highlighting. No database here
 * (indexer.test.ts runs the expressions against a real index).
 */
import { describe, expect, it } from 'vitest';
import type { TextSegment } from '../../ipc/views.js';
import { fold, highlight, parseQuery, relevance } from './query.js';

/** A lone half of a surrogate pair: the text was cut inside a character. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const joined = (segments: TextSegment[]): string => segments.map((s) => s.text).join('');
const marked = (segments: TextSegment[]): string[] => segments.filter((s) => s.match).map((s) => s.text);

/** An expression holds nothing but quoted runs of letters and digits (a prefix star after a quote at most), joined by AND. */
function expectOnlyQuotedTerms(expr: string | null, prefix: boolean): void {
  if (expr === null) return;
  for (const term of expr.split(' AND ')) expect(term).toMatch(prefix ? /^"[\p{L}\p{N}]+"\*$/u : /^"[\p{L}\p{N}]{3}"$/u);
}

describe('fold', () => {
  it('folds case and diacritics: "Crème Brûlée" becomes "creme brulee"', () => {
    expect(fold('Crème Brûlée')).toBe('creme brulee');
    expect(fold('ÀÉÎÕÜ Ç ñ')).toBe('aeiou c n');
  });

  it('leaves punctuation, apostrophes and digits as they are', () => {
    expect(fold("L'Arbre, 2026!")).toBe("l'arbre, 2026!");
    expect(fold('l’arbre')).toBe('l’arbre');
  });
});

describe('parseQuery', () => {
  it('is null when nothing can be searched: empty, punctuation only, or a single letter', () => {
    for (const text of ['', '   ', '?!', '\' - * "', 'a', 'l', 'x y z', '☕']) expect(parseQuery(text), JSON.stringify(text)).toBeNull();
  });

  it('drops 1-letter words when longer ones are there: "l\'arbre" looks for "arbre"', () => {
    expect(parseQuery("l'arbre")).toEqual({ words: ['arbre'], prefixExpr: '"arbre"*', trigramsExpr: '"arb" AND "rbr" AND "bre"' });
    expect(parseQuery('l’arbre')?.words).toEqual(['arbre']);
    expect(parseQuery('a ca')?.words).toEqual(['ca']);
  });

  it('looks a 2-letter word up as a word prefix only, never in the trigram index', () => {
    expect(parseQuery('ca')).toEqual({ words: ['ca'], prefixExpr: '"ca"*', trigramsExpr: null });
    expect(parseQuery('Ça va')).toEqual({ words: ['ca', 'va'], prefixExpr: '"ca"* AND "va"*', trigramsExpr: null });
  });

  it('looks a word of 3 or more letters up as a word prefix, and inside words by all of its trigrams, folded', () => {
    expect(parseQuery('Café')).toEqual({ words: ['cafe'], prefixExpr: '"cafe"*', trigramsExpr: '"caf" AND "afe"' });
    expect(parseQuery('caf')?.trigramsExpr).toBe('"caf"');
    expect(parseQuery('example')?.trigramsExpr).toBe('"exa" AND "xam" AND "amp" AND "mpl" AND "ple"');
  });

  it("requires every word as a word prefix, and the long ones' trigrams for matches inside words", () => {
    expect(parseQuery('Un café ?')).toEqual({ words: ['un', 'cafe'], prefixExpr: '"un"* AND "cafe"*', trigramsExpr: '"caf" AND "afe"' });
  });

  it('asks for each word and each trigram once', () => {
    expect(parseQuery('cafe CAFÉ café')).toEqual({ words: ['cafe'], prefixExpr: '"cafe"*', trigramsExpr: '"caf" AND "afe"' });
    expect(parseQuery('aaaaa')?.trigramsExpr).toBe('"aaa"');
    expect(parseQuery('banana')?.trigramsExpr).toBe('"ban" AND "ana" AND "nan"');
  });

  it('splits words at punctuation, so a link is its parts', () => {
    expect(parseQuery('https://www.example.com/x')?.words).toEqual(['https', 'www', 'example', 'com']);
  });

  it('counts letters, not UTF-16 units, when cutting trigrams', () => {
    // Mathematical script letters are letters outside the Basic Multilingual Plane (two units each).
    expect(parseQuery('𝒳𝒴𝒵𝒲')?.trigramsExpr).toBe('"𝒳𝒴𝒵" AND "𝒴𝒵𝒲"');
  });

  it('never lets quotes or FTS5 operators the user typed into the expressions: they are plain text', () => {
    const typed = [
      '"cafe"',
      'caf*',
      '"unbalanced',
      'NEAR(cafe bar)',
      'NEAR(cafe',
      'cafe AND bar',
      'cafe OR bar',
      'NOT cafe',
      '-cafe',
      '+cafe',
      '(cafe',
      'cafe)',
      'body:cafe',
      '{body}: cafe',
      '^cafe',
      'ca*',
      '"ca" * "fe"',
      "ca' OR 1=1 --",
      'cafe\u0000bar',
    ];
    for (const text of typed) {
      const parsed = parseQuery(text);
      expect(parsed, text).not.toBeNull();
      expectOnlyQuotedTerms(parsed!.prefixExpr, true);
      expectOnlyQuotedTerms(parsed!.trigramsExpr, false);
      // What is left of the words is what the user wrote, lower-cased, without the syntax.
      for (const w of parsed!.words) expect(w, text).toMatch(/^[\p{L}\p{N}]+$/u);
    }
    // Operator words are words like any other (lower-cased, so never an operator).
    expect(parseQuery('cafe AND bar')?.words).toEqual(['cafe', 'and', 'bar']);
    expect(parseQuery('NEAR(cafe')?.words).toEqual(['near', 'cafe']);
    expect(parseQuery('-cafe')).toEqual(parseQuery('cafe'));
    expect(parseQuery('"cafe"')).toEqual(parseQuery('cafe'));
    expect(parseQuery('ca*')).toEqual(parseQuery('ca'));
  });
});

describe('relevance', () => {
  it('ranks a whole word above the start of a word above the inside of a word', () => {
    const whole = relevance('Un café ?', ['cafe']);
    const start = relevance('cafeteria tonight', ['cafe']);
    const inside = relevance('decafe please', ['cafe']);
    expect(inside).toBeGreaterThan(0);
    expect(start).toBeGreaterThan(inside);
    expect(whole).toBeGreaterThan(start);
    // The inside of a link's word is inside a word; the word between dots is whole.
    expect(relevance('counterexample', ['example'])).toBe(inside);
    expect(relevance('https://www.example.com/x', ['example'])).toBe(whole);
  });

  it('counts each word at its best place in the text', () => {
    expect(relevance('decafe, then a cafe', ['cafe'])).toBe(relevance('a cafe', ['cafe']));
  });

  it('is 0 when any word is missing', () => {
    expect(relevance('café au lait', ['cafe', 'sucre'])).toBe(0);
    expect(relevance('nothing here', ['cafe'])).toBe(0);
    expect(relevance('', ['cafe'])).toBe(0);
  });

  it('adds up the words: a text matching all of them whole ranks above one matching some inside', () => {
    const both = relevance('cafe bar', ['cafe', 'bar']);
    const one = relevance('cafe crowbar', ['cafe', 'bar']);
    expect(one).toBeGreaterThan(0);
    expect(both).toBeGreaterThan(one);
  });

  it('matches 2-letter words only at the start of a word', () => {
    expect(relevance('deca', ['ca'])).toBe(0);
    expect(relevance('un café', ['ca'])).toBeGreaterThan(0);
    expect(relevance('ça va', ['ca'])).toBeGreaterThan(relevance('un café', ['ca']));
    expect(relevance("l'arbre", ['ar'])).toBeGreaterThan(0);
  });

  it('ignores case and diacritics on both sides', () => {
    expect(relevance('CRÈME BRÛLÉE', ['creme', 'brulee'])).toBe(relevance('creme brulee', ['creme', 'brulee']));
    expect(relevance('sous l’arbre', ['arbre'])).toBe(relevance('sous arbre', ['arbre']));
  });
});

describe('highlight', () => {
  it('cuts a short text into segments that put it back together, the matches marked', () => {
    const segments = highlight('Un café ? Café!', ['cafe']);
    expect(segments).toEqual([
      { text: 'Un ', match: false },
      { text: 'café', match: true },
      { text: ' ? ', match: false },
      { text: 'Café', match: true },
      { text: '!', match: false },
    ]);
    expect(joined(segments)).toBe('Un café ? Café!');
  });

  it('marks the text as written: "cafe" marks "café" with its accent', () => {
    expect(marked(highlight('Crème brûlée au café', ['creme', 'brulee', 'cafe']))).toEqual(['Crème', 'brûlée', 'café']);
  });

  // Text written decomposed (e + U+0301, as macOS often stores it): the accent folds to nothing,
  // and still belongs to the letter it sits on.
  it('marks a decomposed "café" (e + combining accent) with its accent', () => {
    const segments = highlight('cafe\u0301 noir', ['cafe']);
    expect(joined(segments)).toBe('cafe\u0301 noir');
    expect(marked(segments)).toEqual(['cafe\u0301']);
  });

  it('marks matches inside words for long words, and 2-letter words only at word starts', () => {
    expect(highlight('see counterexample', ['example'])).toEqual([
      { text: 'see counter', match: false },
      { text: 'example', match: true },
    ]);
    expect(highlight('deca café', ['ca'])).toEqual([
      { text: 'deca ', match: false },
      { text: 'ca', match: true },
      { text: 'fé', match: false },
    ]);
  });

  it('merges overlapping and touching matches into one marked segment', () => {
    expect(highlight('an example', ['exam', 'ample'])).toEqual([
      { text: 'an ', match: false },
      { text: 'example', match: true },
    ]);
    expect(highlight('abcdef', ['abc', 'def'])).toEqual([{ text: 'abcdef', match: true }]);
    expect(highlight('banana', ['ana'])).toEqual([
      { text: 'b', match: false },
      { text: 'anana', match: true },
    ]);
  });

  it('gives the whole text as one plain segment when nothing in it matches', () => {
    expect(highlight('nothing here', ['cafe'])).toEqual([{ text: 'nothing here', match: false }]);
  });

  it('keeps emoji whole around a match in a short text', () => {
    const text = '☕😀café😀 🇫🇷';
    const segments = highlight(text, ['cafe']);
    expect(joined(segments)).toBe(text);
    expect(marked(segments)).toEqual(['café']);
    for (const s of segments) expect(s.text).not.toMatch(LONE_SURROGATE);
  });

  it('shows a long text as the part around its first match, with "…" where it was cut', () => {
    const text = `${'lorem ipsum '.repeat(40)}Un café ? ${'dolor sit '.repeat(40)}`;
    const segments = highlight(text, ['cafe']);
    expect(segments[0]).toEqual({ text: '…', match: false });
    expect(segments.at(-1)).toEqual({ text: '…', match: false });
    const inner = joined(segments.slice(1, -1));
    expect(text.includes(inner)).toBe(true);
    expect(inner.length).toBeLessThanOrEqual(240);
    expect(inner.length).toBeGreaterThan(100);
    expect(marked(segments)).toEqual(['café']);
    // Some context before the match, not the match at the very edge.
    expect(inner.indexOf('café')).toBeGreaterThan(20);
  });

  it('starts a long text at its beginning when the match is near it, with "…" only at the end', () => {
    const text = `Un café ? ${'lorem ipsum '.repeat(40)}`;
    const segments = highlight(text, ['cafe']);
    expect(segments[0]).toEqual({ text: 'Un ', match: false });
    expect(segments.at(-1)).toEqual({ text: '…', match: false });
    expect(text.startsWith(joined(segments.slice(0, -1)))).toBe(true);
  });

  it('ends a long text at its end when the match is near it, with "…" only at the start', () => {
    const text = `${'lorem ipsum '.repeat(40)}Un café ?`;
    const segments = highlight(text, ['cafe']);
    expect(segments[0]).toEqual({ text: '…', match: false });
    expect(segments.at(-1)).toEqual({ text: ' ?', match: false });
    expect(text.endsWith(joined(segments.slice(1)))).toBe(true);
  });

  // The snippet of a long text is measured in UTF-16 units (first match - 60, + 240), which can
  // fall between the two halves of an emoji.
  it('never cuts a long text inside a surrogate pair (emoji around the match)', () => {
    const text = `${'😀'.repeat(150)} café ${'😀'.repeat(150)}`;
    const segments = highlight(text, ['cafe']);
    expect(marked(segments)).toEqual(['café']);
    for (const s of segments) expect(s.text).not.toMatch(LONE_SURROGATE);
  });
});
