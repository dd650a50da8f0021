/**
 * Messages: pages of a conversation (latest and older, refetched when it was cleared meanwhile),
 * sending, marking as viewed, and the message views.
 */
import {
  excerpt,
  fileFallbackText,
  formatTimestamp,
  newMessageId,
  parseTimestamp,
  richPlaintext,
  type Conversation,
  type FileAttachment,
  type Message,
  type MessagePlaintext,
  type OutgoingMessage,
} from '../../../protocol/index.js';
import type { MessagePage, MessagesAround, MessageView, NewerPage, ReplyQuote } from '../../ipc/views.js';
import { CoreError } from '../errors.js';
import type { Session } from '../session/connect.js';
import type { Sessions } from '../session/session.js';
import type { LocalStore } from '../store/local-store.js';
import type { SendEffect } from '../sync/actions.js';
import { messageView, openMessages, receiptStates, senderName, type FileStatusOf, type OpenedMessage } from '../views/message-views.js';
import { byTarget, pendingEffects, richState, type Effect } from '../views/rich-views.js';
import { fillOlder } from './page-fill.js';
import type { RichEffects } from './rich-effects.js';
import type { ConversationTimers } from './conversation-timers.js';
import { viewedKey, type Conversations } from './conversations.js';
import type { ServiceEvents } from './events.js';
import type { Friends } from './friends.js';

/** A message lives this long unless the user chooses otherwise (the server allows up to 366 days). */
export const DEFAULT_MESSAGE_LIFETIME_DAYS = 365;
const PAGE = 50;
/** Messages on each side of the one a search result opens. */
const AROUND = 25;
const DAY_MS = 86_400_000;

export class Messages {
  /** Where a message's file stands (set once the files service exists). */
  fileStatus: FileStatusOf = () => ({ uploading: false, local: false, progress: null, error: null });

  constructor(
    private readonly sessions: Sessions,
    private readonly store: LocalStore,
    private readonly conversations: Conversations,
    private readonly friends: Friends,
    private readonly events: ServiceEvents,
    private readonly now: () => number,
    private readonly timers: ConversationTimers,
    private readonly rich: RichEffects,
  ) {}

  send(conversationId: string, text: string, opts: { replyTo?: string } = {}): MessageView {
    const session = this.sessions.require();
    const me = session.account.userid;
    let body = richPlaintext.text(me, text);
    if (opts.replyTo) {
      const to = this.shownMessage(conversationId, opts.replyTo);
      body = richPlaintext.reply(me, text, { id: to.message.ID, from: to.from, text: to.text ?? '' });
    }
    const view = this.queue(conversationId, body);
    this.conversations.emit([conversationId]);
    return view!;
  }

  /** A sealed file's message (profile): the outbox uploads the file, then sends the message. */
  sendFile(sealed: { conversationId: string; attachment: FileAttachment; cipherBytes: number; replyTo?: string }): MessageView {
    const me = this.sessions.require().account.userid;
    const body = richPlaintext.file(me, sealed.attachment);
    if (sealed.replyTo) {
      const to = this.shownMessage(sealed.conversationId, sealed.replyTo);
      Object.assign(body, { reply: richPlaintext.reply(me, '', { id: to.message.ID, from: to.from, text: to.text ?? '' }).reply });
    }
    const view = this.queue(sealed.conversationId, body, undefined, { id: sealed.attachment.id, bytes: sealed.cipherBytes });
    this.conversations.emit([sealed.conversationId]);
    return view!;
  }

  /** Gives or takes back a reaction (the state wanted): nothing is sent when it already is so. */
  react(conversationId: string, messageId: string, emoji: string, on: boolean): void {
    const session = this.sessions.require();
    const target = this.shownMessage(conversationId, messageId);
    const given = target.view.reactions.find((r) => r.emoji === emoji)?.mine ?? false;
    if (given === on) return;
    this.queue(conversationId, richPlaintext.react(session.account.userid, { id: messageId, text: target.text ?? '' }, emoji, on), {
      kind: 'react',
      target: messageId,
      value: emoji,
      on,
    });
  }

  edit(conversationId: string, messageId: string, text: string): void {
    const session = this.sessions.require();
    const target = this.ownMessage(conversationId, messageId, 'edit');
    if (target.text === text) return;
    this.queue(conversationId, richPlaintext.edit(session.account.userid, messageId, text), { kind: 'edit', target: messageId, value: text, on: true });
  }

  delete(conversationId: string, messageId: string): void {
    const session = this.sessions.require();
    this.ownMessage(conversationId, messageId, 'delete');
    this.queue(conversationId, richPlaintext.delete(session.account.userid, messageId), { kind: 'delete', target: messageId, value: '', on: true });
    this.conversations.messagesChanged(conversationId);
    this.conversations.emit([conversationId]);
  }

