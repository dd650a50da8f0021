import { describe, expect, it } from 'vitest';
import { mainWindowOptions, MIN_HEIGHT, MIN_WIDTH, type WindowOptionsInput } from './window-options.js';

const input: WindowOptionsInput = {
  bounds: { width: 1100, height: 720, x: 10, y: 20 },
  preload: '/app/out/preload/index.cjs',
  icon: '/app/resources/icon.png',
  devTools: false,
  darkBackground: false,
  title: 'Ozeki Chat Desktop',
};

describe('the main window options', () => {
  it('isolate and sandbox the page, with no Node in it', () => {
    expect(mainWindowOptions(input).webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
    });
  });

  it('keep the web security model and turn off what the chat does not use', () => {
    const prefs = mainWindowOptions(input).webPreferences!;
    expect(prefs).toMatchObject({
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
    });
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('additionalArguments');
  });

  it('spell-check the composer and let notification sounds play in a hidden window', () => {
    expect(mainWindowOptions(input).webPreferences).toMatchObject({ spellcheck: true, autoplayPolicy: 'no-user-gesture-required' });
  });

  it('load our preload and nothing else', () => {
    expect(mainWindowOptions(input).webPreferences?.preload).toBe('/app/out/preload/index.cjs');
  });

  it('give developer tools only when asked (never in packaged builds)', () => {
    expect(mainWindowOptions(input).webPreferences?.devTools).toBe(false);
    expect(mainWindowOptions({ ...input, devTools: true }).webPreferences?.devTools).toBe(true);
  });

  it('open hidden at the restored bounds, never smaller than the minimum', () => {
    const options = mainWindowOptions(input);
    expect(options).toMatchObject({ show: false, width: 1100, height: 720, x: 10, y: 20, minWidth: MIN_WIDTH, minHeight: MIN_HEIGHT });
  });

  it('leave out the position when there is none, so Electron centres the window', () => {
    const options = mainWindowOptions({ ...input, bounds: { width: 800, height: 600 } });
    expect(options).not.toHaveProperty('x');
    expect(options).not.toHaveProperty('y');
  });

  it('leave out the icon on macOS, where the bundle has it', () => {
    expect(mainWindowOptions({ ...input, icon: undefined })).not.toHaveProperty('icon');
  });

  it('paint the background in the system colour scheme while loading', () => {
    expect(mainWindowOptions({ ...input, darkBackground: true }).backgroundColor).not.toBe(mainWindowOptions(input).backgroundColor);
  });
});
