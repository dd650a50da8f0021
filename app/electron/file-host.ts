/**
 * What Electron offers the core for files (core/files/files-service.ts FileHost): the system's own
 * open dialog, run here in the main process so the window never names a path; the Downloads folder
 * for "Save" (nothing is ever opened); "Show in folder"; and a small JPEG preview of a picked image
 * made by nativeImage, so a picture picked here has a preview like one dropped into the window.
 */
import { app, dialog, nativeImage, shell, type BrowserWindow } from 'electron';
import type { FileHost } from '../core/files/files-service.js';

/** The longest side of a preview, and the JPEG quality that keeps it within the profile's 48 KiB. */
const PREVIEW_SIDE = 320;
const PREVIEW_QUALITY = 70;
const PREVIEW_MAX_BYTES = 48 * 1024;

export function electronFileHost(getWindow: () => BrowserWindow | null): FileHost {
  return {
    pickFiles: async () => {
      const window = getWindow();
      const options = { title: 'Attach files', properties: ['openFile', 'multiSelections'] as Array<'openFile' | 'multiSelections'> };
      const picked = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
      return picked.canceled ? [] : picked.filePaths;
    },
    downloadsDir: () => app.getPath('downloads'),
    showInFolder: (path) => shell.showItemInFolder(path),
    thumbnail: (bytes) => {
      const image = nativeImage.createFromBuffer(bytes);
      if (image.isEmpty()) return null;
      const { width, height } = image.getSize();
      const scale = Math.min(1, PREVIEW_SIDE / Math.max(width, height));
      const small = image.resize({ width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)), quality: 'good' });
      const jpeg = small.toJPEG(PREVIEW_QUALITY);
      if (jpeg.byteLength > PREVIEW_MAX_BYTES) return null;
      const size = small.getSize();
      return { type: 'image/jpeg', width: size.width, height: size.height, data: jpeg.toString('base64') };
    },
  };
}