  /**
   * Seals a plaintext into a message and queues it (a disappearing timer stamps its lifetime).
   * An effect's message is not shown: the message it names is sent again as the window should
   * show it now. Answers the new message's view (null for an effect).
   */
  private queue(conversationId: string, body: MessagePlaintext, effect?: SendEffect, file?: { id: string; bytes: number }): MessageView | null {
    const session = this.sessions.require();
    const conversation = this.conversations.get(conversationId);
    const now = this.now();
    const timer = this.timers.get(conversationId);
    const message: OutgoingMessage = {
      ID: newMessageId(),
      Type: 'Message',
      Created: formatTimestamp(now),
      ValidUntil: formatTimestamp(now + (timer ? timer * 1000 : DEFAULT_MESSAGE_LIFETIME_DAYS * DAY_MS)),
      Data: session.keyring.sealPlaintext(conversation, body),
    };
    this.store.enqueue({
      kind: 'send',
      conversationId,
      instance: conversation.instance,
      message,
      ...(timer ? { lifetimeSeconds: timer } : {}),
      ...(effect ? { effect } : {}),
      ...(file ? { file } : {}),
    });
    session.engine.queued();
    if (effect) {
      // A delete of a message that never left takes it out of the outbox: it is gone from the log.
      if (!this.find(conversationId, effect.target) && !this.pendingSend(conversationId, effect.target)) {
        this.events.emit('messages:changed', { conversationId, upserted: [], removed: [effect.target], cleared: false });
      } else {
        this.emitChanged(conversationId, [effect.target]);
      }
      return null;
    }
    const view = this.views(conversation, [message], new Set([message.ID]))[0]!;
    this.events.emit('messages:changed', { conversationId, upserted: [view], removed: [], cleared: false });
    return view;
  }

  /** These messages' views again (an effect changed them), for those still on this device. */
  emitChanged(conversationId: string, ids: Iterable<string>): void {
    const conversation = this.conversations.get(conversationId);
    const found = [...ids].map((id) => this.find(conversationId, id) ?? this.pendingSend(conversationId, id)).filter((m): m is Message => m !== undefined);
    if (!found.length) return;
    const pendingIds = new Set(found.filter((m) => !this.find(conversationId, m.ID)).map((m) => m.ID));
    this.events.emit('messages:changed', { conversationId, upserted: this.views(conversation, found, pendingIds), removed: [], cleared: false });
  }

  /** A message the user can see and act on (its view, and its current text). */
  private shownMessage(conversationId: string, id: string): { message: Message; from: string; text: string | null; view: MessageView } {
    const conversation = this.conversations.get(conversationId);
    this.rich.absorb(conversationId);
    const message = this.find(conversationId, id) ?? this.pendingSend(conversationId, id);
    if (!message) throw new CoreError('not-found', 'That message is no longer on this device.');
    const [view] = this.views(conversation, [message], new Set(this.find(conversationId, id) ? [] : [id]));
    if (!view || view.deleted) throw new CoreError('not-found', 'That message was deleted.');
    // A file without a caption is quoted (in a reply, a reaction's fallback) by its name.
    const text = view.file && !view.text ? fileFallbackText(view.file.name, view.file.size) : view.text;
    return { message, from: view.from, text, view };
  }

  private ownMessage(conversationId: string, id: string, what: 'edit' | 'delete'): { text: string | null } {
    const target = this.shownMessage(conversationId, id);
    if (!target.view.mine)
      throw new CoreError('invalid-argument', what === 'edit' ? 'You can only edit your own messages.' : 'You can only delete your own messages.');
    return target;
  }

  private pendingSend(conversationId: string, id: string): Message | undefined {
    for (const p of this.store.pendingFor(conversationId))
      if (p.action.kind === 'send' && !p.action.effect && p.action.message.ID === id) return p.action.message;
    return undefined;
  }

  markViewed(conversationId: string, messageIds: string[]): void {
    const conversation = this.conversations.get(conversationId);
    const cached = messageIds.map((id) => this.find(conversationId, id)).filter((m): m is Message => m !== undefined);
    if (!cached.length || !conversation.instance) return;
    const dates = cached.map((m) => m.Created).sort();
    const newest = Math.max(...cached.map((m) => parseTimestamp(m.Created) ?? 0));
    const before = Number(this.store.getMeta(viewedKey(conversationId)) ?? 0);
    if (newest > before) this.store.setMeta(viewedKey(conversationId), String(newest));
    this.store.enqueue({
      kind: 'viewed',
      conversationId,
      instance: conversation.instance,
      messageIds: cached.map((m) => m.ID),
      first: dates[0]!,
      last: dates.at(-1)!,
    });
    this.conversations.emit([conversationId]);
    this.sessions.require().engine.kick();
  }

