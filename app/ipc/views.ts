/**
 * What the renderer sees: plain, decrypted, display-ready data. No key, password, API key or
 * ciphertext is ever part of these shapes.
 */
import type { ErrorInfo } from '../shared/errors.js';

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
};

export type MessagePage = { conversationId: string; messages: MessageView[]; hasOlder: boolean };

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
