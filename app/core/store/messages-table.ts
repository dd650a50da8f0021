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

export type MessagePage = { limit: number; before?: { created: string; id: string } };

type MessageRow = { id: string; created: string; json: unknown };

export class MessagesTable {
  readonly #conn: StoreConnection;

  constructor(conn: StoreConnection) {
    this.#conn = conn;
  }

  putMessages(conversationId: string, messages: readonly Message[]): void {
    if (messages.length === 0) return;
    const conn = this.#conn;
    conn.transaction(() => {
      const now = conn.now();
      const upsert = conn.stmt(
        `INSERT INTO messages (conversation_id, id, created, valid_until_ms, json, received_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (conversation_id, id) DO UPDATE SET created = excluded.created, valid_until_ms = excluded.valid_until_ms,
           json = excluded.json, received_at = excluded.received_at`,
      );
      for (const m of messages) upsert.run(conversationId, m.ID, m.Created, parseTimestamp(m.ValidUntil), JSON.stringify(m), now);
    });
  }

  messages(conversationId: string, page: MessagePage): Message[] {
    const limit = Math.max(0, Math.floor(page.limit));
    const out: Message[] = [];
    let cursor = page.before;
    // Unreadable rows are skipped without shortening the page: read on past them until it is full.
    while (out.length < limit) {
      const want = limit - out.length;
      const rows = this.#conn.guard('read messages', () => this.#pageRows(conversationId, cursor, want));
      for (const row of rows) {
        const m = this.#conn.skip('messages', `${conversationId}/${row.id}`, decodeMessage(row.json));
        if (m) out.push(m);
      }
      const last = rows[rows.length - 1];
      if (rows.length < want || !last) break;
      cursor = { created: last.created, id: last.id };
    }
    return out;
  }

  #pageRows(conversationId: string, cursor: MessagePage['before'], want: number): MessageRow[] {
    return (
      cursor
        ? this.#conn
            .stmt('SELECT id, created, json FROM messages WHERE conversation_id = ? AND (created, id) < (?, ?) ORDER BY created DESC, id DESC LIMIT ?')
            .all(conversationId, cursor.created, cursor.id, want)
        : this.#conn.stmt('SELECT id, created, json FROM messages WHERE conversation_id = ? ORDER BY created DESC, id DESC LIMIT ?').all(conversationId, want)
    ) as MessageRow[];
  }

  /** Up to `limit` messages strictly newer than `after` (by `Created`, then `ID`), oldest first. */
  newer(conversationId: string, after: { created: string; id: string }, limit: number): Message[] {
    const rows = this.#conn.guard(
      'read messages',
      () =>
        this.#conn
          .stmt('SELECT id, json FROM messages WHERE conversation_id = ? AND (created, id) > (?, ?) ORDER BY created, id LIMIT ?')
          .all(conversationId, after.created, after.id, Math.max(0, Math.floor(limit))) as { id: string; json: unknown }[],
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