  async latest(conversationId: string): Promise<MessagePage> {
    const session = this.sessions.require();
    this.conversations.get(conversationId);
    if (session.engine.connection !== 'offline') {
      try {
        await fillOlder({ session, store: this.store, rich: this.rich }, conversationId, undefined, await this.fetchPage(session, conversationId), PAGE);
      } catch (err) {
        if (!(err instanceof CoreError && err.transient)) throw err;
        // Offline: the cached page is what there is.
      }
    }
    return this.page(conversationId);
  }

  /**
   * A page from the server. When the conversation was cleared since it was cached (409: by the
   * other side, or by our own clear still on its way), the list is refreshed, the cached messages
   * go, and the page is fetched again from the new instance: the renderer gets messages, not an error.
   */
  private async fetchPage(session: Session, conversationId: string, before?: { created: string; id: string }): Promise<number> {
    try {
      return await session.engine.fetchPage(conversationId, before);
    } catch (err) {
      if (!(err instanceof CoreError && err.code === 'stale-instance')) throw err;
      await session.engine.refreshConversations();
      this.store.clearMessages(conversationId);
      this.events.emit('messages:changed', { conversationId, upserted: [], removed: [], cleared: true });
      // Older than a message of the old instance there is nothing any more.
      return before ? 0 : session.engine.fetchPage(conversationId);
    }
  }

  async older(conversationId: string, beforeId: string): Promise<MessagePage> {
    const session = this.sessions.require();
    this.conversations.get(conversationId);
    const anchor = this.find(conversationId, beforeId);
    if (!anchor) throw new CoreError('not-found', 'That message is not loaded.');
    const before = { created: anchor.Created, id: anchor.ID };
    if (this.store.messages(conversationId, { limit: PAGE, before, shown: true }).length < PAGE) {
      try {
        await fillOlder({ session, store: this.store, rich: this.rich }, conversationId, before, await this.fetchPage(session, conversationId, before), PAGE);
      } catch (err) {
        if (!(err instanceof CoreError && err.transient)) throw err;
      }
    }
    return this.page(conversationId, before);
  }

  /**
   * The messages before and after one, from this device's copy (a search result opened; offline
   * too). Sends still in the outbox join only at the latest end.
   */
  around(conversationId: string, messageId: string): MessagesAround {
    const conversation = this.conversations.get(conversationId);
    const anchor = this.visible(conversationId, messageId);
    const at = { created: anchor.Created, id: anchor.ID };
    const before = this.store.messages(conversationId, { limit: AROUND, before: at, shown: true }).reverse();
    const after = this.newerFrom(conversationId, at, AROUND);
    return {
      conversationId,
      anchorId: anchor.ID,
      messages: this.views(conversation, [...before, anchor, ...after.messages], after.pendingIds),
      hasOlder: before.length === AROUND,
      hasNewer: after.hasNewer,
    };
  }

  /** The page after a message, oldest first (scrolling down from a search result). */
  newer(conversationId: string, afterId: string): NewerPage {
    const conversation = this.conversations.get(conversationId);
    const anchor = this.visible(conversationId, afterId);
    const after = this.newerFrom(conversationId, { created: anchor.Created, id: anchor.ID }, PAGE);
    return { conversationId, messages: this.views(conversation, after.messages, after.pendingIds), hasNewer: after.hasNewer };
  }

  /** A cached message the user may see: not one of a conversation whose clear is still on its way. */
  private visible(conversationId: string, id: string): Message {
    this.rich.absorb(conversationId);
    const cleared = this.store.pendingFor(conversationId).some((p) => p.action.kind === 'clear');
    const found = cleared ? undefined : this.find(conversationId, id);
    if (!found) throw new CoreError('not-found', 'That message is no longer on this device (it was cleared, or it disappeared).');
    return found;
  }

  private newerFrom(
    conversationId: string,
    at: { created: string; id: string },
    limit: number,
  ): { messages: Message[]; hasNewer: boolean; pendingIds: Set<string> } {
    const cached = this.store.newerMessages(conversationId, at, limit + 1);
    if (cached.length > limit) return { messages: cached.slice(0, limit), hasNewer: true, pendingIds: new Set() };
    const seen = new Set(cached.map((m) => m.ID));
    const sends = this.store
      .pendingFor(conversationId)
      .flatMap((p) => (p.action.kind === 'send' && !p.action.effect ? [p.action.message] : []))
      .filter((m) => !seen.has(m.ID));
    return { messages: [...cached, ...sends], hasNewer: false, pendingIds: new Set(sends.map((m) => m.ID)) };
  }

