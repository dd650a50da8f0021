/**
 * The local database: the server's objects exactly as received (names, messages and keys stay
 * sealed at rest) and the outbox of user actions that have not reached the server yet. What the
 * user sees is the cache with the pending outbox applied on top; that happens elsewhere.
 *
 * Every method is synchronous (better-sqlite3) and every write is its own transaction unless the
 * caller wraps several in `transaction()`. SQLite failures come out as `CoreError('storage')`.
 * JSON columns are parsed defensively: a row that does not read is skipped and reported through
 * `onSkippedRow` (once per row) and `skippedRows()`, never thrown.
 *
 * `LocalStore` is the one face of the database the rest of the app sees. Each table is read and
 * written in its own module (account.ts, conversations-table.ts, friends-table.ts,
 * messages-table.ts, drafts-table.ts, outbox-table.ts), all sharing one `StoreConnection`
 * (connection.ts); only the two-column key cache and meta tables are handled here, and sign-out,
 * which empties them all.
 */
import type { AvailabilityEntry, Conversation, Message, Report } from '../../../protocol/index.js';
import type { KeyCacheStorage } from '../crypto/key-cache.js';
import type { Action } from '../sync/actions.js';
import { loadAccount, saveAccount, type StoredAccount } from './account.js';
import { StoreConnection, type ConnectionSettings, type SkippedRow, type Sqlite } from './connection.js';
import { checkNow } from './integrity.js';
import { ConversationKeysTable, type KeyEntry } from './conversation-keys-table.js';
import { ConversationsTable } from './conversations-table.js';
import { putDraft, readDrafts, type StoredDraft } from './drafts-table.js';
import { readFriends, replaceFriends } from './friends-table.js';
import { MessagesTable, type MessagePage } from './messages-table.js';
import { OutboxTable, type OutboxEntry } from './outbox-table.js';
import { filesToForget, forgotten, RichTable } from './rich-table.js';
import { SearchTable } from './search-table.js';

export { accountFromLogin, accountFromRow, type StoredAccount } from './account.js';
export { storageError, type SkippedRow, type Sqlite } from './connection.js';
export type { MessagePage } from './messages-table.js';
export type { OutboxEntry } from './outbox-table.js';
export type { IndexEntry, SearchMatch, SearchRow, SearchRowInput } from './search-table.js';

export type LocalStoreOptions = {
  /** Called once per unreadable row, the first time it is met. */
  onSkippedRow?: (row: SkippedRow) => void;
  /** The clock for `received_at`/`created_at` columns; tests pin it. */
  now?: () => number;
};

/** Version 0.1's key cache salt (meta), kept only until its envelope is read (crypto/key-cache.ts). */
const LEGACY_KEY_CACHE_SALT = 'key-cache-salt';
const ALL_TABLES = [
  'account',
  'conversations',
  'friends',
  'messages',
  'reports',
  'outbox',
  'meta',
  'key_cache',
  'drafts',
  'conversation_keys',
  'rich_effects',
  'message_files',
  'files_to_forget',
];

export class LocalStore implements KeyCacheStorage {
  readonly #conn: StoreConnection;
  readonly #conversations: ConversationsTable;
  readonly #messages: MessagesTable;
  readonly #outbox: OutboxTable;
  readonly #keys: ConversationKeysTable;
  /** The message search index (search-table.ts): its queue, its rows and the queries on them. */
  readonly search: SearchTable;
  /** Reactions, edits and deletes (profile): what they did to which message (rich-table.ts). */
  readonly rich: RichTable;
  readonly #onClose: (() => void)[] = [];

