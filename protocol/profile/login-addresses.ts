/**
 * PROFILE (ours, not Ozeki's): which addresses from a login response a client follows, and which
 * sign-in addresses need the user's explicit consent.
 *
 * Ozeki documents that, after login, clients use the absolute URLs the server returned (`urls`,
 * `listeners`). It does not say what a client should do when those name another machine, or drop
 * from https to http. Every later call is signed with the API key and the push socket authenticates
 * with it, so following such an address would hand the key's signatures (and, over http, the
 * traffic) to whoever wrote the answer: a proxy, a captive portal, a misconfigured server.
 *
 * PROFILE CHOICE: a client accepts a login address only
 * - on the sign-in URL's host (compared case-insensitively; the port may differ, since Ozeki's own
 *   example puts the WebSocket listeners on other ports), and
 * - after an https sign-in, only with `https:` or `wss:`; after an http one, with `http:`, `https:`,
 *   `ws:`, `wss:` or `udp:`.
 * `""` means "not offered" (the reference server's `udp` and `wss`) and is no address at all.
 * Anything else refuses the whole sign-in: nothing is sent to the refused address.
 *
 * PROFILE CHOICE: only the addresses a client will contact are checked, since only those can leak
 * anything: every `urls` entry, a `fileserver` URL, and the one push listener it picks
 * (`pushListener`: `wss` after an https sign-in; `ws`, or else `wss`, after an http one). `udp`,
 * which this client does not speak, and the listener it does not pick are never contacted, so
 * Ozeki's own example (`udp`, `ws` and `wss` side by side) still signs in over https.
 *
 * PROFILE CHOICE: signing in over plain `http://` to a host that is not loopback (127.0.0.0/8, ::1,
 * `localhost`) sends the API key unencrypted, so a client asks the user first.
 *
 * Pure functions: no I/O, no clock.
 */

/** Why a login address is not followed. */
export type LoginAddressProblem =
  /** Not an absolute URL with a host (or it carries a user name or password). */
  | 'not-an-address'
  /** On another host than the sign-in URL. */
  | 'other-host'
  /** A scheme that is not allowed here: after an https sign-in, anything but https and wss. */
  | 'not-encrypted';

export type LoginAddress = {
  /** Where in the login response it is, e.g. `urls.conversation`, `listeners.ws`, `fileserver`. */
  where: string;
  address: string;
};

export type RefusedLoginAddress = LoginAddress & { problem: LoginAddressProblem };

/** What of a login response names addresses (the documented `urls` and `listeners`, and a `fileserver` URL if any). */
export type LoginAddressSource = {
  urls?: Record<string, unknown> | null | undefined;
  listeners?: Record<string, unknown> | null | undefined;
  fileserver?: unknown;
};

const AFTER_HTTPS = new Set(['https:', 'wss:']);
const AFTER_HTTP = new Set(['http:', 'https:', 'ws:', 'wss:', 'udp:']);

function parse(text: string): URL | null {
  if (typeof text !== 'string' || text.trim() !== text || text === '') return null;
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** The host name as compared here: lower case, without a trailing dot (`Example.COM.` = `example.com`). */
function hostKey(url: URL): string {
  return url.hostname.toLowerCase().replace(/\.$/, '');
}

/**
 * True for a loopback host name as `URL.hostname` gives it: `localhost`, 127.0.0.0/8, `[::1]`, and
 * IPv4-mapped 127.0.0.0/8 (`[::ffff:7f00:1]`).
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost') return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  if (host === '[::1]') return true;
  return /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host);
}

/**
 * PROFILE CHOICE: true when signing in at `signInUrl` would send the API key unencrypted to another
 * machine (`http:` to a host that is not loopback), so the user must say "Sign in anyway" first.
 * False for https, for loopback http, and for text that is not an http(s) URL (refused elsewhere).
 */
export function needsInsecureConsent(signInUrl: string): boolean {
  const url = parse(signInUrl.trim());
  return url !== null && url.protocol === 'http:' && !isLoopbackHost(url.hostname);
}

/**
 * PROFILE CHOICE: whether a client that signed in at `signInUrl` may use `address` from the login
 * response. Null when it may; otherwise why not.
 */
export function loginAddressProblem(signInUrl: string, address: string): LoginAddressProblem | null {
  const base = parse(signInUrl.trim());
  if (!base || (base.protocol !== 'http:' && base.protocol !== 'https:')) return 'other-host';
  const url = parse(address);
  if (!url || url.hostname === '' || url.username !== '' || url.password !== '') return 'not-an-address';
  if (hostKey(url) !== hostKey(base)) return 'other-host';
  const allowed = base.protocol === 'https:' ? AFTER_HTTPS : AFTER_HTTP;
  if (!allowed.has(url.protocol)) return base.protocol === 'https:' ? 'not-encrypted' : 'not-an-address';
  return null;
}

const offered = (value: unknown): value is string => typeof value === 'string' && value !== '';

/**
 * PROFILE CHOICE: the push listener a client signed in at `signInUrl` connects to, or null when
 * none fits: after an https sign-in only a `wss:` address (from `wss`, else from `ws`; a plain
 * `ws:` one is never used: the client polls instead); after an http sign-in `ws`, else `wss`.
 */
export function pushListener(signInUrl: string, listeners: Record<string, unknown> | null | undefined): LoginAddress | null {
  const secure = parse(signInUrl.trim())?.protocol === 'https:';
  for (const key of secure ? ['wss', 'ws'] : ['ws', 'wss']) {
    const value = listeners?.[key];
    if (!offered(value)) continue;
    // After https only an encrypted socket will do, whichever key names it: a server behind a TLS
    // proxy may hand out `wss://` under `ws` (the reference server does).
    if (secure && parse(value)?.protocol !== 'wss:') continue;
    return { where: `listeners.${key}`, address: value };
  }
  return null;
}

/**
 * Every address of a login response that a client signed in at `signInUrl` will contact, in a fixed
 * order: the `urls` entries, the push listener it picks, the `fileserver`. `""` (not offered) is
 * left out, and so is anything that is not a string: nothing could follow it.
 */
export function loginAddresses(signInUrl: string, login: LoginAddressSource): LoginAddress[] {
  const out: LoginAddress[] = [];
  const add = (where: string, value: unknown): void => {
    if (offered(value)) out.push({ where, address: value });
  };
  for (const [key, value] of Object.entries(login.urls ?? {})) add(`urls.${key}`, value);
  const push = pushListener(signInUrl, login.listeners);
  if (push) out.push(push);
  add('fileserver', login.fileserver);
  return out;
}

/** The first address of a login response that a client signed in at `signInUrl` must not follow, or null. */
export function refusedLoginAddress(signInUrl: string, login: LoginAddressSource): RefusedLoginAddress | null {
  for (const entry of loginAddresses(signInUrl, login)) {
    const problem = loginAddressProblem(signInUrl, entry.address);
    if (problem) return { ...entry, problem };
  }
  return null;
}
