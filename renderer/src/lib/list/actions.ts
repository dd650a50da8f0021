import type { Channel } from '../../../../app/ipc/contract.js';
import type { ConversationView } from '../../../../app/ipc/views.js';
import { NO_COLOR } from '../../../../app/shared/rules.js';

export type MenuItem = { label: string; run: () => void; shortcut?: string };

/** The channels that set a row's favourite, muted or hidden state. */
export type FlagChannel = 'conversation:set-favorite' | 'conversation:set-muted' | 'conversation:set-hidden';

/**
 * What a row asks for: the state the user wants, not a toggle, so a view that is a moment stale
 * cannot flip it the wrong way (the main process queues nothing when it is already so).
 */
export type FlagIntent = { channel: FlagChannel; on: boolean };

/** What undoes `intent`: the same channel, the other way. */
export function undoIntent(intent: FlagIntent): FlagIntent {
  return { channel: intent.channel, on: !intent.on };
}

/** What the toast says after an intent (or clearing) went through. */
export function doneMessage(done: FlagIntent | 'conversation:clear', name: string): string {
  if (done === 'conversation:clear') return `History cleared: ${name}`;
  const verb: Record<FlagChannel, [on: string, off: string]> = {
    'conversation:set-favorite': ['Added to favorites', 'Removed from favorites'],
    'conversation:set-muted': ['Muted', 'Unmuted'],
    'conversation:set-hidden': ['Hidden', 'Shown again'],
  };
  return `${verb[done.channel][done.on ? 0 : 1]}: ${name}`;
}

/** The menu item and shortcut ask for the opposite of what the row shows. */
export const favoriteIntent = (c: ConversationView): FlagIntent => ({ channel: 'conversation:set-favorite', on: !c.favorite });
export const muteIntent = (c: ConversationView): FlagIntent => ({ channel: 'conversation:set-muted', on: !c.muted });
export const HIDE: FlagIntent = { channel: 'conversation:set-hidden', on: true };

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
