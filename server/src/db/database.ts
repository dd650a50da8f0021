/** Opens the server's SQLite file in WAL mode and brings its schema up to date. */
import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { createPrivateFile, ensurePrivateDir, tightenFile, type Log } from '../private-files.js';

export type Db = Database.Database;

/**
 * A step of the schema: SQL run in one transaction, or (for what SQLite refuses inside one, such as
 * VACUUM) a function run outside any; it must be safe to run again, since a crash can land between
 * it and the version bump.
 */
type Migration = string | { outsideTransaction: (db: Db) => void };

// Each entry moves the schema one version forward; never edit a shipped entry, append a new one.
export const MIGRATIONS: readonly Migration[] = [
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
  // 2. Replays are remembered per user, across all of the user's stations (a body does not name its
  // station, so a per-station memory let station B accept what station A had refused). What v1
  // remembered is kept, under the user it was for.
  `
  CREATE TABLE replay_guard (
    user_id TEXT NOT NULL,
    signature TEXT NOT NULL,
    expires INTEGER NOT NULL,
    PRIMARY KEY (user_id, signature)
  ) WITHOUT ROWID;
  CREATE INDEX replay_guard_by_expiry ON replay_guard(expires);
  INSERT OR IGNORE INTO replay_guard (user_id, signature, expires)
    SELECT CASE WHEN g.scope LIKE 'user:%' THEN substr(g.scope, 6) ELSE s.user_id END, g.signature, g.expires
    FROM seen_signatures g LEFT JOIN stations s ON s.id = g.scope
    WHERE g.scope LIKE 'user:%' OR s.user_id IS NOT NULL;
  DROP TABLE seen_signatures;
  `,
  // 3. The file gives space back: with auto_vacuum = INCREMENTAL, pages freed by purges are handed to
  // the OS by \`PRAGMA incremental_vacuum\` (Store.reclaimSpace). Switching an existing file needs one
  // VACUUM; a new file was created INCREMENTAL already (openDatabase) and skips it.
  {
    outsideTransaction(db) {
      if (db.pragma('auto_vacuum', { simple: true }) === AUTO_VACUUM_INCREMENTAL) return;
      db.pragma('auto_vacuum = INCREMENTAL');
      db.exec('VACUUM');
    },
  },
  // 4. The replay memory as a log in arrival order (see SeenSignatures): inserts append instead of
  // landing on a random page of a (user, signature) key. What was remembered is kept.
  `
  CREATE TABLE replay_log (
    seq INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL,
    signature TEXT NOT NULL,
    expires INTEGER NOT NULL
  );
  CREATE INDEX replay_log_by_expiry ON replay_log(expires);
  INSERT INTO replay_log (user_id, signature, expires) SELECT user_id, signature, expires FROM replay_guard ORDER BY expires;
  DROP TABLE replay_guard;
  `,
  // 5. PROFILE files: one row per upload and one per chunk stored. The chunks' bytes are files
  // beside the database (db/chunk-files.ts), never in it. `bytes` is the ciphertext size the
  // uploader declared, reserved against their quota from `begin` on; `touched` is the last begin or
  // chunk, so an unfinished upload nobody touched for a week can be purged.
  `
  CREATE TABLE files (
    id TEXT PRIMARY KEY,
    uploader_id TEXT NOT NULL REFERENCES users(id),
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    bytes INTEGER NOT NULL,
    chunks INTEGER NOT NULL,
    complete INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL,
    touched INTEGER NOT NULL
  );
  CREATE INDEX files_by_uploader ON files(uploader_id);
  CREATE INDEX files_unfinished_by_touched ON files(touched) WHERE complete = 0;
  CREATE TABLE file_chunks (
    file_id TEXT NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    chunk_index INTEGER NOT NULL,
    PRIMARY KEY (file_id, chunk_index)
  ) WITHOUT ROWID;
  `,
];

const AUTO_VACUUM_INCREMENTAL = 2;

/** The WAL file is cut back to this after a checkpoint, so one burst of writes does not keep it big. */
const JOURNAL_SIZE_LIMIT = 8 * 1024 * 1024;

/**
 * Opens (creating if needed) the database file. Its folder is made private first (0700, files in it
 * 0600; see private-files.ts), and `log` says which paths had to be tightened.
 *
 * Modes of the files SQLite makes itself: SQLite creates a new database file with 0644 minus the
 * umask, but it gives `-wal` and `-shm` the mode of the database file (fchmod, so the umask does not
 * matter; os_unix.c, findCreateFileMode and unixOpenSharedMemory). So the database file is created
 * here first, empty and 0600 (SQLite takes an empty file for a new database), and the two follow it.
 * That needs no process.umask, which is process-wide and would leak into whatever else runs in the
 * process (the tests, a host embedding the server). The -wal/-shm are checked once more after WAL
 * is on, in case an SQLite build behaves otherwise.
 */
export function openDatabase(file: string, opts: { log?: Log } = {}): Db {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (file !== ':memory:') {
    ensurePrivateDir(dirname(file), log);
    createPrivateFile(file);
  }
  const db = new Database(file);
  try {
    // Only possible before the first table exists; migration 3 converts older files.
    if (db.pragma('user_version', { simple: true }) === 0) db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    // WAL + FULL: the WAL is fsynced at every commit, so an acknowledged change survives a power cut
    // too, not just a process crash (NORMAL could lose the last commits). Group commit
    // (commit-group.ts) pays that fsync once per batch of requests.
    db.pragma('synchronous = FULL');
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    if (file !== ':memory:') for (const suffix of ['-wal', '-shm']) tightenFile(`${file}${suffix}`, log);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`The database was written by a newer server (schema ${current}); this one knows up to ${MIGRATIONS.length}.`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    const step = MIGRATIONS[v]!;
    if (typeof step === 'string') {
      db.transaction(() => {
        db.exec(step);
        db.pragma(`user_version = ${v + 1}`);
      })();
    } else {
      step.outsideTransaction(db);
      db.pragma(`user_version = ${v + 1}`);
    }
  }
}
