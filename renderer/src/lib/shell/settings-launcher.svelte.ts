import { tick } from 'svelte';
import { isMac } from '../accounts/accounts.js';

type Keys = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>;

/** Ctrl+, (⌘, on macOS), as most desktop apps open their settings. */
export function isSettingsShortcut(event: Keys): boolean {
  const modifier = isMac() ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
  return modifier && !event.altKey && !event.shiftKey && event.key === ',';
}

/** The shortcut as the platform writes it. */
export function settingsShortcutText(): string {
  return isMac() ? '⌘,' : 'Ctrl+,';
}

/**
 * The Settings screen's life in the window: it takes the place of the list and the pane (which
 * stay underneath as they were), and closing it (its Close button, or Escape, which the screen
 * handles) puts focus back on the header's Settings button.
 */
export class SettingsLauncher {
  open = $state(false);
  /** The header's Settings button, and the area the screen is in (bound by the window). */
  button = $state<HTMLButtonElement>();
  area = $state<HTMLElement>();

  /** Opens; focus goes into the screen (which puts it on its heading), else onto its area. */
  show(): void {
    this.open = true;
    void tick().then(() => {
      if (this.area && !this.area.contains(document.activeElement)) this.area.focus();
    });
  }

  /** `refocus` false: something else takes focus in the same breath (the search panel, a conversation). */
  close(refocus = true): void {
    if (!this.open) return;
    this.open = false;
    if (refocus) void tick().then(() => this.button?.focus());
  }

  toggle(): void {
    if (this.open) this.close();
    else this.show();
  }

  /** Ctrl+, opens; true when the key was that. */
  keydownCapture(event: KeyboardEvent): boolean {
    if (!isSettingsShortcut(event)) return false;
    event.preventDefault();
    this.show();
    return true;
  }
}

let loading: Promise<typeof import('../settings/SettingsScreen.svelte').default> | null = null;

/**
 * The Settings screen's code, loaded the first time it opens (a chunk of its own: the first paint
 * need not parse it). A failed load is tried again at the next opening.
 */
export function settingsScreenModule(): Promise<typeof import('../settings/SettingsScreen.svelte').default> {
  loading ??= import('../settings/SettingsScreen.svelte').then(
    (module) => module.default,
    (err: unknown) => {
      loading = null;
      throw err;
    },
  );
  return loading;
}
