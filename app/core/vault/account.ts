/**
 * Which account a secret (vault) or a station id (settings) belongs to: one user on one server.
 *
 * The key is `${userid}@${server}`, where `server` is the server URL normalised so the same server
 * typed two ways is one account:
 * - only `http:` and `https:` are accepted;
 * - scheme and host are lower-cased, the default port (80/443) is dropped (the WHATWG URL parser
 *   does both);
 * - user name and password in the URL are dropped (they must never end up in a key name);
 * - the query (`?…`) and fragment (`#…`) are dropped;
 * - trailing slashes of the path are dropped (the path keeps its case: paths are case-sensitive).
 *
 * `https://Chat.Example.com:443/api/?x=1` → `https://chat.example.com/api`.
 * The user id is used as given.
 */
import { CoreError } from '../errors.js';

export type AccountRef = { serverUrl: string; userid: string };

/** The server part of an account key; see the module comment for the rules. */
export function normalizeServerUrl(serverUrl: string): string {
  let url: URL;
  try {
    url = new URL(serverUrl.trim());
  } catch {
    // The address itself is not repeated: it may carry a user name and password.
    throw new CoreError('invalid-argument', 'The server address is not a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CoreError('invalid-argument', 'The server address must start with http:// or https://.');
  }
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

/** `${userid}@${normalised server}`: the keychain account name and the settings' station key. */
export function accountKey(account: AccountRef): string {
  if (typeof account.userid !== 'string' || account.userid === '') {
    throw new CoreError('invalid-argument', 'The account has no user id.');
  }
  return `${account.userid}@${normalizeServerUrl(account.serverUrl)}`;
}
