/**
 * The search index: each message's decrypted text and sender once (`search_rows`), and two FTS5
 * indexes over the text that keep no text of their own: one of words (case and diacritics folded,
 * apostrophes and punctuation split words, so "l'arbre" holds "arbre"; with 2- and 3-letter prefix
 * indexes for searching as you type) and one of trigrams (every 3-character run, so "example" is
 * found inside "counterexample" or a URL). Neither index keeps positions (detail=none), so a
 * trigram query finds rows holding all of a word's trigrams, not necessarily in a row: the caller
 * checks each row's text (search/query.ts).
 *
 * A row's id (`fts_id`) is its message's time in seconds (as Ozeki timestamps have it) times 65,536
 * plus a slot. The indexes then hold rows in time order, so "the newest matches" and a date range
 * are read off the index in order instead of sorting every match; and the indexer, which takes
 * messages oldest first (`search_queue`), writes each table at its end instead of all over it
 * (three to five times faster: each page written is encrypted). A message finds its row by its
 * time and id, which is how the schema's triggers take a deleted or changed message out.
 */
import type { Message } from '../../../protocol/index.js';
import type { StoreConnection } from './connection.js';
import { decodeMessage } from './decode.js';

const SLOTS = 65_536;
/** As schema.ts creates it; sign-out drops it for the moment it empties the rows. */
const SEARCH_ROWS_GONE = `CREATE TRIGGER search_rows_gone AFTER DELETE ON search_rows BEGIN
    DELETE FROM search_words WHERE rowid = old.fts_id;
    DELETE FROM search_trigrams WHERE rowid = old.fts_id;
  END`;
const idAt = (ms: number): number => Math.ceil(Math.max(0, ms) / 1000) * SLOTS;

export type SearchRowInput = { sender: string; body: string };

export type SearchRow = { ftsId: number; conversationId: string; messageId: string; createdMs: number; sender: string; body: string };

/** What a query asks of the indexes (search/query.ts builds it). */
export type SearchMatch = {
  /** An FTS5 expression over `search_words`, or null. */
  words: string | null;
  /** An FTS5 expression over `search_trigrams`, or null. */
  trigrams: string | null;
  conversationId?: string;
  sender?: string;
  fromMs?: number;
  untilMs?: number;
  /** The newest this many matches are read. */
  limit: number;
  /** Only rows older than this one (the next page of candidates). */
  beforeFtsId?: number;
};

/** A message the indexer read: `second` as the queue gave it; `row` null when it does not read. */
export type IndexEntry = { created: string; second: number; conversationId: string; messageId: string; row: SearchRowInput | null };

type Row = { fts_id: number; conversation_id: string; message_id: string; sender: string; body: string };

export class SearchTable {
  readonly #conn: StoreConnection;

  constructor(conn: StoreConnection) {
    this.#conn = conn;
  }

  /** Messages waiting for the indexer, oldest first (`message` undefined: its stored JSON does not read). */
  waiting(limit: number): { created: string; second: number; conversationId: string; id: string; message: Message | undefined }[] {
    const conn = this.#conn;
    const rows = conn.guard(
      'read messages to index',
      () =>
        conn
          .stmt(
            `SELECT q.created, coalesce(unixepoch(q.created), 0) AS second, q.conversation_id, q.id, m.json FROM search_queue q
             JOIN messages m ON m.conversation_id = q.conversation_id AND m.id = q.id ORDER BY q.created, q.conversation_id, q.id LIMIT ?`,
          )
          .all(limit) as { created: string; second: number; conversation_id: string; id: string; json: unknown }[],
    );
    return rows.map((r) => ({
      created: r.created,
      second: r.second,
      conversationId: r.conversation_id,
      id: r.id,
      message: conn.skip('messages', `${r.conversation_id}/${r.id}`, decodeMessage(r.json)),
    }));
  }

  /** Stored messages still waiting for the index. */
  waitingCount(): number {
    return this.#conn.guard('count messages to index', () => this.#conn.stmt('SELECT count(*) FROM search_queue').pluck().get() as number);
  }

  /** One transaction: each message's text into the index (null: it does not read), and it leaves the queue. */
  index(entries: readonly IndexEntry[]): void {
    if (entries.length === 0) return;
    const conn = this.#conn;
    conn.transaction(() => {
      const dequeue = conn.stmt('DELETE FROM search_queue WHERE created = ? AND conversation_id = ? AND id = ?');
      const lastSlot = conn.stmt('SELECT max(fts_id) FROM search_rows WHERE fts_id BETWEEN ? AND ?').pluck();
      const insert = conn.stmt('INSERT INTO search_rows (fts_id, conversation_id, message_id, sender, body) VALUES (?, ?, ?, ?, ?)');
      const words = conn.stmt('INSERT INTO search_words (rowid, body) VALUES (?, ?)');
      const trigrams = conn.stmt('INSERT INTO search_trigrams (rowid, body) VALUES (?, ?)');
      const added: { ftsId: number; body: string }[] = [];
      for (const { created, second, conversationId, messageId, row } of entries) {
        dequeue.run(created, conversationId, messageId);
        if (!row) continue;
        const base = second * SLOTS;
        const last = lastSlot.get(base, base + SLOTS - 1) as number | null;
        // 65,536 messages in one second of one account: the rest stay out of the index.
        if (last === base + SLOTS - 1) continue;
        const ftsId = last === null ? base : last + 1;
        insert.run(ftsId, conversationId, messageId, row.sender, row.body);
        added.push({ ftsId, body: row.body });
      }
      // In increasing id (a batch is one slice of time, but several messages may share a second).
      added.sort((a, b) => a.ftsId - b.ftsId);
      for (const { ftsId, body } of added) words.run(ftsId, body);
      for (const { ftsId, body } of added) trigrams.run(ftsId, body);
    });
  }

