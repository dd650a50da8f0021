/**
 * THE IPC contract: every channel the renderer may invoke, with the schema its arguments must pass
 * (checked at runtime in the main process) and the type of its result, and every event the main
 * process sends. Nothing else crosses. The renderer imports only types from here.
 *
 * The names of the channels and events are listed, free of zod, in electron-channels.ts; the
 * types at the end of this file fail to compile when the two disagree.
 */
import { z } from 'zod';
import type { ErrorInfo } from '../shared/errors.js';
import { isReactionEmoji } from '../../protocol/profile/emoji.js';
import { MAX_FILE_BYTES } from '../../protocol/profile/limits.js';
import { DISAPPEARING_TIMERS, FILE_PIECE_BYTES } from '../shared/rules.js';
import type { NotificationSound } from '../shared/preferences-rules.js';
import { preferencesPatchSchema } from './preferences.js';
import type { CHANNEL_NAMES, EVENT_NAMES } from './electron-channels.js';
import type {
  AccountsView,
  ActionFailure,
  Availability,
  ConnectionState,
  ConversationView,
  FileProgress,
  FriendView,
  HistoryProgress,
  KeychainStatus,
  MessagePage,
  MessagesAround,
  MessageView,
  NewerPage,
  Notice,
  ProfileView,
  SearchResults,
  SettingsView,
  Snapshot,
  UpdateStatus,
} from './views.js';

const conversationId = z.string().regex(/^[0-9a-f]{32}$/, 'a conversation id is 32 lower-case hex characters');
const messageId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a message id is a UUID');
const userId = z.string().regex(/^[0-9a-f]{32}$/, 'a user id is 32 lower-case hex characters');
const httpUrl = z
  .string()
  .max(2048)
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'the server URL must start with http:// or https://');

export const signInSchema = z.object({
  serverUrl: httpUrl,
  email: z
    .string()
    .trim()
    .min(3)
    .max(320)
    .regex(/^[^\s@]+@[^\s@]+$/, 'that is not an e-mail address'),
  apiKey: z.string().trim().min(1, 'the API key is empty').max(256),
  password: z.string().min(1, 'the encryption password is empty').max(1024),
  /**
   * The user chose "Sign in anyway" after being warned that a plain http:// address that is not
   * loopback sends the API key unencrypted. Without it the core refuses such a sign-in with
   * 'insecure-connection'.
   */
  allowInsecure: z.boolean().optional(),
});
export type SignInRequest = z.infer<typeof signInSchema>;
export type SignInResult = { profile: ProfileView; keychain: KeychainStatus };
/** A demo account the host offers ("Try the demo"): where and who, never its secrets. */
export type DemoOffer = { serverUrl: string; email: string };

/** Epoch milliseconds, within what a Date can hold. */
const epochMs = z.number().int().min(0).max(8.64e15);

export const searchSchema = z
  .object({
    /** What the user typed: words, each matched as a word prefix or inside longer words. */
    text: z.string().trim().min(1, 'the search is empty').max(200, 'the search is too long'),
    conversationId: conversationId.optional(),
    /** Messages from this user only. */
    sender: userId.optional(),
    /** Sent at or after this time. */
    from: epochMs.optional(),
    /** Sent before this time. */
    until: epochMs.optional(),
    limit: z.number().int().min(1).max(200).optional(),
  })
  .strict();
export type SearchRequest = z.infer<typeof searchSchema>;

const messageText = z.string().min(1, 'the message is empty').max(20_000, 'the message is too long');
/** One emoji (with its modifiers and joiners): no letters, digits, spaces or markup. */
const reactionEmoji = z
  .string()
  .min(1, 'the reaction is empty')
  .max(32, 'a reaction is one emoji')
  .refine((s) => isReactionEmoji(s), 'a reaction is one emoji');

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'the bytes are base64');
const stagingId = z.string().regex(/^[0-9a-f]{32}$/, 'a staging id is 32 lower-case hex characters');
/** A small preview the window made of an image it had in hand (dropped, pasted or picked in the browser). */
const thumbnail = z
  .object({
    type: z.enum(['image/jpeg', 'image/png', 'image/webp']),
    width: z.number().int().min(1).max(320),
    height: z.number().int().min(1).max(320),
    data: base64.max(65_536),
  })
  .strict();

const accountId = z.string().regex(/^[0-9a-f]{16}$/, 'an account id is 16 lower-case hex characters');
const none = z.tuple([]);
const oneConversation = z.tuple([conversationId]);
const conversationAndOn = z.tuple([conversationId, z.boolean()]);

