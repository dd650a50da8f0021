/**
 * The contract's names as plain lists: the channels the main process registers with
 * `ipcMain.handle` and the preload lets through, the events (contract.ts re-exports that list), and
 * the one Electron channel events travel on. The renderer sees none of this, just `window.ozeki`.
 *
 * Deliberately free of zod: the sandboxed preload is bundled on its own and has no use for the
 * schemas (the main process checks arguments). It imports nothing: contract.ts imports these lists
 * and its types fail to compile when a name is missing here or unknown there (electron-channels.test.ts
 * checks the same at run time).
 */

export const CHANNEL_NAMES = [
  'session:sign-in',
  'session:sign-out',
  'accounts:switch',
  'session:demo',
  'session:sign-in-demo',
  'state:snapshot',
  'sync:now',
  'conversation:set-favorite',
  'conversation:set-muted',
  'conversation:set-hidden',
  'conversation:set-color',
  'conversation:clear',
  'conversation:start',
  'conversation:create-group',
  'conversation:set-timer',
  'conversations:hidden',
  'messages:latest',
  'messages:older',
  'messages:around',
  'messages:newer',
  'search:messages',
  'history:status',
  'history:start',
  'history:stop',
  'messages:send',
  'messages:react',
  'messages:edit',
  'messages:delete',
  'messages:mark-viewed',
  'files:attach-begin',
  'files:attach-piece',
  'files:attach-end',
  'files:attach-abort',
  'files:pick',
  'files:cancel',
  'files:read',
  'files:save',
  'files:show-in-folder',
  'presence:set',
  'ui:conversation-opened',
  'drafts:get',
  'drafts:set',
  'settings:get',
  'settings:set',
  'accounts:clear-local-data',
  'updates:check',
  'links:open',
] as const;

/** A contract channel (contract.ts's Channel is the same union). */
export type ChannelName = (typeof CHANNEL_NAMES)[number];

export const EVENT_NAMES = [
  'accounts:changed',
  'session:changed',
  'connection:changed',
  'conversations:changed',
  'messages:changed',
  'friends:changed',
  'presence:changed',
  'action:failed',
  'notice',
  'history:progress',
  'files:progress',
  'ui:open-conversation',
  'settings:changed',
  'ui:open-settings',
  'desktop:sound',
  'desktop:notification',
] as const;

/** A contract event (contract.ts's EventName is the same union). */
export type EventName = (typeof EVENT_NAMES)[number];

/** Main to renderer: `(eventName, payload)` for every ChatService event. */
export const EVENT_CHANNEL = 'ozeki:event';

const channelSet: ReadonlySet<string> = new Set(CHANNEL_NAMES);
const eventSet: ReadonlySet<string> = new Set(EVENT_NAMES);

export const isChannelName = (name: unknown): name is ChannelName => typeof name === 'string' && channelSet.has(name);
export const isEventName = (name: unknown): name is EventName => typeof name === 'string' && eventSet.has(name);
