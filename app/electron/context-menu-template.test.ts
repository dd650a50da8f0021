/** The context menu model as Electron menu template entries (no Electron needed: only its types). */
import { describe, expect, it } from 'vitest';
import { contextMenu, type ContextMenuAction } from '../core/desktop/context-menu.js';
import { contextMenuTemplate } from './context-menu-template.js';

const model = contextMenu({
  isEditable: true,
  selectionText: 'helo',
  misspelledWord: 'helo',
  dictionarySuggestions: ['hello', 'R&D'],
  editFlags: { canCut: true, canCopy: true, canPaste: false, canSelectAll: true },
  spellcheckEnabled: true,
  linkURL: 'https://example.com/',
});

describe('the context menu template', () => {
  it('keeps the order, separators and enabled states of the model, with roles for the edit commands', () => {
    const template = contextMenuTemplate(model, 'linux', () => {});
    expect(template.map((i) => i.type ?? i.role ?? i.id)).toEqual([
      'suggestion:0',
      'suggestion:1',
      'add-to-dictionary',
      'separator',
      'copy-link',
      'separator',
      'cut',
      'copy',
      'paste',
      'selectAll',
    ]);
    expect(template.find((i) => i.role === 'paste')?.enabled).toBe(false);
    expect(template.find((i) => i.role === 'cut')?.enabled).toBe(true);
    expect(template.filter((i) => i.role).every((i) => i.click === undefined)).toBe(true);
  });

  it("hands the clicked entry's action to the caller", () => {
    const clicked: ContextMenuAction[] = [];
    const template = contextMenuTemplate(model, 'linux', (a) => clicked.push(a));
    for (const id of ['suggestion:0', 'add-to-dictionary', 'copy-link']) (template.find((i) => i.id === id)!.click as () => void)();
    expect(clicked).toEqual([
      { kind: 'replace-misspelling', word: 'hello' },
      { kind: 'add-to-dictionary', word: 'helo' },
      { kind: 'copy-link', url: 'https://example.com/' },
    ]);
  });

  it('shows "&" in a suggestion as itself on every platform', () => {
    expect(contextMenuTemplate(model, 'win32', () => {})[1]?.label).toBe('R&&D');
    expect(contextMenuTemplate(model, 'darwin', () => {})[1]?.label).toBe('R&D');
  });

  it('is empty where the model is', () => {
    expect(contextMenuTemplate([], 'linux', () => {})).toEqual([]);
  });
});
