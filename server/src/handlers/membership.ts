/** Finding a conversation the caller is part of, with the profile's 403 / 404 / 409 refusals. */
import type { ConversationForUser } from '../db/conversations.js';
import { conflict, forbidden, notFound } from '../api-error.js';
import type { HandlerContext } from './context.js';
import { conversationView } from '../views.js';

export function membership(ctx: HandlerContext, conversationId: string): ConversationForUser {
  const row = ctx.store.conversations.forUser(conversationId, ctx.caller.user.id);
  if (row) return row;
  if (ctx.store.conversations.get(conversationId)) throw forbidden('You are not a participant of this conversation.');
  throw notFound('There is no conversation with this id on this server.');
}

/** Calls that quote an `instance` must quote the current one. */
export function requireInstance(row: ConversationForUser, instance: string): void {
  if (row.instance !== instance) {
    throw conflict('This conversation has been cleared since you last loaded it. Reload the conversation and try again.');
  }
}

export function viewOf(ctx: HandlerContext, row: ConversationForUser) {
  return conversationView(row, ctx.store.conversations.participantNames(row.id));
}
