/**
 * The Appearance settings applied to the page, and the keys that change its zoom. The theme is
 * `data-theme` on <html>, which app.css reads (none for "System": the system's light or dark
 * decides, through the media query). The zoom is CSS `zoom` on <html> in the browser host only:
 * in the desktop app the main process zooms the whole page with setZoomFactor, and zooming here
 * as well would zoom twice.
 */
import type { PreferencesPatch, SettingsView } from '../../../../app/ipc/views.js';
import { nextZoom } from '../../../../app/shared/preferences-rules.js';
import { isMac } from '../accounts/accounts.js';

let zoomFactor = 1;

export function applyAppearance(view: SettingsView | null, root: HTMLElement = document.documentElement): void {
  const theme = view?.preferences.appearance.theme ?? 'system';
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;

  zoomFactor = view?.features.host === 'browser' ? view.preferences.appearance.zoom / 100 : 1;
  if (zoomFactor === 1) {
    root.style.removeProperty('zoom');
    root.style.removeProperty('--zoom');
  } else {
    root.style.setProperty('zoom', String(zoomFactor));
    // Lengths in vh inside a zoomed page are zoomed too: the shell divides by this to fit the window.
    root.style.setProperty('--zoom', String(zoomFactor));
  }
}

/**
 * The zoom the page applies to itself (1 in the desktop app). Pointer positions and the window's
 * size are in the window's pixels; a CSS length inside the page is multiplied by this, so a popup
 * placed at the pointer divides by it.
 */
export function pageZoom(): number {
  return zoomFactor;
}

export type ZoomDirection = 'in' | 'out' | 'reset';
type Keys = Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'altKey'>;

/** Ctrl + (= or + or the keypad's +), Ctrl - and Ctrl 0, with ⌘ on macOS; null for any other key. */
export function zoomDirection(event: Keys): ZoomDirection | null {
  const modifier = isMac() ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
  // Shift is allowed: "+" is Shift+= on many keyboards.
  if (!modifier || event.altKey) return null;
  if (event.key === '=' || event.key === '+' || event.code === 'NumpadAdd') return 'in';
  if (event.key === '-' || event.code === 'NumpadSubtract') return 'out';
  if (event.key === '0' || event.code === 'Numpad0') return 'reset';
  return null;
}

type SettingsLike = { readonly view: SettingsView | null; set(patch: PreferencesPatch): Promise<string | null> };

/**
 * The zoom keys, in both hosts: each asks the main process for the next step, which it keeps and
 * applies (and sends back as `settings:changed`). A step asked for and not yet answered counts as
 * the current zoom, so that quick presses each move a step.
 */
export class ZoomKeys {
  #asked: number | null = null;

  constructor(private readonly settings: SettingsLike) {}

  /** True when the key was a zoom key (the browser's own zoom is prevented then). */
  keydown(event: KeyboardEvent): boolean {
    const direction = zoomDirection(event);
    const view = this.settings.view;
    // Before the settings are known the browser may zoom as it would.
    if (!direction || !view) return false;
    event.preventDefault();
    const from = this.#asked ?? view.preferences.appearance.zoom;
    const zoom = nextZoom(from, direction);
    if (zoom === from) return true;
    this.#asked = zoom;
    void this.settings.set({ appearance: { zoom } }).finally(() => {
      if (this.#asked === zoom) this.#asked = null;
    });
    return true;
  }
}
