import { describe, expect, it } from 'vitest';
import type { WindowState } from '../core/settings/settings.js';
import { restoreBounds, windowStateOf, type Rect } from './window-bounds.js';

const primary: Rect = { x: 0, y: 0, width: 1920, height: 1040 };
const right: Rect = { x: 1920, y: 0, width: 1280, height: 1000 };
const min = { width: 480, height: 400 };
const saved = (w: Partial<WindowState>): WindowState => ({ width: 1100, height: 720, maximized: false, ...w });

describe('restoring the window bounds', () => {
  it('keeps a saved position that is on a display', () => {
    expect(restoreBounds(saved({ x: 100, y: 50 }), [primary, right], primary, min)).toEqual({ width: 1100, height: 720, x: 100, y: 50 });
    expect(restoreBounds(saved({ x: 2000, y: 100 }), [primary, right], primary, min)).toEqual({ width: 1100, height: 720, x: 2000, y: 100 });
  });

  it('centres the window on the primary display when its display is gone', () => {
    expect(restoreBounds(saved({ x: 2000, y: 100 }), [primary], primary, min)).toEqual({ width: 1100, height: 720 });
    expect(restoreBounds(saved({ x: -5000, y: -5000 }), [primary, right], primary, min)).toEqual({ width: 1100, height: 720 });
  });

  it('centres it when only a sliver of the title bar would be visible', () => {
    expect(restoreBounds(saved({ x: 1880, y: 1030 }), [primary], primary, min)).toEqual({ width: 1100, height: 720 });
    expect(restoreBounds(saved({ x: -1050, y: 10 }), [primary], primary, min)).toEqual({ width: 1100, height: 720 });
  });

  it('pulls a window that hangs over the edge back onto its display', () => {
    expect(restoreBounds(saved({ x: 1500, y: 600 }), [primary], primary, min)).toEqual({ width: 1100, height: 720, x: 820, y: 320 });
  });

  it('shrinks a window larger than its display to fit it', () => {
    expect(restoreBounds(saved({ width: 4000, height: 3000, x: 0, y: 0 }), [primary], primary, min)).toEqual({ width: 1920, height: 1040, x: 0, y: 0 });
    expect(restoreBounds(saved({ width: 4000, height: 3000 }), [primary], primary, min)).toEqual({ width: 1920, height: 1040 });
  });

  it('never opens below the minimum size, unless the display itself is smaller', () => {
    expect(restoreBounds(saved({ width: 200, height: 200 }), [primary], primary, min)).toEqual({ width: 480, height: 400 });
    const tiny: Rect = { x: 0, y: 0, width: 400, height: 300 };
    expect(restoreBounds(saved({ width: 200, height: 200 }), [tiny], tiny, min)).toEqual({ width: 400, height: 300 });
  });

  it('uses the default size without a position when nothing was saved yet', () => {
    expect(restoreBounds(saved({}), [primary], primary, min)).toEqual({ width: 1100, height: 720 });
  });
});

describe('the window state to save', () => {
  it('is the normal bounds in whole pixels, with the maximised flag', () => {
    expect(windowStateOf({ x: 10.4, y: 20.6, width: 1000.5, height: 700.2 }, true)).toEqual({ x: 10, y: 21, width: 1001, height: 700, maximized: true });
  });

  it('stays inside the ranges the settings store accepts', () => {
    expect(windowStateOf({ x: -99_999, y: 99_999, width: 50, height: 99_999 }, false)).toEqual({
      x: -32_768,
      y: 32_767,
      width: 200,
      height: 32_767,
      maximized: false,
    });
  });
});
