/**
 * Opens `<dataDir>/local.db`: WAL, synchronous=FULL (the outbox must survive power loss; writes
 * happen at human speed), schema migrations by `user_version`.
 *
 * A file that is not a database, fails `PRAGMA quick_check`, cannot be opened, or was written by a
 * newer schema is set aside (renamed with its -wal/-shm, never deleted) and a fresh database is
 * created: the cache is rebuilt from the server. The outbox and the account row are recovered from
 * the set-aside file as far as they still read, and `notices` tells the user what happened.
 */
import Database from 'better-sqlite3';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CoreError } from '../errors.js';
import { createPrivateFile, ensurePrivateFolder } from '../private-files.js';
import { decodeAction } from './decode.js';
import { LocalStore, accountFromRow, storageError, type LocalStoreOptions, type Sqlite, type StoredAccount } from './local-store.js';

export const LOCAL_DB_FILE = 'local.db';

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
];

export type OpenedLocalDb = {
  db: LocalStore;
  /** Sentences for the user about what happened to their data on the way in (usually none). */
  notices: string[];
  /** For the log: set when the previous file was set aside. */
  repaired?: { asideFile: string; reason: string; recovery: Recovery };
};

/** Why an existing file was set aside. */
export type Damage = { kind: 'corrupt' | 'unopenable' | 'newer'; detail: string };

class NewerSchema extends Error {}

/** Opens (creating, migrating or repairing as needed) `<dataDir>/local.db`. */
export function openLocalDb(dataDir: string, options: LocalStoreOptions = {}): OpenedLocalDb {
  try {
    ensurePrivateFolder(dataDir);
  } catch (err) {
    throw new CoreError('storage', `Could not create the app's data folder ${dataDir}.`, { cause: err });
  }
  const file = join(dataDir, LOCAL_DB_FILE);
  undoInterruptedRepair(file);
  setAsideOrphanedLog(file);

  if (!existsSync(file)) return { db: new LocalStore(openFresh(file), options), notices: [] };
  const opened = openChecked(file);
  if (opened.ok) return withNotices(opened.db, options);
  const { damage } = opened;
  const { asideFile, recovery } = repair(file, damage);
  const reopened = openChecked(file);
  if (!reopened.ok) throw new CoreError('storage', `The rebuilt local database does not open (${reopened.damage.detail}).`);
  return { ...withNotices(reopened.db, options), repaired: { asideFile, reason: `${damage.kind}: ${damage.detail}`, recovery } };
}

function withNotices(db: Sqlite, options: LocalStoreOptions): OpenedLocalDb {
  try {
    return { db: new LocalStore(db, options), notices: takeRepairNotices(db) };
  } catch (err) {
    db.close();
    throw storageError(err, 'open the local database');
  }
}

/**
 * Sets the damaged file aside and builds its replacement next to it, moving it into place only
 * once the outbox is copied over. The replacement is created (naming the set-aside file in its
 * meta table) before anything is renamed, so a crash at any point leaves either the original file
 * or a replacement that says where the original went: `undoInterruptedRepair` puts it back and the
 * next start repairs again. Nothing the user did is lost to a crash during the repair.
 */
function repair(file: string, damage: Damage): { asideFile: string; recovery: Recovery } {
  const rebuilding = file + REBUILDING;
  removeWithSideFiles(rebuilding);
  const asideFile = freeName(`${file}.${damage.kind === 'newer' ? 'newer' : 'corrupt'}-${stamp()}`);
  const fresh = openFresh(rebuilding);
  try {
    fresh.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(REPAIR_SOURCE, basename(asideFile));
    setAside(file, asideFile);
    const recovery = recoverInto(asideFile, fresh);
    // One transaction: the marker goes and the notice is stored, so it reaches the user even when
    // this run dies before returning it.
    fresh
      .transaction(() => {
        fresh.prepare('DELETE FROM meta WHERE key = ?').run(REPAIR_SOURCE);
        fresh.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(REPAIR_NOTICE, noticeFor(damage, recovery, basename(asideFile)));
      })
      .immediate();
    fresh.close(); // checkpoints: the replacement is one self-contained file
    renameSync(rebuilding, file);
    return { asideFile, recovery };
  } catch (err) {
    // Put things back as they were, so the next start tries again with nothing lost.
    if (fresh.open) fresh.close();
    removeWithSideFiles(rebuilding);
    if (!existsSync(file) && existsSync(asideFile)) {
      // Side files that did not make it across are still at `file`'s name; only move what moved.
      try {
        moveWithSideFiles(asideFile, file);
      } catch {
        // Left for a person to sort out: the original is still whole at asideFile.
      }
    }
    if (err instanceof CoreError) throw err;
    throw storageError(err, 'rebuild the local database');
  }
}

