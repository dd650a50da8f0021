import { describe, expect, it } from 'vitest';
import { contextMenu, MAX_SUGGESTIONS, type ContextMenuItem, type ContextMenuParams } from './context-menu.js';

const allFlags = { canCut: true, canCopy: true, canPaste: true, canSelectAll: true };
const noFlags = { canCut: false, canCopy: false, canPaste: false, canSelectAll: false };
const composer: ContextMenuParams = {
  isEditable: true,
  selectionText: '',
  misspelledWord: '',
  dictionarySuggestions: [],
  editFlags: { ...noFlags, canPaste: true, canSelectAll: true },
  spellcheckEnabled: true,
  linkURL: '',
};
const message: ContextMenuParams = { ...composer, isEditable: false, spellcheckEnabled: false, editFlags: noFlags };

/** The menu as "label" (enabled) or "(label)" (disabled), "-" for a separator. */
const shown = (items: ContextMenuItem[]) => items.map((i) => (i.type === 'separator' ? '-' : i.enabled ? i.label : `(${i.label})`));
const actionOf = (items: ContextMenuItem[], label: string) => {
  const found = items.find((i) => i.type === 'normal' && i.label === label);
  return found?.type === 'normal' ? found.action : undefined;
};

describe('the context menu in the composer', () => {
  it('offers the edit commands, each enabled as the page says', () => {
    expect(shown(contextMenu(composer))).toEqual(['(Cut)', '(Copy)', 'Paste', 'Select all']);
    expect(shown(contextMenu({ ...composer, selectionText: 'hi', editFlags: allFlags }))).toEqual(['Cut', 'Copy', 'Paste', 'Select all']);
    expect(shown(contextMenu({ ...composer, editFlags: noFlags }))).toEqual(['(Cut)', '(Copy)', '(Paste)', '(Select all)']);
  });

  it('puts the spelling suggestions first, each replacing the misspelled word, then Add to dictionary', () => {
    const items = contextMenu({ ...composer, misspelledWord: 'helo', dictionarySuggestions: ['hello', 'help', 'hero'] });
    expect(shown(items)).toEqual(['hello', 'help', 'hero', 'Add to dictionary', '-', '(Cut)', '(Copy)', 'Paste', 'Select all']);
    expect(actionOf(items, 'help')).toEqual({ kind: 'replace-misspelling', word: 'help' });
    expect(actionOf(items, 'Add to dictionary')).toEqual({ kind: 'add-to-dictionary', word: 'helo' });
  });

  it(`offers at most ${MAX_SUGGESTIONS} suggestions, without repeats or blanks`, () => {
    const items = contextMenu({ ...composer, misspelledWord: 'x', dictionarySuggestions: ['a', 'a', ' ', 'b', 'c', 'd', 'e', 'f', 'g'] });
    expect(shown(items).slice(0, 6)).toEqual(['a', 'b', 'c', 'd', 'e', 'Add to dictionary']);
  });

  it('says when there is no suggestion, and still offers to add the word', () => {
    expect(shown(contextMenu({ ...composer, misspelledWord: 'Ozeki' })).slice(0, 3)).toEqual(['(No spelling suggestions)', 'Add to dictionary', '-']);
  });

  it('cuts a long suggestion’s label but replaces with the whole word', () => {
    const long = 'a'.repeat(60);
    const items = contextMenu({ ...composer, misspelledWord: 'b'.repeat(60), dictionarySuggestions: [long] });
    const first = items[0]!;
    expect(first.type === 'normal' && first.label.length).toBe(40);
    expect(first.type === 'normal' && first.action).toEqual({ kind: 'replace-misspelling', word: long });
  });

  it('has no spelling part when spell checking is off for the field', () => {
    expect(shown(contextMenu({ ...composer, misspelledWord: 'helo', dictionarySuggestions: ['hello'], spellcheckEnabled: false }))).toEqual([
      '(Cut)',
      '(Copy)',
      'Paste',
      'Select all',
    ]);
  });

  it('hands each edit command its own action', () => {
    const items = contextMenu({ ...composer, editFlags: allFlags });
    expect(['Cut', 'Copy', 'Paste', 'Select all'].map((label) => actionOf(items, label))).toEqual([
      { kind: 'cut' },
      { kind: 'copy' },
      { kind: 'paste' },
      { kind: 'select-all' },
    ]);
  });
});

describe('the context menu elsewhere in the window', () => {
  it('offers Copy on selected message text', () => {
    expect(shown(contextMenu({ ...message, selectionText: 'some words', editFlags: { ...noFlags, canCopy: true } }))).toEqual(['Copy']);
  });

  it('is empty on an empty place, or on a selection of nothing but spaces', () => {
    expect(contextMenu(message)).toEqual([]);
    expect(contextMenu({ ...message, selectionText: ' \n ' })).toEqual([]);
    // A misspelling outside a text field (cannot happen, but the page says what it says).
    expect(contextMenu({ ...message, misspelledWord: 'helo', spellcheckEnabled: true })).toEqual([]);
  });

  it('offers to copy a web or e-mail link’s address, with a separator before the selection’s Copy', () => {
    const url = 'https://example.com/a?b=c';
    const items = contextMenu({ ...message, linkURL: url, selectionText: 'link', editFlags: { ...noFlags, canCopy: true } });
    expect(shown(items)).toEqual(['Copy link address', '-', 'Copy']);
    expect(actionOf(items, 'Copy link address')).toEqual({ kind: 'copy-link', url });
    expect(shown(contextMenu({ ...message, linkURL: 'mailto:ann@example.com' }))).toEqual(['Copy link address']);
  });

  it.each(['app://chat/index.html', 'javascript:alert(1)', 'file:///etc/passwd', 'not a url', `https://example.com/${'x'.repeat(3000)}`])(
    'offers nothing for the link %s',
    (linkURL) => {
      expect(contextMenu({ ...message, linkURL })).toEqual([]);
    },
  );

  it('never starts or ends with a separator, nor has two in a row', () => {
    const cases: ContextMenuParams[] = [
      composer,
      message,
      { ...composer, misspelledWord: 'x', linkURL: 'https://a.example' },
      { ...message, linkURL: 'https://a.example' },
      { ...composer, misspelledWord: 'x', dictionarySuggestions: ['y'] },
    ];
    for (const params of cases) {
      const seq = shown(contextMenu(params)).join(' ');
      expect(seq).not.toMatch(/^- |- -| -$|^-$/);
    }
  });
});
