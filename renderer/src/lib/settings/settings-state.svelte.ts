import type { PreferencesPatch, SettingsView } from '../../../../app/ipc/views.js';

/**
 * The window's copy of the settings: loaded once, then kept current from `settings:changed` (a
 * change made here, in the tray, by the clock or in another window all arrive the same way). The
 * Settings screen changes them through `set`; the rest of the window only reads `view`.
 */
export class SettingsState {
  /** Null until the first answer. */
  view = $state.raw<SettingsView | null>(null);
  /** Why the settings could not be read, when they could not. */
  loadError = $state<string | null>(null);

  /** Starts following the main process; returns the unsubscribe. */
  follow(): () => void {
    const off = window.ozeki.on('settings:changed', (view) => (this.view = view));
    void this.load();
    return off;
  }

  async load(): Promise<void> {
    try {
      const reply = await window.ozeki.invoke('settings:get');
      if (reply.ok) {
        this.view = reply.value;
        this.loadError = null;
      } else {
        this.loadError = reply.error.message;
      }
    } catch {
      this.loadError = 'The settings could not be read. Try again.';
    }
  }

  /** Changes some preferences; resolves with why not, or null once they apply. */
  async set(patch: PreferencesPatch): Promise<string | null> {
    try {
      const reply = await window.ozeki.invoke('settings:set', patch);
      if (!reply.ok) return reply.error.message;
      this.view = reply.value;
      return null;
    } catch {
      return 'The setting could not be saved. Try again.';
    }
  }
}

/** One per window: the shell applies it (theme, zoom, compact rows), the Settings screen changes it. */
export const settings = new SettingsState();