  private find(conversationId: string, id: string): Message | undefined {
    return this.store.message(conversationId, id);
  }

  /** A page of messages, oldest first: cached ones, then sends still in the outbox (newest page only). */
  page(conversationId: string, before?: { created: string; id: string }): MessagePage {
    const conversation = this.conversations.get(conversationId);
    this.rich.absorb(conversationId);
    const pending = this.store.pendingFor(conversationId);
    const lastClear = [...pending].reverse().find((p) => p.action.kind === 'clear');
    const cached = lastClear ? [] : this.store.messages(conversationId, { limit: PAGE, before, shown: true }).reverse();
    const sends = before
      ? []
      : pending.flatMap((p) => (p.action.kind === 'send' && !p.action.effect && (!lastClear || p.seq > lastClear.seq) ? [p.action.message] : []));
    const pendingIds = new Set(sends.map((m) => m.ID));
    const seen = new Set(cached.map((m) => m.ID));
    const all = [...cached, ...sends.filter((m) => !seen.has(m.ID))];
    return { conversationId, messages: this.views(conversation, all, pendingIds), hasOlder: cached.length === PAGE };
  }

  /**
   * Message views: decrypted once, with their reactions, edits and deletes (stored, and the user's
   * own still in the outbox) and what a reply quotes.
   */
  views(conversation: Conversation, messages: readonly Message[], pendingIds: Set<string>): MessageView[] {
    const session = this.sessions.require();
    const me = session.account.userid;
    const receipts = receiptStates(this.store.reports(conversation.id), me);
    const names = this.friends.displayNames();
    const opened = openMessages(messages, conversation, session.keyring);
    const quoted = opened.flatMap((o) => (o.rich?.kind === 'text' && o.rich.reply ? [o.rich.reply.id] : []));
    const effects = byTarget(this.effectsOn(conversation.id, [...messages.map((m) => m.ID), ...quoted], me));
    const inPage = new Map(opened.map((o) => [o.message.ID, o]));
    const ctx = { me, names, receipts };
    return opened.map((o) =>
      messageView(o, conversation, {
        ...ctx,
        pending: pendingIds.has(o.message.ID),
        fileStatus: this.fileStatus,
        effects: effects.get(o.message.ID) ?? [],
        replyTo: this.quote(o, conversation, inPage, effects, ctx),
      }),
    );
  }

  /** Views of messages that came in as news, leaving out reactions, edits and deletes (no notification for those). */
  newsViews(conversation: Conversation, messages: readonly Message[]): MessageView[] {
    const opened = openMessages(messages, conversation, this.sessions.require().keyring);
    return this.views(
      conversation,
      opened.filter((o) => o.rich === null || o.rich.kind === 'text').map((o) => o.message),
      new Set(),
    );
  }

  /** Stored effects on these messages, then the user's own still in the outbox (after them). */
  private effectsOn(conversationId: string, ids: readonly string[], me: string): Effect[] {
    const wanted = new Set(ids);
    const stored: Effect[] = this.store.rich.effectsOn(conversationId, [...wanted]);
    const pending = pendingEffects(this.store.pendingFor(conversationId), me, wanted);
    return [...stored, ...pending];
  }

  /** What a reply shows of the message it answers: that message as it is now, when it is here. */
  private quote(
    o: OpenedMessage,
    conversation: Conversation,
    inPage: Map<string, OpenedMessage>,
    effects: Map<string, Effect[]>,
    ctx: { me: string; names: Record<string, string> },
  ): ReplyQuote | null {
    if (o.rich?.kind !== 'text' || !o.rich.reply) return null;
    const reply = o.rich.reply;
    const stored = inPage.has(reply.id) ? undefined : this.find(conversation.id, reply.id);
    const target = inPage.get(reply.id) ?? (stored ? openMessages([stored], conversation, this.sessions.require().keyring)[0] : undefined);
    if (!target) {
      return { id: reply.id, fromName: senderName(reply.from, conversation, ctx.names), mine: reply.from === ctx.me, excerpt: reply.excerpt, present: false };
    }
    const text = target.rich?.kind === 'text' ? target.rich.text : null;
    const state = richState(text, target.from, effects.get(reply.id) ?? [], ctx);
    return {
      id: reply.id,
      fromName: senderName(target.from, conversation, ctx.names),
      mine: target.from === ctx.me,
      excerpt: state.deleted ? null : excerpt(state.text ?? ''),
      present: !state.deleted,
    };
  }
}
