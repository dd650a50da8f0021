/**
 * Where the window opens: the size and position saved in settings, kept only when the window
 * would still be visible on one of today's displays (a monitor may have been unplugged), and the
 * state to save back, in the ranges the settings store accepts.
 */
import { WINDOW_POSITION, WINDOW_SIZE, type WindowState } from '../core/settings/settings.js';

export type Rect = { x: number; y: number; width: number; height: number };
export type Bounds = { width: number; height: number; x?: number; y?: number };

/** How much of the window's top edge (where the title bar is) must be on a display to keep it. */
export const VISIBLE_MIN = { width: 100, height: 40 } as const;

const overlap = (a: Rect, b: Rect): { width: number; height: number } => ({
  width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
  height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
});

const clamp = (n: number, min: number, max: number): number => Math.min(max, Math.max(min, n));

/**
 * The bounds to open the window with. `workAreas` are the displays' work areas (without task bars
 * and docks); `primary` is the one to fall back to. Without a usable saved position the window
 * gets no x/y, and Electron centres it on the primary display.
 */
export function restoreBounds(saved: WindowState, workAreas: readonly Rect[], primary: Rect, min: { width: number; height: number }): Bounds {
  const fit = (area: Rect) => ({
    width: clamp(saved.width, Math.min(min.width, area.width), area.width),
    height: clamp(saved.height, Math.min(min.height, area.height), area.height),
  });
  if (saved.x !== undefined && saved.y !== undefined) {
    const titleBar: Rect = { x: saved.x, y: saved.y, width: saved.width, height: VISIBLE_MIN.height };
    const home = workAreas.find((area) => {
      const o = overlap(titleBar, area);
      return o.width >= Math.min(VISIBLE_MIN.width, saved.width) && o.height >= VISIBLE_MIN.height;
    });
    if (home) {
      const size = fit(home);
      // Pulled in so the whole window is on that display when it fits there.
      const x = clamp(saved.x, home.x, home.x + home.width - size.width);
      const y = clamp(saved.y, home.y, home.y + home.height - size.height);
      return { ...size, x, y };
    }
  }
  return fit(primary);
}

/** The window's normal (not maximised) bounds as settings, rounded and within the stored ranges. */
export function windowStateOf(normal: Rect, maximized: boolean): WindowState {
  const size = (n: number) => clamp(Math.round(n), WINDOW_SIZE.min, WINDOW_SIZE.max);
  const position = (n: number) => clamp(Math.round(n), WINDOW_POSITION.min, WINDOW_POSITION.max);
  return { width: size(normal.width), height: size(normal.height), x: position(normal.x), y: position(normal.y), maximized };
}
