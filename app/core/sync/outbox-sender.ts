/**
 * Sending the outbox: in order per conversation, a few conversations at a time (one while offline,
 * as a probe). Each outcome: success stores the server's answer and removes the entry in one
 * commit; a transient failure backs off and retries; a refusal drops that one entry (its optimistic
 * change disappears) and says why; a stale instance (409) refreshes the conversation and re-bases
 * the entry; 401 stops everything until the user signs in again.
 *
 * What the connection is, and what follows from an answer or a failure, is the engine's: the sender
 * reports to it through `SenderHost`.
 */
import { formatTimestamp, parseTimestamp, type Conversation, type ResponseOf } from '../../../protocol/index.js';
import type { ConnectionState } from '../../ipc/views.js';
import { backoffDelay } from '../api/retry.js';
import { CoreError, toErrorInfo } from '../errors.js';
import { rebaseOnInstance, toApiCall, type Action } from './actions.js';
import type { EngineEvent } from './engine-events.js';
import type { Fetcher } from './fetcher.js';
import type { ApiPort, OutboxEntry, StorePort } from './ports.js';

/** What the sender needs from the engine that runs it. */
export type SenderHost = {
  /** Whether the engine is running. */
  started(): boolean;
  connection(): ConnectionState;
  /** A request got a usable answer. */
  markOnline(): void;
  /** A request failed in a way that may say something about the connection. */
  onRequestFailure(err: unknown): void;
  /** The server no longer accepts this sign-in. */
  unauthorized(): void;
  /** The pending count changed. */
  emitConnection(): void;
  /** Look at the outbox again soon. */
  kick(): void;
  /** Pull Notification now (coalesced with a pull under way). */
  pullChanges(): Promise<void>;
};

export type OutboxSenderOptions = {
  api: ApiPort;
  store: StorePort;
  emit: (event: EngineEvent) => void;
  now: () => number;
  /** Conversations sent to at the same time. */
  concurrency: number;
  /** Give up on an entry the server keeps answering strangely after this many attempts. */
  maxAttempts: number;
  log: (line: string) => void;
  fetcher: Fetcher;
  host: SenderHost;
  /** Uploads a send's file before the message goes (profile files). */
  uploads?: UploadPort;
};

export type UploadPort = { uploadFor(action: Extract<Action, { kind: 'send' }> & { file: { id: string; bytes: number } }): Promise<void> };

export class OutboxSender {
  private readonly api: ApiPort;
  private readonly store: StorePort;
  private readonly emit: (event: EngineEvent) => void;
  private readonly now: () => number;
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly log: (line: string) => void;
  private readonly fetcher: Fetcher;
  private readonly host: SenderHost;
  private readonly uploads: UploadPort | undefined;

  /** Conversations with a send under way. */
  private readonly sending = new Set<string>();
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(opts: OutboxSenderOptions) {
    this.api = opts.api;
    this.store = opts.store;
    this.emit = opts.emit;
    this.now = opts.now;
    this.concurrency = opts.concurrency;
    this.maxAttempts = opts.maxAttempts;
    this.log = opts.log;
    this.fetcher = opts.fetcher;
    this.host = opts.host;
    this.uploads = opts.uploads;
  }

  /** Whether a send is under way. */
  get busy(): boolean {
    return this.sending.size > 0;
  }

  /** Stops waiting for the next retry (the engine stopped). */
  stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Sends what is due, as far as there are free slots, and wakes up again when the next entry is due. */
  drain(): void {
    const state = this.host.connection();
    if (!this.host.started() || state === 'unauthorized') return;
    const now = this.now();
    // While offline, one conversation at a time probes; the rest wait for it.
    const free = (state === 'offline' ? 1 : this.concurrency) - this.sending.size;
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
        this.host.kick();
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
      const action = stampLifetime(
        needsInstance(entry.action) && !entry.action.instance && current ? { ...entry.action, instance: current.instance } : entry.action,
        this.now(),
      );
      if (action.kind === 'send' && action.file) {
        if (!this.uploads) throw new CoreError('internal', 'This app cannot send files here.');
        await this.uploads.uploadFor({ ...action, file: action.file });
      }
      const call = toApiCall(action, current);
      const res = await this.api.call(call.name, call.payload as never, { retries: 0 });
      this.onSent({ ...entry, action }, res);
      this.host.markOnline();
    } catch (err) {
      await this.onSendFailed(entry, err);
    } finally {
      this.sending.delete(conversationId);
      this.host.emitConnection();
      this.host.kick();
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
    // Taken out of the outbox while it was on its way (a file's upload cancelled): nothing to undo.
    if (!this.store.pendingFor(action.conversationId).some((p) => p.seq === entry.seq)) return;
    const error = err instanceof CoreError ? err : new CoreError('internal', 'Sending failed unexpectedly.', { cause: err });
    const attempts = entry.attempts + 1;
    if (error.code === 'unauthorized') {
      this.store.fail(entry.seq, error.message, this.now());
      this.host.unauthorized();
      return;
    }
    if (error.transient) {
      // The server may be away for days; the change waits as long as it takes.
      this.store.fail(entry.seq, error.message, this.now() + backoffDelay(entry.attempts, { baseMs: 1000, factor: 2, capMs: 60_000 }));
      this.host.onRequestFailure(error);
      return;
    }
    if (error.code === 'stale-instance' && attempts < this.maxAttempts) {
      try {
        await this.fetcher.refreshConversations();
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
        this.host.onRequestFailure(refreshErr);
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
    this.host.emitConnection();
    if (error.code === 'invalid-response') {
      // The server may have done it and only its answer was garbled: catch up on what it holds.
      this.fetcher.missedChanges();
      void this.host.pullChanges();
    }
  }
}

function needsInstance(action: Action): action is Extract<Action, { instance: string }> {
  return action.kind === 'send' || action.kind === 'clear' || action.kind === 'viewed';
}

/** A send with a disappearing timer lives that long from the moment it leaves, not from when it was written. */
export function stampLifetime(action: Action, nowMs: number): Action {
  if (action.kind !== 'send' || !action.lifetimeSeconds) return action;
  return { ...action, message: { ...action.message, ValidUntil: formatTimestamp(nowMs + action.lifetimeSeconds * 1000) } };
}
