/**
 * The sync engine's fetching: the conversation list, the friend list, Notification (what changed)
 * and message pages, each stored in the cache and announced as an `EngineEvent`. It also keeps
 * what the engine needs to tell news from history, and to catch up after a pull that may have
 * lost changes (the server drains its queue as it answers Notification).
 */
import { parseTimestamp, type CallName, type Conversation, type Message, type PayloadOf, type ResponseOf } from '../../../protocol/index.js';
import { CoreError } from '../errors.js';
import type { EngineEvent } from './engine-events.js';
import type { ApiPort, StorePort } from './ports.js';

/** Messages fetched per page. */
const PAGE = 50;
/** The most downloadpartial gives in one page (the profile's cap): the history download asks for this. */
export const MAX_PAGE = 200;

/** A page of the history download: how many messages came, and the oldest (the next page's cursor). */
export type HistoryPage = { count: number; oldest: { created: string; id: string } | null };

/** How fetched messages count: null for history; otherwise those after `after` are news (all when ''). */
type News = { after: string } | null;

export type FetcherOptions = {
  api: ApiPort;
  store: StorePort;
  emit: (event: EngineEvent) => void;
};

export class Fetcher {
  private readonly api: ApiPort;
  private readonly store: StorePort;
  private readonly emit: (event: EngineEvent) => void;

  /** Failures since the last catch-up that may have hidden a server change from us (see pull). */
  private missed = 0;
  /**
   * For a conversation with nothing cached, where history ends and news begins: the last message id
   * the first list of this run named, or '' for a conversation listed only later (new since, so all
   * of it is news). A conversation with cached messages uses its newest cached message instead.
   */
  private readonly knownLast = new Map<string, string>();
  private listedOnce = false;

  constructor(opts: FetcherOptions) {
    this.api = opts.api;
    this.store = opts.store;
    this.emit = opts.emit;
  }

  /** Something may have changed on the server without our seeing it: the next pull catches up. */
  missedChanges(): void {
    this.missed++;
  }

  /**
   * Fetches retry once on their own; the engine's probe takes over after that. Notification drains
   * the server's queue, so it is never retried blindly: an answer lost on the way would lose changes,
   * and the next pull catches up on that gap instead (see pull).
   */
  private call<N extends CallName>(name: N, payload: PayloadOf<N>): Promise<ResponseOf<N>> {
    return this.api.call(name, payload, { retries: name === 'notification' ? 0 : 1 });
  }

  /** The conversation list again, whole. */
  async refreshConversations(): Promise<void> {
    const res = await this.call('conversationList', {});
    this.store.replaceConversations(res.conversations);
    for (const c of res.conversations) if (!this.knownLast.has(c.id)) this.knownLast.set(c.id, this.listedOnce ? '' : c.lastmessageid);
    this.listedOnce = true;
    this.emit({ type: 'conversations', ids: 'all' });
  }

  /** The friend list again, whole. */
  async refreshFriends(): Promise<void> {
    const res = await this.call('friendsList', {});
    this.store.replaceFriends(res.availabilities);
    this.emit({ type: 'friends' });
  }

  /**
   * The server drains the station's queue as it answers, so a pull that fails anywhere (the answer
   * cut off, garbled or late, or a fetch it named failing) may have lost changes. The next pull that
   * starts after such a failure also catches up: both lists again, and the new messages of every
   * cached conversation whose newest message is not the list's last one.
   */
  async pull(): Promise<void> {
    const lost = this.missed;
    try {
      const changes = await this.call('notification', {});
      if (lost || changes.friendavailabilitesof.length) await this.refreshFriends();
      if (lost || changes.conversationlistchangedof.length) await this.refreshConversations();
      const ids = new Set(changes.conversationchangedof);
      if (lost) for (const id of this.conversationsBehind()) ids.add(id);
      await this.fetchChanged(ids);
    } catch (err) {
      this.missed++;
      throw err;
    }
    this.missed -= lost;
  }

  /** Cached conversations whose newest cached message is not the one the list says is the last. */
  private conversationsBehind(): string[] {
    return this.store.conversations().flatMap((c) => {
      if (!c.instance || !c.lastmessageid) return [];
      const [newest] = this.store.messages(c.id, { limit: 1 });
      return newest && newest.ID !== c.lastmessageid ? [c.id] : [];
    });
  }

  private async fetchChanged(ids: Set<string>): Promise<void> {
    for (const id of ids) {
      try {
        await this.fetchNewMessages(id);
      } catch (err) {
        if (err instanceof CoreError && (err.code === 'stale-instance' || err.code === 'refused')) {
          await this.startedOver(id);
          await this.fetchNewMessages(id).catch(() => {});
        } else {
          throw err;
        }
      }
    }
  }

  /** Cleared or gone since we last looked: the list says what it is now, and the cached messages go. */
  private async startedOver(id: string): Promise<void> {
    await this.refreshConversations();
    this.store.clearMessages(id);
    // A new instance: whatever it holds was written since.
    this.knownLast.set(id, '');
    this.emit({ type: 'messages', conversationId: id, cleared: true });
  }

