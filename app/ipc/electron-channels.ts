/**
 * The contract's names as plain lists: the channels the main process registers with
 * `ipcMain.handle` and the preload lets through, the events (contract.ts re-exports that list), and
 * the one Electron channel events travel on. The renderer sees none of this, just `window.ozeki`.
 *
 * Deliberately free of zod: the sandboxed preload is bundled on its own and has no use for the
 * schemas (the main process checks arguments). The lists are tied to contract.ts by the types
 * below, which fail to compile when a name is missing or unknown, and by electron-channels.test.ts.
 */
import type { Channel, EventName } from './contract.js';

export const CHANNEL_NAMES = [
  'session:sign-in',
  'session:sign-out',
  'session:demo',
  'session:sign-in-demo',
  'state:snapshot',
  'sync:now',
  'conversation:favorite',
  'conversation:unfavorite',
  'conversation:mute',
  'conversation:unmute',
  'conversation:hide',
  'conversation:unhide',
  'conversation:set-color',
  'conversation:clear',
  'conversation:start',
  'conversations:hidden',
  'messages:latest',
  'messages:older',
  'messages:send',
  'messages:mark-viewed',
  'presence:set',
  'ui:conversation-opened',
  'drafts:get',
  'drafts:set',
] as const satisfies readonly Channel[];

export const EVENT_NAMES = [
  'session:changed',
  'connection:changed',
  'conversations:changed',
  'messages:changed',
  'friends:changed',
  'action:failed',
  'notice',
  'ui:open-conversation',
] as const satisfies readonly EventName[];

// A channel or event added to the contract but not here is a compile error, not a silent refusal.
type Exhaustive<Listed, All> = [All] extends [Listed] ? true : { missing: Exclude<All, Listed> };
export const channelsComplete: Exhaustive<(typeof CHANNEL_NAMES)[number], Channel> = true;
export const eventsComplete: Exhaustive<(typeof EVENT_NAMES)[number], EventName> = true;

/** Main to renderer: `(eventName, payload)` for every ChatService event. */
export const EVENT_CHANNEL = 'ozeki:event';

const channelSet: ReadonlySet<string> = new Set(CHANNEL_NAMES);
const eventSet: ReadonlySet<string> = new Set(EVENT_NAMES);

export const isChannelName = (name: unknown): name is Channel => typeof name === 'string' && channelSet.has(name);
export const isEventName = (name: unknown): name is EventName => typeof name === 'string' && eventSet.has(name);
