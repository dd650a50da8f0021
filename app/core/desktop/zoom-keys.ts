/**
 * The zoom keys as the main process sees them (Electron's `before-input-event`): Ctrl (⌘ on macOS)
 * with + or =, - or 0, on the main keys or the keypad. The main process handles them before the page
 * and the menu do, so one press moves the zoom one step whatever else listens (the page's own
 * handler is for the browser host, where no main process sees the keys).
 */

export type ZoomDirection = 'in' | 'out' | 'reset';

/** The part of Electron's Input this reads. */
export type KeyInput = { type: string; key: string; code: string; control: boolean; meta: boolean; alt: boolean };

export function zoomKey(input: KeyInput, platform: string): ZoomDirection | null {
  if (input.type !== 'keyDown' || input.alt) return null;
  const modifier = platform === 'darwin' ? input.meta && !input.control : input.control && !input.meta;
  // Shift is allowed: "+" is Shift+= on many keyboards.
  if (!modifier) return null;
  if (input.key === '=' || input.key === '+' || input.code === 'NumpadAdd') return 'in';
  if (input.key === '-' || input.code === 'NumpadSubtract') return 'out';
  if (input.key === '0' || input.code === 'Numpad0') return 'reset';
  return null;
}
