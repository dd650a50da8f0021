/**
 * What the renderer sees: plain, decrypted, display-ready data. No key, password, API key or
 * ciphertext is ever part of these shapes.
 */
import type { ErrorInfo } from '../shared/errors.js';
import type { Preferences } from './preferences.js';

export type { Preferences, PreferencesPatch } from './preferences.js';

export type ConnectionState =
  /** Nobody is signed in. */
  | 'signed-out'
  /** Talking to the server. */
  | 'online'
  /** The server cannot be reached; actions are kept and sent later. */
  | 'offline'
  /** Trying to get back in touch after a failure. */
  | 'reconnecting'
  /** The server no longer accepts this sign-in (API key revoked, say): sign in again. */
  | 'unauthorized';

export type Availability = 'available' | 'away' | 'busy' | 'offline';

export type ProfileView = { userid: string; email: string; nick: string; fullname: string; serverUrl: string };

export type KeychainStatus = {
  /** False when secrets live only in memory for this run: the user signs in again next launch. */
  persistent: boolean;
  reason: string | null;
};

export type ConversationView = {
  id: string;
  /** Decrypted title, or the other participant's name when it cannot be decrypted. */
  name: string;
  nameDecrypted: boolean;
  isGroup: boolean;
  participants: { userid: string; name: string }[];
  favorite: boolean;
  muted: boolean;
  hidden: boolean;
  /** `#rrggbb` list background. */
  color: string;
  /** Unix seconds of the last activity, for ordering. */
  lastActivity: number;
  unread: number;
  /** Has changes not yet on the server. */
  pending: boolean;
  /** The newest message the user can see here (a send still waiting included), or null for none. */
  last: LastMessage | null;
  /**
   * The disappearing-message timer: how long what the user sends here lives, in seconds (one of
   * DISAPPEARING_TIMERS in app/shared/rules.ts), or 0 for off (the default lifetime). Kept on this
   * device, per account.
   */
  timer: number;
};

/** A list row's preview of a conversation's newest message. */
export type LastMessage = {
  /** Its sender's display name ('' when it cannot be decrypted). */
  fromName: string;
  mine: boolean;
  /** Its text on one line and cut short (about 120 characters); null when it cannot be decrypted. */
  text: string | null;
  /** Epoch milliseconds (UTC). */
  created: number;
};

export type MessageState = 'pending' | 'sent' | 'delivered' | 'viewed' | 'failed';

export type MessageView = {
  id: string;
  conversationId: string;
  from: string;
  fromName: string;
  mine: boolean;
  /** Decrypted text; null when it cannot be decrypted. */
  text: string | null;
  /** Epoch milliseconds (UTC). */
  created: number;
  /** Epoch milliseconds when the message disappears. */
  validUntil: number;
  state: MessageState;
  /** The message this one answers (a reply, profile), or null. */
  replyTo: ReplyQuote | null;
  /** Reactions (profile), one entry per emoji, in the order they were first given. */
  reactions: Reaction[];
  /** Epoch ms of its sender's newest edit (profile; `text` is the edited text), or 0: never edited. */
  editedAt: number;
  /** Deleted for everyone by its sender (profile): `text` is null, and it shows "This message was deleted". */
  deleted: boolean;
  /** The file this message carries (profile), or null. `text` is then its caption, or "". */
  file: FileView | null;
};

/** A file in a message (profile): what the bubble shows before, while and after it travels. */
export type FileView = {
  /** Sanitised: one path component, safe to show and to save under. */
  name: string;
  /** Plaintext bytes. */
  size: number;
  /** The sender's MIME type, as a hint only (the window sniffs image bytes before showing them). */
  type: string;
  /**
   * An image the window may show inline (PNG, JPEG, GIF or WebP, never SVG, within the size limits),
   * with its full size and a small preview as a `data:` URL when the sender sent one. Null: a card.
   */
  image: { width: number; height: number; thumbnail: string | null } | null;
  /**
   * - `uploading`: mine, not all on the server yet (also while offline; `progress` says how far).
   * - `ready`: on the server; it can be downloaded, saved or shown.
   * - `failed`: it will not arrive as it is (`error` says why: refused, too large, over the quota,
   *   or, for a download, a hash that does not match).
   */
  state: 'uploading' | 'ready' | 'failed';
  /** This device has the whole file (sent from here, or downloaded and checked): it opens at once. */
  local: boolean;
  /** A transfer under way, or null. */
  progress: FileProgress | null;
  error: string | null;
};

export type FileProgress = { direction: 'upload' | 'download'; done: number; total: number };

/** What a reply shows of the message it answers. */
export type ReplyQuote = {
  id: string;
  fromName: string;
  mine: boolean;
  /**
   * The answered message's text as it is now (edits applied), cut short; the excerpt the reply
   * carried when that message is not on this device; null when it was deleted.
   */
  excerpt: string | null;
  /** The answered message is on this device: clicking the quote can show it. */
  present: boolean;
};

/** One emoji given to a message, by how many people, and whether by the user. */
export type Reaction = {
  emoji: string;
  count: number;
  mine: boolean;
  /** Who gave it, by display name ("You" for the user), in the order they gave it. */
  names: string[];
};

export type MessagePage = { conversationId: string; messages: MessageView[]; hasOlder: boolean };

