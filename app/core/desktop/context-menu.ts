/**
 * The chat window's context menu, as data (like tray-menu.ts for the tray): what a right click on
 * the composer, a message or a link offers, from what Electron's `context-menu` event says about
 * the place. The Electron side (app/electron/context-menu-template.ts) turns it into a Menu.
 *
 * - In a text field: the spelling suggestions for a misspelled word (at most five, each replacing
 *   it) and "Add to dictionary", then Cut, Copy, Paste and Select all, each enabled as the page says.
 * - On a message: Copy, when text is selected.
 * - On a link: "Copy link address". Opening it is what a click does already (and goes through the
 *   link policy); its address is what a right click is for, and it is otherwise out of reach.
 * - Anywhere else: nothing, and no menu opens.
 */

export const MAX_SUGGESTIONS = 5;
/** Suggestions for a long word are long too: the label is cut, the replacement is not. */
const MAX_SUGGESTION_LABEL = 40;
const MAX_LINK_LENGTH = 2048;

/** The part of Electron's ContextMenuParams this reads, as a plain type (app/core never imports electron). */
export type ContextMenuParams = {
  isEditable: boolean;
  selectionText: string;
  /** The word under the pointer when the spell checker marked it, or ''. */
  misspelledWord: string;
  dictionarySuggestions: readonly string[];
  editFlags: { canCut: boolean; canCopy: boolean; canPaste: boolean; canSelectAll: boolean };
  /** Whether the field under the pointer is spell-checked. */
  spellcheckEnabled: boolean;
  /** The link under the pointer, or ''. */
  linkURL?: string;
};

export type ContextMenuAction =
  | { kind: 'replace-misspelling'; word: string }
  | { kind: 'add-to-dictionary'; word: string }
  | { kind: 'copy-link'; url: string }
  | { kind: 'cut' }
  | { kind: 'copy' }
  | { kind: 'paste' }
  | { kind: 'select-all' };

export type ContextMenuItem = { type: 'normal'; id: string; label: string; enabled: boolean; action?: ContextMenuAction } | { type: 'separator'; id: string };

const item = (id: string, label: string, enabled: boolean, action?: ContextMenuAction): ContextMenuItem => ({
  type: 'normal',
  id,
  label,
  enabled,
  ...(action ? { action } : {}),
});

/** A link worth copying: one the chat shows as a link (web and e-mail), not the page's own. */
function copyableLink(raw: string | undefined): string | null {
  if (!raw || raw.length > MAX_LINK_LENGTH) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:' ? raw : null;
  } catch {
    return null;
  }
}

function spellingItems(params: ContextMenuParams): ContextMenuItem[] {
  const word = params.misspelledWord.trim();
  if (!params.isEditable || !params.spellcheckEnabled || word === '') return [];
  const suggestions = [...new Set(params.dictionarySuggestions.filter((s) => s.trim() !== ''))].slice(0, MAX_SUGGESTIONS);
  const items = suggestions.map((suggestion, i) =>
    item(`suggestion:${i}`, suggestion.length > MAX_SUGGESTION_LABEL ? `${suggestion.slice(0, MAX_SUGGESTION_LABEL - 1)}…` : suggestion, true, {
      kind: 'replace-misspelling',
      word: suggestion,
    }),
  );
  if (items.length === 0) items.push(item('no-suggestions', 'No spelling suggestions', false));
  items.push(item('add-to-dictionary', 'Add to dictionary', true, { kind: 'add-to-dictionary', word }));
  return items;
}

function editItems(params: ContextMenuParams): ContextMenuItem[] {
  const flags = params.editFlags;
  if (params.isEditable) {
    return [
      item('cut', 'Cut', flags.canCut, { kind: 'cut' }),
      item('copy', 'Copy', flags.canCopy, { kind: 'copy' }),
      item('paste', 'Paste', flags.canPaste, { kind: 'paste' }),
      item('select-all', 'Select all', flags.canSelectAll, { kind: 'select-all' }),
    ];
  }
  return params.selectionText.trim() === '' ? [] : [item('copy', 'Copy', flags.canCopy, { kind: 'copy' })];
}

/** The menu for this place, or [] for none. Groups are split by separators, never one at either end. */
export function contextMenu(params: ContextMenuParams): ContextMenuItem[] {
  const link = copyableLink(params.linkURL);
  const groups = [
    spellingItems(params),
    link ? [item('copy-link', 'Copy link address', true, { kind: 'copy-link', url: link })] : [],
    editItems(params),
  ].filter((g) => g.length > 0);
  return groups.flatMap((group, i) => (i === 0 ? group : [{ type: 'separator' as const, id: `separator:${i}` }, ...group]));
}
