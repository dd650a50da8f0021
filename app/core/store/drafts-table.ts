/**
 * Unsent text per conversation, kept across restarts, in the clear inside the encrypted database
 * (store/cipher.ts). Drafts written by earlier versions were sealed with the conversation's key
 * (`sealed`); they are opened when read, and written in the clear the next time they change.
 */
import type { StoreConnection } from './connection.js';

/** `text` in the clear, or null for a draft still sealed the way earlier versions kept it. */
export type StoredDraft = { conversationId: string; text: string | null; sealed: string };

/** Every draft, oldest change first. */
export function readDrafts(conn: StoreConnection): StoredDraft[] {
  return conn.guard(
    'read drafts',
    () => conn.stmt('SELECT conversation_id AS conversationId, text, sealed FROM drafts ORDER BY updated_at').all() as StoredDraft[],
  );
}

/** Keeps a draft's text, or forgets it (null). */
export function putDraft(conn: StoreConnection, conversationId: string, text: string | null): void {
  conn.guard('save a draft', () => {
    if (text === null) conn.stmt('DELETE FROM drafts WHERE conversation_id = ?').run(conversationId);
    else
      conn
        .stmt(
          `INSERT INTO drafts (conversation_id, sealed, text, updated_at) VALUES (?, '', ?, ?)
           ON CONFLICT (conversation_id) DO UPDATE SET sealed = '', text = excluded.text, updated_at = excluded.updated_at`,
        )
        .run(conversationId, text, conn.now());
  });
}
