/**
 * Unsent text per conversation, kept across restarts. The store only holds it: it is sealed with the
 * conversation's key before it gets here, like a message, so no plaintext is at rest.
 */
import type { StoreConnection } from './connection.js';

export type StoredDraft = { conversationId: string; sealed: string };

/** Every draft, oldest change first. */
export function readDrafts(conn: StoreConnection): StoredDraft[] {
  return conn.guard('read drafts', () => conn.stmt('SELECT conversation_id AS conversationId, sealed FROM drafts ORDER BY updated_at').all() as StoredDraft[]);
}

/** Keeps a sealed draft, or forgets it (null). */
export function putDraft(conn: StoreConnection, conversationId: string, sealed: string | null): void {
  conn.guard('save a draft', () => {
    if (sealed === null) conn.stmt('DELETE FROM drafts WHERE conversation_id = ?').run(conversationId);
    else
      conn
        .stmt(
          'INSERT INTO drafts (conversation_id, sealed, updated_at) VALUES (?, ?, ?) ON CONFLICT (conversation_id) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at',
        )
        .run(conversationId, sealed, conn.now());
  });
}