/** Every channel: its argument tuple schema. Result types are in {@link ChannelResults}. */
export const CHANNELS = {
  /**
   * Signs an account in and puts it on screen: a new one is added beside those already signed in
   * (which keep syncing); the same server and user again replaces that account's sign-in.
   */
  'session:sign-in': z.tuple([signInSchema]),
  /**
   * Signs out one account: the one on screen, or the one named (Settings, Accounts). Another
   * signed-in account takes the screen when it was the one on screen.
   */
  'session:sign-out': z.tuple([accountId.optional()]),
  /** Puts another signed-in account on screen. Every other channel acts on the account on screen. */
  'accounts:switch': z.tuple([accountId]),
  'session:demo': none,
  'session:sign-in-demo': none,
  /**
   * `{ first: n }` answers with at most the first n conversations in list order (`complete` says
   * whether that was all of them): the first screen of a 10,000-conversation list need not wait for
   * the other 9,900. The window asks again without it, once that screen is painted.
   */
  'state:snapshot': z.tuple([
    z
      .object({ first: z.number().int().min(1).max(100_000) })
      .strict()
      .optional(),
  ]),
  'sync:now': none,
  /**
   * The state the user wants, not a toggle: the core compares it with what it holds (pending
   * actions included) and queues only what changes it, so a stale view in the renderer cannot flip
   * the wrong way and a repeated click is harmless.
   */
  'conversation:set-favorite': conversationAndOn,
  'conversation:set-muted': conversationAndOn,
  /** Hidden: the conversation leaves the list (the renderer's; `conversations:hidden` lists it) until shown again. */
  'conversation:set-hidden': conversationAndOn,
  'conversation:set-color': z.tuple([conversationId, z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is written #rrggbb')]),
  'conversation:clear': oneConversation,
  'conversation:start': z.tuple([userId]),
  /**
   * A new group of the user and these friends, named (the name is encrypted like every title).
   * Offline too: it shows as waiting to sync and is created on the server when it is back.
   */
  'conversation:create-group': z.tuple([
    z
      .object({
        name: z.string().trim().min(1, 'the group needs a name').max(100, 'the group name is too long (100 characters at most)'),
        memberIds: z.array(userId).min(1, 'a group needs at least one other member').max(50, 'a group has at most 50 other members'),
      })
      .strict(),
  ]),
  /** The disappearing-message timer for what the user sends here, in seconds (0: off). */
  'conversation:set-timer': z.tuple([
    conversationId,
    z
      .number()
      .int()
      .refine((s) => (DISAPPEARING_TIMERS as readonly number[]).includes(s), 'the timer is off (0), 1 minute, 1 hour, 1 day, 1 week or 4 weeks, in seconds'),
  ]),
  'conversations:hidden': none,
  'messages:latest': oneConversation,
  'messages:older': z.tuple([conversationId, messageId]),
  /** The messages before and after one, from this device's copy (search works offline). */
  'messages:around': z.tuple([conversationId, messageId]),
  'messages:newer': z.tuple([conversationId, messageId]),
  /** Searches the messages kept on this device, for the account on screen. */
  'search:messages': z.tuple([searchSchema]),
  'history:status': none,
  /** Downloads the whole history of these conversations (all of them without the list) to make it searchable. */
  'history:start': z.tuple([
    z
      .object({ conversationIds: z.array(conversationId).min(1).max(100_000).optional() })
      .strict()
      .optional(),
  ]),
  'history:stop': none,
  'messages:send': z.tuple([
    conversationId,
    messageText,
    /** A reply (profile): the message it answers. */
    z.object({ replyTo: messageId.optional() }).strict().optional(),
  ]),
  /** Gives (on) or takes back (off) a reaction: the state wanted, not a toggle (profile). */
  'messages:react': z.tuple([conversationId, messageId, reactionEmoji, z.boolean()]),
  /** Edits one of the user's own messages (profile). */
  'messages:edit': z.tuple([conversationId, messageId, messageText]),
  /** Deletes one of the user's own messages for everyone (profile): a tombstone stays. */
  'messages:delete': z.tuple([conversationId, messageId]),
  'messages:mark-viewed': z.tuple([conversationId, z.array(messageId).min(1).max(500)]),
  /**
   * Files (profile). The window hands over a file it has in hand (dropped, pasted, or picked with
   * the browser's own chooser) in pieces: begin, each piece in order, end. The main process keeps
   * it encrypted in the account's folder as it comes, so the send survives going offline and
   * restarts. The window never sees or names a path.
   */
  'files:attach-begin': z.tuple([
    conversationId,
    z
      .object({
        name: z.string().min(1, 'the file has no name').max(1024),
        type: z.string().max(255),
        size: z.number().int().min(0).max(MAX_FILE_BYTES, 'files can be at most 100 MB'),
        replyTo: messageId.optional(),
        /** Of an image: its size in pixels, and a preview. */
        width: z.number().int().min(1).max(100_000).optional(),
        height: z.number().int().min(1).max(100_000).optional(),
        thumbnail: thumbnail.optional(),
      })
      .strict(),
  ]),
  /** Piece `index` (0, 1, 2, ... in order) of FILE_PIECE_BYTES, the last one shorter. */
  'files:attach-piece': z.tuple([stagingId, z.number().int().min(0).max(1_000_000), base64.max(Math.ceil(FILE_PIECE_BYTES / 3) * 4)]),
  'files:attach-end': z.tuple([stagingId]),
  /** The window could not read the file or the user gave up before the end: forget it. */
  'files:attach-abort': z.tuple([stagingId]),
  /** Electron: the main process's own file dialog picks files and sends them here. */
  'files:pick': z.tuple([conversationId, z.object({ replyTo: messageId.optional() }).strict().optional()]),
  /** Stops an upload (the message goes, and is never sent) or a download under way. */
  'files:cancel': z.tuple([conversationId, messageId]),
  /** Piece `index` of a file's decrypted bytes, downloading and checking it first when needed. */
  'files:read': z.tuple([conversationId, messageId, z.number().int().min(0).max(1_000_000)]),
  /** Electron: saves to Downloads (never opens it). The browser host answers `browser`: the window downloads it. */
  'files:save': z.tuple([conversationId, messageId]),
  /** Electron: shows a saved file in the system's file manager. */
  'files:show-in-folder': z.tuple([conversationId, messageId]),
  'presence:set': z.tuple([z.enum(['available', 'away', 'busy', 'offline'])]),
  /** The conversation the window shows now, or null: no notification for it while the window has focus. */
  'ui:conversation-opened': z.tuple([conversationId.nullable()]),
  /** Unsent text by conversation id, kept across restarts. */
  'drafts:get': none,
  /**
   * Keeps a conversation's unsent text; empty text forgets it. With the account it was typed in
   * (the main process may have put another on screen since: a notification clicked).
   */
  'drafts:set': z.tuple([conversationId, z.string().max(20_000, 'the draft is too long'), accountId.optional()]),
  /** The Settings screen: the preferences, what this host can do, and what holds notifications back now. */
  'settings:get': none,
  /** Changes some preferences (any part, any depth; the rest stays): each applies at once and is kept. */
  'settings:set': z.tuple([preferencesPatchSchema]),
  /**
   * Removes what this device keeps of an account (messages, search index, files, drafts) and
   * downloads it again; the sign-in stays. Its unsent changes are sent first; those that cannot be
   * are only dropped with `discardUnsent` (the window asks, showing how many).
   */
  'accounts:clear-local-data': z.tuple([accountId, z.object({ discardUnsent: z.boolean().optional() }).strict().optional()]),
  /** Looks for an update now (the desktop app with an update server; elsewhere it says why not). */
  'updates:check': none,
  /** Opens an `ozekichat://` link (one clicked in a message): a malformed one is refused, saying why. */
  'links:open': z.tuple([z.string().max(2048, 'the link is too long')]),
} as const;

export type Channel = keyof typeof CHANNELS;
export type ChannelArgs<C extends Channel> = z.infer<(typeof CHANNELS)[C]>;

export type ChannelResults = {
  'session:sign-in': SignInResult;
  'session:sign-out': void;
  'accounts:switch': void;
  /** The demo account on offer, or null. */
  'session:demo': DemoOffer | null;
  /** Signs in with the demo account; its API key and password stay in the main process. */
  'session:sign-in-demo': SignInResult;
  'state:snapshot': Snapshot;
  'sync:now': void;
  'conversation:set-favorite': void;
  'conversation:set-muted': void;
  'conversation:set-hidden': void;
  'conversation:set-color': void;
  'conversation:clear': void;
  /** The conversation with that friend (existing, or newly created and pending). */
  'conversation:start': ConversationView;
  /** The new group, pending until the server has it. */
  'conversation:create-group': ConversationView;
  'conversation:set-timer': void;
  'conversations:hidden': ConversationView[];
  'messages:latest': MessagePage;
  'messages:older': MessagePage;
  'messages:around': MessagesAround;
  'messages:newer': NewerPage;
  'search:messages': SearchResults;
  'history:status': HistoryProgress;
  'history:start': HistoryProgress;
  'history:stop': HistoryProgress;
  /** The message as queued: state "pending" until the server has it. */
  'messages:send': MessageView;
  'messages:react': void;
  'messages:edit': void;
  'messages:delete': void;
  'messages:mark-viewed': void;
  'files:attach-begin': { stagingId: string };
  'files:attach-piece': void;
  /** The message as queued, its file `uploading`. */
  'files:attach-end': MessageView;
  'files:attach-abort': void;
  /** `dialog: false`: this host has no dialog of its own (the browser host); use the browser's chooser. */
  'files:pick': { dialog: false } | { dialog: true; sent: MessageView[] };
  'files:cancel': void;
  'files:read': { data: string; pieces: number; type: string };
  'files:save': { saved: 'downloads'; name: string } | { saved: 'browser' };
  'files:show-in-folder': void;
  'presence:set': void;
  'ui:conversation-opened': void;
  'drafts:get': Record<string, string>;
  'drafts:set': void;
  'settings:get': SettingsView;
  'settings:set': SettingsView;
  /** `cleared: false`: nothing was removed, because this many changes could not be sent yet. */
  'accounts:clear-local-data': { cleared: true } | { cleared: false; unsent: number };
  'updates:check': UpdateStatus;
  'links:open': void;
};

/** What a channel answers across the boundary: its value, or an error as `{ code, message }`. */
export type Reply<C extends Channel> = { ok: true; value: ChannelResults[C] } | { ok: false; error: ErrorInfo };

/** Events from the main process. */
export type Events = {
  /**
   * The signed-in accounts or their summaries changed (one added or signed out, another on screen,
   * an unread count or connection). When `activeAccountId` changes the window starts over with a
   * snapshot: every other event is about the account on screen.
   */
  'accounts:changed': AccountsView;
  'session:changed': { profile: ProfileView | null; keychain: KeychainStatus };
  'connection:changed': { state: ConnectionState; pendingCount: number };
  /** Conversations added or changed (as the user sees them now) and ids no longer listed. */
  'conversations:changed': { upserted: ConversationView[]; removed: string[] };
  'messages:changed': { conversationId: string; upserted: MessageView[]; removed: string[]; cleared: boolean };
  'friends:changed': { friends: FriendView[] };
  /** The user's own availability changed (from the window or the tray). */
  'presence:changed': { availability: Availability };
  'action:failed': ActionFailure;
  notice: Notice;
  /** "Make older history searchable" moved on (at most a few times a second). */
  'history:progress': HistoryProgress;
  /** A file moved on (at most a few times a second per file); `messages:changed` says when it is done. */
  'files:progress': { conversationId: string; messageId: string } & FileProgress;
  /** Show this conversation (the user clicked its notification or its tray entry). */
  'ui:open-conversation': { conversationId: string };
  /** The preferences, the host's features or the silence changed (from any window, the tray, the clock). */
  'settings:changed': SettingsView;
  /** Open the Settings screen (the app menu's "Settings…"). */
  'ui:open-settings': Record<string, never>;
  /** Play a notification sound (the window plays it, in the desktop app and in a browser alike). */
  'desktop:sound': { sound: NotificationSound };
  /**
   * A notification to show where the host has no notifications of its own (the browser host: the
   * window shows it with the browser's). Planned, worded and silenced by the core like the desktop's.
   */
  'desktop:notification': { key: string; title: string; body: string; conversationId: string | null; accountId: string | null };
};
export type EventName = keyof Events;
// The list of event names lives with the channel names, free of zod, for the preload to use too.
export { EVENT_NAMES } from './electron-channels.js';

// A channel or event in the contract but not in electron-channels.ts (which the main process registers
// and the preload lets through), or listed there but not here, is a compile error, not a silent refusal.
type Same<Listed, Contract> = [Contract] extends [Listed]
  ? [Listed] extends [Contract]
    ? true
    : { notInContract: Exclude<Listed, Contract> }
  : { notListed: Exclude<Contract, Listed> };
type Assert<T extends true> = T;
export type ChannelNamesMatch = Assert<Same<(typeof CHANNEL_NAMES)[number], Channel>>;
export type EventNamesMatch = Assert<Same<(typeof EVENT_NAMES)[number], EventName>>;
/** The object the preload exposes as `window.ozeki`, and the browser host's bridge mirrors. */
export type OzekiBridge = {
  invoke<C extends Channel>(channel: C, ...args: ChannelArgs<C>): Promise<Reply<C>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
};

export type { Availability };
/** Error shapes cross the boundary too (app/shared/errors.ts); the renderer may get them from here. */
export type { ErrorCode, ErrorInfo } from '../shared/errors.js';
