/** The words and numbers a file shows: its size, how far a transfer is, and what is happening. */
import type { FileProgress } from '../../../../app/ipc/views.js';

const UNITS = ['B', 'kB', 'MB', 'GB'] as const;

/** A size in decimal units, as file managers show it: "512 B", "1.2 MB", "100 MB". */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1000) return `${Math.max(0, Math.round(bytes) || 0)} B`;
  let unit = 0;
  let value = bytes;
  // Rounded first, so 999,960 bytes reads "1 MB", not "1000 kB".
  while (unit < UNITS.length - 1 && Math.round(value * 10) / 10 >= 1000) {
    value /= 1000;
    unit++;
  }
  const shown = value < 100 ? Math.round(value * 10) / 10 : Math.round(value);
  return `${shown} ${UNITS[unit]}`;
}

/** How far along, in whole percent (0 to 100); 0 while the total is unknown. */
export function percent(done: number, total: number): number {
  if (!(total > 0) || !(done > 0)) return 0;
  return Math.min(100, Math.floor((done * 100) / total));
}

/** A progress bar's name: "Uploading report.pdf, 40%". */
export function transferLabel(progress: FileProgress, name: string): string {
  return `${progress.direction === 'upload' ? 'Uploading' : 'Downloading'} ${name}, ${percent(progress.done, progress.total)}%`;
}

/** The bar of a file still being handed to the main process, before its message exists. */
export function preparingLabel(name: string, done: number, total: number): string {
  return `Preparing ${name}, ${total > 0 ? percent(done, total) : 100}%`;
}

/** The further along of what the events said and what the view says (the view may be older, or newer). */
export function latestProgress(live: FileProgress | null, view: FileProgress | null): FileProgress | null {
  if (!live || !view) return live ?? view;
  return live.direction === view.direction && view.done > live.done ? view : live;
}

/** Only a preview the main process made is shown: a base64 `data:` URL of PNG, JPEG or WebP (never SVG, never a link). */
export function safeThumbnail(url: string | null): string | null {
  return url !== null && /^data:image\/(?:png|jpeg|webp);base64,[A-Za-z0-9+/]+={0,2}$/.test(url) ? url : null;
}

/** The box a picture takes in the log: its shape, within 320×320 css px, never thinner than 48 px. */
export function pictureBox(width: number, height: number): { width: number; height: number } {
  const MAX = 320;
  const MIN = 48;
  const scale = Math.min(1, MAX / width, MAX / height);
  const fit = (side: number): number => Math.round(Math.min(MAX, Math.max(MIN, side * scale)));
  return { width: fit(width), height: fit(height) };
}
