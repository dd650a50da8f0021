/**
 * The rules the main-process core and the renderer must agree on, written once: the order of the
 * conversation list, which actions undo each other, and the list colour that means "no colour".
 *
 * Part of app/shared: it runs everywhere (Node, Electron, the browser), so it is plain TypeScript
 * that imports nothing (test/layering.test.ts keeps it so).
 */

// ---------------------------------------------------------------- list order

/** What decides a conversation's place in the list (a ConversationView has all of it). */
export type ListOrderKey = { readonly favorite: boolean; readonly lastActivity: number; readonly id: string };

/** Favourites first, then the most recent activity first; 0 for a tie (see compareForList). */
export function compareListPosition(a: Omit<ListOrderKey, 'id'>, b: Omit<ListOrderKey, 'id'>): number {
  if (a.favorite !== b.favorite) return a.favorite ? -1 : 1;
  if (a.lastActivity !== b.lastActivity) return b.lastActivity - a.lastActivity;
  return 0;
}

/**
 * THE order of the conversation list: favourites first, then the most recent activity first, then by
 * id, so the order is total and stable. The core sends the list in this order and the renderer keeps
 * it; the local store's SQL says the same (`ORDER BY favorite DESC, activity DESC, id`), and
 * app/core/store/list-order.test.ts checks that the two agree.
 */
export function compareForList(a: ListOrderKey, b: ListOrderKey): number {
  return compareListPosition(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

// ---------------------------------------------------------------- actions that undo each other

/** Each toggle and the action that undoes it. */
export const OPPOSITE_ACTIONS = {
  favorite: 'unfavorite',
  unfavorite: 'favorite',
  mute: 'unmute',
  unmute: 'mute',
  hide: 'unhide',
  unhide: 'hide',
} as const;

export type ToggleAction = keyof typeof OPPOSITE_ACTIONS;

/** The action that undoes `action`, or undefined when it is not a toggle. */
export function oppositeAction(action: string): ToggleAction | undefined {
  return Object.hasOwn(OPPOSITE_ACTIONS, action) ? OPPOSITE_ACTIONS[action as ToggleAction] : undefined;
}

// ---------------------------------------------------------------- list colour

/**
 * The list colour that means "no colour": the server's default (`DEFAULT_LIST_COLOR` in
 * protocol/profile/limits.ts, which protocol/ cannot import from here; a test keeps them equal). A
 * conversation without a colour of its own has it, and the list draws its row in the theme's colours.
 */
export const NO_COLOR = '#ffffff';

/** Whether a `#rrggbb` list colour is "no colour" (in any letter case). */
export function isNoColor(color: string): boolean {
  return color.toLowerCase() === NO_COLOR;
}

/**
 * Whether a conversation's unread messages count towards a total (the tray's badge, an account's
 * count in the switcher): not when it is muted ("do not call me about this") or hidden (a count
 * would point at nothing the user can find in the list).
 */
export function countsAsUnread(c: { readonly muted: boolean; readonly hidden: boolean; readonly unread: number }): boolean {
  return !c.muted && !c.hidden && c.unread > 0;
}

/**
 * The disappearing-message timer's choices, in seconds: off (0: the default lifetime), 1 minute,
 * 1 hour, 1 day, 1 week, 4 weeks. A message sent with one set carries `ValidUntil` that far ahead.
 */
export const DISAPPEARING_TIMERS = [0, 60, 3600, 86_400, 604_800, 2_419_200] as const;
export type DisappearingTimer = (typeof DISAPPEARING_TIMERS)[number];
export const isDisappearingTimer = (seconds: number): seconds is DisappearingTimer => (DISAPPEARING_TIMERS as readonly number[]).includes(seconds);

// ---------------------------------------------------------------- files

/** Raw bytes per `files:attach-piece` and per `files:read` answer: an IPC frame holds them as base64. */
export const FILE_PIECE_BYTES = 512 * 1024;
/** Images larger than this (bytes), or than INLINE_IMAGE_MAX_PIXELS, get a card, not an inline picture. */
export const INLINE_IMAGE_MAX_BYTES = 25 * 1024 * 1024;
export const INLINE_IMAGE_MAX_PIXELS = 40_000_000;
/**
 * The largest file a user may send, in bytes: the protocol's MAX_FILE_BYTES (protocol/profile/limits.ts,
 * which the renderer cannot import; a test keeps them equal). The window refuses a larger file before
 * reading any of it.
 */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;
