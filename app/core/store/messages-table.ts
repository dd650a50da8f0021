/**
 * The cached messages and reports of each conversation, as received, keyed by (conversation, `ID`).
 * They live and go together: a clear, a new instance or a conversation leaving the list drops both.
 * Messages are read a page at a time, newest first, and carry their expiry as a column so expired
 * ones are deleted in one indexed statement. A message stored anew, or changed, waits for the search
 * indexer; deleting one takes it out of the index too (schema.ts's triggers).
 */
import { parseTimestamp, type Message, type Report } from '../../../protocol/index.js';
import type { StoreConnection } from './connection.js';
import { decodeMessage, decodeReport } from './decode.js';

export type MessagePage = {
  limit: number;
  before?: { created: string; id: string };
  /** Only messages to show: not those that are a reaction, an edit or a delete of another (rich-table.ts). */
  shown?: boolean;
};

type MessageRow = { id: string; created: string; seq: number; json: unknown };
/** A place in a conversation's order: its time, then its `seq` within that second. */
type Place = { created: string; seq: number };

export class MessagesTable {
  readonly #conn: StoreConnection;

  constructor(conn: StoreConnection) {
    this.#conn = conn;
  }

  /**
   * Upserts messages as received: a page in the server's order, oldest first. Messages new here
   * take the conversation's next place in order (`seq`): after every other for a page of news or
   * the newest page, before every other for an older page. Ozeki times have whole seconds, and
   * message ids are random, so within a second this is the only order the server's can be kept by.
   */
  putMessages(conversationId: string, messages: readonly Message[], direction: 'newer' | 'older' = 'newer'): void {
    if (messages.length === 0) return;
    const conn = this.#conn;
    conn.transaction(() => {
      const now = conn.now();
      const ends = conn.stmt('SELECT coalesce(max(seq), 0) AS hi, coalesce(min(seq), 1) AS lo FROM messages WHERE conversation_id = ?').get(conversationId) as {
        hi: number;
        lo: number;
      };
      const known = conn.stmt('SELECT 1 FROM messages WHERE conversation_id = ? AND id = ?').pluck();
      const fresh = messages.filter((m) => known.get(conversationId, m.ID) === undefined);
      const first = direction === 'newer' ? ends.hi + 1 : ends.lo - fresh.length;
      const seqs = new Map(fresh.map((m, i) => [m.ID, first + i]));
      const upsert = conn.stmt(
        `INSERT INTO messages (conversation_id, id, created, valid_until_ms, json, received_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (conversation_id, id) DO UPDATE SET created = excluded.created, valid_until_ms = excluded.valid_until_ms,
           json = excluded.json, received_at = excluded.received_at`,
      );
      for (const m of messages) upsert.run(conversationId, m.ID, m.Created, parseTimestamp(m.ValidUntil), JSON.stringify(m), now, seqs.get(m.ID) ?? 0);
    });
  }

  messages(conversationId: string, page: MessagePage): Message[] {
    const limit = Math.max(0, Math.floor(page.limit));
    const out: Message[] = [];
    let cursor = page.before ? this.#place(conversationId, page.before) : undefined;
    // Unreadable rows are skipped without shortening the page: read on past them until it is full.
    while (out.length < limit) {
      const want = limit - out.length;
      const rows = this.#conn.guard('read messages', () => this.#pageRows(conversationId, cursor, want, page.shown ?? false));
      for (const row of rows) {
        const m = this.#conn.skip('messages', `${conversationId}/${row.id}`, decodeMessage(row.json));
        if (m) out.push(m);
      }
      const last = rows[rows.length - 1];
      if (rows.length < want || !last) break;
      cursor = { created: last.created, seq: last.seq };
    }
    return out;
  }

