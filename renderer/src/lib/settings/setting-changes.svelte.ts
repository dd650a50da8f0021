import type { PreferencesPatch } from '../../../../app/ipc/views.js';
import { settings } from './settings-state.svelte.js';

/**
 * A part of the Settings screen's changes: each is sent at once (there is no Save button) and
 * what the main process refuses is kept here to show beside that part's controls. The controls
 * show `settings.view`, never what was asked for, so a refused change goes back by itself.
 */
export class SettingChanges {
  error = $state<string | null>(null);
  #sent = 0;

  /** Sends a change; true once it applies. */
  async apply(patch: PreferencesPatch): Promise<boolean> {
    const mine = ++this.#sent;
    const error = await settings.set(patch);
    // Every refusal is shown; a success clears the line only when it answers the latest change
    // (an earlier change accepted after a later one was refused must not hide that refusal).
    if (error !== null) this.error = error;
    else if (mine === this.#sent) this.error = null;
    return error === null;
  }
}
