/**
 * The sync engine: sends the outbox, keeps the cache in step with the server, and knows whether
 * we are online.
 *
 * - The outbox is sent in order per conversation, a few conversations at a time (outbox-sender.ts).
 *   Each outcome: success replaces the cached object with the server's (pending entries stay applied
 *   on top); a transient failure backs off and retries; a refusal drops that one entry (its
 *   optimistic change disappears) and says why; a stale instance (409) refreshes the conversation
 *   and re-applies; 401 stops everything until the user signs in again.
 * - Connectivity comes from request outcomes and the push socket: online after any success,
 *   offline when no usable answer comes back (network failure, timeout, a cut-off answer, a
 *   gateway's or portal's HTML page), reconnecting while probing. That state, and the timers that
 *   poll and probe, live here.
 * - On a push hint or the slow poll, Notification says what changed and only that is fetched
 *   (fetcher.ts).
 */
import type { ConnectionState } from '../../ipc/views.js';
import { backoffDelay } from '../api/retry.js';
import { CoreError } from '../errors.js';
import type { EngineEvent } from './engine-events.js';
import { Fetcher, type HistoryPage } from './fetcher.js';
import { OutboxSender, type UploadPort } from './outbox-sender.js';
import type { ApiPort, StorePort } from './ports.js';

export type { EngineEvent } from './engine-events.js';

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
  /** Uploads a send's file before its message (profile files). */
  uploads?: UploadPort;
};

export class SyncEngine {
  private readonly store: StorePort;
  private readonly emit: (event: EngineEvent) => void;
  private readonly pollMs: { pushDown: number; pushUp: number };
  private readonly log: (line: string) => void;
  private readonly fetcher: Fetcher;
  private readonly sender: OutboxSender;

  private started = false;
  private state: ConnectionState = 'reconnecting';
  private pushConnected = false;
  private drainScheduled = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private probeFailures = 0;
  private syncing: Promise<void> | null = null;
  private pulling: Promise<void> | null = null;
  private pullAgain = false;

  constructor(opts: EngineOptions) {
    this.store = opts.store;
    this.emit = opts.emit;
    this.pollMs = opts.pollMs ?? { pushDown: 15_000, pushUp: 120_000 };
    this.log = opts.log ?? (() => {});
    this.fetcher = new Fetcher({ api: opts.api, store: opts.store, emit: opts.emit });
    this.sender = new OutboxSender({
      api: opts.api,
      store: opts.store,
      emit: opts.emit,
      now: opts.now ?? Date.now,
      concurrency: opts.concurrency ?? 4,
      maxAttempts: opts.maxAttempts ?? 5,
      log: this.log,
      fetcher: this.fetcher,
      ...(opts.uploads ? { uploads: opts.uploads } : {}),
      host: {
        started: () => this.started,
        connection: () => this.state,
        markOnline: () => this.markOnline(),
        onRequestFailure: (err) => this.onRequestFailure(err),
        unauthorized: () => this.setState('unauthorized'),
        emitConnection: () => this.emitConnection(),
        kick: () => this.kick(),
        pullChanges: () => this.pullChanges(),
      },
    });
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
    this.sender.stop();
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }

  /** Something is being sent or fetched now (background work such as indexing waits for it). */
  get busy(): boolean {
    return this.syncing !== null || this.pulling !== null || this.sender.busy || this.drainScheduled;
  }

  /** Resolves once nothing is being sent or fetched (for tests and for a clean sign-out). */
  async idle(): Promise<void> {
    for (;;) {
      await Promise.all([this.syncing, this.pulling]);
      await new Promise((resolve) => setImmediate(resolve));
      if (!this.syncing && !this.pulling && !this.sender.busy && !this.drainScheduled) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  setPushConnected(connected: boolean): void {
    this.pushConnected = connected;
    if (connected) this.markOnline();
    this.schedulePoll();
  }

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

  /** Sends what the outbox holds soon (once per turn of the event loop, however often it is asked). */
  kick(): void {
    if (!this.started || this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.sender.drain();
    });
  }

  /** Why the last full sync failed, or null when it worked. */
  lastSyncError: CoreError | null = null;

  /** Everything again: the list, friends, queued notifications, then the outbox (all of it due now). */
  syncNow(): Promise<void> {
    this.syncing ??= (async () => {
      this.store.retryNow();
      try {
        await this.fetcher.refreshConversations();
        await this.fetcher.refreshFriends();
        await this.fetcher.pull();
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
          await this.fetcher.pull();
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

  /** The conversation list again, whole. */
  refreshConversations(): Promise<void> {
    return this.fetcher.refreshConversations();
  }

  /** The friend list again, whole. */
  refreshFriends(): Promise<void> {
    return this.fetcher.refreshFriends();
  }

  /** New messages and reports since the newest we hold (inclusive cursor), or the newest page. */
  fetchNewMessages(conversationId: string): Promise<void> {
    return this.fetcher.fetchNewMessages(conversationId);
  }

  /** The newest page, or the page before a message (scrolling up). */
  fetchPage(conversationId: string, before?: { created: string; id: string }): Promise<number> {
    return this.fetcher.fetchPage(conversationId, before);
  }

  /** A page of the history download: stored, not announced (see Fetcher.fetchHistoryPage). */
  fetchHistoryPage(conversationId: string, before: { created: string; id: string } | undefined, limit: number): Promise<HistoryPage> {
    return this.fetcher.fetchHistoryPage(conversationId, before, limit);
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
