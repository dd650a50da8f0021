import type { AccountView } from '../../../../app/ipc/views.js';
import { accountForShortcut } from '../accounts/accounts.js';
import type { ZoomKeys } from '../desktop/appearance.js';
import type { SearchLauncher } from '../search/search-launcher.svelte.js';
import type { SettingsLauncher } from './settings-launcher.svelte.js';

type WindowParts = {
  /** The main view is on screen (signed in, not adding an account): search and Settings apply. */
  signedIn(): boolean;
  search: SearchLauncher;
  settings: SettingsLauncher;
  zoom: ZoomKeys;
  accounts(): readonly AccountView[];
  switchTo(accountId: string): void;
};

/**
 * The window's own keys. First, in the capture phase so that nothing inside takes them: the zoom
 * keys (anywhere, signed in or not), Ctrl+, (Settings), and closing search before the list's
 * Ctrl+F handler puts focus in its filter box. Then, once the focused part has had its say:
 * Ctrl+Shift+F (⌘⇧F) searches messages, and Ctrl+1..9 (⌘ on macOS) puts that account on screen.
 */
export function windowKeys(w: WindowParts): { keydown(event: KeyboardEvent): void; keydownCapture(event: KeyboardEvent): void } {
  return {
    keydownCapture(event) {
      if (w.zoom.keydown(event)) return;
      if (w.signedIn() && w.settings.keydownCapture(event)) return;
      w.search.keydownCapture(event);
    },
    keydown(event) {
      // Search takes the place of Settings too.
      if (w.signedIn() && w.search.keydown(event)) return w.settings.close(false);
      const id = accountForShortcut(event, w.accounts());
      if (id === null) return;
      event.preventDefault();
      w.switchTo(id);
    },
  };
}
