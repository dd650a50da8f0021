/**
 * What the user sees of their conversations: the server objects as last received, with every
 * action still in the outbox applied on top in order. Because the view is always rebuilt this way,
 * an optimistic change shows at once, a refused one disappears when its entry is dropped, and a
 * fresh server answer never makes the screen flicker back: pending entries are re-applied to it.
 */
import { isHiddenAt, type Conversation } from '../../../protocol/index.js';
import type { ConversationView, LastMessage } from '../../ipc/views.js';
import { NO_COLOR } from '../../shared/rules.js';
import type { Keyring } from '../crypto/keyring.js';
import { applyAction, conversationFromCreate, type Action } from '../sync/actions.js';

export type PendingEntry = { seq: number; action: Action };

/** Server conversations with pending actions applied, plus pending creates not yet on the server. */
export function overlay(
  cached: readonly Conversation[],
  pending: readonly PendingEntry[],
  me: string,
  names: Record<string, string>,
  nowSeconds: number,
): { conversations: Map<string, Conversation>; pendingIds: Set<string> } {
  const conversations = new Map(cached.map((c) => [c.id, c]));
  const pendingIds = new Set<string>();
  for (const { action } of pending) {
    pendingIds.add(action.conversationId);
    const current = conversations.get(action.conversationId);
    if (action.kind === 'create') {
      if (!current) conversations.set(action.conversationId, conversationFromCreate(action, me, names, nowSeconds));
      continue;
    }
    if (current) conversations.set(action.conversationId, applyAction(current, action, me, nowSeconds));
  }
  return { conversations, pendingIds };
}

/** The user's own favourite, muted and hidden states of a conversation, as its view shows them. */
export function conversationFlags(conversation: Conversation, me: string): { favorite: boolean; muted: boolean; hidden: boolean } {
  const mine = conversation.properties.find((p) => p.userid === me);
  return {
    favorite: mine?.isfavorite ?? false,
    muted: mine?.ismuted ?? false,
    // A conversation that has not reached the server yet (no instance) cannot be hidden.
    hidden: conversation.instance !== '' && isHiddenAt(mine?.hideid ?? '', conversation.instance),
  };
}

export function conversationView(
  conversation: Conversation,
  keyring: Keyring,
  me: string,
  opts: { pending: boolean; unread: number; last: LastMessage | null; timer: number; names: Record<string, string> },
): ConversationView {
  const mine = conversation.properties.find((p) => p.userid === me);
  const participants = conversation.participants.map((p) => ({ userid: p.userid, name: opts.names[p.userid] ?? p.username }));
  const decrypted = conversation.secret ? keyring.displayName(conversation) : null;
  const others = participants.filter((p) => p.userid !== me).map((p) => p.name);
  return {
    id: conversation.id,
    name: decrypted ?? (others.length ? others.join(', ') : 'Conversation'),
    nameDecrypted: decrypted !== null,
    isGroup: conversation.isgroup,
    participants,
    ...conversationFlags(conversation, me),
    color: mine?.listitembackgroundcolor ?? NO_COLOR,
    lastActivity: conversation.lastaccess,
    unread: opts.unread,
    pending: opts.pending,
    last: opts.last,
    timer: opts.timer,
  };
}
