/**
 * Opened conversation keys and names, one row per conversation, read one at a time: the first
 * screen needs 100 of 10,000, and reading them all at launch (one sealed envelope, as version 0.1
 * kept them) took most of a cold start. They are in the clear inside the encrypted database
 * (cipher.ts), which is what protects them now. Each row counts only while the conversation's
 * wrapped secret ends as `secret_tail` (crypto/key-cache.ts).
 */
import type { StoreConnection } from './connection.js';

export type KeyEntry = { tail: string; key: Buffer; displayname: string | null; name: string | null };

type Row = { secret_tail: string; conversation_key: Buffer; displayname: string | null; name: string | null };

export class ConversationKeysTable {
  readonly #conn: StoreConnection;

  constructor(conn: StoreConnection) {
    this.#conn = conn;
  }

  get(id: string): KeyEntry | undefined {
    const row = this.#conn.guard(
      'read a conversation key',
      () =>
        this.#conn.stmt('SELECT secret_tail, conversation_key, displayname, name FROM conversation_keys WHERE conversation_id = ?').get(id) as Row | undefined,
    );
    return row ? { tail: row.secret_tail, key: row.conversation_key, displayname: row.displayname, name: row.name } : undefined;
  }

  /** Writes (an entry) or forgets (null) each conversation's row, in one transaction. */
  put(changes: ReadonlyMap<string, KeyEntry | null>): void {
    if (changes.size === 0) return;
    const conn = this.#conn;
    conn.transaction(() => {
      const upsert = conn.stmt(
        `INSERT INTO conversation_keys (conversation_id, secret_tail, conversation_key, displayname, name) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (conversation_id) DO UPDATE SET secret_tail = excluded.secret_tail, conversation_key = excluded.conversation_key,
           displayname = excluded.displayname, name = excluded.name`,
      );
      const remove = conn.stmt('DELETE FROM conversation_keys WHERE conversation_id = ?');
      for (const [id, e] of changes) {
        if (e) upsert.run(id, e.tail, e.key, e.displayname, e.name);
        else remove.run(id);
      }
    });
  }

  ids(): string[] {
    return this.#conn.guard('read the conversation keys', () =>
      (this.#conn.stmt('SELECT conversation_id FROM conversation_keys').all() as { conversation_id: string }[]).map((r) => r.conversation_id),
    );
  }
}
