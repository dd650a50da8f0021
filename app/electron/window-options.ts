/**
 * The main window's construction options. Only `import type` from electron, so the security
 * settings are asserted by a plain Node test (window-options.test.ts), and main-window.ts passes
 * exactly this object to `new BrowserWindow`.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import type { Bounds } from './window-bounds.js';

export const MIN_WIDTH = 480;
export const MIN_HEIGHT = 400;

export type WindowOptionsInput = {
  bounds: Bounds;
  /** Absolute path of the built preload script. */
  preload: string;
  /** Window icon for Windows and Linux; macOS takes the bundle's. */
  icon: string | undefined;
  /** Packaged builds have no developer tools. */
  devTools: boolean;
  darkBackground: boolean;
  title: string;
};

export function mainWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    ...input.bounds,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    title: input.title,
    ...(input.icon ? { icon: input.icon } : {}),
    // Shown on ready-to-show (or not at all with --hidden), so there is no white flash.
    show: false,
    // The renderer's --bg (renderer/src/app.css) in either colour scheme, while it loads.
    backgroundColor: input.darkBackground ? '#16181c' : '#ffffff',
    webPreferences: {
      preload: input.preload,
      // The renderer is a web page that talks to the main process through window.ozeki only.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      // A middle click would otherwise open a link in a new window, bypassing will-navigate.
      disableBlinkFeatures: 'Auxclick',
      // A file dropped on the window must not replace the chat with that file.
      navigateOnDragDrop: false,
      safeDialogs: true,
      // The composer is spell-checked; the languages follow the Spelling settings (window-preferences.ts).
      spellcheck: true,
      // Notification sounds play in the page (the desktop:sound event), also while the window is
      // hidden in the tray, where no click has happened to allow them.
      autoplayPolicy: 'no-user-gesture-required',
      devTools: input.devTools,
    },
  };
}
