/**
 * The accounts as the desktop controller follows them: what it needs of the accounts registry, one
 * account's state (signed in, connection, conversations, when its session began) and how each of
 * that account's events changes it.
 */
import type { EventName, Events } from '../../ipc/contract.js';
import type { Availability, ConnectionState, ConversationView, Snapshot } from '../../ipc/views.js';
import type { ServiceSignal } from '../chat-service.js';

/** What the controller needs of the accounts registry (AccountsService implements it). */
export type DesktopService = {
  onAccountEvent(listener: <E extends EventName>(accountId: string, event: E, payload: Events[E]) => void): () => void;
  onAccountSignal(listener: (accountId: string, signal: ServiceSignal) => void): () => void;
  /** The signed-in accounts, in the switcher's order. */
  list(): { id: string; email: string; service: { snapshot(): Snapshot; readonly connection: ConnectionState } }[];
  readonly activeAccountId: string | null;
  readonly availability: Availability;
  /** The conversation on screen (of the account on screen), or null. */
  readonly openConversationId: string | null;
  openConversation(accountId: string, conversationId: string): void;
  setAvailability(availability: Availability): Promise<void>;
  syncNow(): Promise<void>;
  /** Hears each change of the preferences (and of what holds notifications back): the tray says it. */
  onSettingsChanged(listener: () => void): () => void;
};

/** One account as the tray and notifications follow it. */
export type AccountState = {
  email: string;
  signedIn: boolean;
  /** Who is signed in: another user signing in on it is a new session. */
  userid: string | null;
  connection: ConnectionState;
  pendingCount: number;
  conversations: Map<string, ConversationView>;
  /** Messages older than this are history, not news (see notification-policy.ts). */
  sessionStart: number;
};

/**
 * Applies one of an account's events to its state: 'signed-out' when what was shown is about
 * someone else's chats now (signed out, or another user signed in on it), 'ignored' for an event
 * the tray does not follow.
 */
export function followAccountEvent<E extends EventName>(
  account: AccountState,
  event: E,
  payload: Events[E],
  now: number,
): 'changed' | 'signed-out' | 'ignored' {
  switch (event) {
    case 'session:changed': {
      const { profile } = payload as Events['session:changed'];
      const switched = profile !== null && account.userid !== null && profile.userid !== account.userid;
      const signedOut = (profile === null && account.signedIn) || switched;
      if (profile && profile.userid !== account.userid) account.sessionStart = now;
      account.signedIn = profile !== null;
      account.userid = profile?.userid ?? null;
      return signedOut ? 'signed-out' : 'changed';
    }
    case 'connection:changed': {
      const { state, pendingCount } = payload as Events['connection:changed'];
      account.connection = state;
      account.pendingCount = pendingCount;
      return 'changed';
    }
    case 'conversations:changed': {
      const { upserted, removed } = payload as Events['conversations:changed'];
      for (const id of removed) account.conversations.delete(id);
      for (const c of upserted) account.conversations.set(c.id, c);
      return 'changed';
    }
    default:
      return 'ignored';
  }
}
