/**
 * The arithmetic of the conversation list's virtual scrolling and its keyboard: which key does
 * what, how far a page is, and where to scroll so that an option is in view. Pure functions; the
 * component applies them.
 */

import { COMPACT_ROW_HEIGHT, ROW_HEIGHT, rowHeightFor } from './row-height.js';
import type { ListLayout } from './rows.js';

export { COMPACT_ROW_HEIGHT, ROW_HEIGHT, rowHeightFor };

/** Lines rendered beyond each end of the view, so that scrolling shows no gap. */
export const OVERSCAN = 6;
/** The height assumed before the viewport is measured (and where nothing is laid out, as in jsdom). */
export const FALLBACK_HEIGHT = 640;

/** The viewport's height, or the fallback while it is unknown. */
export const viewHeight = (measured: number): number => measured || FALLBACK_HEIGHT;

/** What a key pressed in the listbox asks for. */
export type ListCommand =
  | { kind: 'move'; index: number }
  /** Open the active conversation, its menu, or run one of its shortcuts. */
  | { kind: 'open' | 'menu' | 'favorite' | 'mute' | 'hide' | 'clear' }
  /** Find by name: focus the filter box (letters are shortcuts in the list). */
  | { kind: 'find' };

type Keys = Pick<KeyboardEvent, 'key' | 'shiftKey' | 'ctrlKey' | 'metaKey' | 'altKey'>;

/**
 * The command for a key in the listbox, with option `at` active (-1 for none) of `count`, or null
 * when the key is not the list's (the browser keeps its default then). A page is as many lines of
 * `rowHeight` as fit, less one.
 */
export function listCommand(event: Keys, at: number, count: number, viewportHeight: number, rowHeight: number = ROW_HEIGHT): ListCommand | null {
  if (event.ctrlKey || event.metaKey || event.altKey || count === 0) return null;
  const page = Math.max(1, Math.floor(viewHeight(viewportHeight) / rowHeight) - 1);
  const move = (index: number): ListCommand => ({ kind: 'move', index });
  const onActive = (kind: 'open' | 'menu' | 'favorite' | 'mute' | 'hide' | 'clear'): ListCommand | null => (at < 0 ? null : { kind });
  switch (event.key) {
    case 'ArrowDown':
      return move(at < 0 ? 0 : Math.min(count - 1, at + 1));
    case 'ArrowUp':
      return move(at < 0 ? 0 : Math.max(0, at - 1));
    case 'PageDown':
      return move(Math.min(count - 1, Math.max(0, at) + page));
    case 'PageUp':
      return move(Math.max(0, at - page));
    case 'Home':
      return move(0);
    case 'End':
      return move(count - 1);
    case 'Enter':
    case ' ':
      return onActive('open');
    case 'ContextMenu':
      return onActive('menu');
    case 'F10':
      return event.shiftKey ? onActive('menu') : null;
    case 'f':
    case 'F':
      return onActive('favorite');
    case 'm':
    case 'M':
      return onActive('mute');
    case 'h':
    case 'H':
      return onActive('hide');
    case 'Delete':
      return onActive('clear');
    case '/':
      return { kind: 'find' };
    default:
      return null;
  }
}

/**
 * The scroll position that brings option `index` (on line `row`) into view, moving as little as
 * possible from `scrollTop`. The Favorites heading above the first option scrolls in with it.
 */
export function revealScrollTop(index: number, row: number, scrollTop: number, viewportHeight: number, rowHeight: number = ROW_HEIGHT): number {
  const top = (index === 0 ? 0 : row) * rowHeight;
  const bottom = (row + 1) * rowHeight;
  const height = viewHeight(viewportHeight);
  if (top < scrollTop) return top;
  if (bottom > scrollTop + height) return bottom - height;
  return scrollTop;
}

/** Ctrl+F (Cmd+F on macOS), the window-wide "find a conversation by name". */
export function isFindShortcut(event: Keys): boolean {
  return event.key.toLowerCase() === 'f' && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey;
}

/** Where option `option`'s line starts, relative to the top of the viewport; null for no option (-1). */
export function optionTop(layout: ListLayout, option: number, scrollTop: number, rowHeight: number = ROW_HEIGHT): number | null {
  return option < 0 ? null : layout.rowOf(option) * rowHeight - scrollTop;
}

/** Calls `measure` now and whenever `el` changes size (where ResizeObserver exists); returns what stops it. */
export function watchSize(el: Element, measure: () => void): () => void {
  measure();
  if (typeof ResizeObserver === 'undefined') return () => {};
  const observer = new ResizeObserver(measure);
  observer.observe(el);
  return () => observer.disconnect();
}

/** The listbox's description: its keys. */
export const KEY_HELP = 'Arrow keys move, Enter opens, F favorite, M mute, H hide, Delete clear history, Shift+F10 more actions, / or Ctrl+F find by name';
