/** Messages, reports and the per-user receipts reports are made from. */
import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';

export type MessageRow = {
  seq: number;
  conversation_id: string;
  id: string;
  sender_id: string;
  type: string;
  created: string;
  created_ms: number;
  valid_until: string;
  valid_until_ms: number;
  data: string;
};

export type ReportRow = {
  seq: number;
  conversation_id: string;
  id: string;
  user_id: string;
  type: string;
  created: string;
  created_ms: number;
  message_ids: string;
};

/** Where a page starts: an item's id (preferred) or, when that item is gone, a date. */
export type Cursor = { id: string; dateMs: number | null };

type Table = 'messages' | 'reports';

export class Messages {
  private readonly db: Db;
  private readonly getStmt;
  private readonly insertStmt;
  private readonly insertReportStmt;
  private readonly insertReceiptStmt;
  private readonly purgeExpiredStmt;
  private readonly purgeExpiredReceiptsStmt;
  private readonly statements = new Map<string, Statement<unknown[]>>();

  constructor(db: Db) {
    this.db = db;
    this.getStmt = db.prepare<[string, string], MessageRow>('SELECT * FROM messages WHERE conversation_id = ? AND id = ?');
    this.insertStmt = db.prepare(
      `INSERT INTO messages (conversation_id, id, sender_id, type, created, created_ms, valid_until, valid_until_ms, data)
       VALUES (@conversation_id, @id, @sender_id, @type, @created, @created_ms, @valid_until, @valid_until_ms, @data)`,
    );
    this.insertReportStmt = db.prepare(
      `INSERT INTO reports (conversation_id, id, user_id, type, created, created_ms, message_ids)
       VALUES (@conversation_id, @id, @user_id, @type, @created, @created_ms, @message_ids)`,
    );
    this.insertReceiptStmt = db.prepare('INSERT OR IGNORE INTO receipts (conversation_id, message_id, user_id, type) VALUES (?, ?, ?, ?)');
    this.purgeExpiredStmt = db.prepare('DELETE FROM messages WHERE valid_until_ms <= ?');
    this.purgeExpiredReceiptsStmt = db.prepare(
      'DELETE FROM receipts WHERE (conversation_id, message_id) IN (SELECT conversation_id, id FROM messages WHERE valid_until_ms <= ?)',
    );
  }

  /** Cursor queries are built from a few shapes; each is prepared once. */
  private stmt(sql: string): Statement<unknown[]> {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare<unknown[]>(sql)));
    return statement;
  }

  get(conversationId: string, id: string): MessageRow | undefined {
    return this.getStmt.get(conversationId, id);
  }
  add(row: Omit<MessageRow, 'seq'>): void {
    this.insertStmt.run(row);
  }
  addReport(row: Omit<ReportRow, 'seq'>): void {
    this.insertReportStmt.run(row);
  }
  /** Records that a user has `type` (delivered / viewed) a message; true when it is new. */
  addReceipt(conversationId: string, messageId: string, userId: string, type: string): boolean {
    return this.insertReceiptStmt.run(conversationId, messageId, userId, type).changes > 0;
  }

  /** Deletes a conversation's whole history, as Clear does. */
  clear(conversationId: string): void {
    for (const table of ['messages', 'reports', 'receipts']) {
      this.stmt(`DELETE FROM ${table} WHERE conversation_id = ?`).run(conversationId);
    }
  }

  /** Deletes expired messages and the receipts that pointed at them. */
  purgeExpired(nowMs: number): number {
    this.purgeExpiredReceiptsStmt.run(nowMs);
    return this.purgeExpiredStmt.run(nowMs).changes;
  }

  /** Items from the cursor onwards (inclusive), oldest first; everything when the cursor is empty. */
  forward<T extends Table>(table: T, conversationId: string, cursor: Cursor, limit: number, nowMs: number): RowOf<T>[] {
    const from = this.resolve(table, conversationId, cursor, 'from');
    return this.stmt(`SELECT * FROM ${table} WHERE conversation_id = ? AND ${from.sql} ${alive(table)} ORDER BY seq ASC LIMIT ?`).all(
      conversationId,
      ...from.args,
      ...aliveArgs(table, nowMs),
      limit,
    ) as RowOf<T>[];
  }

  /** The newest `limit` items older than the cursor (the newest overall when it is empty), oldest first. */
  backward<T extends Table>(table: T, conversationId: string, cursor: Cursor, limit: number, nowMs: number): RowOf<T>[] {
    const before = this.resolve(table, conversationId, cursor, 'before');
    const rows = this.stmt(`SELECT * FROM ${table} WHERE conversation_id = ? AND ${before.sql} ${alive(table)} ORDER BY seq DESC LIMIT ?`).all(
      conversationId,
      ...before.args,
      ...aliveArgs(table, nowMs),
      limit,
    ) as RowOf<T>[];
    return rows.reverse();
  }

  private resolve(table: Table, conversationId: string, cursor: Cursor, side: 'from' | 'before'): { sql: string; args: number[] } {
    const op = side === 'from' ? '>=' : '<';
    if (cursor.id) {
      const row = this.stmt(`SELECT seq FROM ${table} WHERE conversation_id = ? AND id = ?`).get(conversationId, cursor.id) as { seq: number } | undefined;
      if (row) return { sql: `seq ${op} ?`, args: [row.seq] };
    }
    if (cursor.dateMs !== null) return { sql: `created_ms ${op} ?`, args: [cursor.dateMs] };
    return { sql: '1 = 1', args: [] };
  }
}

type RowOf<T extends Table> = T extends 'messages' ? MessageRow : ReportRow;

// Expired messages are never served, even before the purge timer removes them.
const alive = (table: Table): string => (table === 'messages' ? 'AND valid_until_ms > ?' : '');
const aliveArgs = (table: Table, nowMs: number): number[] => (table === 'messages' ? [nowMs] : []);
