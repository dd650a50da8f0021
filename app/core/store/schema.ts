/**
 * The local database's schema, as the list of migrations that build it, and the step that brings a
 * file up to date. The schema version is SQLite's `user_version`: the number of migrations applied.
 * A file whose version is higher than this app knows was written by a newer app; it is refused with
 * `NewerSchema`, and opening sets it aside rather than guess at its tables.
 */
import type { Sqlite } from './connection.js';

// Each entry moves the schema one version forward; never edit a shipped entry, append a new one.
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE account (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    server_url TEXT NOT NULL,
    userid TEXT NOT NULL,
    email TEXT NOT NULL,
    nick TEXT NOT NULL,
    fullname TEXT NOT NULL,
    rsakey TEXT NOT NULL,
    urls TEXT NOT NULL,
    listeners TEXT NOT NULL,
    server_version TEXT NOT NULL,
    saved_at INTEGER NOT NULL
  );
  CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    json TEXT NOT NULL,
    received_at INTEGER NOT NULL
  );
  CREATE TABLE friends (
    userid TEXT PRIMARY KEY,
    json TEXT NOT NULL,
    received_at INTEGER NOT NULL
  );
  CREATE TABLE messages (
    conversation_id TEXT NOT NULL,
    id TEXT NOT NULL,
    created TEXT NOT NULL,
    valid_until_ms INTEGER,
    json TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, id)
  ) WITHOUT ROWID;
  CREATE INDEX messages_by_created ON messages(conversation_id, created, id);
  CREATE INDEX messages_by_expiry ON messages(valid_until_ms) WHERE valid_until_ms IS NOT NULL;
  CREATE TABLE reports (
    conversation_id TEXT NOT NULL,
    id TEXT NOT NULL,
    created TEXT NOT NULL,
    json TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, id)
  ) WITHOUT ROWID;
  CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    action TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    in_flight INTEGER NOT NULL DEFAULT 0
  );
  -- Also a second copy of every seq: recovery counts what a damaged table lost against it.
  CREATE INDEX outbox_by_conversation ON outbox(conversation_id, seq);
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // Opened conversation keys, sealed under a key only the keychain's secrets give (crypto/key-cache.ts).
  `
  CREATE TABLE key_cache (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    sealed BLOB NOT NULL
  );
  `,
  // The list order as columns, so the first screen of a 10,000-conversation list is one indexed
  // query instead of decoding every row (see LocalStore.firstConversations).
  `
  ALTER TABLE conversations ADD COLUMN favorite INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE conversations ADD COLUMN activity INTEGER NOT NULL DEFAULT 0;
  UPDATE conversations SET
    activity = coalesce(json_extract(conversations.json, '$.lastaccess'), 0),
    favorite = EXISTS (SELECT 1 FROM json_each(conversations.json, '$.properties') AS p WHERE json_extract(p.value, '$.isfavorite') IN (1, 'true'));
  CREATE INDEX conversations_in_list_order ON conversations(favorite DESC, activity DESC, id);
  `,
  // Unsent text per conversation, sealed with the conversation's key like a message.
  `
  CREATE TABLE drafts (
    conversation_id TEXT PRIMARY KEY,
    sealed TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );
  `,
  // Opened conversation keys and names one row each, read one at a time (conversation-keys-table.ts).
  // Version 0.1's sealed key_cache envelope is read once into it and then emptied (crypto/key-cache.ts).
  `
  CREATE TABLE conversation_keys (
    conversation_id TEXT PRIMARY KEY,
    secret_tail TEXT NOT NULL,
    conversation_key BLOB NOT NULL,
    displayname TEXT,
    name TEXT
  ) WITHOUT ROWID;
  `,
  // Message search (store/search-table.ts): each message's decrypted text and sender once
  // (search_rows), and two FTS5 indexes over the text that hold no text of their own (contentless)
  // and no positions (detail=none: a third of the size and half again as fast to build; the rows
  // are checked instead). Messages wait in search_queue, oldest first, until the indexer has read
  // them (search/indexer.ts). Rows are found from their message by time and id, not through an
  // index of their own: kept in time order, indexing a batch writes a few pages instead of one per
  // message. The triggers keep all of it in step with every change to the messages. Drafts are
  // kept in the clear from now on (drafts-table.ts). Messages get their place within a second
  // (`seq`, messages-table.ts): the server's order, which (created, id) lost.
  `
  ALTER TABLE drafts ADD COLUMN text TEXT;
  ALTER TABLE messages ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
  UPDATE messages SET seq = r.n FROM (SELECT conversation_id, id, row_number() OVER (PARTITION BY conversation_id ORDER BY created, id) AS n FROM messages) AS r
    WHERE messages.conversation_id = r.conversation_id AND messages.id = r.id;
  DROP INDEX messages_by_created;
  CREATE INDEX messages_in_order ON messages(conversation_id, created, seq);
  CREATE TABLE search_queue (
    created TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (created, conversation_id, id)
  ) WITHOUT ROWID;
  INSERT INTO search_queue (created, conversation_id, id) SELECT created, conversation_id, id FROM messages;
  CREATE TABLE search_rows (
    fts_id INTEGER PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sender TEXT NOT NULL,
    body TEXT NOT NULL
  );
  CREATE VIRTUAL TABLE search_words USING fts5(body, content = '', contentless_delete = 1, detail = none, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
  CREATE VIRTUAL TABLE search_trigrams USING fts5(body, content = '', contentless_delete = 1, detail = none, tokenize = 'trigram remove_diacritics 1');
  -- Merge segments 16 at a time, not 4: indexing half again as fast; queries stay within 1 ms of it.
  INSERT INTO search_words (search_words, rank) VALUES ('automerge', 16);
  INSERT INTO search_trigrams (search_trigrams, rank) VALUES ('automerge', 16);
  CREATE TRIGGER search_rows_gone AFTER DELETE ON search_rows BEGIN
    DELETE FROM search_words WHERE rowid = old.fts_id;
    DELETE FROM search_trigrams WHERE rowid = old.fts_id;
  END;
  CREATE TRIGGER messages_to_search AFTER INSERT ON messages BEGIN
    INSERT OR IGNORE INTO search_queue (created, conversation_id, id) VALUES (new.created, new.conversation_id, new.id);
  END;
  CREATE TRIGGER messages_changed_for_search AFTER UPDATE OF json ON messages WHEN old.json IS NOT new.json BEGIN
    DELETE FROM search_queue WHERE created = old.created AND conversation_id = old.conversation_id AND id = old.id;
    DELETE FROM search_rows WHERE fts_id BETWEEN coalesce(unixepoch(old.created), 0) * 65536 AND coalesce(unixepoch(old.created), 0) * 65536 + 65535
      AND conversation_id = old.conversation_id AND message_id = old.id;
    INSERT OR IGNORE INTO search_queue (created, conversation_id, id) VALUES (new.created, new.conversation_id, new.id);
  END;
  CREATE TRIGGER messages_leave_search AFTER DELETE ON messages BEGIN
    DELETE FROM search_queue WHERE created = old.created AND conversation_id = old.conversation_id AND id = old.id;
    DELETE FROM search_rows WHERE fts_id BETWEEN coalesce(unixepoch(old.created), 0) * 65536 AND coalesce(unixepoch(old.created), 0) * 65536 + 65535
      AND conversation_id = old.conversation_id AND message_id = old.id;
  END;
  `,
  // Rich messages (profile; store/rich-table.ts): what a reaction, an edit or a delete did to
  // another message, read once from its decrypted payload (services/rich-effects.ts). `rich` says
  // whether a message was read yet (0), is one to show (1), or is an effect on another (2, never
  // shown as a message of its own). Effects go with the message that carried them.
  `
  ALTER TABLE messages ADD COLUMN rich INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX messages_not_read_for_rich ON messages(conversation_id, created, seq) WHERE rich = 0;
  CREATE TABLE rich_effects (
    conversation_id TEXT NOT NULL,
    source_id TEXT NOT NULL,
    target_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('react', 'edit', 'delete')),
    sender TEXT NOT NULL,
    created TEXT NOT NULL,
    seq INTEGER NOT NULL,
    value TEXT NOT NULL,
    on_state INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, source_id)
  ) WITHOUT ROWID;
  CREATE INDEX rich_effects_by_target ON rich_effects(conversation_id, target_id);
  CREATE TRIGGER messages_leave_rich AFTER DELETE ON messages BEGIN
    DELETE FROM rich_effects WHERE conversation_id = old.conversation_id AND source_id = old.id;
  END;
  CREATE TRIGGER messages_changed_for_rich AFTER UPDATE OF json ON messages WHEN old.json IS NOT new.json BEGIN
    DELETE FROM rich_effects WHERE conversation_id = old.conversation_id AND source_id = old.id;
    UPDATE messages SET rich = 0 WHERE conversation_id = new.conversation_id AND id = new.id;
  END;
  `,
  // Files (profile; store/files-table.ts): which message carries which file, read with the
  // message's effects. A file no message carries any more (cleared, expired, deleted) is listed to
  // forget, and the files service removes its copy from the account's folder.
  `
  CREATE TABLE message_files (
    conversation_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    file_id TEXT NOT NULL,
    PRIMARY KEY (conversation_id, message_id)
  ) WITHOUT ROWID;
  CREATE INDEX message_files_by_file ON message_files(file_id);
  CREATE TABLE files_to_forget (file_id TEXT PRIMARY KEY) WITHOUT ROWID;
  CREATE TRIGGER messages_leave_files AFTER DELETE ON messages BEGIN
    DELETE FROM message_files WHERE conversation_id = old.conversation_id AND message_id = old.id;
  END;
  CREATE TRIGGER message_files_leave AFTER DELETE ON message_files
    WHEN NOT EXISTS (SELECT 1 FROM message_files WHERE file_id = old.file_id) BEGIN
    INSERT OR IGNORE INTO files_to_forget (file_id) VALUES (old.file_id);
  END;
  `,
];

/** The file was written by a newer version of the app, with a schema this one does not know. */
export class NewerSchema extends Error {}

/** Applies the migrations the file does not have yet, each in its own transaction. */
export function migrate(db: Sqlite): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new NewerSchema(`written by a newer version of the app (schema ${current}; this one knows up to ${MIGRATIONS.length})`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
