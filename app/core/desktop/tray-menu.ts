/**
 * The tray, as data: its menu, tooltip and icon are pure functions of the app's state, so every
 * rule is tested under Node and the Electron side only turns the model into Menu/Tray calls.
 *
 * Unread rule: the badge, the tooltip and the favorites' counts count messages in conversations that
 * are neither muted nor hidden. Muting means "do not call me about this"; a hidden conversation is not
 * in the list, so a badge would point at nothing the user can find.
 *
 * Silence: the Do not disturb submenu is about the tray's own presets (its label and radio items
 * follow `dndUntil` only); whatever else holds notifications back (notifications off, the system's Do
 * not disturb, quiet hours) gets a line of its own above it, so the user sees why nothing shows.
 */
import type { Availability, ConnectionState, ConversationView, Silence } from '../../ipc/views.js';
import { compareListPosition, countsAsUnread } from '../../shared/rules.js';
import { dndMode, formatMorning, formatUntil, isDndActive, type DndChoice } from './dnd.js';
import type { Zone } from './local-time.js';
import { describeSilence, QUIET_ALWAYS_MS } from './quiet-hours.js';

export const APP_NAME = 'Ozeki Chat';
export const MAX_TRAY_FAVORITES = 10;
/** Longer names are cut with an ellipsis: a menu as wide as the screen helps nobody. */
export const MAX_LABEL_CHARS = 40;

export type TrayAction =
  | { kind: 'show-window' }
  | { kind: 'open-conversation'; conversationId: string; accountId?: string }
  | { kind: 'set-dnd'; choice: DndChoice }
  | { kind: 'set-availability'; availability: Availability }
  | { kind: 'sync-now' }
  | { kind: 'quit' };

export type TrayMenuItem =
  | { type: 'normal'; id: string; label: string; enabled: boolean; action?: TrayAction }
  | { type: 'radio'; id: string; label: string; enabled: boolean; checked: boolean; action: TrayAction }
  | { type: 'submenu'; id: string; label: string; enabled: boolean; submenu: TrayMenuItem[] }
  | { type: 'separator'; id: string };

export type TrayState = {
  signedIn: boolean;
  connection: ConnectionState;
  pendingCount: number;
  /** Every conversation of every account, in any order (the unread total counts them all). */
  conversations: readonly ConversationView[];
  /** The signed-in accounts, each with its conversations: with more than one, the tray has a section per account. */
  accounts?: readonly { id: string; label: string; conversations: readonly ConversationView[] }[];
  availability: Availability;
  /** When the Do not disturb preset ends (settings.desktop.dndUntil), or null. */
  dndUntil: number | null;
  /** What holds notifications back (silenceAt in quiet-hours.ts); when absent, the preset alone. */
  silence?: Silence;
  now: number;
  zone: Zone;
  /** For times of day ("08:00" or "8:00 AM"); the system's when absent. */
  locale?: string;
};

export type TrayIcon = {
  /** A file in resources/tray/; nativeImage picks up its @2x sibling. */
  file: string;
  /** A macOS template image (drawn in the menu bar's colour). */
  template: boolean;
  /** Text next to the icon (macOS menu bar only): the unread count, or empty. */
  title: string;
};

export const AVAILABILITY_LABELS: Record<Availability, string> = {
  available: 'Available',
  away: 'Away',
  busy: 'Busy',
  // "Offline" alone would read like the connection; this is what friends are shown.
  offline: 'Appear offline',
};
const AVAILABILITIES = Object.keys(AVAILABILITY_LABELS) as Availability[];

/** Conversations whose unread messages count (the unread rule above, in app/shared/rules.ts). */
export { countsAsUnread };

export function unreadTotal(conversations: readonly ConversationView[]): number {
  let total = 0;
  for (const c of conversations) if (countsAsUnread(c)) total += c.unread;
  return total;
}

/**
 * The tray's order: the list's (favourites first, newest activity first: compareListPosition in
 * app/shared/rules.ts), but ties go by name before id, for a menu read by name.
 */
