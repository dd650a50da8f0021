/**
 * The Appearance and Spelling preferences applied to the app: the theme (nativeTheme, which the
 * page's `prefers-color-scheme` and the window frame follow), the zoom (the window's zoom factor:
 * the page never zooms itself in the desktop app), the spell checker, and the keys and the mouse
 * wheel that change the zoom. The decisions are in app/core/desktop/ (zoom-keys.ts,
 * spell-languages.ts) and app/shared/preferences-rules.ts (the steps).
 */
import { isDeepStrictEqual } from 'node:util';
import { app, nativeTheme, session, type BrowserWindow } from 'electron';
import type { Preferences } from '../ipc/preferences.js';
import { spellCheckerLanguages } from '../core/desktop/spell-languages.js';
import { zoomKey, type ZoomDirection } from '../core/desktop/zoom-keys.js';
import { attachContextMenu } from './context-menu.js';

/** The theme and the spell checker, for the whole app. Call after `ready`, before the window is made (its background follows the theme). */
export function applySessionPreferences(prefs: Preferences, log: (line: string) => void): void {
  nativeTheme.themeSource = prefs.appearance.theme;
  const ses = session.defaultSession;
  ses.setSpellCheckerEnabled(prefs.spelling.enabled);
  // macOS: the system's spell checker picks the language and Electron ignores the list.
  if (process.platform === 'darwin' || !prefs.spelling.enabled) return;
  const languages = spellCheckerLanguages({
    wanted: prefs.spelling.languages,
    available: ses.availableSpellCheckerLanguages,
    system: app.getPreferredSystemLanguages(),
  });
  if (languages.length === 0) return;
  try {
    ses.setSpellCheckerLanguages(languages);
  } catch (err) {
    log(`could not set the spell checker's languages: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function applyZoom(win: BrowserWindow | null, prefs: Preferences): void {
  if (win && !win.isDestroyed()) win.webContents.setZoomFactor(prefs.appearance.zoom / 100);
}

/**
 * The chat window's share: its zoom on every load (a reload after a crash too), the zoom keys and
 * Ctrl + the mouse wheel, and its context menu. `zoom` changes the preference and says whether it
 * could (before the core is open it cannot, and the key goes on to the page).
 */
export function wireWindowPreferences(win: BrowserWindow, opts: { preferences: () => Preferences; zoom: (direction: ZoomDirection) => boolean }): void {
  const contents = win.webContents;
  applyZoom(win, opts.preferences());
  contents.on('did-finish-load', () => applyZoom(win, opts.preferences()));
  // Before the page and the menu: one press, one step, whoever else listens.
  contents.on('before-input-event', (event, input) => {
    const direction = zoomKey(input, process.platform);
    if (direction && opts.zoom(direction)) event.preventDefault();
  });
  contents.on('zoom-changed', (_event, direction) => {
    opts.zoom(direction);
  });
  attachContextMenu(win);
}

/** Applies each change of the preferences that the app (rather than the page) shows. */
export function followWindowPreferences(opts: {
  preferences: { onChange(listener: (next: Preferences, previous: Preferences) => void): () => void };
  getWindow(): BrowserWindow | null;
  log(line: string): void;
}): () => void {
  return opts.preferences.onChange((next, previous) => {
    if (next.appearance.theme !== previous.appearance.theme || !isDeepStrictEqual(next.spelling, previous.spelling)) applySessionPreferences(next, opts.log);
    if (next.appearance.zoom !== previous.appearance.zoom) applyZoom(opts.getWindow(), next);
  });
}
