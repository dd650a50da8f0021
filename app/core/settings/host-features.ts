/**
 * What the host the window runs in can do, as the core asks it: the Electron shell passes its own
 * (login items, the session's spell checker, electron-updater); the browser host and the tests
 * use `browserFeatures`, which says what a browser cannot do instead of pretending.
 */
import type { SystemDndStatus, UpdateStatus } from '../../ipc/views.js';

export type HostFeaturesPort = {
  host: 'desktop' | 'browser';
  /** Start at login, start in the tray and close to the tray take effect here. */
  startup: boolean;
  /** The spell checker's languages; null when the browser's own spell checker decides. */
  spellLanguages(): string[] | null;
  updates(): UpdateStatus;
  checkForUpdates(): Promise<UpdateStatus>;
  /** An update's state changed by itself (one was found, or downloaded). */
  onChange(listener: () => void): () => void;
};

export const BROWSER_UPDATES_REASON = 'This window runs in a browser: updates come with the desktop app, or with a new checkout.';

export function browserFeatures(): HostFeaturesPort {
  const updates: UpdateStatus = { state: 'unavailable', reason: BROWSER_UPDATES_REASON };
  return {
    host: 'browser',
    startup: false,
    spellLanguages: () => null,
    updates: () => updates,
    checkForUpdates: async () => updates,
    onChange: () => () => {},
  };
}

/** The system's Do not disturb as the core follows it (app/core/desktop/system-dnd.ts reads it). */
export type SystemDndSource = {
  status(): SystemDndStatus;
  onChange(listener: () => void): () => void;
};

/** Where nothing reads the system's state (tests, and a host that does not ask). */
export const UNWATCHED_SYSTEM_DND: SystemDndSource = {
  status: () => ({ readable: false, reason: 'This app does not read the system’s Do not disturb here.' }),
  onChange: () => () => {},
};
