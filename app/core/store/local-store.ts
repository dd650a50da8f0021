/**
 * The local database: the server's objects exactly as received (names, messages and keys stay
 * sealed at rest) and the outbox of user actions that have not reached the server yet. What the
 * user sees is the cache with the pending outbox applied on top; that happens elsewhere.
 *
 * Every method is synchronous (better-sqlite3) and every write is its own transaction unless the
 * caller wraps several in `transaction()`. SQLite failures come out as `CoreError('storage')`.
 * JSON columns are parsed defensively: a row that does not read is skipped and reported through
 * `onSkippedRow` (once per row) and `skippedRows()`, never thrown.
 */
import Database from 'better-sqlite3';
import {
  loginResponseSchema,
  parseTimestamp,
  type AvailabilityEntry,
  type Conversation,
  type LoginResponse,
  type Message,
  type Report,
} from '../../../protocol/index.js';
import type { KeyCacheStorage } from '../crypto/key-cache.js';
import { CoreError } from '../errors.js';
import { compareForList, type ListOrderKey } from '../../shared/rules.js';
import { coalesce, type Action } from '../sync/actions.js';
import {
  decodeAction,
  decodeConversation,
  decodeFriend,
  decodeMessage,
  decodeReport,
  decodeStringRecord,
  isAction,
  parseJson,
  type Decoded,
} from './decode.js';

export type Sqlite = Database.Database;

/** The signed-in account as the login call described it. */
export type StoredAccount = {
  serverUrl: string;
  userid: string;
  email: string;
  nick: string;
  fullname: string;
  /** The private key PEM exactly as the server sent it: still sealed with the encryption password. */
  rsakey: string;
  urls: Record<string, string>;
  listeners: LoginResponse['listeners'];
  /** The login response's `server` field. */
  serverVersion: string;
};

export function accountFromLogin(serverUrl: string, email: string, login: LoginResponse): StoredAccount {
  return {
    serverUrl,
    userid: login.userid,
    email,
    nick: login.nick,
    fullname: login.fullname,
    rsakey: login.rsakey,
    urls: login.urls,
    listeners: login.listeners,
    serverVersion: login.server,
  };
}

export type OutboxEntry = {
  seq: number;
  action: Action;
  /** Times it was handed to the network (it may have reached the server if this is not 0). */
  attempts: number;
  /** Epoch ms before which the entry should not be retried (0 = now). */
  nextAttemptAt: number;
  lastError: string | null;
  /** Handed to the network and not yet answered. */
  inFlight: boolean;
  /** Epoch ms when the user did it. */
  createdAt: number;
};

export type MessagePage = { limit: number; before?: { created: string; id: string } };

/** A row that was skipped because it does not read. `key` names the row within its table. */
export type SkippedRow = { table: string; key: string; reason: string };

export type LocalStoreOptions = {
  /** Called once per unreadable row, the first time it is met. */
  onSkippedRow?: (row: SkippedRow) => void;
  /** The clock for `received_at`/`created_at` columns; tests pin it. */
  now?: () => number;
};

type OutboxRow = {
  seq: number;
  conversation_id: string;
  action: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  in_flight: number;
  created_at: number;
};

const listenersSchema = loginResponseSchema.shape.listeners;
const KEY_CACHE_SALT = 'key-cache-salt';
const UPSERT_CONVERSATION =
  'INSERT INTO conversations (id, json, received_at, favorite, activity) VALUES (?, ?, ?, ?, ?) ' +
  'ON CONFLICT (id) DO UPDATE SET json = excluded.json, received_at = excluded.received_at, favorite = excluded.favorite, activity = excluded.activity';

/**
 * What the list order (compareForList in app/shared/rules.ts) looks at in a stored conversation. The
 * server sends each user only their own properties, so any favourite flag in them is this user's.
 */
