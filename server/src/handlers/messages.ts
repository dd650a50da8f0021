/** Add (send), Clear, Download, Downloadpartial and the viewed Report. */
import {
  MAX_DOWNLOAD_ITEMS,
  MAX_MESSAGE_LIFETIME_DAYS,
  MAX_PAGE_LIMIT,
  formatTimestamp,
  newInstance,
  newReportId,
  outgoingMessageSchema,
  parseTimestamp,
  toUnixSeconds,
} from '../../../protocol/index.js';
import { badRequest, conflict } from '../api-error.js';
import type { ConversationForUser } from '../db/conversations.js';
import type { Cursor, MessageRow, ReportRow } from '../db/messages.js';
import { OK, type Handler, type HandlerContext } from './context.js';
import { membership, requireInstance, viewOf } from './membership.js';

const messageOut = (m: MessageRow) => ({ ID: m.id, Type: m.type, Created: m.created, ValidUntil: m.valid_until, Data: m.data });
const receiptOut = (m: MessageRow) => ({ ID: m.id, Type: m.type, Created: m.created, ValidUntil: m.valid_until });
// PROFILE: reports carry who reported (UserID) and which messages (MessageIDs) beyond the documented keys.
const reportOut = (r: ReportRow) => ({
  ID: r.id,
  Type: r.type,
  Created: r.created,
  UserID: r.user_id,
  MessageIDs: JSON.parse(r.message_ids) as string[],
});

export const add: Handler<'add'> = (ctx, req) => {
  const row = membership(ctx, req.conversationid);
  requireInstance(row, req.instance);
  let raw: unknown;
  try {
    raw = JSON.parse(req.message);
  } catch {
    throw badRequest('The field "message" must be a message object encoded as a JSON string.');
  }
  const parsed = outgoingMessageSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badRequest(`The message is not valid: ${issue.path.join('.') || 'message'}: ${issue.message}.`);
  }
  const msg = parsed.data;
  const me = ctx.caller.user.id;

  const stored = ctx.store.messages.get(row.id, msg.ID);
  if (stored) {
    if (stored.sender_id !== me) throw conflict('Another message in this conversation already uses this ID.');
    return { ...OK, message: receiptOut(stored) };
  }

  const createdByClient = parseTimestamp(msg.Created)!;
  const validUntil = parseTimestamp(msg.ValidUntil)!;
  if (validUntil <= createdByClient) throw badRequest("The message's ValidUntil must be later than its Created time.");
  // The stored Created is the server's (below), so a future-dated client Created must not stretch the lifetime.
  if (validUntil - Math.min(createdByClient, ctx.nowMs) > MAX_MESSAGE_LIFETIME_DAYS * 86_400_000) {
    throw badRequest(`A message may live at most ${MAX_MESSAGE_LIFETIME_DAYS} days.`);
  }
  if (validUntil <= ctx.nowMs) throw badRequest('The message expired before it reached the server (its ValidUntil has passed).');

  // PROFILE: the server stamps Created with its own clock, so every participant sees one order.
  const message: Omit<MessageRow, 'seq'> = {
    conversation_id: row.id,
    id: msg.ID,
    sender_id: me,
    type: msg.Type,
    created: formatTimestamp(ctx.nowMs),
    created_ms: Math.floor(ctx.nowMs / 1000) * 1000,
    valid_until: msg.ValidUntil,
    valid_until_ms: validUntil,
    data: msg.Data,
  };
  ctx.store.messages.add(message);
  ctx.store.conversations.noteMessage(row.id, msg.ID, toUnixSeconds(ctx.nowMs));
  ctx.changes.conversationContent(row.id);
  return { ...OK, message: receiptOut({ ...message, seq: 0 }) };
};

export const clear: Handler<'clear'> = (ctx, req) => {
  const row = membership(ctx, req.conversationid);
  requireInstance(row, req.instance);
  ctx.store.messages.clear(row.id);
  const instance = newInstance();
  ctx.store.conversations.renew(row.id, instance);
  ctx.changes.conversationContent(row.id);
  return { ...OK, conversation: viewOf(ctx, { ...row, instance, lastmessageid: '', lastreportid: '' }) };
};

function cursor(id: string, date: string): Cursor {
  return { id, dateMs: date ? parseTimestamp(date) : null };
}

export const download: Handler<'download'> = (ctx, req) => {
  const row = membership(ctx, req.conversationid);
  requireInstance(row, req.instance);
  const { messages: repo } = ctx.store;
  const messages = repo.forward('messages', row.id, cursor(req.firstmessageid, req.firstmessagedate), MAX_DOWNLOAD_ITEMS, ctx.nowMs);
  const reports = repo.forward('reports', row.id, cursor(req.firstreportid, req.firstreportdate), MAX_DOWNLOAD_ITEMS, ctx.nowMs);
  recordReceipts(
    ctx,
    row,
    messages.map((m) => m.id),
    'delivered',
  );
  // The documented Download answer has no status or errormessage; we answer in that shape.
  return { messages: messages.map(messageOut), reports: reports.map(reportOut) };
};

export const downloadPartial: Handler<'downloadPartial'> = (ctx, req) => {
  const row = membership(ctx, req.conversationid);
  requireInstance(row, req.instance);
  const limit = Math.min(req.limit, MAX_PAGE_LIMIT);
  const { messages: repo } = ctx.store;
  const messages = repo.backward('messages', row.id, cursor(req.lastmessageid, req.lastmessagedate), limit, ctx.nowMs);
  const reports = repo.backward('reports', row.id, cursor(req.lastreportid, req.lastreportdate), limit, ctx.nowMs);
  recordReceipts(
    ctx,
    row,
    messages.map((m) => m.id),
    'delivered',
  );
  return { ...OK, messages: messages.map(messageOut), reports: reports.map(reportOut) };
};

export const viewedReport: Handler<'viewedReport'> = (ctx, req) => {
  const row = membership(ctx, req.conversationid);
  requireInstance(row, req.instance);
  recordReceipts(ctx, row, req.messageids, 'viewed');
  return { ...OK };
};

/**
 * Notes that the caller has received or seen these messages. Only other people's messages that
 * still exist and have not expired count, each once per user and type; the new ones become one report.
 */
function recordReceipts(ctx: HandlerContext, row: ConversationForUser, messageIds: readonly string[], type: 'delivered' | 'viewed'): void {
  const me = ctx.caller.user.id;
  const { messages } = ctx.store;
  const fresh = messageIds.filter((id) => {
    const m = messages.get(row.id, id);
    return m !== undefined && m.valid_until_ms > ctx.nowMs && m.sender_id !== me && messages.addReceipt(row.id, id, me, type);
  });
  if (!fresh.length) return;
  const id = newReportId();
  messages.addReport({
    conversation_id: row.id,
    id,
    user_id: me,
    type,
    created: formatTimestamp(ctx.nowMs),
    created_ms: Math.floor(ctx.nowMs / 1000) * 1000,
    message_ids: JSON.stringify(fresh),
  });
  ctx.store.conversations.noteReport(row.id, id);
  ctx.changes.conversationContent(row.id);
}
