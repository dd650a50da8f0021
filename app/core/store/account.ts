/**
 * The signed-in account's row: what the login call said about the account, how it is saved, and
 * how a row is read back without trusting it. The reading is shared with recovery, which copies
 * the account out of a set-aside (damaged) file.
 */
import { loginResponseSchema, type LoginResponse } from '../../../protocol/index.js';
import type { StoreConnection } from './connection.js';
import { decodeStringRecord, parseJson, type Decoded } from './decode.js';

/** The signed-in account as the login call described it. */
export type StoredAccount = {
  serverUrl: string;
  userid: string;
  email: string;
  nick: string;
  fullname: string;
  /** The private key PEM exactly as the server sent it: still sealed with the encryption password. */
  rsakey: string;
  urls: Record<string, string>;
  listeners: LoginResponse['listeners'];
  /** The login response's `server` field. */
  serverVersion: string;
};

const listenersSchema = loginResponseSchema.shape.listeners;

export function accountFromLogin(serverUrl: string, email: string, login: LoginResponse): StoredAccount {
  return {
    serverUrl,
    userid: login.userid,
    email,
    nick: login.nick,
    fullname: login.fullname,
    rsakey: login.rsakey,
    urls: login.urls,
    listeners: login.listeners,
    serverVersion: login.server,
  };
}

/** Reads an `account` row (from this schema or a set-aside file) into a `StoredAccount`. */
export function accountFromRow(row: Record<string, unknown>): Decoded<StoredAccount> {
  const text = (k: string): string | undefined => (typeof row[k] === 'string' ? (row[k] as string) : undefined);
  const serverUrl = text('server_url');
  const userid = text('userid');
  const email = text('email');
  const nick = text('nick');
  const fullname = text('fullname');
  const rsakey = text('rsakey');
  const serverVersion = text('server_version');
  if (
    serverUrl === undefined ||
    userid === undefined ||
    email === undefined ||
    nick === undefined ||
    fullname === undefined ||
    rsakey === undefined ||
    serverVersion === undefined
  ) {
    return { ok: false, reason: 'the account row is missing text columns' };
  }
  const urls = decodeStringRecord(row.urls);
  if (!urls.ok) return { ok: false, reason: `urls: ${urls.reason}` };
  const listenersJson = parseJson(row.listeners);
  if (!listenersJson.ok) return { ok: false, reason: `listeners: ${listenersJson.reason}` };
  const listeners = listenersSchema.safeParse(listenersJson.value);
  if (!listeners.success) return { ok: false, reason: 'listeners: not the login response shape' };
  return { ok: true, value: { serverUrl, userid, email, nick, fullname, rsakey, urls: urls.value, listeners: listeners.data, serverVersion } };
}

/** Saves the account as the one row of the `account` table. */
export function saveAccount(conn: StoreConnection, account: StoredAccount): void {
  conn.guard('save the account', () =>
    conn
      .stmt(
        `INSERT INTO account (id, server_url, userid, email, nick, fullname, rsakey, urls, listeners, server_version, saved_at)
         VALUES (1, @serverUrl, @userid, @email, @nick, @fullname, @rsakey, @urls, @listeners, @serverVersion, @savedAt)
         ON CONFLICT (id) DO UPDATE SET server_url = excluded.server_url, userid = excluded.userid, email = excluded.email,
           nick = excluded.nick, fullname = excluded.fullname, rsakey = excluded.rsakey, urls = excluded.urls,
           listeners = excluded.listeners, server_version = excluded.server_version, saved_at = excluded.saved_at`,
      )
      .run({
        serverUrl: account.serverUrl,
        userid: account.userid,
        email: account.email,
        nick: account.nick,
        fullname: account.fullname,
        rsakey: account.rsakey,
        urls: JSON.stringify(account.urls),
        listeners: JSON.stringify(account.listeners),
        serverVersion: account.serverVersion,
        savedAt: conn.now(),
      }),
  );
}

/** The saved account, or `null` when nobody is signed in (or the row does not read). */
export function loadAccount(conn: StoreConnection): StoredAccount | null {
  const row = conn.guard('read the account', () => conn.stmt('SELECT * FROM account WHERE id = 1').get() as Record<string, unknown> | undefined);
  if (!row) return null;
  const account = conn.skip('account', '1', accountFromRow(row));
  return account ?? null;
}