function listOrderKey(c: Conversation): ListOrderKey {
  return { favorite: c.properties.some((p) => p.isfavorite), lastActivity: c.lastaccess, id: c.id };
}

/** The list-order columns of a conversation, which the SQL orders by as compareForList does. */
function listOrderOf(c: Conversation): [favorite: number, activity: number] {
  const key = listOrderKey(c);
  return [key.favorite ? 1 : 0, key.lastActivity];
}

/** Turns a better-sqlite3 failure into the core's storage error; anything else passes through. */
export function storageError(err: unknown, doing: string): unknown {
  if (err instanceof Database.SqliteError) {
    const full = err.code === 'SQLITE_FULL';
    const busy = err.code === 'SQLITE_BUSY' || err.code === 'SQLITE_LOCKED';
    const why = full ? 'the disk is full' : busy ? 'another copy of the app is using it' : `SQLite said ${err.code}`;
    return new CoreError('storage', `Could not ${doing} in the local database: ${why}.`, { transient: full || busy, cause: err });
  }
  return err;
}

export class LocalStore implements KeyCacheStorage {
  readonly #db: Sqlite;
  readonly #onSkippedRow: ((row: SkippedRow) => void) | undefined;
  readonly #now: () => number;
  readonly #skipped = new Map<string, SkippedRow>();
  /**
   * The conversations table as decoded objects, in table order, once read: parsing and validating
   * 10,000 rows took most of every list build. This process is the only writer, and every write
   * goes through the methods below, which keep it in step (or drop it when a transaction fails).
   */
  #conversations: Map<string, Conversation> | null = null;
  readonly #stmts = new Map<string, Database.Statement>();
  #closed = false;

  /** Takes an open, migrated database; `openLocalDb()` is the way to get one. */
  constructor(db: Sqlite, options: LocalStoreOptions = {}) {
    this.#db = db;
    this.#onSkippedRow = options.onSkippedRow;
    this.#now = options.now ?? Date.now;
  }

  /** The file behind this store. */
  get file(): string {
    return this.#db.name;
  }

  // ------------------------------------------------------------------------------- plumbing

