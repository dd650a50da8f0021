/** The tray as data: menu, tooltip and icon for a given state. */
import { describe, expect, it } from 'vitest';
import type { ConversationView } from '../../ipc/views.js';
import { conversationView } from '../../../test/support/core/views.js';
import { dndUntilFor } from './dnd.js';
import { fromWall, ianaZone } from './local-time.js';
import { displayText, escapeMenuLabel, trayFavorites, trayIcon, trayMenu, trayTooltip, unreadTotal, type TrayMenuItem, type TrayState } from './tray-menu.js';

const zone = ianaZone('Europe/Budapest');
const NOW = fromWall(Date.UTC(2025, 5, 10, 14, 20), zone);

const conversation = (n: number, over: Partial<ConversationView> = {}): ConversationView =>
  conversationView(n, { id: n.toString(16).padStart(32, '0'), lastActivity: 1000 + n, ...over });

function state(over: Partial<TrayState> = {}): TrayState {
  return {
    signedIn: true,
    connection: 'online',
    pendingCount: 0,
    conversations: [],
    availability: 'available',
    dndUntil: null,
    now: NOW,
    zone,
    locale: 'en-GB',
    ...over,
  };
}

const find = (items: TrayMenuItem[], id: string): TrayMenuItem | undefined => {
  for (const item of items) {
    if (item.id === id) return item;
    if (item.type === 'submenu') {
      const inner = find(item.submenu, id);
      if (inner) return inner;
    }
  }
  return undefined;
};
const ids = (items: TrayMenuItem[]) => items.map((i) => i.id);
const submenu = (items: TrayMenuItem[], id: string) => {
  const item = find(items, id);
  if (item?.type !== 'submenu') throw new Error(`no submenu ${id}`);
  return item;
};
const radios = (items: TrayMenuItem[], id: string) =>
  submenu(items, id).submenu.map((i) => (i.type === 'radio' ? { label: i.label, checked: i.checked, enabled: i.enabled } : null));

describe('unread counting', () => {
  it('counts unread messages of conversations that are neither muted nor hidden', () => {
    const list = [
      conversation(1, { unread: 3 }),
      conversation(2, { unread: 5, muted: true }),
      conversation(3, { unread: 7, hidden: true }),
      conversation(4, { unread: 1, favorite: true }),
    ];
    expect(unreadTotal(list)).toBe(4);
    expect(unreadTotal([])).toBe(0);
  });
});

