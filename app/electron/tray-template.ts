/**
 * The tray menu model (app/core/desktop/tray-menu.ts) as Electron menu template entries. Only types
 * come from electron, so this runs in Node tests.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { escapeMenuLabel, type TrayAction, type TrayMenuItem } from '../core/desktop/tray-menu.js';

export function trayMenuTemplate(items: readonly TrayMenuItem[], platform: string, onAction: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.type) {
      case 'separator':
        return { id: item.id, type: 'separator' };
      case 'submenu':
        return {
          id: item.id,
          label: escapeMenuLabel(item.label, platform),
          enabled: item.enabled,
          submenu: trayMenuTemplate(item.submenu, platform, onAction),
        };
      case 'radio': {
        const { action } = item;
        return {
          id: item.id,
          type: 'radio',
          label: escapeMenuLabel(item.label, platform),
          enabled: item.enabled,
          checked: item.checked,
          click: () => onAction(action),
        };
      }
      case 'normal': {
        const { action } = item;
        return {
          id: item.id,
          label: escapeMenuLabel(item.label, platform),
          enabled: item.enabled,
          ...(action ? { click: () => onAction(action) } : {}),
        };
      }
    }
  });
}
