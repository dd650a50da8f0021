import type { Channel } from '../../../../app/ipc/contract.js';
import type { ConversationView } from '../../../../app/ipc/views.js';
import { NO_COLOR, oppositeAction, type ToggleAction } from '../../../../app/shared/rules.js';

export type MenuItem = { label: string; run: () => void; shortcut?: string };

/** The one-argument conversation channels a row can invoke: the toggles, and clearing. */
export type RowChannel = `conversation:${ToggleAction}` | 'conversation:clear';

/** The channel that undoes `channel` (the opposite action, app/shared/rules.ts), if one does. */
export function undoChannel(channel: RowChannel): RowChannel | undefined {
  const opposite = oppositeAction(channel.slice('conversation:'.length));
  return opposite && `conversation:${opposite}`;
}

/** What the toast says after a channel went through. */
export function doneMessage(channel: RowChannel, name: string): string {
  const verb: Record<RowChannel, string> = {
    'conversation:favorite': 'Added to favorites',
    'conversation:unfavorite': 'Removed from favorites',
    'conversation:mute': 'Muted',
    'conversation:unmute': 'Unmuted',
    'conversation:hide': 'Hidden',
    'conversation:unhide': 'Shown again',
    'conversation:clear': 'History cleared',
  };
  return `${verb[channel]}: ${name}`;
}

export const favoriteChannel = (c: ConversationView): RowChannel => (c.favorite ? 'conversation:unfavorite' : 'conversation:favorite');
export const muteChannel = (c: ConversationView): RowChannel => (c.muted ? 'conversation:unmute' : 'conversation:mute');

/** Keyboard shortcuts on the active row (also shown in the menu and as aria-keyshortcuts). */
export const SHORTCUTS = { favorite: 'F', mute: 'M', hide: 'H', clear: 'Delete', menu: 'Shift+F10' } as const;

/** Preset list colours, with the names screen readers say. */
export const PALETTE: readonly { name: string; color: string }[] = [
  { name: 'White', color: NO_COLOR },
  { name: 'Light gray', color: '#e5e7eb' },
  { name: 'Light blue', color: '#cfe2ff' },
  { name: 'Light green', color: '#d1f0d8' },
  { name: 'Light yellow', color: '#fff3bf' },
  { name: 'Light orange', color: '#ffe0c2' },
  { name: 'Light red', color: '#ffd6d6' },
  { name: 'Light purple', color: '#e4d7ff' },
  { name: 'Teal', color: '#0f766e' },
  { name: 'Dark blue', color: '#1e3a8a' },
  { name: 'Dark red', color: '#7f1d1d' },
  { name: 'Dark gray', color: '#374151' },
];

export function isChannelColor(value: string): boolean {
  return /^#[0-9a-f]{6}$/i.test(value);
}

export type { Channel };