  /** New messages and reports since the newest we hold (inclusive cursor), or the newest page. */
  async fetchNewMessages(conversationId: string): Promise<void> {
    const conversation = this.store.conversation(conversationId);
    if (!conversation || !conversation.instance) return;
    const [newest] = this.store.messages(conversationId, { limit: 1 });
    if (!newest) {
      // Nothing cached yet (a conversation just started, or just cleared): its newest page is the news.
      await this.fetchPageAs(conversationId, undefined, { after: this.knownLast.get(conversationId) ?? '' });
      return;
    }
    const res = await this.call('download', {
      conversationid: conversationId,
      instance: conversation.instance,
      firstmessagedate: newest.Created,
      firstmessageid: newest.ID,
      firstreportdate: '',
      firstreportid: '',
    });
    this.absorbMessages(conversation, res.messages, res.reports, { after: '' });
  }

  /** The newest page, or the page before a message (scrolling up). */
  fetchPage(conversationId: string, before?: { created: string; id: string }): Promise<number> {
    return this.fetchPageAs(conversationId, before, null);
  }

  /** `news`: null for history; otherwise the messages after `after` (all when '' or not in the page) are news. */
  private async fetchPageAs(conversationId: string, before: { created: string; id: string } | undefined, news: News): Promise<number> {
    const conversation = this.store.conversation(conversationId);
    if (!conversation || !conversation.instance) return 0;
    const res = await this.pageBefore(conversation, before, PAGE);
    this.absorbMessages(conversation, res.messages, res.reports, news, before ? 'older' : 'newer');
    return res.messages.length;
  }

  /** downloadpartial: up to `limit` messages older than `before` (the newest without it), with the newest reports. */
  private pageBefore(conversation: Conversation, before: { created: string; id: string } | undefined, limit: number): Promise<ResponseOf<'downloadPartial'>> {
    return this.call('downloadPartial', {
      conversationid: conversation.id,
      instance: conversation.instance,
      lastmessagedate: before?.created ?? '',
      lastmessageid: before?.id ?? '',
      lastreportdate: '',
      lastreportid: '',
      limit,
    });
  }

  /**
   * A page of the history download (search/history-download.ts): up to `limit` messages (at most
   * MAX_PAGE) older than `before`, stored with their reports in one transaction but announced to
   * nobody: hundreds of history pages must not rebuild the window's latest page hundreds of times,
   * and the caller tells the search index. The list entry moves only for a message newer than it
   * knows. A stale instance (cleared meanwhile) is handled as a pull handles it, then thrown, so the
   * caller starts that conversation over from its newest page.
   */
  async fetchHistoryPage(conversationId: string, before: { created: string; id: string } | undefined, limit: number): Promise<HistoryPage> {
    const conversation = this.store.conversation(conversationId);
    if (!conversation || !conversation.instance) return { count: 0, oldest: null };
    let res: ResponseOf<'downloadPartial'>;
    try {
      res = await this.pageBefore(conversation, before, Math.max(1, Math.min(limit, MAX_PAGE)));
    } catch (err) {
      if (err instanceof CoreError && err.code === 'stale-instance') await this.startedOver(conversationId);
      throw err;
    }
    const { messages, reports } = res;
    const current = this.store.conversation(conversationId);
    // Gone, or cleared here, while the page was on its way: it belongs to the old instance, so it is not kept.
    if (!current) return { count: 0, oldest: null };
    if (current.instance !== conversation.instance) throw new CoreError('stale-instance', 'The conversation was cleared meanwhile.');
    this.store.transaction(() => {
      if (messages.length) this.store.putMessages(conversationId, messages, before ? 'older' : 'newer');
      if (reports.length) this.store.putReports(conversationId, reports);
    });
    // Oldest first, in the server's order: the first is the next page's cursor.
    const oldest = messages[0];
    const newest = messages.at(-1);
    const at = newest ? parseTimestamp(newest.Created) : null;
    if (newest && at !== null && Math.floor(at / 1000) > current.lastaccess) {
      this.store.putConversation({ ...current, lastmessageid: newest.ID, lastaccess: Math.floor(at / 1000) });
      this.emit({ type: 'conversations', ids: [conversationId] });
    }
    return { count: messages.length, oldest: oldest ? { created: oldest.Created, id: oldest.ID } : null };
  }

  private absorbMessages(
    conversation: Conversation,
    messages: Message[],
    reports: ResponseOf<'download'>['reports'],
    news: News,
    direction: 'newer' | 'older' = 'newer',
  ): void {
    const arrived = news ? this.newsIn(conversation.id, messages, news.after) : [];
    if (messages.length) this.store.putMessages(conversation.id, messages, direction);
    if (reports.length) this.store.putReports(conversation.id, reports);
    // Keep the list entry's "last activity" in step without refetching the whole list.
    const newest = messages.at(-1);
    const at = newest ? parseTimestamp(newest.Created) : null;
    if (newest && at !== null && Math.floor(at / 1000) >= conversation.lastaccess) {
      this.store.putConversation({ ...conversation, lastmessageid: newest.ID, lastaccess: Math.floor(at / 1000) });
      this.emit({ type: 'conversations', ids: [conversation.id] });
    }
    if (messages.length || reports.length) {
      this.emit({ type: 'messages', conversationId: conversation.id, cleared: false, ...(arrived.length ? { arrived } : {}) });
    }
  }

  /** Ids of the messages (oldest first) after `after` that this device did not have. */
  private newsIn(conversationId: string, messages: readonly Message[], after: string): string[] {
    const from = after ? messages.findIndex((m) => m.ID === after) + 1 : 0;
    // Asked before storing: the forward cursor is inclusive, so the newest cached message comes back too.
    return messages
      .slice(from)
      .filter((m) => !this.store.message(conversationId, m.ID))
      .map((m) => m.ID);
  }
}