describe('the tray menu', () => {
  it('reads, top to bottom: open, favorites, availability, Do not disturb, sync, quit', () => {
    const menu = trayMenu(state({ conversations: [conversation(1, { favorite: true })] }));
    expect(ids(menu)).toEqual([
      'open',
      'favorites-separator',
      'favorites-heading',
      `favorite:${conversation(1).id}`,
      'status-separator',
      'availability',
      'dnd',
      'sync-separator',
      'sync-now',
      'quit-separator',
      'quit',
    ]);
    expect(find(menu, 'open')).toMatchObject({ label: 'Open Ozeki Chat', enabled: true, action: { kind: 'show-window' } });
    expect(find(menu, 'quit')).toMatchObject({ label: 'Quit Ozeki Chat', action: { kind: 'quit' } });
    expect(find(menu, 'sync-now')).toMatchObject({ label: 'Sync now', enabled: true, action: { kind: 'sync-now' } });
  });

  it('offers only open, Do not disturb and quit while signed out', () => {
    const menu = trayMenu(state({ signedIn: false, connection: 'signed-out', conversations: [conversation(1, { favorite: true })] }));
    expect(ids(menu)).toEqual(['open', 'status-separator', 'dnd', 'quit-separator', 'quit']);
  });

  it('lists at most 10 favorites, in the list order, skipping hidden ones, each opening its conversation', () => {
    const list = [
      ...Array.from({ length: 12 }, (_, i) => conversation(i + 1, { favorite: true, lastActivity: 100 + i })),
      conversation(50, { favorite: false, lastActivity: 999 }),
      conversation(51, { favorite: true, hidden: true, lastActivity: 999 }),
      // Same activity: by name, as the window's list orders them.
      conversation(60, { favorite: true, lastActivity: 500, name: 'Zed' }),
      conversation(61, { favorite: true, lastActivity: 500, name: 'Ann' }),
    ];
    const favorites = trayFavorites(list);
    expect(favorites.map((c) => c.name)).toEqual(['Ann', 'Zed', ...[12, 11, 10, 9, 8, 7, 6, 5].map((n) => `Conversation ${n}`)]);
    const menu = trayMenu(state({ conversations: list }));
    const entries = menu.filter((i) => i.id.startsWith('favorite:'));
    expect(entries).toHaveLength(10);
    expect(entries[0]).toMatchObject({
      type: 'normal',
      label: 'Ann',
      enabled: true,
      action: { kind: 'open-conversation', conversationId: conversation(61).id },
    });
  });

  it('shows no favorites section when there are none', () => {
    expect(ids(trayMenu(state({ conversations: [conversation(1)] })))).not.toContain('favorites-heading');
  });

  it("shows a favorite's unread count unless it is muted, and keeps names to one short clean line", () => {
    const menu = trayMenu(
      state({
        conversations: [
          conversation(1, { favorite: true, unread: 4, name: 'Bob' }),
          conversation(2, { favorite: true, unread: 4, muted: true, name: 'Carol' }),
          conversation(3, { favorite: true, name: 'Dave\n\u202Egnp.exe\u0007   and a name far too long to fit in any menu' }),
        ],
      }),
    );
    expect(find(menu, `favorite:${conversation(1).id}`)).toMatchObject({ label: 'Bob (4)' });
    expect(find(menu, `favorite:${conversation(2).id}`)).toMatchObject({ label: 'Carol' });
    const long = find(menu, `favorite:${conversation(3).id}`) as { label: string };
    expect(long.label).toBe('Dave gnp.exe and a name far too long to…');
    expect([...long.label]).toHaveLength(40);
  });

  it('shows the pending changes only while offline (or reconnecting) and only when there are some', () => {
    const pending = (s: Partial<TrayState>) => find(trayMenu(state(s)), 'pending');
    expect(pending({ connection: 'offline', pendingCount: 3 })).toMatchObject({ label: 'Offline: 3 changes waiting to be sent', enabled: false });
    expect(pending({ connection: 'reconnecting', pendingCount: 1 })).toMatchObject({ label: 'Offline: 1 change waiting to be sent' });
    expect(pending({ connection: 'online', pendingCount: 3 })).toBeUndefined();
    expect(pending({ connection: 'offline', pendingCount: 0 })).toBeUndefined();
  });

  it('disables Sync now when the server refused the sign-in (signing in again is what helps)', () => {
    expect(find(trayMenu(state({ connection: 'unauthorized' })), 'sync-now')).toMatchObject({ enabled: false });
    expect(find(trayMenu(state({ connection: 'offline' })), 'sync-now')).toMatchObject({ enabled: true });
  });

  it('checks the current availability, names it in the label, and lets it change only while online', () => {
    const menu = trayMenu(state({ availability: 'busy' }));
    expect(submenu(menu, 'availability').label).toBe('Availability: Busy');
    expect(radios(menu, 'availability')).toEqual([
      { label: 'Available', checked: false, enabled: true },
      { label: 'Away', checked: false, enabled: true },
      { label: 'Busy', checked: true, enabled: true },
      { label: 'Appear offline', checked: false, enabled: true },
    ]);
    expect(find(menu, 'availability:away')).toMatchObject({ action: { kind: 'set-availability', availability: 'away' } });
    expect(radios(trayMenu(state({ connection: 'offline' })), 'availability').every((r) => r?.enabled === false)).toBe(true);
  });

  it('checks Off while Do not disturb is off or has ended', () => {
    for (const dndUntil of [null, NOW - 1]) {
      const menu = trayMenu(state({ dndUntil }));
      expect(submenu(menu, 'dnd').label).toBe('Do not disturb');
      expect(radios(menu, 'dnd')).toEqual([
        { label: 'Off', checked: true, enabled: true },
        { label: 'For 1 hour', checked: false, enabled: true },
        { label: 'Until tomorrow 8:00', checked: false, enabled: true },
      ]);
    }
    expect(find(trayMenu(state()), 'dnd:tomorrow')).toMatchObject({ action: { kind: 'set-dnd', choice: 'tomorrow' } });
  });

  it('checks the choice that is on and says until when', () => {
    const hour = trayMenu(state({ dndUntil: dndUntilFor('hour', NOW, zone) }));
    expect(submenu(hour, 'dnd').label).toBe('Do not disturb: on until 15:20');
    expect(radios(hour, 'dnd').map((r) => r?.checked)).toEqual([false, true, false]);

    const tomorrow = trayMenu(state({ dndUntil: dndUntilFor('tomorrow', NOW, zone) }));
    expect(submenu(tomorrow, 'dnd').label).toBe('Do not disturb: on until tomorrow 8:00');
    expect(radios(tomorrow, 'dnd').map((r) => r?.checked)).toEqual([false, false, true]);

    const us = trayMenu(state({ dndUntil: dndUntilFor('tomorrow', NOW, zone), locale: 'en-US' }));
    expect(submenu(us, 'dnd').label).toBe('Do not disturb: on until tomorrow 8:00 AM');
    expect(find(us, 'dnd:tomorrow')).toMatchObject({ label: 'Until tomorrow 8:00 AM' });
  });
});

