/**
 * Conversations: their views (pending actions overlaid), the list the window knows and its
 * changes, and the user's actions on a conversation (favourite, muted, hidden, colour, clear, start).
 */
import { newGroupConversationId, oneToOneConversationId, parseTimestamp, type Conversation, type Message } from '../../../protocol/index.js';
import type { ConversationView } from '../../ipc/views.js';
import { compareForList, countsAsUnread, type DisappearingTimer, type ToggleAction } from '../../shared/rules.js';
import { CoreError } from '../errors.js';
import type { Sessions } from '../session/session.js';
import type { LocalStore } from '../store/local-store.js';
import type { Action } from '../sync/actions.js';
import { summarize, type ConversationSummary } from '../views/conversation-summary.js';
import { conversationFlags, conversationView, overlay, type PendingEntry } from '../views/conversation-views.js';
import { ownViewed } from '../views/message-views.js';
import type { ConversationTimers } from './conversation-timers.js';
import type { RichEffects } from './rich-effects.js';
import { pendingEffects, richState } from '../views/rich-views.js';
import type { ServiceEvents } from './events.js';
import type { Friends } from './friends.js';

/** The meta key under which the newest viewed message's time of a conversation is kept. */
export const viewedKey = (conversationId: string) => `viewed:${conversationId}`;

export class Conversations {
  /** Conversation ids the renderer has been told about, to report removals. */
  private listed = new Set<string>();

  constructor(
    private readonly sessions: Sessions,
    private readonly store: LocalStore,
    private readonly friends: Friends,
    private readonly events: ServiceEvents,
    private readonly now: () => number,
    private readonly timers: ConversationTimers,
    private readonly rich: RichEffects,
  ) {}

  /** The overlaid conversations: every one, or just `ids`. */
  overlaid(ids?: readonly string[]): { conversations: Map<string, Conversation>; pendingIds: Set<string> } {
    const session = this.sessions.require();
    const cached = ids ? ids.map((id) => this.store.conversation(id)).filter((c): c is Conversation => c !== undefined) : this.store.conversations();
    const relevant: PendingEntry[] = ids ? ids.flatMap((id) => this.store.pendingFor(id)) : this.store.pending();
    return overlay(cached, relevant, session.account.userid, this.friends.displayNames(), Math.floor(this.now() / 1000));
  }

  views(ids?: readonly string[]): ConversationView[] {
    const session = this.sessions.require();
    const { conversations, pendingIds } = this.overlaid(ids);
    const names = this.friends.displayNames();
    const views = [...conversations.values()].map((c) => {
      const { unread, last } = this.summary(c);
      return conversationView(c, session.keyring, session.account.userid, { pending: pendingIds.has(c.id), unread, last, timer: this.timers.get(c.id), names });
    });
    return views.sort(compareForList);
  }

  /** The hidden conversations' views. */
  hidden(): ConversationView[] {
    return this.views().filter((c) => c.hidden);
  }

  get(id: string): Conversation {
    const found = this.overlaid([id]).conversations.get(id);
    if (!found) throw new CoreError('not-found', 'That conversation does not exist (any more).');
    return found;
  }

  /**
   * Its unread count and newest message (conversation-summary.ts). Kept per conversation and worked
   * out again only when its newest message or the viewed mark moves, or when its messages change
   * (`messagesChanged`): a favourite click or a rebuilt list decrypts nothing.
   */
  private summary(conversation: Conversation): ConversationSummary {
    const viewedAt = Number(this.store.getMeta(viewedKey(conversation.id)) ?? 0);
    const key = `${conversation.lastmessageid}|${viewedAt}`;
    const known = this.summaries.get(conversation.id);
    if (known?.key === key) return known.summary;
    const summary = this.summarize(conversation, viewedAt);
    this.summaries.set(conversation.id, { key, summary });
    return summary;
  }

  private readonly summaries = new Map<string, { key: string; summary: ConversationSummary }>();

  /** A conversation's messages changed (arrived, cleared, expired, viewed): its row is worked out again. */
  messagesChanged(conversationId: string): void {
    this.summaries.delete(conversationId);
  }

