/**
 * The cached conversation list, with an in-memory copy of it: parsing and validating 10,000 rows
 * took most of every list build. The list-order columns (`favorite`, `activity`) are filled from
 * each conversation so the first screen is one indexed query.
 */
import type { Conversation } from '../../../protocol/index.js';
import { compareForList, type ListOrderKey } from '../../shared/rules.js';
import type { StoreConnection } from './connection.js';
import { decodeConversation } from './decode.js';

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

export class ConversationsTable {
  readonly #conn: StoreConnection;
  /**
   * The conversations table as decoded objects, in table order, once read. This process is the only
   * writer, and every write goes through the methods below, which keep it in step (or drop it when a
   * transaction fails).
   */
  #mirror: Map<string, Conversation> | null = null;

  constructor(conn: StoreConnection) {
    this.#conn = conn;
    conn.onRollback(() => {
      this.#mirror = null;
    });
  }

  /** The table was emptied (with the others, at sign-out). */
  emptied(): void {
    this.#mirror = new Map();
  }

  replaceAll(list: readonly Conversation[]): void {
    const conn = this.#conn;
    conn.transaction(() => {
      const now = conn.now();
      conn.db.exec('DELETE FROM conversations');
      const insert = conn.stmt(UPSERT_CONVERSATION);
      for (const c of list) insert.run(c.id, JSON.stringify(c), now, ...listOrderOf(c));
      conn.db.exec('DELETE FROM messages WHERE conversation_id NOT IN (SELECT id FROM conversations)');
      conn.db.exec('DELETE FROM reports WHERE conversation_id NOT IN (SELECT id FROM conversations)');
      this.#mirror = new Map(list.map((c) => [c.id, c]));
    });
  }

  put(c: Conversation): void {
    this.#conn.guard('save a conversation', () => this.#conn.stmt(UPSERT_CONVERSATION).run(c.id, JSON.stringify(c), this.#conn.now(), ...listOrderOf(c)));
    // An update keeps its place in a Map too, as the row keeps its rowid.
    this.#mirror?.set(c.id, c);
  }

  remove(id: string): void {
    const conn = this.#conn;
    conn.transaction(() => {
      conn.stmt('DELETE FROM conversations WHERE id = ?').run(id);
      conn.stmt('DELETE FROM messages WHERE conversation_id = ?').run(id);
      conn.stmt('DELETE FROM reports WHERE conversation_id = ?').run(id);
      this.#mirror?.delete(id);
    });
  }

  all(): Conversation[] {
    if (this.#mirror) return [...this.#mirror.values()];
    const rows = this.#conn.guard(
      'read conversations',
      () => this.#conn.stmt('SELECT id, json FROM conversations ORDER BY rowid').all() as { id: string; json: unknown }[],
    );
    const out = this.#decodeRows(rows);
    this.#mirror = new Map(out.map((c) => [c.id, c]));
    return out;
  }

  first(limit: number): Conversation[] {
    if (this.#mirror) {
      return [...this.#mirror.values()]
        .map((c) => ({ c, key: listOrderKey(c) }))
        .sort((a, b) => compareForList(a.key, b.key))
        .slice(0, limit)
        .map(({ c }) => c);
    }
    // The shared list order (compareForList in app/shared/rules.ts) as SQL, on the columns listOrderOf
    // fills, so the index conversations_in_list_order serves it; list-order.test.ts keeps the two equal.
    const rows = this.#conn.guard(
      'read conversations',
      () =>
        this.#conn.stmt('SELECT id, json FROM conversations ORDER BY favorite DESC, activity DESC, id LIMIT ?').all(limit) as { id: string; json: unknown }[],
    );
    return this.#decodeRows(rows);
  }

  get(id: string): Conversation | undefined {
    if (this.#mirror) return this.#mirror.get(id);
    const row = this.#conn.guard(
      'read a conversation',
      () => this.#conn.stmt('SELECT json FROM conversations WHERE id = ?').get(id) as { json: unknown } | undefined,
    );
    return row ? this.#conn.skip('conversations', id, decodeConversation(row.json)) : undefined;
  }

  #decodeRows(rows: readonly { id: string; json: unknown }[]): Conversation[] {
    const out: Conversation[] = [];
    for (const row of rows) {
      const c = this.#conn.skip('conversations', row.id, decodeConversation(row.json));
      if (c) out.push(c);
    }
    return out;
  }
}
