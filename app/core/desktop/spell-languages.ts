/**
 * The spell checker's languages (Windows and Linux; on macOS the system's spell checker picks its
 * own and Electron ignores the list). Chromium only takes languages it has a dictionary for, and
 * throws on any other, so the wanted ones are matched against `available`: exactly first, then by
 * language alone ("de" finds "de-DE", "en-GB" finds "en-US" when there is no British one). None
 * wanted means the system's: its preferred languages, matched the same way.
 */

export type SpellLanguagesInput = {
  /** The Spelling preference; empty for the system's languages. */
  wanted: readonly string[];
  /** `session.availableSpellCheckerLanguages`. */
  available: readonly string[];
  /** `app.getPreferredSystemLanguages()`, best first (or the app's locale). */
  system: readonly string[];
};

const base = (tag: string) => tag.toLowerCase().split('-')[0] ?? '';

function match(tag: string, available: readonly string[]): string | null {
  const lower = tag.toLowerCase();
  return available.find((a) => a.toLowerCase() === lower) ?? available.find((a) => base(a) === base(tag)) ?? null;
}

/** The languages to set, in order, each once; empty when none of them has a dictionary (leave the checker as it is then). */
export function spellCheckerLanguages(input: SpellLanguagesInput): string[] {
  const from = input.wanted.length > 0 ? input.wanted : input.system;
  const picked: string[] = [];
  for (const tag of from) {
    const found = match(tag, input.available);
    if (found && !picked.includes(found)) picked.push(found);
  }
  return picked;
}