const REBUILDING = '.rebuilding';
const REPAIR_SOURCE = 'repair_source';
const REPAIR_NOTICE = 'repair_notice';

/** Notices a repair left for the user (see `repair`), removed once handed out. */
function takeRepairNotices(db: Sqlite): string[] {
  return db
    .transaction(() => {
      const rows = db.prepare('SELECT value FROM meta WHERE key = ?').all(REPAIR_NOTICE) as { value: string }[];
      if (rows.length) db.prepare('DELETE FROM meta WHERE key = ?').run(REPAIR_NOTICE);
      return rows.map((r) => r.value);
    })
    .immediate();
}

/** A start after a crash in the middle of `repair`: put the set-aside original back. */
function undoInterruptedRepair(file: string): void {
  const rebuilding = file + REBUILDING;
  if (!existsSync(rebuilding)) return;
  if (!existsSync(file)) {
    let readable = false;
    let source: string | undefined;
    try {
      const db = new Database(rebuilding, { readonly: true, fileMustExist: true });
      try {
        source = (db.prepare('SELECT value FROM meta WHERE key = ?').get(REPAIR_SOURCE) as { value: string } | undefined)?.value;
        readable = true;
      } finally {
        db.close();
      }
    } catch {
      // An unreadable half-built replacement names nothing; it only ever holds copies, so it goes.
    }
    const original = source !== undefined && basename(source) === source ? join(dirname(file), source) : undefined;
    try {
      if (original && existsSync(original)) {
        moveWithSideFiles(original, file);
      } else if (readable && source === undefined) {
        // It finished recovering (the marker goes last) but was not yet moved into place.
        moveWithSideFiles(rebuilding, file);
        return;
      }
    } catch (err) {
      throw new CoreError('storage', `Could not finish repairing the local database (${err instanceof Error ? err.message : String(err)}).`, { cause: err });
    }
  }
  removeWithSideFiles(rebuilding);
}

// ------------------------------------------------------------------------------- opening

function configure(db: Sqlite): void {
  db.pragma('busy_timeout = 5000');
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') throw new CoreError('storage', `The local database could not switch to write-ahead logging (it is in ${String(mode)} mode).`);
  // FULL in WAL mode: every commit is fsynced before it returns, so an enqueued action survives power loss.
  db.pragma('synchronous = FULL');
  // macOS: make fsync reach the platters (no-op elsewhere).
  db.pragma('fullfsync = ON');
  db.pragma('foreign_keys = ON');
  // A burst of cache writes may grow the log; do not keep it that big afterwards.
  db.pragma('journal_size_limit = 8388608');
}

function migrate(db: Sqlite): void {
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

/** SQLite codes that say nothing about the file itself: never set a file aside for these. */
const NOT_THE_FILE = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_NOMEM', 'SQLITE_FULL', 'SQLITE_INTERRUPT']);

function openChecked(file: string): { ok: true; db: Sqlite } | { ok: false; damage: Damage } {
  let db: Sqlite | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    const check = db.pragma('quick_check') as { quick_check: string }[];
    if (check.length !== 1 || check[0]?.quick_check !== 'ok') {
      db.close();
      return {
        ok: false,
        damage: {
          kind: 'corrupt',
          detail: check
            .slice(0, 3)
            .map((r) => r.quick_check)
            .join('; '),
        },
      };
    }
    configure(db);
    migrate(db);
    return { ok: true, db };
  } catch (err) {
    try {
      db?.close();
    } catch {
      // Already unusable; the file is what matters.
    }
    if (err instanceof NewerSchema) return { ok: false, damage: { kind: 'newer', detail: err.message } };
    if (err instanceof Database.SqliteError) {
      if (NOT_THE_FILE.has(err.code)) throw storageError(err, 'open the local database');
      const corrupt = err.code === 'SQLITE_CORRUPT' || err.code === 'SQLITE_NOTADB' || err.code.startsWith('SQLITE_CORRUPT_');
      return { ok: false, damage: { kind: corrupt ? 'corrupt' : 'unopenable', detail: `${err.code}: ${err.message}` } };
    }
    if (err instanceof CoreError) throw err;
    return { ok: false, damage: { kind: 'unopenable', detail: err instanceof Error ? err.message : String(err) } };
  }
}