  /** Takes an open, migrated database; `openLocalDb()` is the way to get one. */
  constructor(db: Sqlite, options: LocalStoreOptions = {}) {
    this.#conn = new StoreConnection(db, options.onSkippedRow, options.now ?? Date.now);
    this.#conversations = new ConversationsTable(this.#conn);
    this.#messages = new MessagesTable(this.#conn);
    this.#outbox = new OutboxTable(this.#conn);
    this.#keys = new ConversationKeysTable(this.#conn);
    this.search = new SearchTable(this.#conn);
    this.rich = new RichTable(this.#conn);
  }

  /** The file behind this store. */
  get file(): string {
    return this.#conn.db.name;
  }

  // ------------------------------------------------------------------------------- plumbing

  /**
   * Runs `fn` as one write transaction (a savepoint when nested); a throw rolls it all back. `fn`
   * must be synchronous: a returned promise is refused (and rolled back), since awaiting inside a
   * SQLite transaction would commit half of it.
   */
  transaction<T>(fn: () => T): T {
    return this.#conn.transaction(fn);
  }

  /** Every unreadable row met so far (once each). */
  skippedRows(): SkippedRow[] {
    return this.#conn.skippedRows();
  }

  /** How the connection is set up, for diagnostics and the durability tests. */
  settings(): ConnectionSettings {
    return this.#conn.settings();
  }

  close(): void {
    if (this.#conn.closed) return;
    this.#conn.close();
    for (const fn of this.#onClose.splice(0)) fn();
  }

  /** Runs once the store is closed (local-db.ts: the in-use mark goes). */
  onClose(fn: () => void): void {
    this.#onClose.push(fn);
  }

  /**
   * The deferred integrity check (integrity.ts): null when the file is sound; else what is wrong,
   * and the file is marked to be set aside and rebuilt at the next launch.
   */
  checkIntegrity(): string | null {
    return checkNow(this.#conn.db, this.file);
  }

  get closed(): boolean {
    return this.#conn.closed;
  }

  // ------------------------------------------------------------------------------- account

  saveAccount(account: StoredAccount): void {
    saveAccount(this.#conn, account);
  }

  /** The saved account, or `null` when nobody is signed in (or the row does not read). */
  loadAccount(): StoredAccount | null {
    return loadAccount(this.#conn);
  }

  /** Sign out: every table emptied, the outbox included. */
  clearAll(): void {
    const conn = this.#conn;
    // Overwrite freed pages too, so the old account's rows do not linger in the file.
    conn.guard('sign out', () => conn.db.pragma('secure_delete = ON'));
    try {
      conn.transaction(() => {
        this.search.clearAll();
        for (const table of ALL_TABLES) conn.db.exec(`DELETE FROM ${table}`);
      });
    } finally {
      conn.guard('sign out', () => conn.db.pragma('secure_delete = OFF'));
    }
    conn.forgetSkippedRows();
    this.#conversations.emptied();
    // Leave nothing of the old account in the write-ahead log either.
    conn.guard('sign out', () => conn.db.pragma('wal_checkpoint(TRUNCATE)'));
  }

  /**
   * "Clear this device's data": every table emptied except the account (its keys, so the sign-in
   * goes on without the server) — the outbox too, which the caller has sent or chosen to drop.
   */
  clearLocalCopy(): void {
    const conn = this.#conn;
    conn.guard('clear local data', () => conn.db.pragma('secure_delete = ON'));
    try {
      conn.transaction(() => {
        this.search.clearAll();
        for (const table of ALL_TABLES) if (table !== 'account') conn.db.exec(`DELETE FROM ${table}`);
      });
    } finally {
      conn.guard('clear local data', () => conn.db.pragma('secure_delete = OFF'));
    }
    conn.forgetSkippedRows();
    this.#conversations.emptied();
    conn.guard('clear local data', () => conn.db.pragma('wal_checkpoint(TRUNCATE)'));
  }

  // ------------------------------------------------------------------------------- conversations

  /** One transaction: the cache becomes exactly `list` (in that order); messages and reports of conversations no longer in it go too. */
  replaceConversations(list: readonly Conversation[]): void {
    this.#conversations.replaceAll(list);
  }

  /** Adds or updates one conversation; an update keeps its place in the list. */
  putConversation(c: Conversation): void {
    this.#conversations.put(c);
  }

  /** Forgets a conversation with its cached messages and reports (its outbox entries stay). */
  removeConversation(id: string): void {
    this.#conversations.remove(id);
  }

  /** Every cached conversation, in list order of arrival. The objects are shared: never modify one. */
  conversations(): Conversation[] {
    return this.#conversations.all();
  }

  /**
   * The first `limit` conversations in list order (favourites, then latest activity), as stored:
   * what the first screen needs, without reading the rest.
   */
  firstConversations(limit: number): Conversation[] {
    return this.#conversations.first(limit);
  }

  conversation(id: string): Conversation | undefined {
    return this.#conversations.get(id);
  }

  // ------------------------------------------------------------------------------- friends

  /** One transaction: the friend list becomes exactly these entries, keyed by `friendid`. */
  replaceFriends(entries: readonly AvailabilityEntry[]): void {
    replaceFriends(this.#conn, entries);
  }

  /** The friend entries in the order they were given. */
  friends(): AvailabilityEntry[] {
    return readFriends(this.#conn);
  }

  // ------------------------------------------------------------------------------- messages and reports

  /** Upserts messages by (conversation, `ID`), as received: a page in the server's order; `older` for a page before those cached. */
  putMessages(conversationId: string, messages: readonly Message[], direction: 'newer' | 'older' = 'newer'): void {
    this.#messages.putMessages(conversationId, messages, direction);
  }

  /**
   * A page of messages, newest first: up to `limit` messages strictly older than `before` (by
   * `Created`, then `ID`). Pass the last message of a page as the next `before`. Unreadable rows are
   * skipped without shortening the page.
   */
  messages(conversationId: string, page: MessagePage): Message[] {
    return this.#messages.messages(conversationId, page);
  }

  /** Up to `limit` messages strictly newer than `after`, oldest first (scrolling down from a search result). */
  newerMessages(conversationId: string, after: { created: string; id: string }, limit: number): Message[] {
    return this.#messages.newer(conversationId, after, limit);
  }

  /** One cached message by ID. */
  message(conversationId: string, id: string): Message | undefined {
    return this.#messages.message(conversationId, id);
  }

  /** Forgets the cached messages and reports of a conversation (after a clear, or on a new instance). */
  clearMessages(conversationId: string): void {
    this.#messages.clear(conversationId);
  }

  /** Deletes messages whose `ValidUntil` is at or before `nowMs` (and their search rows); returns which. */
  deleteExpiredMessages(nowMs: number): { conversationId: string; id: string }[] {
    return this.#messages.deleteExpired(nowMs);
  }

  /** When the next cached message expires (epoch ms), or null. */
  nextExpiry(): number | null {
    return this.#messages.nextExpiry();
  }

  /** Upserts reports by (conversation, `ID`), as received. */
  putReports(conversationId: string, reports: readonly Report[]): void {
    this.#messages.putReports(conversationId, reports);
  }

  /** The conversation's reports, oldest first. */
  reports(conversationId: string): Report[] {
    return this.#messages.reports(conversationId);
  }

  // ------------------------------------------------------------------------------- drafts

  /** Unsent text per conversation (`text` null: sealed by an earlier version, see drafts-table.ts). */
  drafts(): StoredDraft[] {
    return readDrafts(this.#conn);
  }

  /** Keeps a draft's text, or forgets it (null). */
  putDraft(conversationId: string, text: string | null): void {
    putDraft(this.#conn, conversationId, text);
  }

  // ------------------------------------------------------------------------------- conversation keys

  keyEntry(conversationId: string): KeyEntry | undefined {
    return this.#keys.get(conversationId);
  }

  putKeyEntries(changes: ReadonlyMap<string, KeyEntry | null>): void {
    this.#keys.put(changes);
  }

  keyEntryIds(): string[] {
    return this.#keys.ids();
  }

  /** Version 0.1's sealed envelope of keys, with its salt, until it has been read into the rows. */
  legacyKeyCache(): { salt: Buffer; sealed: Buffer } | undefined {
    const conn = this.#conn;
    const hex = this.getMeta(LEGACY_KEY_CACHE_SALT);
    const row = conn.guard('read the key cache', () => conn.stmt('SELECT sealed FROM key_cache WHERE id = 1').get() as { sealed: Buffer } | undefined);
    return row && hex && /^[0-9a-f]{64}$/.test(hex) ? { salt: Buffer.from(hex, 'hex'), sealed: row.sealed } : undefined;
  }

  dropLegacyKeyCache(): void {
    const conn = this.#conn;
    conn.transaction(() => {
      conn.guard('empty the old key cache', () => conn.stmt('DELETE FROM key_cache').run());
      conn.guard('empty the old key cache', () => conn.stmt('DELETE FROM meta WHERE key = ?').run(LEGACY_KEY_CACHE_SALT));
    });
  }

  // ------------------------------------------------------------------------------- meta

  /** Files no message carries any more, whose copies in the account's folder can go (profile files). */
  filesToForget(limit?: number): string[] {
    return filesToForget(this.#conn, limit);
  }

  forgotten(fileIds: readonly string[]): void {
    forgotten(this.#conn, fileIds);
  }

  getMeta(key: string): string | undefined {
    const conn = this.#conn;
    const row = conn.guard('read a setting', () => conn.stmt('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined);
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    const conn = this.#conn;
    conn.guard('save a setting', () =>
      conn.stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value),
    );
  }

  // ------------------------------------------------------------------------------- outbox

  /**
   * Records a user action. In one transaction: reads what is pending for the same conversation,
   * folds the action in with `coalesce()`, deletes the entries it makes pointless and inserts the
   * action when it still needs sending. Once this returns, the action is on disk (synchronous=FULL).
   */
  enqueue(action: Action): { seq: number | null; removed: number[] } {
    return this.#outbox.enqueue(action);
  }

  /** Everything waiting, in the order the user did it. */
  pending(): OutboxEntry[] {
    return this.#outbox.pending();
  }

  /** What is waiting for one conversation, in order (reads only that conversation's rows). */
  pendingFor(conversationId: string): OutboxEntry[] {
    return this.#outbox.pendingFor(conversationId);
  }

  /**
   * The first waiting entry of each conversation, in the order the user acted: what can be sent
   * next. Read lazily, so a sender that has filled its slots stops after a few rows.
   */
  heads(): Generator<OutboxEntry> {
    return this.#outbox.heads();
  }

  /**
   * How many entries are waiting: the rows, less those already found unreadable (which `pending()`
   * skips). Counted in SQL, as it is asked after every send.
   */
  pendingCount(): number {
    return this.#outbox.pendingCount();
  }

  /**
   * The entry is about to be handed to the network. Counted on disk before the request leaves: from
   * now on the server may have it, so `coalesce()` must never cancel it, even after a crash or a lost
   * answer (it is followed by the opposite action instead). Returns whether it exists.
   */
  markInFlight(seq: number): boolean {
    return this.#outbox.markInFlight(seq);
  }

  /** The server has it: the entry is deleted. Returns whether it existed. */
  complete(seq: number): boolean {
    return this.#outbox.complete(seq);
  }

  /** A failed attempt: counted, remembered, pending again from `nextAttemptAt` (epoch ms). */
  fail(seq: number, error: string, nextAttemptAt: number): boolean {
    return this.#outbox.fail(seq, error, nextAttemptAt);
  }

  /** Swaps the entry's action in place, keeping its place in the queue (a send re-based onto a new instance). */
  replaceAction(seq: number, action: Action): boolean {
    return this.#outbox.replaceAction(seq, action);
  }

  /**
   * Everything waiting is due now (its backoff was about the network, which is back). Returns how
   * many entries had been waiting for a later attempt.
   */
  retryNow(): number {
    return this.#outbox.retryNow();
  }

  /**
   * At start: entries a crashed run left marked in flight are pending again (sends are idempotent by
   * message ID, so resending is safe). Returns how many.
   */
  resetInFlight(): number {
    return this.#outbox.resetInFlight();
  }
}
