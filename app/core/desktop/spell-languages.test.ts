import { describe, expect, it } from 'vitest';
import { spellCheckerLanguages } from './spell-languages.js';

const available = ['de-DE', 'en-GB', 'en-US', 'fr', 'hu', 'pt-BR', 'pt-PT'];

describe('the spell checker languages', () => {
  it('are the chosen ones that have a dictionary, in the chosen order', () => {
    expect(spellCheckerLanguages({ wanted: ['hu', 'en-US'], available, system: ['de-DE'] })).toEqual(['hu', 'en-US']);
  });

  it('match a language without its region, or with another region when that is all there is', () => {
    expect(spellCheckerLanguages({ wanted: ['de'], available, system: [] })).toEqual(['de-DE']);
    expect(spellCheckerLanguages({ wanted: ['fr-CA'], available, system: [] })).toEqual(['fr']);
    expect(spellCheckerLanguages({ wanted: ['EN-gb'], available, system: [] })).toEqual(['en-GB']);
    expect(spellCheckerLanguages({ wanted: ['pt-PT'], available, system: [] })).toEqual(['pt-PT']);
  });

  it('are the system’s when none is chosen', () => {
    expect(spellCheckerLanguages({ wanted: [], available, system: ['hu-HU', 'en-GB'] })).toEqual(['hu', 'en-GB']);
  });

  it('leave out what has no dictionary, and name each one once', () => {
    expect(spellCheckerLanguages({ wanted: ['xx', 'en-AU', 'en-NZ'], available, system: [] })).toEqual(['en-GB']);
    expect(spellCheckerLanguages({ wanted: ['ja'], available, system: ['hu'] })).toEqual([]);
    expect(spellCheckerLanguages({ wanted: [], available: [], system: ['en-US'] })).toEqual([]);
  });
});