function openFresh(file: string): Sqlite {
  let db: Sqlite | undefined;
  try {
    // 0600 before SQLite creates it with the umask's 0644; its WAL and SHM take the same mode.
    createPrivateFile(file);
    db = new Database(file);
    configure(db);
    migrate(db);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof CoreError) throw err;
    throw new CoreError('storage', `Could not create the local database ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

// ------------------------------------------------------------------------------- setting aside

const SIDE_FILES = ['-wal', '-shm', '-journal'];

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

function freeName(base: string): string {
  let name = base;
  for (let n = 1; [name, ...SIDE_FILES.map((s) => name + s)].some((f) => existsSync(f)); n++) name = `${base}-${n}`;
  return name;
}

/**
 * Renames `file` and its -wal/-shm/-journal to `target` (+ the same suffixes, so SQLite still pairs
 * them when the set-aside file is opened).
 */
function setAside(file: string, target: string): void {
  try {
    // The main file first: a crash between renames leaves at worst an orphaned log, which the next
    // open sets aside too rather than letting SQLite replay it into a fresh database.
    moveWithSideFiles(file, target);
  } catch (err) {
    throw new CoreError('storage', `The local database is damaged and could not be moved aside (${err instanceof Error ? err.message : String(err)}).`, {
      cause: err,
    });
  }
}

function moveWithSideFiles(from: string, to: string): void {
  renameSync(from, to);
  for (const suffix of SIDE_FILES) if (existsSync(from + suffix)) renameSync(from + suffix, to + suffix);
}

function removeWithSideFiles(file: string): void {
  for (const f of [file, ...SIDE_FILES.map((s) => file + s)]) rmSync(f, { force: true });
}

/** A -wal/-shm without its database (a set-aside interrupted by a crash) must never meet a fresh file. */
function setAsideOrphanedLog(file: string): void {
  if (existsSync(file)) return;
  const orphans = SIDE_FILES.filter((s) => existsSync(file + s));
  if (orphans.length === 0) return;
  const target = freeName(`${file}.orphan-${stamp()}`);
  try {
    for (const suffix of orphans) renameSync(file + suffix, target + suffix);
  } catch (err) {
    throw new CoreError(
      'storage',
      `A leftover log file next to the local database could not be moved aside (${err instanceof Error ? err.message : String(err)}).`,
      { cause: err },
    );
  }
}

// ------------------------------------------------------------------------------- recovery

export type Recovery = {
  /** Outbox entries copied into the fresh database. */
  kept: number;
  /** Entries known to have existed that could not be read or no longer make sense. */
  lost: number;
  /** False when the old outbox could not be read completely, so `lost` may be an undercount. */
  complete: boolean;
  account: boolean;
};

type RecoveredEntry = {
  seq: number;
  action: string;
  conversationId: string;
  kind: string;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
};

/** Collects rows from a query until it fails; reports whether it ran to the end. */
function readUntilFailure(run: () => Iterable<unknown>, onRow: (row: Record<string, unknown>) => void): boolean {
  try {
    for (const row of run()) onRow(row as Record<string, unknown>);
    return true;
  } catch {
    return false;
  }
}

const intOr = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isSafeInteger(v) ? v : typeof v === 'bigint' ? Number(v) : fallback);

/**
 * Copies what still reads of the set-aside file's outbox (in seq order, original seqs kept) and its
 * account row into `fresh`. The table is read forwards and backwards (a damaged page stops a scan
 * but not the scan from the other end), then row by row for seqs the index still knows; the index
 * also says how many entries existed, so losses are counted rather than guessed.
 */
export function recoverInto(asideFile: string, fresh: Sqlite): Recovery {
  let old: Sqlite;
  try {
    old = new Database(asideFile, { readonly: true, fileMustExist: true });
  } catch {
    return { kept: 0, lost: 0, complete: false, account: false };
  }
  const rows = new Map<number, Record<string, unknown>>();
  const known = new Set<number>();
  let complete: boolean;
  let accountRow: Record<string, unknown> | undefined;
  try {
    try {
      old.pragma('busy_timeout = 1000');
    } catch {
      // Not a database at all; every read below fails the same way.
    }
    const add = (row: Record<string, unknown>): void => {
      const seq = intOr(row.seq, NaN);
      if (Number.isSafeInteger(seq)) rows.set(seq, row);
    };
    const indexComplete = readUntilFailure(
      () => old.prepare('SELECT seq FROM outbox INDEXED BY outbox_by_conversation').iterate(),
      (row) => {
        const seq = intOr(row.seq, NaN);
        if (Number.isSafeInteger(seq)) known.add(seq);
      },
    );
    const forwardComplete = readUntilFailure(() => old.prepare('SELECT * FROM outbox ORDER BY seq').iterate(), add);
    if (!forwardComplete) readUntilFailure(() => old.prepare('SELECT * FROM outbox ORDER BY seq DESC').iterate(), add);
    for (const seq of known) {
      if (!rows.has(seq)) readUntilFailure(() => old.prepare('SELECT * FROM outbox WHERE seq = ?').iterate(seq), add);
    }
    complete = forwardComplete || indexComplete;
    readUntilFailure(
      () => old.prepare('SELECT * FROM account LIMIT 1').iterate(),
      (row) => (accountRow = row),
    );
  } finally {
    try {
      old.close();
    } catch {
      // Nothing more to read from it.
    }
  }

  const entries: RecoveredEntry[] = [];
  let unreadable = 0;
  for (const [seq, row] of [...rows].sort((a, b) => a[0] - b[0])) {
    const action = decodeAction(row.action);
    if (!action.ok) {
      unreadable++;
      continue;
    }
    entries.push({
      seq,
      action: row.action as string,
      conversationId: action.value.conversationId,
      kind: action.value.kind,
      createdAt: intOr(row.created_at, Date.now()),
      attempts: Math.max(0, intOr(row.attempts, 0)),
      nextAttemptAt: intOr(row.next_attempt_at, 0),
      lastError: typeof row.last_error === 'string' ? row.last_error : null,
    });
  }
  const missing = [...known].filter((seq) => !rows.has(seq)).length;
  const decodedAccount = accountRow ? accountFromRow(accountRow) : null;
  const account: StoredAccount | null = decodedAccount?.ok ? decodedAccount.value : null;

  fresh
    .transaction(() => {
      const insert = fresh.prepare(
        `INSERT INTO outbox (seq, conversation_id, kind, action, created_at, attempts, next_attempt_at, last_error, in_flight)
         VALUES (@seq, @conversationId, @kind, @action, @createdAt, @attempts, @nextAttemptAt, @lastError, 0)`,
      );
      for (const e of entries) insert.run(e);
      if (account && accountRow) {
        fresh
          .prepare(
            `INSERT INTO account (id, server_url, userid, email, nick, fullname, rsakey, urls, listeners, server_version, saved_at)
             VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            account.serverUrl,
            account.userid,
            account.email,
            account.nick,
            account.fullname,
            account.rsakey,
            JSON.stringify(account.urls),
            JSON.stringify(account.listeners),
            account.serverVersion,
            intOr(accountRow.saved_at, Date.now()),
          );
      }
    })
    .immediate();

  return { kept: entries.length, lost: missing + unreadable, complete, account: account !== null };
}

