/** The tray model as Electron menu template entries (no Electron needed: only its types). */
import { describe, expect, it } from 'vitest';
import { ianaZone } from '../core/desktop/local-time.js';
import { trayMenu, type TrayAction } from '../core/desktop/tray-menu.js';
import type { ConversationView } from '../ipc/views.js';
import { trayMenuTemplate } from './tray-template.js';

const favorite: ConversationView = {
  id: 'f'.repeat(32),
  name: 'Tom & Jerry',
  nameDecrypted: true,
  isGroup: true,
  participants: [],
  favorite: true,
  muted: false,
  hidden: false,
  color: '#ffffff',
  lastActivity: 1,
  unread: 2,
  pending: false,
  last: null,
  timer: 0,
};
const model = trayMenu({
  signedIn: true,
  connection: 'offline',
  pendingCount: 2,
  conversations: [favorite],
  availability: 'away',
  dndUntil: null,
  now: Date.UTC(2025, 5, 10, 12),
  zone: ianaZone('UTC'),
  locale: 'en-GB',
});

describe('the tray menu template', () => {
  it('keeps the order, separators, submenus and radio states of the model', () => {
    const template = trayMenuTemplate(model, 'darwin', () => {});
    expect(template.map((i) => i.type ?? (i.submenu ? 'submenu' : 'normal'))).toEqual(model.map((i) => i.type));
    const availability = template.find((i) => i.id === 'availability')!;
    expect((availability.submenu as { type?: string; checked?: boolean; enabled?: boolean }[]).map((i) => [i.type, i.checked, i.enabled])).toEqual([
      ['radio', false, false],
      ['radio', true, false],
      ['radio', false, false],
      ['radio', false, false],
    ]);
    expect(template.find((i) => i.id === 'pending')).toEqual({ id: 'pending', label: 'Offline: 2 changes waiting to be sent', enabled: false });
  });

  it("hands the clicked entry's action to the caller, also from a submenu", () => {
    const clicked: TrayAction[] = [];
    const template = trayMenuTemplate(model, 'linux', (a) => clicked.push(a));
    const click = (item: { click?: unknown }) => (item.click as () => void)();
    click(template.find((i) => i.id === `favorite:${favorite.id}`)!);
    click((template.find((i) => i.id === 'dnd')!.submenu as { id?: string; click?: unknown }[]).find((i) => i.id === 'dnd:hour')!);
    expect(clicked).toEqual([
      { kind: 'open-conversation', conversationId: favorite.id },
      { kind: 'set-dnd', choice: 'hour' },
    ]);
  });

  it('shows "&" in names as itself on every platform', () => {
    const label = (platform: string) => trayMenuTemplate(model, platform, () => {}).find((i) => i.id === `favorite:${favorite.id}`)!.label;
    expect(label('win32')).toBe('Tom && Jerry (2)');
    expect(label('darwin')).toBe('Tom & Jerry (2)');
  });
});
