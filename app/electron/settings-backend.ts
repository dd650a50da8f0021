/**
 * The settings file through electron-store, conf's Electron wrapper, for openSettings()
 * (app/core/settings/conf-settings.ts decides everything else: the folder, the checks, the mode).
 */
import { ipcMain } from 'electron';
import ElectronStore from 'electron-store';
import type { SettingsBackend } from '../core/settings/conf-settings.js';
import type { Settings } from '../core/settings/settings.js';

/** electron-store's own channel, which it answers for a renderer that opens a store itself. */
const ELECTRON_STORE_CHANNEL = 'electron-store-get-data';

export const electronStoreBackend: SettingsBackend = (options) => {
  // electron-store names the file by `name` (it overwrites conf's `configName` with it), so the
  // file stays settings.json; `cwd` is openSettings' folder, the user data folder.
  const { configName, ...rest } = options;
  const store = new ElectronStore<Settings>({ ...rest, name: configName ?? 'settings' });
  // The constructor also answers 'electron-store-get-data' on ipcMain, synchronously, for any
  // renderer that asks: the user data path and the app's version. Our renderer never reads
  // settings itself (it asks the core through the one IPC contract, whose senders are checked),
  // so no other channel may be open to pages: close it at once.
  ipcMain.removeAllListeners(ELECTRON_STORE_CHANNEL);
  return store;
};