// ------------------------------------------------------------------------------- telling the user

const changes = (n: number): string => `${n} unsent ${n === 1 ? 'change' : 'changes'}`;

export function noticeFor(damage: Damage, r: Recovery, asideName: string): string {
  const lead =
    damage.kind === 'newer'
      ? 'The local cache was written by a newer version of Ozeki Chat Desktop, so it has been set aside and rebuilt from the server'
      : damage.kind === 'unopenable'
        ? 'The local cache could not be opened and has been rebuilt from the server'
        : 'The local cache was damaged and has been rebuilt from the server';
  let outcome: string;
  if (r.complete) {
    if (r.kept === 0 && r.lost === 0) outcome = '';
    else if (r.lost === 0) outcome = `; your ${changes(r.kept)} ${r.kept === 1 ? 'was' : 'were'} kept`;
    else if (r.kept === 0) outcome = `; ${changes(r.lost)} could not be recovered`;
    else outcome = `; your ${changes(r.kept)} ${r.kept === 1 ? 'was' : 'were'} kept, but ${r.lost} could not be recovered`;
  } else if (r.kept === 0 && r.lost === 0) {
    outcome = '; its unsent changes could not be read, so changes you made while offline may have been lost';
  } else if (r.kept === 0) {
    outcome = `; at least ${changes(r.lost)} could not be recovered, and others may have been lost`;
  } else {
    outcome = `; your ${changes(r.kept)} ${r.kept === 1 ? 'was' : 'were'} kept, but ${r.lost > 0 ? `at least ${r.lost} could not be recovered and ` : ''}others may have been lost`;
  }
  return `${lead}${outcome}. The old file was kept as ${asideName}.`;
}