  private summarize(conversation: Conversation, viewedAt: number): ConversationSummary {
    const session = this.sessions.current!;
    const me = session.account.userid;
    // Only a send (which sets lastmessageid) or a create still waiting can have outbox entries that show.
    const pending = conversation.lastmessageid || conversation.instance === '' ? this.store.pendingFor(conversation.id) : [];
    const lastClear = pending.findLastIndex((p) => p.action.kind === 'clear');
    const pendingSends = pending.slice(lastClear + 1).flatMap((p) => (p.action.kind === 'send' && !p.action.effect ? [p.action.message] : []));
    // Reactions, edits and deletes are read first: they are not messages of their own.
    this.rich.absorb(conversation.id);
    return summarize({
      conversation,
      newest: (limit) => (conversation.lastmessageid ? this.store.messages(conversation.id, { limit, shown: true }) : []),
      currentText: (message, from, text) => {
        const effects = [...this.store.rich.effectsOn(conversation.id, [message.ID]), ...pendingEffects(pending, me, new Set([message.ID]))];
        return richState(text, from, effects, { me, names: {} }).text;
      },
      pendingSends,
      clearPending: lastClear >= 0,
      viewedAt,
      viewedUpTo: (messages) => this.viewedElsewhere(conversation.id, messages, viewedAt, me),
      keyring: session.keyring,
      me,
      names: this.friends.displayNames(),
    });
  }

  /**
   * The viewed mark moved up to the newest of these messages the user reported as viewed from any
   * device (their own `viewed` reports), and kept: a new computer does not count as unread what was
   * read on the phone.
   */
  private viewedElsewhere(conversationId: string, messages: readonly Message[], viewedAt: number, me: string): number {
    const viewed = ownViewed(this.store.reports(conversationId), me);
    if (!viewed.size) return viewedAt;
    let newest = viewedAt;
    for (const m of messages) if (viewed.has(m.ID)) newest = Math.max(newest, parseTimestamp(m.Created) ?? 0);
    if (newest > viewedAt) this.store.setMeta(viewedKey(conversationId), String(newest));
    return newest;
  }

  /**
   * Each conversation's unread messages as they count towards a total (countsAsUnread: neither
   * muted nor hidden), without building views: for the account's count in the switcher.
   */
  unreadCounted(): Map<string, number> {
    const counted = new Map<string, number>();
    if (!this.sessions.current) return counted;
    const me = this.sessions.current.account.userid;
    for (const c of this.overlaid().conversations.values()) {
      const { muted, hidden } = conversationFlags(c, me);
      const unread = this.summary(c).unread;
      counted.set(c.id, countsAsUnread({ muted, hidden, unread }) ? unread : 0);
    }
    return counted;
  }

  // ---------------------------------------------------------------------------- the list

  /** Every conversation's view; from now on the window knows exactly these (removals are reported against them). */
  listAll(): ConversationView[] {
    const views = this.views();
    this.listed = new Set(views.map((v) => v.id));
    this.sessions.current?.keyCache?.retainOnly(this.listed);
    return views;
  }

  /**
   * The first `n` views in list order, from the store's list-order index. Conversations that only a
   * pending action moves up (a favourite not yet synced) or creates arrive with the rest instead.
   */
  firstViews(n: number): { views: ConversationView[]; complete: boolean } {
    const ids = this.store.firstConversations(n).map((c) => c.id);
    const views = this.views(ids);
    for (const v of views) this.listed.add(v.id);
    const shown = new Set(ids);
    // Complete only when the store had no more, and no unsent new conversation is left out.
    const complete = ids.length < n && this.store.pending().every((e) => shown.has(e.action.conversationId));
    return { views, complete };
  }

  emitAll(): void {
    const before = this.listed;
    const views = this.listAll();
    const now = this.listed;
    const removed = [...before].filter((id) => !now.has(id));
    this.events.emit('conversations:changed', { upserted: views, removed });
  }

  emit(ids: readonly string[]): void {
    const views = this.views(ids);
    const present = new Set(views.map((v) => v.id));
    const removed = ids.filter((id) => !present.has(id));
    for (const v of views) this.listed.add(v.id);
    for (const id of removed) this.listed.delete(id);
    this.events.emit('conversations:changed', { upserted: views, removed });
  }

  /** Signed out: every conversation the window knows is gone. */
  removeAll(): void {
    this.events.emit('conversations:changed', { upserted: [], removed: [...this.listed] });
    this.listed.clear();
    this.summaries.clear();
    this.timers.forget();
  }

  // ---------------------------------------------------------------------------- actions