  #stmt(sql: string): Database.Statement {
    let s = this.#stmts.get(sql);
    if (!s) {
      s = this.#db.prepare(sql);
      this.#stmts.set(sql, s);
    }
    return s;
  }

  #guard<T>(doing: string, fn: () => T): T {
    if (this.#closed) throw new CoreError('storage', `Could not ${doing}: the local database is closed.`);
    try {
      return fn();
    } catch (err) {
      throw storageError(err, doing);
    }
  }

  /**
   * Runs `fn` as one write transaction (a savepoint when nested); a throw rolls it all back. `fn`
   * must be synchronous: a returned promise is refused (and rolled back), since awaiting inside a
   * SQLite transaction would commit half of it.
   */
  transaction<T>(fn: () => T): T {
    try {
      return this.#transaction(fn);
    } catch (err) {
      // What the rolled-back writes put in the mirror is not in the table: read it afresh next time.
      this.#conversations = null;
      throw err;
    }
  }

  #transaction<T>(fn: () => T): T {
    return this.#guard('save changes', () =>
      this.#db
        .transaction(() => {
          const result = fn();
          if (typeof (result as { then?: unknown } | null)?.then === 'function') {
            throw new CoreError('internal', 'A local database transaction was given an async function; nothing was saved.');
          }
          return result;
        })
        .immediate(),
    );
  }

  #skip<T>(table: string, key: string, decoded: Decoded<T>): T | undefined {
    if (decoded.ok) return decoded.value;
    const id = `${table}\u0000${key}`;
    if (!this.#skipped.has(id)) {
      const row = { table, key, reason: decoded.reason };
      this.#skipped.set(id, row);
      this.#onSkippedRow?.(row);
    }
    return undefined;
  }

  /** Every unreadable row met so far (once each). */
  skippedRows(): SkippedRow[] {
    return [...this.#skipped.values()];
  }

  /** How the connection is set up, for diagnostics and the durability tests. */
  settings(): { journalMode: string; synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA'; foreignKeys: boolean; busyTimeoutMs: number; schemaVersion: number } {
    return this.#guard('read the database settings', () => ({
      journalMode: String(this.#db.pragma('journal_mode', { simple: true })),
      synchronous: (['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const)[Number(this.#db.pragma('synchronous', { simple: true }))] ?? 'OFF',
      foreignKeys: this.#db.pragma('foreign_keys', { simple: true }) === 1,
      busyTimeoutMs: Number(this.#db.pragma('busy_timeout', { simple: true })),
      schemaVersion: Number(this.#db.pragma('user_version', { simple: true })),
    }));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stmts.clear();
    this.#db.close();
  }

  get closed(): boolean {
    return this.#closed;
  }

  // ------------------------------------------------------------------------------- account

  saveAccount(account: StoredAccount): void {
    this.#guard('save the account', () =>
      this.#stmt(
        `INSERT INTO account (id, server_url, userid, email, nick, fullname, rsakey, urls, listeners, server_version, saved_at)
         VALUES (1, @serverUrl, @userid, @email, @nick, @fullname, @rsakey, @urls, @listeners, @serverVersion, @savedAt)
         ON CONFLICT (id) DO UPDATE SET server_url = excluded.server_url, userid = excluded.userid, email = excluded.email,
           nick = excluded.nick, fullname = excluded.fullname, rsakey = excluded.rsakey, urls = excluded.urls,
           listeners = excluded.listeners, server_version = excluded.server_version, saved_at = excluded.saved_at`,
      ).run({
        serverUrl: account.serverUrl,
        userid: account.userid,
        email: account.email,
        nick: account.nick,
        fullname: account.fullname,
        rsakey: account.rsakey,
        urls: JSON.stringify(account.urls),
        listeners: JSON.stringify(account.listeners),
        serverVersion: account.serverVersion,
        savedAt: this.#now(),
      }),
    );
  }

  /** The saved account, or `null` when nobody is signed in (or the row does not read). */
  loadAccount(): StoredAccount | null {
    const row = this.#guard('read the account', () => this.#stmt('SELECT * FROM account WHERE id = 1').get() as Record<string, unknown> | undefined);
    if (!row) return null;
    const account = this.#skip('account', '1', accountFromRow(row));
    return account ?? null;
  }

  /** Sign out: every table emptied, the outbox included. */
  clearAll(): void {
    // Overwrite freed pages too, so the old account's rows do not linger in the file.
    this.#guard('sign out', () => this.#db.pragma('secure_delete = ON'));
    try {
      this.transaction(() => {
        for (const table of ['account', 'conversations', 'friends', 'messages', 'reports', 'outbox', 'meta', 'key_cache', 'drafts'])
          this.#db.exec(`DELETE FROM ${table}`);
      });
    } finally {
      this.#guard('sign out', () => this.#db.pragma('secure_delete = OFF'));
    }
    this.#skipped.clear();
    this.#conversations = new Map();
    // Leave nothing of the old account in the write-ahead log either.
    this.#guard('sign out', () => this.#db.pragma('wal_checkpoint(TRUNCATE)'));
  }

  // ------------------------------------------------------------------------------- conversations

  /** One transaction: the cache becomes exactly `list` (in that order); messages and reports of conversations no longer in it go too. */
  replaceConversations(list: readonly Conversation[]): void {
    this.transaction(() => {
      const now = this.#now();
      this.#db.exec('DELETE FROM conversations');
      const insert = this.#stmt(UPSERT_CONVERSATION);
      for (const c of list) insert.run(c.id, JSON.stringify(c), now, ...listOrderOf(c));
      this.#db.exec('DELETE FROM messages WHERE conversation_id NOT IN (SELECT id FROM conversations)');
      this.#db.exec('DELETE FROM reports WHERE conversation_id NOT IN (SELECT id FROM conversations)');
      this.#conversations = new Map(list.map((c) => [c.id, c]));
    });
  }

  /** Adds or updates one conversation; an update keeps its place in the list. */
  putConversation(c: Conversation): void {
    this.#guard('save a conversation', () => this.#stmt(UPSERT_CONVERSATION).run(c.id, JSON.stringify(c), this.#now(), ...listOrderOf(c)));
    // An update keeps its place in a Map too, as the row keeps its rowid.
    this.#conversations?.set(c.id, c);
  }

  /** Forgets a conversation with its cached messages and reports (its outbox entries stay). */
  removeConversation(id: string): void {
    this.transaction(() => {
      this.#stmt('DELETE FROM conversations WHERE id = ?').run(id);
      this.#stmt('DELETE FROM messages WHERE conversation_id = ?').run(id);
      this.#stmt('DELETE FROM reports WHERE conversation_id = ?').run(id);
      this.#conversations?.delete(id);
    });
  }

  /** Every cached conversation, in list order of arrival. The objects are shared: never modify one. */
  conversations(): Conversation[] {
    if (this.#conversations) return [...this.#conversations.values()];
    const rows = this.#guard(
      'read conversations',
      () => this.#stmt('SELECT id, json FROM conversations ORDER BY rowid').all() as { id: string; json: unknown }[],
    );
    const out: Conversation[] = [];
    for (const row of rows) {
      const c = this.#skip('conversations', row.id, decodeConversation(row.json));
      if (c) out.push(c);
    }
    this.#conversations = new Map(out.map((c) => [c.id, c]));
    return out;
  }

  /**
   * The first `limit` conversations in list order (favourites, then latest activity), as stored:
   * what the first screen needs, without reading the rest.
   */
  firstConversations(limit: number): Conversation[] {
    if (this.#conversations) {
      return [...this.#conversations.values()]
        .map((c) => ({ c, key: listOrderKey(c) }))
        .sort((a, b) => compareForList(a.key, b.key))
        .slice(0, limit)
        .map(({ c }) => c);
    }
    // The shared list order (compareForList in app/shared/rules.ts) as SQL, on the columns listOrderOf
    // fills, so the index conversations_in_list_order serves it; list-order.test.ts keeps the two equal.
    const rows = this.#guard(
      'read conversations',
      () => this.#stmt('SELECT id, json FROM conversations ORDER BY favorite DESC, activity DESC, id LIMIT ?').all(limit) as { id: string; json: unknown }[],
    );
    const out: Conversation[] = [];
    for (const row of rows) {
      const c = this.#skip('conversations', row.id, decodeConversation(row.json));
      if (c) out.push(c);
    }
    return out;
  }

  conversation(id: string): Conversation | undefined {
    if (this.#conversations) return this.#conversations.get(id);
    const row = this.#guard('read a conversation', () => this.#stmt('SELECT json FROM conversations WHERE id = ?').get(id) as { json: unknown } | undefined);
    return row ? this.#skip('conversations', id, decodeConversation(row.json)) : undefined;
  }

  // ------------------------------------------------------------------------------- friends

  /** One transaction: the friend list becomes exactly these entries, keyed by `friendid`. */
  replaceFriends(entries: readonly AvailabilityEntry[]): void {
    this.transaction(() => {
      const now = this.#now();
      this.#db.exec('DELETE FROM friends');
      const insert = this.#stmt(
        'INSERT INTO friends (userid, json, received_at) VALUES (?, ?, ?) ON CONFLICT (userid) DO UPDATE SET json = excluded.json, received_at = excluded.received_at',
      );
      for (const f of entries) insert.run(f.friendid, JSON.stringify(f), now);
    });
  }

  /** The friend entries in the order they were given. */
  friends(): AvailabilityEntry[] {
    const rows = this.#guard('read friends', () => this.#stmt('SELECT userid, json FROM friends ORDER BY rowid').all() as { userid: string; json: unknown }[]);
    const out: AvailabilityEntry[] = [];
    for (const row of rows) {
      const f = this.#skip('friends', row.userid, decodeFriend(row.json));
      if (f) out.push(f);
    }
    return out;
  }

  // ------------------------------------------------------------------------------- messages

  /** Upserts messages by (conversation, `ID`), as received. */
  putMessages(conversationId: string, messages: readonly Message[]): void {
    if (messages.length === 0) return;
    this.transaction(() => {
      const now = this.#now();
      const upsert = this.#stmt(
        `INSERT INTO messages (conversation_id, id, created, valid_until_ms, json, received_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (conversation_id, id) DO UPDATE SET created = excluded.created, valid_until_ms = excluded.valid_until_ms,
           json = excluded.json, received_at = excluded.received_at`,
      );
      for (const m of messages) upsert.run(conversationId, m.ID, m.Created, parseTimestamp(m.ValidUntil), JSON.stringify(m), now);
    });
  }

  /**
   * A page of messages, newest first: up to `limit` messages strictly older than `before` (by
   * `Created`, then `ID`). Pass the last message of a page as the next `before`. Unreadable rows are
   * skipped without shortening the page.
   */
  messages(conversationId: string, page: MessagePage): Message[] {
    const limit = Math.max(0, Math.floor(page.limit));
    const out: Message[] = [];
    let cursor = page.before;
    while (out.length < limit) {
      const want = limit - out.length;
      const rows = this.#guard(
        'read messages',
        () =>
          (cursor
            ? this.#stmt(
                'SELECT id, created, json FROM messages WHERE conversation_id = ? AND (created, id) < (?, ?) ORDER BY created DESC, id DESC LIMIT ?',
              ).all(conversationId, cursor.created, cursor.id, want)
            : this.#stmt('SELECT id, created, json FROM messages WHERE conversation_id = ? ORDER BY created DESC, id DESC LIMIT ?').all(
                conversationId,
                want,
              )) as {
            id: string;
            created: string;
            json: unknown;
          }[],
      );
      for (const row of rows) {
        const m = this.#skip('messages', `${conversationId}/${row.id}`, decodeMessage(row.json));
        if (m) out.push(m);
      }
      const last = rows[rows.length - 1];
      if (rows.length < want || !last) break;
      cursor = { created: last.created, id: last.id };
    }
    return out;
  }

  /** One cached message by ID. */
  message(conversationId: string, id: string): Message | undefined {
    const row = this.#guard(
      'read a message',
      () => this.#stmt('SELECT json FROM messages WHERE conversation_id = ? AND id = ?').get(conversationId, id) as { json: unknown } | undefined,
    );
    return row ? this.#skip('messages', `${conversationId}/${id}`, decodeMessage(row.json)) : undefined;
  }

  /** Forgets the cached messages and reports of a conversation (after a clear, or on a new instance). */
  clearMessages(conversationId: string): void {
    this.transaction(() => {
      this.#stmt('DELETE FROM messages WHERE conversation_id = ?').run(conversationId);
      this.#stmt('DELETE FROM reports WHERE conversation_id = ?').run(conversationId);
    });
  }

  /** Deletes messages whose `ValidUntil` is at or before `nowMs`; returns how many. */
  deleteExpiredMessages(nowMs: number): number {
    return this.#guard(
      'delete expired messages',
      () => this.#stmt('DELETE FROM messages WHERE valid_until_ms IS NOT NULL AND valid_until_ms <= ?').run(nowMs).changes,
    );
  }

  // ------------------------------------------------------------------------------- reports

  /** Upserts reports by (conversation, `ID`), as received. */
  putReports(conversationId: string, reports: readonly Report[]): void {
    if (reports.length === 0) return;
    this.transaction(() => {
      const now = this.#now();
      const upsert = this.#stmt(
        `INSERT INTO reports (conversation_id, id, created, json, received_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (conversation_id, id) DO UPDATE SET created = excluded.created, json = excluded.json, received_at = excluded.received_at`,
      );
      for (const r of reports) upsert.run(conversationId, r.ID, r.Created, JSON.stringify(r), now);
    });
  }

  /** The conversation's reports, oldest first. */
  reports(conversationId: string): Report[] {
    const rows = this.#guard(
      'read reports',
      () => this.#stmt('SELECT id, json FROM reports WHERE conversation_id = ? ORDER BY created, id').all(conversationId) as { id: string; json: unknown }[],
    );
    const out: Report[] = [];
    for (const row of rows) {
      const r = this.#skip('reports', `${conversationId}/${row.id}`, decodeReport(row.json));
      if (r) out.push(r);
    }
    return out;
  }

  // ------------------------------------------------------------------------------- drafts

  /** Unsent text per conversation, as sealed by the keyring. */
  drafts(): { conversationId: string; sealed: string }[] {
    return this.#guard(
      'read drafts',
      () =>
        this.#stmt('SELECT conversation_id AS conversationId, sealed FROM drafts ORDER BY updated_at').all() as { conversationId: string; sealed: string }[],
    );
  }

  /** Keeps a sealed draft, or forgets it (null). */
  putDraft(conversationId: string, sealed: string | null): void {
    this.#guard('save a draft', () => {
      if (sealed === null) this.#stmt('DELETE FROM drafts WHERE conversation_id = ?').run(conversationId);
      else
        this.#stmt(
          'INSERT INTO drafts (conversation_id, sealed, updated_at) VALUES (?, ?, ?) ON CONFLICT (conversation_id) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at',
        ).run(conversationId, sealed, this.#now());
    });
  }

  // ------------------------------------------------------------------------------- key cache

  keyCacheSalt(): Buffer | undefined {
    const hex = this.getMeta(KEY_CACHE_SALT);
    return hex && /^[0-9a-f]{64}$/.test(hex) ? Buffer.from(hex, 'hex') : undefined;
  }

  setKeyCacheSalt(salt: Buffer): void {
    this.transaction(() => {
      // Rows sealed under another salt would never open again.
      this.#guard('reset the key cache', () => this.#stmt('DELETE FROM key_cache').run());
      this.setMeta(KEY_CACHE_SALT, salt.toString('hex'));
    });
  }

  keyCache(): Buffer | undefined {
    const row = this.#guard('read the key cache', () => this.#stmt('SELECT sealed FROM key_cache WHERE id = 1').get() as { sealed: Buffer } | undefined);
    return row?.sealed;
  }

  putKeyCache(sealed: Buffer): void {
    this.#guard('save the key cache', () =>
      this.#stmt('INSERT INTO key_cache (id, sealed) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET sealed = excluded.sealed').run(sealed),
    );
  }

  // ------------------------------------------------------------------------------- meta

  getMeta(key: string): string | undefined {
    const row = this.#guard('read a setting', () => this.#stmt('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined);
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.#guard('save a setting', () =>
      this.#stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value),
    );
  }

  // ------------------------------------------------------------------------------- outbox

  /**
   * Records a user action. In one transaction: reads what is pending for the same conversation,
   * folds the action in with `coalesce()`, deletes the entries it makes pointless and inserts the
   * action when it still needs sending. Once this returns, the action is on disk (synchronous=FULL).
   */
  enqueue(action: Action): { seq: number | null; removed: number[] } {
    if (!isAction(action)) throw new CoreError('invalid-argument', 'That change cannot be saved: it is not a valid action.');
    const text = JSON.stringify(action);
    return this.transaction(() => {
      const pending = this.#entries(this.#stmt('SELECT * FROM outbox WHERE conversation_id = ? ORDER BY seq').all(action.conversationId) as OutboxRow[]);
      // An entry tried before may already be on the server: coalescing must treat it as in flight.
      const { remove, keep } = coalesce(
        pending.map((p) => ({ ...p, inFlight: p.inFlight || p.attempts > 0 })),
        action,
      );
      const del = this.#stmt('DELETE FROM outbox WHERE seq = ?');
      const removed = remove.filter((seq) => del.run(seq).changes > 0);
      if (!keep) return { seq: null, removed };
      const info = this.#stmt('INSERT INTO outbox (conversation_id, kind, action, created_at) VALUES (?, ?, ?, ?)').run(
        action.conversationId,
        action.kind,
        text,
        this.#now(),
      );
      return { seq: Number(info.lastInsertRowid), removed };
    });
  }

  /** Everything waiting, in the order the user did it. */
  pending(): OutboxEntry[] {
    return this.#entries(this.#guard('read the outbox', () => this.#stmt('SELECT * FROM outbox ORDER BY seq').all() as OutboxRow[]));
  }

  /** What is waiting for one conversation, in order (reads only that conversation's rows). */
  pendingFor(conversationId: string): OutboxEntry[] {
    return this.#entries(
      this.#guard('read the outbox', () => this.#stmt('SELECT * FROM outbox WHERE conversation_id = ? ORDER BY seq').all(conversationId) as OutboxRow[]),
    );
  }

  /**
   * The first waiting entry of each conversation, in the order the user acted: what can be sent
   * next. Read lazily, so a sender that has filled its slots stops after a few rows.
   */
  *heads(): Generator<OutboxEntry> {
    // A plain scan in seq (rowid) order streams without sorting; a caller that has what it needs
    // stops early, so only the first few rows are read.
    const rows = this.#guard('read the outbox', () => this.#stmt('SELECT * FROM outbox ORDER BY seq').iterate() as IterableIterator<OutboxRow>);
    const seen = new Set<string>();
    for (const row of rows) {
      if (seen.has(row.conversation_id)) continue;
      seen.add(row.conversation_id);
      const [entry] = this.#entries([row]);
      if (entry) yield entry;
    }
  }

  /**
   * How many entries are waiting: the rows, less those already found unreadable (which `pending()`
   * skips). Counted in SQL, as it is asked after every send.
   */
  pendingCount(): number {
    const rows = this.#guard('read the outbox', () => (this.#stmt('SELECT count(*) AS n FROM outbox').get() as { n: number }).n);
    if (this.#unreadable.size === 0) return rows;
    const exists = this.#stmt('SELECT 1 FROM outbox WHERE seq = ?');
    let unreadable = 0;
    for (const seq of this.#unreadable) {
      if (exists.get(seq)) unreadable++;
      else this.#unreadable.delete(seq);
    }
    return rows - unreadable;
  }

  /** Decoded actions by seq and raw text: an unchanged row is never parsed twice. */
  readonly #decoded = new Map<number, { text: unknown; action: Action }>();
  readonly #unreadable = new Set<number>();

  #decodeRow(row: OutboxRow): Action | undefined {
    const hit = this.#decoded.get(row.seq);
    if (hit && hit.text === row.action) return hit.action;
    const action = this.#skip('outbox', String(row.seq), decodeAction(row.action));
    if (action) {
      if (this.#decoded.size > 10_000) this.#decoded.clear();
      this.#decoded.set(row.seq, { text: row.action, action });
      this.#unreadable.delete(row.seq);
    } else {
      this.#unreadable.add(row.seq);
    }
    return action;
  }

  #entries(rows: readonly OutboxRow[]): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const row of rows) {
      const action = this.#decodeRow(row);
      if (!action) continue;
      out.push({
        seq: row.seq,
        action,
        attempts: row.attempts,
        nextAttemptAt: row.next_attempt_at,
        lastError: row.last_error,
        inFlight: row.in_flight !== 0,
        createdAt: row.created_at,
      });
    }
    return out;
  }

  /**
   * The entry is about to be handed to the network. Counted on disk before the request leaves: from
   * now on the server may have it, so `coalesce()` must never cancel it, even after a crash or a lost
   * answer (it is followed by the opposite action instead). Returns whether it exists.
   */
  markInFlight(seq: number): boolean {
    return this.#guard('update the outbox', () => this.#stmt('UPDATE outbox SET attempts = attempts + 1, in_flight = 1 WHERE seq = ?').run(seq).changes > 0);
  }

  /** The server has it: the entry is deleted. Returns whether it existed. */
  complete(seq: number): boolean {
    return this.#guard('update the outbox', () => this.#stmt('DELETE FROM outbox WHERE seq = ?').run(seq).changes > 0);
  }

  /** A failed attempt: counted, remembered, pending again from `nextAttemptAt` (epoch ms). */
  fail(seq: number, error: string, nextAttemptAt: number): boolean {
    return this.#guard(
      'update the outbox',
      () => this.#stmt('UPDATE outbox SET last_error = ?, next_attempt_at = ?, in_flight = 0 WHERE seq = ?').run(error, nextAttemptAt, seq).changes > 0,
    );
  }

  /** Swaps the entry's action in place, keeping its place in the queue (a send re-based onto a new instance). */
  replaceAction(seq: number, action: Action): boolean {
    if (!isAction(action)) throw new CoreError('invalid-argument', 'That change cannot be saved: it is not a valid action.');
    return this.#guard(
      'update the outbox',
      () =>
        this.#stmt('UPDATE outbox SET action = ?, kind = ?, conversation_id = ? WHERE seq = ?').run(
          JSON.stringify(action),
          action.kind,
          action.conversationId,
          seq,
        ).changes > 0,
    );
  }

  /**
   * Everything waiting is due now (its backoff was about the network, which is back). Returns how
   * many entries had been waiting for a later attempt.
   */
  retryNow(): number {
    return this.#guard(
      'update the outbox',
      () => this.#stmt('UPDATE outbox SET next_attempt_at = 0 WHERE next_attempt_at > 0 AND in_flight = 0').run().changes,
    );
  }

  /**
   * At start: entries a crashed run left marked in flight are pending again (sends are idempotent by
   * message ID, so resending is safe). Returns how many.
   */
  resetInFlight(): number {
    return this.#guard('update the outbox', () => this.#stmt('UPDATE outbox SET in_flight = 0 WHERE in_flight <> 0').run().changes);
  }
}

