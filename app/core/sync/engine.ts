/**
 * The sync engine: sends the outbox, keeps the cache in step with the server, and knows whether
 * we are online.
 *
 * - The outbox is sent in order per conversation, a few conversations at a time. Each outcome:
 *   success replaces the cached object with the server's (pending entries stay applied on top);
 *   a transient failure backs off and retries; a refusal drops that one entry (its optimistic change
 *   disappears) and says why; a stale instance (409) refreshes the conversation and re-applies;
 *   401 stops everything until the user signs in again.
 * - Connectivity comes from request outcomes and the push socket: online after any success,
 *   offline when no usable answer comes back (network failure, timeout, a cut-off answer, a
 *   gateway's or portal's HTML page), reconnecting while probing.
 * - On a push hint or the slow poll, Notification says what changed and only that is fetched.
 */
import { parseTimestamp, type CallName, type Conversation, type Message, type PayloadOf, type ResponseOf } from '../../../protocol/index.js';
import type { ConnectionState } from '../../ipc/views.js';
import { backoffDelay } from '../api/retry.js';
import { CoreError, toErrorInfo, type ErrorInfo } from '../errors.js';
import { rebaseOnInstance, toApiCall, type Action } from './actions.js';
import type { ApiPort, OutboxEntry, StorePort } from './ports.js';

export type EngineEvent =
  | { type: 'conversations'; ids: string[] | 'all' }
  /**
   * `arrived`: ids of messages new to this device that came in as news (fetched forward after a
   * change), not pages of history; absent when there are none.
   */
  | { type: 'messages'; conversationId: string; cleared: boolean; arrived?: string[] }
  | { type: 'friends' }
  | { type: 'connection'; state: ConnectionState; pendingCount: number }
  | { type: 'action-failed'; conversationId: string; action: Action['kind']; error: ErrorInfo };

export type EngineOptions = {
  api: ApiPort;
  store: StorePort;
  emit: (event: EngineEvent) => void;
  now?: () => number;
  /** Conversations sent to at the same time. */
  concurrency?: number;
  /** The fallback poll of Notification while push is down, and its slower pace while push is up. */
  pollMs?: { pushDown: number; pushUp: number };
  /** Give up on an entry the server keeps answering strangely after this many attempts. */
  maxAttempts?: number;
  log?: (line: string) => void;
};

const PAGE = 50;

type News = { after: string } | null;

export class SyncEngine {
  private readonly api: ApiPort;
  private readonly store: StorePort;
  private readonly emit: (event: EngineEvent) => void;
  private readonly now: () => number;
  private readonly concurrency: number;
  private readonly pollMs: { pushDown: number; pushUp: number };
  private readonly maxAttempts: number;
  private readonly log: (line: string) => void;

  private started = false;
  private state: ConnectionState = 'reconnecting';
  private pushConnected = false;
  private readonly sending = new Set<string>();
  private drainScheduled = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private probeFailures = 0;
  private syncing: Promise<void> | null = null;
  private pulling: Promise<void> | null = null;
  private pullAgain = false;
  /** Failures since the last catch-up that may have hidden a server change from us (see pull). */
  private missed = 0;
  /**
   * For a conversation with nothing cached, where history ends and news begins: the last message id
   * the first list of this run named, or '' for a conversation listed only later (new since, so all
   * of it is news). A conversation with cached messages uses its newest cached message instead.
   */
  private readonly knownLast = new Map<string, string>();
  private listedOnce = false;

  constructor(opts: EngineOptions) {
    this.api = opts.api;
    this.store = opts.store;
    this.emit = opts.emit;
    this.now = opts.now ?? Date.now;
    this.concurrency = opts.concurrency ?? 4;
    this.pollMs = opts.pollMs ?? { pushDown: 15_000, pushUp: 120_000 };
    this.maxAttempts = opts.maxAttempts ?? 5;
    this.log = opts.log ?? (() => {});
  }

  get connection(): ConnectionState {
    return this.state;
  }

