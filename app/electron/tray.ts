/**
 * The system tray: draws the view the DesktopController hands over (icon, tooltip, menu) and reports
 * clicks. Every decision is made in app/core/desktop/.
 */
import { join } from 'node:path';
import { Menu, nativeImage, Tray, type NativeImage } from 'electron';
import type { TrayView } from '../core/desktop/desktop-controller.js';
import type { TrayAction } from '../core/desktop/tray-menu.js';
import { trayMenuTemplate } from './tray-template.js';

export type TrayHandle = { render(view: TrayView): void; destroy(): void };

export function createTray(opts: {
  /** The app's resources folder; the images are in its tray/ folder. */
  resourcesDir: string;
  platform: string;
  onAction(action: TrayAction): void;
  /** A click on the icon (Windows; macOS and most Linux desktops open the menu instead). */
  onClick(): void;
}): TrayHandle {
  const images = new Map<string, NativeImage>();
  const image = (file: string, template: boolean): NativeImage => {
    let found = images.get(file);
    if (!found) {
      // Picks up file@2x.png beside it on high-density screens.
      found = nativeImage.createFromPath(join(opts.resourcesDir, 'tray', file));
      if (template) found.setTemplateImage(true);
      images.set(file, found);
    }
    return found;
  };

  let tray: Tray | null = null;
  let shownIcon = '';

  return {
    render(view) {
      const icon = image(view.icon.file, view.icon.template);
      if (!tray) {
        tray = new Tray(icon);
        tray.on('click', () => opts.onClick());
      } else if (shownIcon !== view.icon.file) {
        tray.setImage(icon);
      }
      shownIcon = view.icon.file;
      tray.setToolTip(view.tooltip);
      if (opts.platform === 'darwin') tray.setTitle(view.icon.title);
      // Linux only picks up a changed menu when it is set again, so it is always set whole.
      tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(view.menu, opts.platform, opts.onAction)));
    },
    destroy() {
      tray?.destroy();
      tray = null;
    },
  };
}