/** Reads an `account` row (from this schema or a set-aside file) into a `StoredAccount`. */
export function accountFromRow(row: Record<string, unknown>): Decoded<StoredAccount> {
  const text = (k: string): string | undefined => (typeof row[k] === 'string' ? (row[k] as string) : undefined);
  const serverUrl = text('server_url');
  const userid = text('userid');
  const email = text('email');
  const nick = text('nick');
  const fullname = text('fullname');
  const rsakey = text('rsakey');
  const serverVersion = text('server_version');
  if (
    serverUrl === undefined ||
    userid === undefined ||
    email === undefined ||
    nick === undefined ||
    fullname === undefined ||
    rsakey === undefined ||
    serverVersion === undefined
  ) {
    return { ok: false, reason: 'the account row is missing text columns' };
  }
  const urls = decodeStringRecord(row.urls);
  if (!urls.ok) return { ok: false, reason: `urls: ${urls.reason}` };
  const listenersJson = parseJson(row.listeners);
  if (!listenersJson.ok) return { ok: false, reason: `listeners: ${listenersJson.reason}` };
  const listeners = listenersSchema.safeParse(listenersJson.value);
  if (!listeners.success) return { ok: false, reason: 'listeners: not the login response shape' };
  return { ok: true, value: { serverUrl, userid, email, nick, fullname, rsakey, urls: urls.value, listeners: listeners.data, serverVersion } };
}
