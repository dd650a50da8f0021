/** Conversation/List, the per-user settings (favourite, mute, hide, colour), Blocklist and the profile's create. */
import { COLOR_PATTERN, isHiddenAt, newGroupConversationId, newInstance, oneToOneConversationId, toUnixSeconds } from '../../../protocol/index.js';
import { badRequest, conflict, forbidden } from '../api-error.js';
import type { MembershipSettings } from '../db/conversations.js';
import { conversationView } from '../views.js';
import { OK, type Handler, type HandlerContext } from './context.js';
import { membership, viewOf } from './membership.js';

export const conversationList: Handler<'conversationList'> = (ctx) => {
  const me = ctx.caller.user.id;
  const names = ctx.store.conversations.participantNamesForUser(me);
  const conversations = ctx.store.conversations.allForUser(me).map((row) => conversationView(row, names.get(row.id) ?? []));
  return { ...OK, conversations };
};

/** Changes only the caller's own settings and answers with the updated conversation. */
function updateSettings(ctx: HandlerContext, conversationId: string, settings: MembershipSettings): object {
  const row = membership(ctx, conversationId);
  ctx.store.conversations.updateSettings(row.id, ctx.caller.user.id, settings);
  ctx.changes.listEntry(row.id, [ctx.caller.user.id]);
  return { ...OK, conversation: viewOf(ctx, { ...row, ...settings }) };
}

export const favorite: Handler<'favorite'> = (ctx, req) => updateSettings(ctx, req.conversationid, { isfavorite: 1 });
export const unfavorite: Handler<'unfavorite'> = (ctx, req) => updateSettings(ctx, req.conversationid, { isfavorite: 0 });
export const mute: Handler<'mute'> = (ctx, req) => updateSettings(ctx, req.conversationid, { ismuted: 1 });
export const unmute: Handler<'unmute'> = (ctx, req) => updateSettings(ctx, req.conversationid, { ismuted: 0 });
export const unhide: Handler<'unhide'> = (ctx, req) => updateSettings(ctx, req.conversationid, { hideid: '' });

export const setColor: Handler<'setColor'> = (ctx, req) => {
  if (!COLOR_PATTERN.test(req.color)) throw badRequest('The colour must be written as #rrggbb, for example #bae1ff.');
  return updateSettings(ctx, req.conversationid, { color: req.color.toLowerCase() });
};

const HIDE_ID = /^([A-Za-z0-9]{1,64};)+$/;

export const hide: Handler<'hide'> = (ctx, req) => {
  if (!HIDE_ID.test(req.hideid)) throw badRequest('The hideid must be the conversation instance followed by ";", for example 7sSwU2VoFM;.');
  return updateSettings(ctx, req.conversationid, { hideid: req.hideid });
};

export const blocklist: Handler<'blocklist'> = (ctx) => {
  const blockedconversations = ctx.store.conversations
    .allForUser(ctx.caller.user.id)
    .filter((row) => isHiddenAt(row.hideid, row.instance))
    .map((row) => row.id);
  return { ...OK, blockedusers: [], blockedconversations };
};

export const create: Handler<'create'> = (ctx, req) => {
  const me = ctx.caller.user.id;
  const ids = req.participantids;
  if (new Set(ids).size !== ids.length) throw badRequest('The participant list names someone twice.');
  if (!ids.includes(me)) throw badRequest('You must be one of the participants of a conversation you create.');
  if (!req.isgroup && ids.length !== 2) {
    throw badRequest('A one-to-one conversation has exactly two participants; set isgroup to true for more.');
  }
  for (const id of ids) {
    if (id === me) continue;
    if (!ctx.store.users.get(id)) throw badRequest(`There is no user with id ${id} on this server.`);
    if (!ctx.store.users.areFriends(me, id)) throw forbidden('You can only start conversations with your friends.');
  }
  const missing = ids.filter((id) => !req.secrets[id]);
  const extra = Object.keys(req.secrets).filter((id) => !ids.includes(id));
  if (missing.length || extra.length) {
    throw badRequest('The secrets must hold exactly one wrapped conversation key for each participant.');
  }

  const ordered = req.isgroup ? ids : [...ids].sort();
  const id = req.isgroup ? (req.conversationid ?? newGroupConversationId()) : oneToOneConversationId(ordered[0]!, ordered[1]!);
  const existing = ctx.store.conversations.forUser(id, me);
  if (existing) return { ...OK, conversation: viewOf(ctx, existing) };
  // A group id the client chose that someone else's conversation already has.
  if (req.isgroup && ctx.store.conversations.get(id)) throw conflict('That conversation id is taken; create the group with another one.');

  ctx.store.conversations.create(
    {
      id,
      isgroup: req.isgroup ? 1 : 0,
      displayname: req.displayname,
      instance: newInstance(),
      lastaccess: toUnixSeconds(ctx.nowMs),
      created: ctx.nowMs,
    },
    ordered.map((userId) => ({ userId, secret: req.secrets[userId]! })),
  );
  ctx.changes.listEntry(id, ordered);
  return { ...OK, conversation: viewOf(ctx, ctx.store.conversations.forUser(id, me)!) };
};