  /**
   * Sets favourite, muted or hidden to the state the user asked for. The intent is compared with
   * the conversation as shown (pending actions applied): asking for the state it already has queues
   * nothing and changes nothing. Otherwise the toggle towards it is queued, and the outbox folds it
   * into what is still waiting (see coalesce), so only the final state is sent.
   */
  setFlag(conversationId: string, flag: 'favorite' | 'muted' | 'hidden', on: boolean): void {
    const session = this.sessions.require();
    const conversation = this.get(conversationId);
    if (conversationFlags(conversation, session.account.userid)[flag] === on) return;
    const toggles: Record<typeof flag, [on: ToggleAction, off: ToggleAction]> = {
      favorite: ['favorite', 'unfavorite'],
      muted: ['mute', 'unmute'],
      hidden: ['hide', 'unhide'],
    };
    this.act({ kind: toggles[flag][on ? 0 : 1], conversationId });
  }

  setColor(conversationId: string, color: string): void {
    this.act({ kind: 'color', conversationId, color: color.toLowerCase() });
  }

  /** Applies an action at once (outbox write) and lets the engine send it. */
  private act(action: Action): void {
    const session = this.sessions.require();
    this.get(action.conversationId);
    this.store.enqueue(action);
    this.emit([action.conversationId]);
    session.engine.queued();
  }

  clear(conversationId: string): void {
    const conversation = this.get(conversationId);
    this.messagesChanged(conversationId);
    this.act({ kind: 'clear', conversationId, instance: conversation.instance });
    // Its messages leave the cache when the server has the clear; their text leaves the index now.
    this.store.search.forgetConversation(conversationId);
    this.events.emit('messages:changed', { conversationId, upserted: [], removed: [], cleared: true });
  }

  /** The disappearing-message timer for what the user sends in this conversation from now on. */
  setTimer(conversationId: string, seconds: DisappearingTimer): void {
    this.get(conversationId);
    if (this.timers.get(conversationId) === seconds) return;
    this.timers.set(conversationId, seconds);
    this.emit([conversationId]);
  }

  /**
   * A new group of the user and these friends. Its id is chosen here (a profile choice the server
   * honours), so it can be created offline and used at once: messages sent to it meanwhile wait
   * behind the create in the outbox, and a retried create never makes a second group.
   */
  createGroup(name: string, memberIds: readonly string[]): ConversationView {
    const session = this.sessions.require();
    const me = session.account.userid;
    const others = [...new Set(memberIds)].filter((id) => id !== me);
    if (!others.length) throw new CoreError('invalid-argument', 'Choose at least one friend to be in the group.');
    const friends = new Map(this.store.friends().map((f) => [f.friendid, f]));
    const members = others.map((id) => {
      const friend = friends.get(id);
      if (!friend) throw new CoreError('not-found', 'Someone you chose is not in your friends list (any more).');
      return { userid: id, publickey: friend.publickey };
    });
    const participants = [{ userid: me, publickey: session.keyring.ownPublicKey() }, ...members];
    const id = newGroupConversationId();
    const { displayname, secrets } = session.keyring.newConversation(participants, name.trim());
    this.store.enqueue({ kind: 'create', conversationId: id, participantIds: participants.map((p) => p.userid), isgroup: true, displayname, secrets });
    this.emit([id]);
    session.engine.kick();
    return this.views([id])[0]!;
  }

  async start(friendId: string): Promise<ConversationView> {
    const session = this.sessions.require();
    const me = session.account.userid;
    if (friendId === me) throw new CoreError('invalid-argument', 'You cannot start a conversation with yourself.');
    const id = oneToOneConversationId(me, friendId);
    const existing = this.overlaid([id]).conversations.get(id);
    if (!existing) {
      const friend = this.store.friends().find((f) => f.friendid === friendId);
      if (!friend) throw new CoreError('not-found', 'That person is not in your friends list.');
      const participants = [
        { userid: me, publickey: session.keyring.ownPublicKey() },
        { userid: friend.friendid, publickey: friend.publickey },
      ].sort((a, b) => (a.userid < b.userid ? -1 : 1));
      const { displayname, secrets } = session.keyring.newConversation(participants, `${session.account.nick} and ${friend.friendname}`);
      this.store.enqueue({ kind: 'create', conversationId: id, participantIds: participants.map((p) => p.userid), isgroup: false, displayname, secrets });
      this.emit([id]);
      session.engine.kick();
    }
    return this.views([id])[0]!;
  }
}