  /** Starts syncing: anything a crashed run left "in flight" is pending again (sends are idempotent). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.store.resetInFlight();
    this.setState('reconnecting');
    void this.syncNow();
    this.schedulePoll();
  }

  stop(): void {
    this.started = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.retryTimer = null;
    this.pollTimer = null;
  }

  /** Resolves once nothing is being sent or fetched (for tests and for a clean sign-out). */
  async idle(): Promise<void> {
    for (;;) {
      await Promise.all([this.syncing, this.pulling]);
      await new Promise((resolve) => setImmediate(resolve));
      if (!this.syncing && !this.pulling && this.sending.size === 0 && !this.drainScheduled) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  setPushConnected(connected: boolean): void {
    this.pushConnected = connected;
    if (connected) this.markOnline();
    this.schedulePoll();
  }

  /** A user action was queued: show it (the caller emits) and send it soon. */
  /**
   * The outbox grew (the user acted): says the new pending count, as the one producer of connection
   * state, and sends what it can.
   */
  queued(): void {
    this.emitConnection();
    this.kick();
  }

  /** Signed out: stopped, and the connection state says so (the outbox was cleared with the account). */
  signedOut(): void {
    this.stop();
    this.state = 'signed-out';
    this.emitConnection();
  }

  kick(): void {
    if (!this.started || this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  /** Why the last full sync failed, or null when it worked. */
  lastSyncError: CoreError | null = null;

  /** Everything again: the list, friends, queued notifications, then the outbox (all of it due now). */
  syncNow(): Promise<void> {
    this.syncing ??= (async () => {
      this.store.retryNow();
      try {
        await this.refreshConversations();
        await this.refreshFriends();
        await this.pull();
        this.lastSyncError = null;
        this.markOnline();
      } catch (err) {
        this.lastSyncError = err instanceof CoreError ? err : new CoreError('internal', 'Syncing failed unexpectedly.', { cause: err });
        this.onRequestFailure(err);
      } finally {
        this.syncing = null;
        this.kick();
      }
    })();
    return this.syncing;
  }

  /** Pulls Notification and fetches what it names. Coalesces overlapping triggers into one more pull. */
  pullChanges(): Promise<void> {
    if (this.pulling) {
      this.pullAgain = true;
      return this.pulling;
    }
    this.pulling = (async () => {
      try {
        do {
          this.pullAgain = false;
          await this.pull();
        } while (this.pullAgain && this.started);
        this.markOnline();
      } catch (err) {
        this.onRequestFailure(err);
      } finally {
        this.pulling = null;
      }
    })();
    return this.pulling;
  }

  // ------------------------------------------------------------------------------ fetching

  /**
   * Fetches retry once on their own; the engine's probe takes over after that. Notification drains
   * the server's queue, so it is never retried blindly: an answer lost on the way would lose changes,
   * and the next pull catches up on that gap instead (see pull).
   */
  private call<N extends CallName>(name: N, payload: PayloadOf<N>): Promise<ResponseOf<N>> {
    return this.api.call(name, payload, { retries: name === 'notification' ? 0 : 1 });
  }

  async refreshConversations(): Promise<void> {
    const res = await this.call('conversationList', {});
    this.store.replaceConversations(res.conversations);
    for (const c of res.conversations) if (!this.knownLast.has(c.id)) this.knownLast.set(c.id, this.listedOnce ? '' : c.lastmessageid);
    this.listedOnce = true;
    this.emit({ type: 'conversations', ids: 'all' });
  }

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
  private async pull(): Promise<void> {
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
          // Cleared or gone since we last looked: the list says what it is now.
          await this.refreshConversations();
          this.store.clearMessages(id);
          // A new instance: whatever it holds was written since.
          this.knownLast.set(id, '');
          this.emit({ type: 'messages', conversationId: id, cleared: true });
          await this.fetchNewMessages(id).catch(() => {});
        } else {
          throw err;
        }
      }
    }
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
    const res = await this.call('downloadPartial', {
      conversationid: conversationId,
      instance: conversation.instance,
      lastmessagedate: before?.created ?? '',
      lastmessageid: before?.id ?? '',
      lastreportdate: '',
      lastreportid: '',
      limit: PAGE,
    });
    this.absorbMessages(conversation, res.messages, res.reports, news);
    return res.messages.length;
  }

  private absorbMessages(conversation: Conversation, messages: Message[], reports: ResponseOf<'download'>['reports'], news: News): void {
    const arrived = news ? this.newsIn(conversation.id, messages, news.after) : [];
    if (messages.length) this.store.putMessages(conversation.id, messages);
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

  // ------------------------------------------------------------------------------ the outbox

  private drain(): void {
    if (!this.started || this.state === 'unauthorized') return;
    const now = this.now();
    // While offline, one conversation at a time probes; the rest wait for it.
    const free = (this.state === 'offline' ? 1 : this.concurrency) - this.sending.size;
    if (free <= 0) return;
    const chosen: OutboxEntry[] = [];
    let earliest = Infinity;
    let sawAll = true;
    // Pick first, send after: the outbox is read lazily and cannot be written while it is read.
    for (const entry of this.store.heads()) {
      if (chosen.length >= free) {
        // Every send that finishes drains again, so there is no need to look further.
        sawAll = false;
        break;
      }
      if (entry.inFlight || this.sending.has(entry.action.conversationId)) continue;
      if (entry.nextAttemptAt > now) earliest = Math.min(earliest, entry.nextAttemptAt);
      else chosen.push(entry);
    }
    for (const entry of chosen) void this.send(entry);
    if (sawAll && earliest < Infinity) this.retryAt(earliest);
  }

  private retryAt(at: number): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null;
        this.kick();
      },
      Math.max(0, at - this.now()),
    );
    this.retryTimer.unref();
  }

  private async send(entry: OutboxEntry): Promise<void> {
    const { conversationId } = entry.action;
    this.sending.add(conversationId);
    try {
      this.store.markInFlight(entry.seq);
      const current = this.store.conversation(conversationId);
      // Queued while the conversation was still being created: it has an instance now.
      const action = needsInstance(entry.action) && !entry.action.instance && current ? { ...entry.action, instance: current.instance } : entry.action;
      const call = toApiCall(action, current);
      const res = await this.api.call(call.name, call.payload as never, { retries: 0 });
      this.onSent({ ...entry, action }, res);
      this.markOnline();
    } catch (err) {
      await this.onSendFailed(entry, err);
    } finally {
      this.sending.delete(conversationId);
      this.emitConnection();
      this.kick();
    }
  }

  private onSent(entry: OutboxEntry, res: unknown): void {
    // The server's answer and the entry's removal land together, in one commit.
    this.store.transaction(() => this.recordSent(entry, res));
    const { action } = entry;
    this.emit({ type: 'conversations', ids: [action.conversationId] });
    if (action.kind === 'clear') this.emit({ type: 'messages', conversationId: action.conversationId, cleared: true });
    if (action.kind === 'send') this.emit({ type: 'messages', conversationId: action.conversationId, cleared: false });
  }

  private recordSent(entry: OutboxEntry, res: unknown): void {
    const { action } = entry;
    const conversation = (res as { conversation?: Conversation }).conversation;
    if (conversation) this.store.putConversation(conversation);
    if (action.kind === 'clear') this.store.clearMessages(action.conversationId);
    if (action.kind === 'send') {
      const receipt = (res as ResponseOf<'add'>).message;
      this.store.putMessages(action.conversationId, [{ ...action.message, Created: receipt.Created, ValidUntil: receipt.ValidUntil }]);
      const cached = this.store.conversation(action.conversationId);
      const at = parseTimestamp(receipt.Created);
      if (cached && at !== null) {
        this.store.putConversation({ ...cached, lastmessageid: action.message.ID, lastaccess: Math.max(cached.lastaccess, Math.floor(at / 1000)) });
      }
    }
    this.store.complete(entry.seq);
  }

  private async onSendFailed(entry: OutboxEntry, err: unknown): Promise<void> {
    const { action } = entry;
    const error = err instanceof CoreError ? err : new CoreError('internal', 'Sending failed unexpectedly.', { cause: err });
    const attempts = entry.attempts + 1;
    if (error.code === 'unauthorized') {
      this.store.fail(entry.seq, error.message, this.now());
      this.setState('unauthorized');
      return;
    }
    if (error.transient) {
      // The server may be away for days; the change waits as long as it takes.
      this.store.fail(entry.seq, error.message, this.now() + backoffDelay(entry.attempts, { baseMs: 1000, factor: 2, capMs: 60_000 }));
      this.onRequestFailure(error);
      return;
    }
    if (error.code === 'stale-instance' && attempts < this.maxAttempts) {
      try {
        await this.refreshConversations();
        this.store.clearMessages(action.conversationId);
        this.emit({ type: 'messages', conversationId: action.conversationId, cleared: true });
        const fresh = this.store.conversation(action.conversationId);
        const rebased = fresh ? rebaseOnInstance(action, fresh.instance) : null;
        if (!rebased) {
          this.store.complete(entry.seq);
          return;
        }
        this.store.replaceAction(entry.seq, rebased);
        this.store.fail(entry.seq, error.message, this.now());
      } catch (refreshErr) {
        this.store.fail(entry.seq, error.message, this.now() + backoffDelay(entry.attempts));
        this.onRequestFailure(refreshErr);
      }
      return;
    }
    if ((error.code === 'invalid-response' || error.code === 'internal') && attempts < this.maxAttempts) {
      // A strange answer may be a passing fault; try a few more times before giving up.
      this.store.fail(entry.seq, error.message, this.now() + backoffDelay(entry.attempts, { baseMs: 1000, factor: 2, capMs: 60_000 }));
      return;
    }
    // Refused: this one change cannot happen. Dropping its entry rolls the screen back.
    this.log(`dropping ${action.kind} on ${action.conversationId}: ${error.message}`);
    this.store.complete(entry.seq);
    this.emit({ type: 'conversations', ids: [action.conversationId] });
    if (action.kind === 'send') this.emit({ type: 'messages', conversationId: action.conversationId, cleared: false });
    this.emit({ type: 'action-failed', conversationId: action.conversationId, action: action.kind, error: toErrorInfo(error) });
    // One entry fewer waiting.
    this.emitConnection();
    if (error.code === 'invalid-response') {
      // The server may have done it and only its answer was garbled: catch up on what it holds.
      this.missed++;
      void this.pullChanges();
    }
  }

  // ------------------------------------------------------------------------------ connectivity

  private markOnline(): void {
    const wasAway = this.state !== 'online';
    this.probeFailures = 0;
    if (this.state !== 'unauthorized') this.setState('online');
    if (wasAway) {
      // Entries backed off while the server was away: it is back, so they go now, not in a minute.
      this.store.retryNow();
      this.kick();
    }
  }

  private onRequestFailure(err: unknown): void {
    if (err instanceof CoreError && err.code === 'unauthorized') {
      this.setState('unauthorized');
      return;
    }
    if (err instanceof CoreError && unreachable(err)) {
      this.log(`server unreachable: ${err.message}`);
      if (this.state !== 'unauthorized') this.setState('offline');
      this.scheduleProbe();
      return;
    }
    this.log(`sync problem: ${err instanceof Error ? err.message : String(err)}`);
  }

  /** While offline: try Notification with growing pauses; the first success brings us back. */
  private scheduleProbe(): void {
    if (!this.started) return;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    const delay = backoffDelay(this.probeFailures++, { baseMs: 2000, factor: 2, capMs: 30_000 }) + 500;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      if (!this.started) return;
      this.setState('reconnecting');
      void this.syncNow().then(() => {
        if (this.state === 'online') this.schedulePoll();
      });
    }, delay);
    this.pollTimer.unref();
  }

  private schedulePoll(): void {
    if (!this.started || this.state === 'offline') return;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(
      () => {
        this.pollTimer = null;
        void this.pullChanges().then(() => this.schedulePoll());
      },
      this.pushConnected ? this.pollMs.pushUp : this.pollMs.pushDown,
    );
    this.pollTimer.unref();
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.emitConnection();
  }

  private emitConnection(): void {
    this.emit({ type: 'connection', state: this.state, pendingCount: this.store.pendingCount() });
  }
}

/**
 * No usable answer came back: the connection failed, timed out or was cut, or something other than
 * the API answered (a gateway's 502 page, a captive portal's HTML). A server that answers with the
 * profile's JSON error, even a 500, is reachable.
 */
function unreachable(err: CoreError): boolean {
  return err.code === 'network' || err.code === 'timeout' || (err.transient && (err.code === 'http-status' || err.code === 'invalid-response'));
}

function needsInstance(action: Action): action is Extract<Action, { instance: string }> {
  return action.kind === 'send' || action.kind === 'clear' || action.kind === 'viewed';
}