describe('what holds notifications back, in the tray', () => {
  const tomorrow7 = fromWall(Date.UTC(2025, 5, 11, 7, 0), zone);

  it('says quiet hours, the system, or notifications being off on a line above Do not disturb, which stays off', () => {
    const cases: [TrayState['silence'], string][] = [
      [{ kind: 'quiet-hours', until: tomorrow7, favouritesNotify: true }, 'Quiet hours until tomorrow 7:00 (favorites still notify)'],
      [{ kind: 'system' }, "The system's Do not disturb is on"],
      [{ kind: 'off' }, 'Notifications are off'],
    ];
    for (const [silence, label] of cases) {
      const menu = trayMenu(state({ silence }));
      expect(ids(menu).slice(ids(menu).indexOf('availability')), label).toEqual([
        'availability',
        'silence',
        'dnd',
        'sync-separator',
        'sync-now',
        'quit-separator',
        'quit',
      ]);
      expect(find(menu, 'silence')).toEqual({ type: 'normal', id: 'silence', label, enabled: false });
      expect(submenu(menu, 'dnd').label).toBe('Do not disturb');
      expect(radios(menu, 'dnd').map((r) => r?.checked)).toEqual([true, false, false]);
    }
  });

  it('has no such line while nothing holds notifications back, or while the preset does (its submenu says so)', () => {
    expect(find(trayMenu(state({ silence: { kind: 'none' } })), 'silence')).toBeUndefined();
    const until = dndUntilFor('hour', NOW, zone)!;
    const menu = trayMenu(state({ dndUntil: until, silence: { kind: 'dnd', until } }));
    expect(find(menu, 'silence')).toBeUndefined();
    expect(submenu(menu, 'dnd').label).toBe('Do not disturb: on until 15:20');
  });

  it('names it in the tooltip too', () => {
    expect(trayTooltip(state({ silence: { kind: 'quiet-hours', until: tomorrow7, favouritesNotify: false } }))).toBe(
      'Ozeki Chat · no unread messages · quiet hours until tomorrow 7:00',
    );
    expect(trayTooltip(state({ silence: { kind: 'system' } }))).toBe('Ozeki Chat · no unread messages · system do not disturb');
    expect(trayTooltip(state({ silence: { kind: 'off' } }))).toBe('Ozeki Chat · no unread messages · notifications off');
    expect(trayTooltip(state({ silence: { kind: 'none' } }))).toBe('Ozeki Chat · no unread messages');
  });
});

describe('the tray tooltip', () => {
  it('says how many messages are unread', () => {
    expect(trayTooltip(state({ conversations: [conversation(1, { unread: 2 }), conversation(2, { unread: 1 })] }))).toBe('Ozeki Chat · 3 unread messages');
    expect(trayTooltip(state({ conversations: [conversation(1, { unread: 1 })] }))).toBe('Ozeki Chat · 1 unread message');
    expect(trayTooltip(state({ conversations: [conversation(1, { unread: 9, muted: true })] }))).toBe('Ozeki Chat · no unread messages');
  });

  it('adds being offline, having to sign in again, and Do not disturb', () => {
    expect(trayTooltip(state({ connection: 'offline', dndUntil: dndUntilFor('hour', NOW, zone) }))).toBe(
      'Ozeki Chat · no unread messages · offline · do not disturb until 15:20',
    );
    expect(trayTooltip(state({ connection: 'unauthorized' }))).toBe('Ozeki Chat · no unread messages · sign in again');
    expect(trayTooltip(state({ signedIn: false, connection: 'signed-out' }))).toBe('Ozeki Chat · signed out');
  });
});

describe('the tray icon', () => {
  const unread = state({ conversations: [conversation(1, { unread: 3 })] });
  const none = state({ conversations: [conversation(1, { unread: 3, muted: true })] });

  it('is a template image on macOS, with the unread variant and the count as its title', () => {
    expect(trayIcon(unread, 'darwin')).toEqual({ file: 'trayUnreadTemplate.png', template: true, title: '3' });
    expect(trayIcon(none, 'darwin')).toEqual({ file: 'trayTemplate.png', template: true, title: '' });
    expect(trayIcon(state({ conversations: [conversation(1, { unread: 100 }), conversation(2, { unread: 50 })] }), 'darwin').title).toBe('99+');
  });

  it('is the coloured icon on Windows and Linux, with a red dot when something is unread', () => {
    for (const platform of ['win32', 'linux']) {
      expect(trayIcon(unread, platform)).toEqual({ file: 'tray-unread.png', template: false, title: '' });
      expect(trayIcon(none, platform)).toEqual({ file: 'tray.png', template: false, title: '' });
    }
  });

  it('shows nothing unread while signed out', () => {
    expect(trayIcon({ ...unread, signedIn: false }, 'win32').file).toBe('tray.png');
  });
});

describe('text for native menus', () => {
  it('doubles "&" on Windows and Linux, where a single one marks a keyboard shortcut', () => {
    expect(escapeMenuLabel('Tom & Jerry', 'win32')).toBe('Tom && Jerry');
    expect(escapeMenuLabel('Tom & Jerry', 'linux')).toBe('Tom && Jerry');
    expect(escapeMenuLabel('Tom & Jerry', 'darwin')).toBe('Tom & Jerry');
  });

  it('cuts by characters, not code units, so an emoji is never split', () => {
    expect(displayText('😀'.repeat(50), 5)).toBe('😀😀😀😀…');
  });
});