  /** The newest messages matching both expressions and the filters, newest first. */
  newest(match: SearchMatch): SearchRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    // The first index named drives the query (rows come in its order); the other only filters.
    const driver = match.trigrams !== null ? 'search_trigrams' : 'search_words';
    const expr = match.trigrams ?? match.words;
    if (expr === null) return [];
    args.push(expr);
    if (match.trigrams !== null && match.words !== null) {
      where.push('f.rowid IN (SELECT rowid FROM search_words WHERE search_words MATCH ?)');
      args.push(match.words);
    }
    const range: [string, number | undefined][] = [
      ['f.rowid >= ?', match.fromMs === undefined ? undefined : idAt(match.fromMs)],
      ['f.rowid < ?', match.untilMs === undefined ? undefined : idAt(match.untilMs)],
      ['f.rowid < ?', match.beforeFtsId],
    ];
    for (const [clause, value] of range) {
      if (value === undefined) continue;
      where.push(clause);
      args.push(value);
    }
    if (match.conversationId !== undefined) {
      where.push('r.conversation_id = ?');
      args.push(match.conversationId);
    }
    if (match.sender !== undefined) {
      where.push('r.sender = ?');
      args.push(match.sender);
    }
    args.push(match.limit);
    const sql = `SELECT r.fts_id, r.conversation_id, r.message_id, r.sender, r.body FROM ${driver} f JOIN search_rows r ON r.fts_id = f.rowid
      WHERE ${driver} MATCH ?${where.map((w) => ` AND ${w}`).join('')} ORDER BY f.rowid DESC LIMIT ?`;
    const rows = this.#conn.guard('search messages', () => this.#conn.stmt(sql).all(...args) as Row[]);
    return rows.map((r) => ({
      ftsId: r.fts_id,
      conversationId: r.conversation_id,
      messageId: r.message_id,
      createdMs: Math.floor(r.fts_id / SLOTS) * 1000,
      sender: r.sender,
      body: r.body,
    }));
  }

  /**
   * Merges the indexes' segments a step at a time (about `pages` pages of work each): indexing in
   * batches leaves many small segments, which every query then reads one by one. Returns whether
   * there was anything to merge.
   */
  tidy(pages: number): boolean {
    const conn = this.#conn;
    const changes = conn.stmt('SELECT total_changes()').pluck();
    // FTS5's way of telling: a merge that did any work counts at least 2 changes.
    const merge = (table: 'search_words' | 'search_trigrams'): boolean => {
      const before = changes.get() as number;
      conn.stmt(`INSERT INTO ${table} (${table}, rank) VALUES ('merge', ?)`).run(-pages);
      return (changes.get() as number) - before >= 2;
    };
    return conn.transaction(() => [merge('search_words'), merge('search_trigrams')].some(Boolean));
  }

  /** Merges every segment into one (tests, the bench). */
  optimize(): void {
    this.#conn.transaction(() => {
      this.#conn.db.exec("INSERT INTO search_words (search_words) VALUES ('optimize')");
      this.#conn.db.exec("INSERT INTO search_trigrams (search_trigrams) VALUES ('optimize')");
    });
  }

  /** A conversation's messages leave the index at once (Clear), before the server has the clear. */
  forgetConversation(conversationId: string): void {
    const conn = this.#conn;
    conn.transaction(() => {
      conn.stmt('DELETE FROM search_queue WHERE conversation_id = ?').run(conversationId);
      // One statement (its trigger reaches the FTS tables once), row by row through the messages' times.
      conn
        .stmt(
          `DELETE FROM search_rows WHERE fts_id IN (
             SELECT r.fts_id FROM messages m JOIN search_rows r
               ON r.fts_id BETWEEN coalesce(unixepoch(m.created), 0) * 65536 AND coalesce(unixepoch(m.created), 0) * 65536 + 65535
              AND r.conversation_id = m.conversation_id AND r.message_id = m.id
             WHERE m.conversation_id = ?)`,
        )
        .run(conversationId);
    });
  }

  /** Sign-out: both indexes emptied at once (cheaper than a delete per row), then the rows and the queue. */
  clearAll(): void {
    const conn = this.#conn;
    conn.transaction(() => {
      conn.db.exec("INSERT INTO search_words (search_words) VALUES ('delete-all')");
      conn.db.exec("INSERT INTO search_trigrams (search_trigrams) VALUES ('delete-all')");
      conn.db.exec('DROP TRIGGER IF EXISTS search_rows_gone');
      conn.db.exec('DELETE FROM search_rows');
      conn.db.exec('DELETE FROM search_queue');
      conn.db.exec(SEARCH_ROWS_GONE);
    });
  }
}
