/**
 * Getting the user's unsent changes and account out of a database file that was set aside as
 * damaged. Whatever still reads is copied into the fresh database; what does not is counted, so the
 * user can be told how much was kept and how much was lost.
 */
import { isPlainDatabase, openKeyed, openPlain } from './cipher.js';
import { accountFromRow, type StoredAccount } from './account.js';
import type { Sqlite } from './connection.js';
import { decodeAction } from './decode.js';

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
 * also says how many entries existed, so losses are counted rather than guessed. The set-aside file
 * is read with `key`, or as it is when it is a plain file of version 0.1; under a key that is not
 * its own nothing reads, and that is counted the same way.
 */
export function recoverInto(asideFile: string, fresh: Sqlite, key: Buffer): Recovery {
  let old: Sqlite;
  try {
    const options = { readonly: true, fileMustExist: true };
    old = isPlainDatabase(asideFile) ? openPlain(asideFile, options) : openKeyed(asideFile, key, options);
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
