/**
 * The addresses the client sends to and the values it puts in headers, checked before anything is
 * sent: only http(s) URLs without credentials in them, header values of printable ASCII, and each
 * call's URL taken from the login's `urls` when it names a usable one. The refusal of a login that
 * points elsewhere is worded here too, since it names both addresses.
 */
import { API, CALLS, endpointUrl, type CallName } from '../../../protocol/index.js';
import { CoreError } from '../errors.js';
import { clip } from './scrub.js';

/** The URL, when `text` is an http(s) address without a user name or password in it. */
function isHttpUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) return null;
    return url;
  } catch {
    return null;
  }
}

/** `text` as a normalized http(s) URL, or an 'invalid-argument' error that shows what one looks like. */
export function requireHttpUrl(text: unknown, what: string): string {
  if (typeof text !== 'string' || !text.trim()) {
    throw new CoreError('invalid-argument', `Enter the ${what}, for example http://127.0.0.1:9080/ozeki/index.php.`);
  }
  const url = isHttpUrl(text.trim());
  if (!url) {
    throw new CoreError(
      'invalid-argument',
      `The ${what} must be a web address starting with http:// or https:// (without a user name or password), for example http://127.0.0.1:9080/ozeki/index.php.`,
    );
  }
  return url.toString();
}

/** The sign-in refusal for a login response that names an address the app will not follow; it names both addresses. */
export function refusedAddressError(base: string, refused: { where: string; address: string; problem: string }): CoreError {
  const signIn = clip(base, 200);
  const address = clip(refused.address, 200);
  let why: string;
  if (refused.problem === 'other-host') {
    why = `which is not on ${new URL(base).hostname}, the host you signed in to`;
  } else if (refused.problem === 'not-encrypted') {
    why = 'which is not encrypted (only https:// and wss:// are followed after signing in over https)';
  } else {
    why = 'which is not an address the app can use';
  }
  return new CoreError(
    'invalid-response',
    `Not signed in: the server at ${signIn} told the app to send later requests to ${address} (${refused.where}), ${why}. The app sent nothing there. Ask the server's administrator to check the public address the server hands out.`,
  );
}

/** Refuses a value that cannot go in a header as it is (1-256 printable ASCII characters). */
export function requireHeaderValue(text: unknown, what: string): void {
  if (typeof text !== 'string' || !/^[\x21-\x7e]{1,256}$/.test(text)) {
    throw new CoreError('invalid-argument', `The ${what} is missing or not valid. Sign in again.`);
  }
}

/** Where a session's call goes: its `urls` entry when that is an absolute http(s) URL, else built from the base. */
export function urlForCall(session: { baseUrl: string; urls: Record<string, string> }, name: CallName): string {
  const spec = CALLS[name];
  const given = session.urls[spec.urlKey];
  if (given && isHttpUrl(given)) return given;
  return endpointUrl(session.baseUrl, spec.service, API[spec.urlKey]);
}