export function byTrayOrder(a: ConversationView, b: ConversationView): number {
  return compareListPosition(a, b) || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The favourites the tray offers: not hidden (they could not be opened), in list order, at most 10. */
export function trayFavorites(conversations: readonly ConversationView[]): ConversationView[] {
  return conversations
    .filter((c) => c.favorite && !c.hidden)
    .sort(byTrayOrder)
    .slice(0, MAX_TRAY_FAVORITES);
}

/**
 * Text from a conversation's name or a message, fit for one line of native UI: control characters
 * and bidirectional overrides (which could make a name read as something else) go, runs of white
 * space become one space, and it is cut at `max` characters with an ellipsis.
 */
export function displayText(text: string, max = MAX_LABEL_CHARS): string {
  const clean = text
    // Control characters (and bidirectional overrides) would garble or spoof a menu label.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...clean];
  return chars.length <= max
    ? clean
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

/** Windows and Linux read "&" in a menu label as a keyboard mnemonic; "&&" shows one "&". */
export function escapeMenuLabel(label: string, platform: string): string {
  return platform === 'darwin' ? label : label.replaceAll('&', '&&');
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** The silence, or the preset's alone where the caller gave none. */
function silenceOf(state: TrayState): Silence {
  return state.silence ?? (isDndActive(state.dndUntil, state.now) ? { kind: 'dnd', until: state.dndUntil! } : { kind: 'none' });
}

function dndLabel(state: TrayState): string {
  if (!isDndActive(state.dndUntil, state.now)) return 'Do not disturb';
  return `Do not disturb: on until ${formatUntil(state.dndUntil!, state.now, state.zone, state.locale)}`;
}

/** The whole menu, top to bottom. */
export function trayMenu(state: TrayState): TrayMenuItem[] {
  const items: TrayMenuItem[] = [{ type: 'normal', id: 'open', label: `Open ${APP_NAME}`, enabled: true, action: { kind: 'show-window' } }];

  if (state.signedIn) {
    const several = (state.accounts?.length ?? 0) > 1;
    // One account: one "Favorites" section. Several: a section per account, headed by its address.
    const sections = several ? state.accounts! : [{ id: state.accounts?.[0]?.id, label: 'Favorites', conversations: state.conversations }];
    for (const section of sections) {
      const favorites = trayFavorites(section.conversations);
      if (!favorites.length) continue;
      const prefix = several ? `${section.id}:` : '';
      items.push(
        { type: 'separator', id: `${prefix}favorites-separator` },
        { type: 'normal', id: `${prefix}favorites-heading`, label: several ? displayText(section.label) : 'Favorites', enabled: false },
      );
      for (const c of favorites) {
        const count = countsAsUnread(c) ? ` (${c.unread})` : '';
        items.push({
          type: 'normal',
          id: `favorite:${prefix}${c.id}`,
          label: `${displayText(c.name)}${count}`,
          enabled: true,
          action: { kind: 'open-conversation', conversationId: c.id, ...(section.id ? { accountId: section.id } : {}) },
        });
      }
    }
  }

  items.push({ type: 'separator', id: 'status-separator' });
  if (state.signedIn) {
    // The server takes the choice; while it cannot be reached there is nothing to tell it.
    const reachable = state.connection === 'online';
    items.push({
      type: 'submenu',
      id: 'availability',
      label: `Availability: ${AVAILABILITY_LABELS[state.availability]}`,
      enabled: true,
      submenu: AVAILABILITIES.map((a) => ({
        type: 'radio',
        id: `availability:${a}`,
        label: AVAILABILITY_LABELS[a],
        enabled: reachable,
        checked: a === state.availability,
        action: { kind: 'set-availability', availability: a },
      })),
    });
  }

  const silence = silenceOf(state);
  // The preset says itself in the submenu's label; nothing to say when nothing holds notifications back.
  if (silence.kind !== 'none' && silence.kind !== 'dnd') {
    items.push({ type: 'normal', id: 'silence', label: describeSilence(silence, state.now, state.zone, state.locale), enabled: false });
  }
  const mode = dndMode(state.dndUntil, state.now, state.zone);
  const dndChoices: { choice: DndChoice; label: string }[] = [
    { choice: 'off', label: 'Off' },
    { choice: 'hour', label: 'For 1 hour' },
    { choice: 'tomorrow', label: `Until tomorrow ${formatMorning(state.locale)}` },
  ];
  items.push({
    type: 'submenu',
    id: 'dnd',
    label: dndLabel(state),
    enabled: true,
    submenu: dndChoices.map(({ choice, label }) => ({
      type: 'radio',
      id: `dnd:${choice}`,
      label,
      enabled: true,
      checked: choice === mode,
      action: { kind: 'set-dnd', choice },
    })),
  });

  if (state.signedIn) {
    items.push({ type: 'separator', id: 'sync-separator' });
    items.push({
      type: 'normal',
      id: 'sync-now',
      label: 'Sync now',
      // Signed out there is nothing to sync; refused entry, syncing cannot help: signing in again does.
      enabled: state.connection !== 'unauthorized',
      action: { kind: 'sync-now' },
    });
    if (isAway(state.connection) && state.pendingCount > 0) {
      items.push({ type: 'normal', id: 'pending', label: `Offline: ${plural(state.pendingCount, 'change', 'changes')} waiting to be sent`, enabled: false });
    }
  }

  items.push({ type: 'separator', id: 'quit-separator' }, { type: 'normal', id: 'quit', label: `Quit ${APP_NAME}`, enabled: true, action: { kind: 'quit' } });
  return items;
}

/** Offline, or probing between two offline spells: the count would flicker if it followed each probe. */
function isAway(connection: ConnectionState): boolean {
  return connection === 'offline' || connection === 'reconnecting';
}

/** The tooltip's word on what holds notifications back, or null. */
function silenceNote(state: TrayState): string | null {
  const silence = silenceOf(state);
  const until = (at: number) => formatUntil(at, state.now, state.zone, state.locale);
  switch (silence.kind) {
    case 'none':
      return null;
    case 'off':
      return 'notifications off';
    case 'dnd':
      return `do not disturb until ${until(silence.until)}`;
    case 'system':
      return 'system do not disturb';
    case 'quiet-hours':
      return silence.until - state.now > QUIET_ALWAYS_MS ? 'quiet hours' : `quiet hours until ${until(silence.until)}`;
  }
}

/** One line: the app, the unread count, what holds notifications back, and trouble with the connection. */
export function trayTooltip(state: TrayState): string {
  const parts = [APP_NAME];
  if (!state.signedIn) {
    parts.push('signed out');
  } else {
    const unread = unreadTotal(state.conversations);
    parts.push(unread ? `${plural(unread, 'unread message', 'unread messages')}` : 'no unread messages');
    if (state.connection === 'offline' || state.connection === 'reconnecting') parts.push('offline');
    if (state.connection === 'unauthorized') parts.push('sign in again');
  }
  const note = silenceNote(state);
  if (note) parts.push(note);
  return parts.join(' · ');
}

/**
 * The icon: on macOS a template image (the menu bar colours it) with the count as its title; on
 * Windows and Linux the coloured icon, with a red dot when something is unread.
 */
export function trayIcon(state: Pick<TrayState, 'signedIn' | 'conversations'>, platform: string): TrayIcon {
  const unread = state.signedIn ? unreadTotal(state.conversations) : 0;
  if (platform === 'darwin') {
    return { file: unread ? 'trayUnreadTemplate.png' : 'trayTemplate.png', template: true, title: unread === 0 ? '' : unread > 99 ? '99+' : String(unread) };
  }
  return { file: unread ? 'tray-unread.png' : 'tray.png', template: false, title: '' };
}