/** The messages before and after one (a search result opened in its conversation), oldest first. */
export type MessagesAround = {
  conversationId: string;
  /** The message asked for; it is in `messages`. */
  anchorId: string;
  messages: MessageView[];
  hasOlder: boolean;
  /** More messages after these (the conversation is not at its latest): "Jump to latest" is offered. */
  hasNewer: boolean;
};

/** The messages just after one, oldest first (scrolling down from a search result). */
export type NewerPage = { conversationId: string; messages: MessageView[]; hasNewer: boolean };

/** A run of a result's text. `match` marks what the query found; both are plain text, never markup. */
export type TextSegment = { text: string; match: boolean };

/** One message a search found. */
export type SearchHit = {
  conversationId: string;
  messageId: string;
  from: string;
  fromName: string;
  mine: boolean;
  /** Epoch milliseconds (UTC). */
  created: number;
  /** The message's text (or the part around the first match, for a long one), split at the matches. */
  segments: TextSegment[];
};

/** The hits of one conversation, best first. */
export type SearchGroup = { conversationId: string; conversationName: string; hits: SearchHit[] };

export type SearchResults = {
  /** The query as it was asked (the window drops answers to older queries). */
  text: string;
  /** Conversations ordered by their best hit: relevance first, then recency. */
  groups: SearchGroup[];
  /** More hits than the limit matched. */
  more: boolean;
  /** Messages on this device not indexed yet (searched once they are; it takes moments). */
  waiting: number;
};

/** "Make older history searchable": the account's whole history downloaded in the background. */
export type HistoryProgress = {
  /**
   * idle: not asked for (or stopped); running; offline: paused until the server is back;
   * done: every chosen conversation downloaded to its first message; failed: see `error`.
   */
  state: 'idle' | 'running' | 'offline' | 'done' | 'failed';
  conversationsDone: number;
  conversationsTotal: number;
  /** Messages downloaded so far by this download (the Ozeki API gives no total to count against). */
  messagesDone: number;
  error: string | null;
};

export type FriendView = { userid: string; name: string; availability: string };

/** One signed-in account, as the switcher shows it. */
export type AccountView = {
  /** 16 hex characters, stable for this server and user on this installation. */
  id: string;
  email: string;
  /** The name to show: full name, nick, or the e-mail address. */
  name: string;
  serverUrl: string;
  /** Unread messages in conversations neither muted nor hidden (countsAsUnread in app/shared/rules.ts). */
  unread: number;
  connection: ConnectionState;
  /** False when this account's secrets are kept in memory only: it signs in again next launch. */
  persistent: boolean;
};

export type AccountsView = {
  /** In the order they were added (Ctrl+1..9 follow it). */
  accounts: AccountView[];
  /** The account on screen, or null when none is signed in (the sign-in form shows). */
  activeAccountId: string | null;
};

export type Snapshot = AccountsView & {
  /** The account on screen's profile, or null when none. */
  profile: ProfileView | null;
  keychain: KeychainStatus;
  connection: ConnectionState;
  pendingCount: number;
  /** In list order (favourites, then latest activity, then id: compareForList in app/shared/rules.ts). */
  conversations: ConversationView[];
  /** False when `conversations` is only the first part (see `state:snapshot`'s `first`). */
  complete: boolean;
  friends: FriendView[];
  /** The user's own availability, as last set from this device ('available' until set). */
  availability: Availability;
  /** Things the user should be told, e.g. that the local cache was rebuilt. */
  notices: Notice[];
};

export type Notice = {
  id: string;
  level: 'info' | 'warning' | 'error';
  message: string;
  /** Offer "Retry" (e.g. a sync that failed). */
  retryable: boolean;
};

export type ActionFailure = { conversationId: string; action: string; error: ErrorInfo };

// ------------------------------------------------------------------------------ settings

/** Where updates stand. `unavailable`: this build has no update server, or this is not the desktop app. */
export type UpdateStatus =
  | { state: 'unavailable'; reason: string }
  | { state: 'idle' }
  | { state: 'checking' }
  | { state: 'up-to-date'; checkedAt: number }
  | { state: 'available'; version: string }
  | { state: 'downloading'; version: string; percent: number }
  | { state: 'ready'; version: string }
  | { state: 'failed'; message: string };

/** The system's own Do not disturb (or Focus), where this machine lets an app read it. */
export type SystemDndStatus = { readable: true; on: boolean } | { readable: false; reason: string };

/** What the host the window runs in can do, for the Settings screen to offer or explain. */
export type HostFeatures = {
  /** The desktop app, or a browser (the browser host). */
  host: 'desktop' | 'browser';
  /** Start at login, start in the tray and close to the tray take effect (the desktop app only). */
  startup: boolean;
  /** The spell checker's languages to choose from; null: the browser's own spell checker decides. */
  spellLanguages: string[] | null;
  systemDnd: SystemDndStatus;
  updates: UpdateStatus;
};

/** What notifications are held back by now, for the tray and the Settings screen to say. */
export type Silence =
  { kind: 'none' } | { kind: 'dnd'; until: number } | { kind: 'quiet-hours'; until: number; favouritesNotify: boolean } | { kind: 'system' } | { kind: 'off' };

export type SettingsView = {
  preferences: Preferences;
  features: HostFeatures;
  silence: Silence;
};
