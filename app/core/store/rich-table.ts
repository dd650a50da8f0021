/**
 * Rich messages' effects (profile): what a reaction, an edit or a delete did to another message,
 * kept beside the message that carried it, so that a page of messages finds its reactions and
 * edits with one indexed query instead of decrypting the whole conversation. Messages are read for
 * this once (services/rich-effects.ts): `messages.rich` is 0 until then, 1 for a message to show,
 * 2 for an effect. An effect leaves with its message (schema.ts's triggers).
 */
import type { Message } from '../../../protocol/index.js';
import type { StoreConnection } from './connection.js';
import { decodeMessage } from './decode.js';

export type EffectKind = 'react' | 'edit' | 'delete';

/** One effect as stored: `value` is the emoji of a reaction, the new text of an edit, '' for a delete. */
export type StoredEffect = {
  sourceId: string;
  targetId: string;
  kind: EffectKind;
  sender: string;
  created: string;
  seq: number;
  value: string;
  /** A reaction given (true) or taken back (false); true for the others. */
  on: boolean;
};

export type Unread = { id: string; created: string; seq: number; message: Message | undefined };

type EffectRow = { source_id: string; target_id: string; kind: EffectKind; sender: string; created: string; seq: number; value: string; on_state: number };

export class RichTable {
  readonly #conn: StoreConnection;

  constructor(conn: StoreConnection) {
    this.#conn = conn;
  }

  /** Messages of a conversation not read for effects yet, oldest first. */
  unread(conversationId: string, limit: number): Unread[] {
    const conn = this.#conn;
    const rows = conn.guard(
      'read messages for reactions and edits',
      () =>
        conn
          .stmt('SELECT id, created, seq, json FROM messages WHERE conversation_id = ? AND rich = 0 ORDER BY created, seq LIMIT ?')
          .all(conversationId, Math.max(0, Math.floor(limit))) as { id: string; created: string; seq: number; json: unknown }[],
    );
    return rows.map((r) => ({ id: r.id, created: r.created, seq: r.seq, message: conn.skip('messages', `${conversationId}/${r.id}`, decodeMessage(r.json)) }));
  }

  /** Whether any message of the conversation waits to be read for effects (one indexed probe). */
  hasUnread(conversationId: string): boolean {
    const conn = this.#conn;
    return conn.guard(
      'read messages for reactions and edits',
      () => conn.stmt('SELECT 1 FROM messages WHERE conversation_id = ? AND rich = 0 LIMIT 1').get(conversationId) !== undefined,
    );
  }

  /**
   * One transaction: each message read marked as one to show or as an effect, the effects kept, and
   * each message an edit or a delete names handed back to the search indexer (its text changed).
   */
  record(conversationId: string, read: readonly { id: string; effect: Omit<StoredEffect, 'sourceId'> | null; fileId?: string | undefined }[]): void {
    if (read.length === 0) return;
    const conn = this.#conn;
    conn.transaction(() => {
      const mark = conn.stmt('UPDATE messages SET rich = ? WHERE conversation_id = ? AND id = ?');
      const keep = conn.stmt(
        `INSERT INTO rich_effects (conversation_id, source_id, target_id, kind, sender, created, seq, value, on_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (conversation_id, source_id) DO UPDATE SET target_id = excluded.target_id, kind = excluded.kind, sender = excluded.sender,
           created = excluded.created, seq = excluded.seq, value = excluded.value, on_state = excluded.on_state`,
      );
      const carries = conn.stmt('INSERT OR IGNORE INTO message_files (conversation_id, message_id, file_id) VALUES (?, ?, ?)');
      const changed = new Set<string>();
      for (const { id, effect, fileId } of read) {
        mark.run(effect ? 2 : 1, conversationId, id);
        if (fileId) carries.run(conversationId, id, fileId);
        if (!effect) continue;
        keep.run(conversationId, id, effect.targetId, effect.kind, effect.sender, effect.created, effect.seq, effect.value, effect.on ? 1 : 0);
        if (effect.kind !== 'react') changed.add(effect.targetId);
      }
      for (const id of changed) this.#reindex(conversationId, id);
    });
  }

  /** The effects on these messages, in the order they were made. */
  effectsOn(conversationId: string, targetIds: readonly string[]): StoredEffect[] {
    if (targetIds.length === 0) return [];
    const conn = this.#conn;
    const out: StoredEffect[] = [];
    // In slices: SQLite limits the number of bound parameters.
    for (let i = 0; i < targetIds.length; i += 500) {
      const ids = targetIds.slice(i, i + 500);
      const rows = conn.guard(
        'read reactions and edits',
        () =>
          conn
            .stmt(
              `SELECT source_id, target_id, kind, sender, created, seq, value, on_state FROM rich_effects
               WHERE conversation_id = ? AND target_id IN (${ids.map(() => '?').join(', ')}) ORDER BY created, seq`,
            )
            .all(conversationId, ...ids) as EffectRow[],
      );
      for (const r of rows) {
        out.push({
          sourceId: r.source_id,
          targetId: r.target_id,
          kind: r.kind,
          sender: r.sender,
          created: r.created,
          seq: r.seq,
          value: r.value,
          on: r.on_state === 1,
        });
      }
    }
    return out.sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : a.seq - b.seq));
  }

  /** An edited or deleted message's text changed: its search row goes and it waits to be indexed again. */
  #reindex(conversationId: string, id: string): void {
    const conn = this.#conn;
    const created = conn.stmt('SELECT created FROM messages WHERE conversation_id = ? AND id = ?').pluck().get(conversationId, id) as string | undefined;
    if (created === undefined) return;
    conn
      .stmt(
        `DELETE FROM search_rows WHERE fts_id BETWEEN coalesce(unixepoch(?), 0) * 65536 AND coalesce(unixepoch(?), 0) * 65536 + 65535
           AND conversation_id = ? AND message_id = ?`,
      )
      .run(created, created, conversationId, id);
    conn.stmt('INSERT OR IGNORE INTO search_queue (created, conversation_id, id) VALUES (?, ?, ?)').run(created, conversationId, id);
  }
}

/** Files no message carries any more (schema.ts's triggers list them): their copies can go. */
export function filesToForget(conn: StoreConnection, limit = 500): string[] {
  return conn.guard('read files to forget', () =>
    (conn.stmt('SELECT file_id FROM files_to_forget LIMIT ?').all(limit) as { file_id: string }[]).map((r) => r.file_id),
  );
}

export function forgotten(conn: StoreConnection, fileIds: readonly string[]): void {
  conn.transaction(() => {
    const drop = conn.stmt('DELETE FROM files_to_forget WHERE file_id = ?');
    for (const id of fileIds) drop.run(id);
  });
}
