/**
 * Rules about preferences that the window and the main process both apply: the bundled sounds,
 * the zoom range and the steps Ctrl + and Ctrl - move through.
 */

/** Short sounds bundled with the app (made for it by scripts/make-sounds.ts; see renderer/public/sounds/README.md). */
export const NOTIFICATION_SOUNDS = ['chime', 'pop', 'bell', 'knock'] as const;
export type NotificationSound = (typeof NOTIFICATION_SOUNDS)[number];

export const ZOOM_RANGE = { min: 80, max: 200 } as const;
/** Ctrl + and Ctrl - go to the next of these (a zoom between two steps goes to the nearer one in that direction). */
export const ZOOM_STEPS = [80, 90, 100, 110, 125, 150, 175, 200] as const;

/** Every day of the week, Sunday (0) first. */
export const QUIET_DAYS = [0, 1, 2, 3, 4, 5, 6] as const;

/** The zoom after Ctrl + (`in`), Ctrl - (`out`) or Ctrl 0 (`reset`). */
export function nextZoom(zoom: number, direction: 'in' | 'out' | 'reset'): number {
  if (direction === 'reset') return 100;
  if (direction === 'in') return ZOOM_STEPS.find((step) => step > zoom) ?? ZOOM_RANGE.max;
  return [...ZOOM_STEPS].reverse().find((step) => step < zoom) ?? ZOOM_RANGE.min;
}
