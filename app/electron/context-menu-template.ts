/**
 * The context menu model (app/core/desktop/context-menu.ts) as Electron menu template entries. The
 * edit commands are Electron's roles, which act on the focused page and read as the system's own;
 * the rest call back with their action. Only types come from electron, so this runs in Node tests.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { ContextMenuAction, ContextMenuItem } from '../core/desktop/context-menu.js';
import { escapeMenuLabel } from '../core/desktop/tray-menu.js';

const ROLES = { cut: 'cut', copy: 'copy', paste: 'paste', 'select-all': 'selectAll' } as const;

export function contextMenuTemplate(
  items: readonly ContextMenuItem[],
  platform: string,
  onAction: (action: ContextMenuAction) => void,
): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    if (item.type === 'separator') return { id: item.id, type: 'separator' };
    const { action } = item;
    // Suggestions come from a dictionary: an "&" in one is a letter, not an access key.
    const base = { id: item.id, label: escapeMenuLabel(item.label, platform), enabled: item.enabled };
    if (!action) return base;
    if (action.kind in ROLES) return { ...base, role: ROLES[action.kind as keyof typeof ROLES] };
    return { ...base, click: () => onAction(action) };
  });
}
