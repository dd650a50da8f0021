/**
 * The chat window's context menu: Electron says what is under the pointer, contextMenu()
 * (app/core/desktop/context-menu.ts) decides what to offer, and this pops it up and does what
 * was picked.
 */
import { clipboard, Menu, type BrowserWindow } from 'electron';
import { contextMenu, type ContextMenuAction } from '../core/desktop/context-menu.js';
import { contextMenuTemplate } from './context-menu-template.js';

function perform(win: BrowserWindow, action: ContextMenuAction): void {
  if (win.isDestroyed()) return;
  switch (action.kind) {
    case 'replace-misspelling':
      win.webContents.replaceMisspelling(action.word);
      return;
    case 'add-to-dictionary':
      win.webContents.session.addWordToSpellCheckerDictionary(action.word);
      return;
    case 'copy-link':
      clipboard.writeText(action.url);
      return;
    default:
      // Cut, copy, paste and select all are menu roles: Electron does them.
      return;
  }
}

export function attachContextMenu(win: BrowserWindow): void {
  win.webContents.on('context-menu', (_event, params) => {
    const items = contextMenu({
      isEditable: params.isEditable,
      selectionText: params.selectionText,
      misspelledWord: params.misspelledWord,
      dictionarySuggestions: params.dictionarySuggestions,
      editFlags: params.editFlags,
      spellcheckEnabled: params.spellcheckEnabled,
      linkURL: params.linkURL,
    });
    if (items.length === 0) return;
    Menu.buildFromTemplate(contextMenuTemplate(items, process.platform, (action) => perform(win, action))).popup({ window: win });
  });
}
