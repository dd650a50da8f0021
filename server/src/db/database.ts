/** Opens the server's SQLite file in WAL mode and brings its schema up to date. */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

// Each entry moves the schema one version forward; never edit a shipped entry, append a new one.
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    apikey TEXT NOT NULL UNIQUE,
    nick TEXT NOT NULL,
    fullname TEXT NOT NULL,
    publickey TEXT NOT NULL,
    rsakey TEXT NOT NULL,
    availability TEXT NOT NULL DEFAULT 'available',
    workspace TEXT UNIQUE,
    created INTEGER NOT NULL
  );
  CREATE TABLE stations (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    bound_at INTEGER NOT NULL
  );
  CREATE INDEX stations_by_user ON stations(user_id);
  CREATE TABLE friendships (
    user_id TEXT NOT NULL REFERENCES users(id),
    friend_id TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (user_id, friend_id)
  ) WITHOUT ROWID;
  CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    isgroup INTEGER NOT NULL,
    displayname TEXT NOT NULL,
    instance TEXT NOT NULL,
    lastmessageid TEXT NOT NULL DEFAULT '',
    lastreportid TEXT NOT NULL DEFAULT '',
    lastaccess INTEGER NOT NULL,
    created INTEGER NOT NULL
  );
  CREATE TABLE participants (
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    position INTEGER NOT NULL,
    secret TEXT NOT NULL,
    ismuted INTEGER NOT NULL DEFAULT 0,
    isfavorite INTEGER NOT NULL DEFAULT 0,
    hideid TEXT NOT NULL DEFAULT '',
    color TEXT NOT NULL DEFAULT '#ffffff',
    PRIMARY KEY (conversation_id, user_id)
  ) WITHOUT ROWID;
  CREATE INDEX participants_by_user ON participants(user_id);
  CREATE TABLE messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    id TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    type TEXT NOT NULL,
    created TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    valid_until TEXT NOT NULL,
    valid_until_ms INTEGER NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (conversation_id, id)
  );
  CREATE INDEX messages_by_conversation ON messages(conversation_id, seq);
  CREATE INDEX messages_by_expiry ON messages(valid_until_ms);
  CREATE TABLE reports (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL,
    type TEXT NOT NULL,
    created TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    message_ids TEXT NOT NULL
  );
  CREATE INDEX reports_by_conversation ON reports(conversation_id, seq);
  CREATE TABLE receipts (
    conversation_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    type TEXT NOT NULL,
    PRIMARY KEY (conversation_id, message_id, user_id, type)
  ) WITHOUT ROWID;
  CREATE TABLE notifications (
    station_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    ref TEXT NOT NULL,
    PRIMARY KEY (station_id, kind, ref)
  ) WITHOUT ROWID;
  CREATE TABLE seen_signatures (
    scope TEXT NOT NULL,
    signature TEXT NOT NULL,
    expires INTEGER NOT NULL,
    PRIMARY KEY (scope, signature)
  ) WITHOUT ROWID;
  CREATE INDEX seen_signatures_by_expiry ON seen_signatures(expires);
  `,
];

export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // WAL + NORMAL: a committed transaction survives a process crash; only an OS crash can lose the last few.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`The database was written by a newer server (schema ${current}); this one knows up to ${MIGRATIONS.length}.`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
