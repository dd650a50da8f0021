/**
 * The application menu, mostly Electron's standard roles so every OS gets its native items and
 * shortcuts (copy and paste need the Edit menu on macOS). Plain data with types from electron.
 *
 * Settings… is in the app menu on macOS and in File elsewhere; Check for Updates… beside it on
 * macOS and in Help elsewhere, where each platform's apps keep them.
 *
 * Zoom: not Electron's zoom roles, which zoom the page without saving it. The items set the Zoom
 * preference (kept, shown in Settings, applied by the main process); the keys are handled by the
 * main process before the page sees them (zoom-keys.ts), so the accelerators here are only shown
 * (registerAccelerator: false; on macOS, where it cannot be turned off, the key never reaches the
 * menu because that handler has taken it).
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { ZoomDirection } from '../core/desktop/zoom-keys.js';

export const HELP_URL = 'https://ozeki.chat';

export type MenuInput = {
  platform: NodeJS.Platform;
  appName: string;
  /** Packaged builds get no reload or developer tools. */
  packaged: boolean;
  openHelp: () => void;
  openSettings: () => void;
  checkForUpdates: () => void;
  zoom: (direction: ZoomDirection) => void;
};

function zoomItems(input: MenuInput): MenuItemConstructorOptions[] {
  const shown = { registerAccelerator: false };
  return [
    { label: 'Actual Size', accelerator: 'CmdOrCtrl+0', ...shown, click: () => input.zoom('reset') },
    { label: 'Zoom In', accelerator: 'CmdOrCtrl+Plus', ...shown, click: () => input.zoom('in') },
    // The same, under the key "+" shares with "=" on most layouts: shown only once.
    { label: 'Zoom In', accelerator: 'CmdOrCtrl+=', ...shown, visible: false, click: () => input.zoom('in') },
    { label: 'Zoom Out', accelerator: 'CmdOrCtrl+-', ...shown, click: () => input.zoom('out') },
  ];
}

export function menuTemplate(input: MenuInput): MenuItemConstructorOptions[] {
  const mac = input.platform === 'darwin';
  const settings: MenuItemConstructorOptions = { label: 'Settings…', accelerator: 'CmdOrCtrl+,', click: () => input.openSettings() };
  const updates: MenuItemConstructorOptions = { label: 'Check for Updates…', click: () => input.checkForUpdates() };
  const separator: MenuItemConstructorOptions = { type: 'separator' };

  const appMenu: MenuItemConstructorOptions = {
    label: input.appName,
    submenu: [
      { role: 'about' },
      separator,
      settings,
      updates,
      separator,
      { role: 'services' },
      separator,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      separator,
      { role: 'quit' },
    ],
  };
  const file: MenuItemConstructorOptions = { label: 'File', submenu: mac ? [{ role: 'close' }] : [settings, separator, { role: 'quit' }] };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...(input.packaged ? [] : ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, separator] as MenuItemConstructorOptions[])),
      ...zoomItems(input),
      separator,
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [{ label: `${input.appName} website`, click: () => input.openHelp() }, ...(mac ? [] : [separator, updates])],
  };
  return [...(mac ? [appMenu] : []), file, { role: 'editMenu' }, view, { role: 'windowMenu' }, help];
}
