/**
 * Messages: pages of a conversation (latest and older, refetched when it was cleared meanwhile),
 * sending, marking as viewed, and the message views.
 */
import { formatTimestamp, newMessageId, parseTimestamp, type Conversation, type Message, type OutgoingMessage } from '../../../protocol/index.js';
import type { MessagePage, MessagesAround, MessageView, NewerPage } from '../../ipc/views.js';
import { CoreError } from '../errors.js';
import type { Session } from '../session/connect.js';
import type { Sessions } from '../session/session.js';
import type { LocalStore } from '../store/local-store.js';
import type { Action } from '../sync/actions.js';
import { messageView, receiptStates } from '../views/message-views.js';
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
  constructor(
    private readonly sessions: Sessions,
    private readonly store: LocalStore,
    private readonly conversations: Conversations,
    private readonly friends: Friends,
    private readonly events: ServiceEvents,
    private readonly now: () => number,
    private readonly timers: ConversationTimers,
  ) {}

  send(conversationId: string, text: string): MessageView {
    const session = this.sessions.require();
    const conversation = this.conversations.get(conversationId);
    const now = this.now();
    const timer = this.timers.get(conversationId);
    const message: OutgoingMessage = {
      ID: newMessageId(),
      Type: 'Message',
      Created: formatTimestamp(now),
      ValidUntil: formatTimestamp(now + (timer ? timer * 1000 : DEFAULT_MESSAGE_LIFETIME_DAYS * DAY_MS)),
      Data: session.keyring.sealMessage(conversation, text),
    };
    this.store.enqueue({ kind: 'send', conversationId, instance: conversation.instance, message, ...(timer ? { lifetimeSeconds: timer } : {}) });
    const view = this.views(conversation, [message], new Set([message.ID]))[0]!;
    this.events.emit('messages:changed', { conversationId, upserted: [view], removed: [], cleared: false });
    this.conversations.emit([conversationId]);
    session.engine.queued();
    return view;
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
        await this.fetchPage(session, conversationId);
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
  private async fetchPage(session: Session, conversationId: string, before?: { created: string; id: string }): Promise<void> {
    try {
      await session.engine.fetchPage(conversationId, before);
    } catch (err) {
      if (!(err instanceof CoreError && err.code === 'stale-instance')) throw err;
      await session.engine.refreshConversations();
      this.store.clearMessages(conversationId);
      this.events.emit('messages:changed', { conversationId, upserted: [], removed: [], cleared: true });
      // Older than a message of the old instance there is nothing any more.
      if (!before) await session.engine.fetchPage(conversationId);
    }
  }

  async older(conversationId: string, beforeId: string): Promise<MessagePage> {
    const session = this.sessions.require();
    this.conversations.get(conversationId);
    const anchor = this.find(conversationId, beforeId);
    if (!anchor) throw new CoreError('not-found', 'That message is not loaded.');
    const before = { created: anchor.Created, id: anchor.ID };
    if (this.store.messages(conversationId, { limit: PAGE, before }).length < PAGE) {
      try {
        await this.fetchPage(session, conversationId, before);
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
    const before = this.store.messages(conversationId, { limit: AROUND, before: at }).reverse();
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
      .filter((p) => p.action.kind === 'send')
      .map((p) => (p.action as Extract<Action, { kind: 'send' }>).message)
      .filter((m) => !seen.has(m.ID));
    return { messages: [...cached, ...sends], hasNewer: false, pendingIds: new Set(sends.map((m) => m.ID)) };
  }

  private find(conversationId: string, id: string): Message | undefined {
    return this.store.message(conversationId, id);
  }

  /** A page of messages, oldest first: cached ones, then sends still in the outbox (newest page only). */
  page(conversationId: string, before?: { created: string; id: string }): MessagePage {
    const conversation = this.conversations.get(conversationId);
    const pending = this.store.pendingFor(conversationId);
    const lastClear = [...pending].reverse().find((p) => p.action.kind === 'clear');
    const cached = lastClear ? [] : this.store.messages(conversationId, { limit: PAGE, before }).reverse();
    const sends = before
      ? []
      : pending
          .filter((p) => p.action.kind === 'send' && (!lastClear || p.seq > lastClear.seq))
          .map((p) => (p.action as Extract<Action, { kind: 'send' }>).message);
    const pendingIds = new Set(sends.map((m) => m.ID));
    const seen = new Set(cached.map((m) => m.ID));
    const all = [...cached, ...sends.filter((m) => !seen.has(m.ID))];
    return { conversationId, messages: this.views(conversation, all, pendingIds), hasOlder: cached.length === PAGE };
  }

  views(conversation: Conversation, messages: readonly Message[], pendingIds: Set<string>): MessageView[] {
    const session = this.sessions.require();
    const receipts = receiptStates(this.store.reports(conversation.id), session.account.userid);
    const names = this.friends.displayNames();
    return messages.map((m) => messageView(m, conversation, session.keyring, { me: session.account.userid, names, receipts, pending: pendingIds.has(m.ID) }));
  }
}
