/**
 * The application menu, mostly Electron's standard roles so every OS gets its native items and
 * shortcuts (copy and paste need the Edit menu on macOS). Plain data with types from electron.
 */
import type { MenuItemConstructorOptions } from 'electron';

export const HELP_URL = 'https://ozeki.chat';

export type MenuInput = {
  platform: NodeJS.Platform;
  appName: string;
  /** Packaged builds get no reload or developer tools. */
  packaged: boolean;
  openHelp: () => void;
};

export function menuTemplate(input: MenuInput): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...(input.packaged
        ? []
        : ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[])),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  return [
    ...(input.platform === 'darwin' ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    view,
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: `${input.appName} website`, click: () => input.openHelp() }],
    },
  ];
}