  /** Where a message sits in its conversation's order; one not cached sits after its second's others (before) or before them (after). */
  #place(conversationId: string, at: { created: string; id: string }, edge: 'before' | 'after' = 'before'): Place {
    const seq = this.#conn.guard(
      'read messages',
      () => this.#conn.stmt('SELECT seq FROM messages WHERE conversation_id = ? AND id = ?').pluck().get(conversationId, at.id) as number | undefined,
    );
    return { created: at.created, seq: seq ?? (edge === 'before' ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER) };
  }

  #pageRows(conversationId: string, cursor: Place | undefined, want: number, shown: boolean): MessageRow[] {
    const only = shown ? 'AND rich != 2' : '';
    return (
      cursor
        ? this.#conn
            .stmt(
              `SELECT id, created, seq, json FROM messages WHERE conversation_id = ? AND (created, seq) < (?, ?) ${only} ORDER BY created DESC, seq DESC LIMIT ?`,
            )
            .all(conversationId, cursor.created, cursor.seq, want)
        : this.#conn
            .stmt(`SELECT id, created, seq, json FROM messages WHERE conversation_id = ? ${only} ORDER BY created DESC, seq DESC LIMIT ?`)
            .all(conversationId, want)
    ) as MessageRow[];
  }

  /** Up to `limit` messages to show strictly newer than `after` (in the conversation's order), oldest first. */
  newer(conversationId: string, after: { created: string; id: string }, limit: number): Message[] {
    const at = this.#place(conversationId, after, 'after');
    const rows = this.#conn.guard(
      'read messages',
      () =>
        this.#conn
          .stmt('SELECT id, json FROM messages WHERE conversation_id = ? AND (created, seq) > (?, ?) AND rich != 2 ORDER BY created, seq LIMIT ?')
          .all(conversationId, at.created, at.seq, Math.max(0, Math.floor(limit))) as { id: string; json: unknown }[],
    );
    const out: Message[] = [];
    for (const row of rows) {
      const m = this.#conn.skip('messages', `${conversationId}/${row.id}`, decodeMessage(row.json));
      if (m) out.push(m);
    }
    return out;
  }

  message(conversationId: string, id: string): Message | undefined {
    const row = this.#conn.guard(
      'read a message',
      () => this.#conn.stmt('SELECT json FROM messages WHERE conversation_id = ? AND id = ?').get(conversationId, id) as { json: unknown } | undefined,
    );
    return row ? this.#conn.skip('messages', `${conversationId}/${id}`, decodeMessage(row.json)) : undefined;
  }

  clear(conversationId: string): void {
    const conn = this.#conn;
    conn.transaction(() => {
      conn.stmt('DELETE FROM messages WHERE conversation_id = ?').run(conversationId);
      conn.stmt('DELETE FROM reports WHERE conversation_id = ?').run(conversationId);
    });
  }

  /** Deletes the messages whose `ValidUntil` is at or before `nowMs`; returns which they were. */
  deleteExpired(nowMs: number): { conversationId: string; id: string }[] {
    return this.#conn.guard('delete expired messages', () =>
      (
        this.#conn.stmt('DELETE FROM messages WHERE valid_until_ms IS NOT NULL AND valid_until_ms <= ? RETURNING conversation_id, id').all(nowMs) as {
          conversation_id: string;
          id: string;
        }[]
      ).map((r) => ({ conversationId: r.conversation_id, id: r.id })),
    );
  }

  /** When the next cached message expires (epoch ms), or null when none does. */
  nextExpiry(): number | null {
    return this.#conn.guard(
      'read when messages expire',
      () => (this.#conn.stmt('SELECT min(valid_until_ms) AS at FROM messages WHERE valid_until_ms IS NOT NULL').get() as { at: number | null }).at,
    );
  }

  putReports(conversationId: string, reports: readonly Report[]): void {
    if (reports.length === 0) return;
    const conn = this.#conn;
    conn.transaction(() => {
      const now = conn.now();
      const upsert = conn.stmt(
        `INSERT INTO reports (conversation_id, id, created, json, received_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (conversation_id, id) DO UPDATE SET created = excluded.created, json = excluded.json, received_at = excluded.received_at`,
      );
      for (const r of reports) upsert.run(conversationId, r.ID, r.Created, JSON.stringify(r), now);
    });
  }

  reports(conversationId: string): Report[] {
    const rows = this.#conn.guard(
      'read reports',
      () =>
        this.#conn.stmt('SELECT id, json FROM reports WHERE conversation_id = ? ORDER BY created, id').all(conversationId) as { id: string; json: unknown }[],
    );
    const out: Report[] = [];
    for (const row of rows) {
      const r = this.#conn.skip('reports', `${conversationId}/${row.id}`, decodeReport(row.json));
      if (r) out.push(r);
    }
    return out;
  }
}
