/**
 * `ozekichat://` links: `ozekichat://open?account=<email>&conversation=<32 lower hex>`, the
 * conversation optional. Anything can hand the app such a link (a web page, a chat message, a
 * command line), so it is parsed by hand, strictly, rather than with `URL`, which repairs what it
 * reads (drops tabs and newlines, turns `\` into `/`, decodes the host) and so could make two
 * different-looking links mean the same thing. Whatever is not exactly this form is refused with a
 * reason the user can read after "That link cannot be opened: ". The reasons never repeat what the
 * link says, so a crafted link cannot put words of its own into the notice.
 */

export const DEEP_LINK_SCHEME = 'ozekichat';

/**
 * Longer is not a link we made: the longest valid one (a 254-character address, every character
 * percent-encoded, and an id) is under 900 characters.
 */
export const MAX_DEEP_LINK_LENGTH = 1024;

export type DeepLink = { kind: 'open'; account: string; conversationId: string | null };
export type DeepLinkResult = { ok: true; link: DeepLink } | { ok: false; reason: string };

const CONVERSATION_ID = /^[0-9a-f]{32}$/;
/** RFC 5322's atext without `%` (see decodeValue), lower-case: what an address's local part is made of. */
const LOCAL_PART = /^[a-z0-9!#$&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const refuse = (reason: string): DeepLinkResult => ({ ok: false, reason });

/** Percent-decodes one value, once; a reason when it is not encoded the way a link we made is. */
function decodeValue(raw: string): { ok: true; value: string } | { ok: false; reason: string } {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch !== '%') {
      bytes.push(ch.charCodeAt(0)); // printable ASCII only, checked before
      continue;
    }
    const hex = raw.slice(i + 1, i + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) return { ok: false, reason: 'it is not encoded correctly (a % not followed by two hex digits).' };
    bytes.push(parseInt(hex, 16));
    i += 2;
  }
  let value: string;
  try {
    value = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return { ok: false, reason: 'it is not encoded correctly (not UTF-8).' };
  }
  // A `%` that survives one decoding was encoded twice: whatever reads it again would see something else.
  if (value.includes('%')) return { ok: false, reason: 'it is encoded twice, which hides what it says.' };
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value)) return { ok: false, reason: 'it hides control characters in its parameters.' };
  if (/[^\u0021-\u007e]/.test(value)) return { ok: false, reason: 'its parameters contain spaces or characters outside plain ASCII.' };
  return { ok: true, value };
}

function isEmail(address: string): boolean {
  if (address.length > 254) return false;
  const at = address.lastIndexOf('@');
  if (at <= 0 || address.indexOf('@') !== at) return false;
  const local = address.slice(0, at);
  const labels = address.slice(at + 1).split('.');
  return local.length <= 64 && LOCAL_PART.test(local) && labels.every((label) => DOMAIN_LABEL.test(label));
}

export function parseDeepLink(raw: string): DeepLinkResult {
  if (typeof raw !== 'string') return refuse('it is not a link.');
  if (raw === '') return refuse('it is empty.');
  if (raw.length > MAX_DEEP_LINK_LENGTH) return refuse('it is too long to be an Ozeki Chat link.');
  // Before anything else: a newline or a tab could make the link read differently in a log or a dialog.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u001f\u007f-\u009f]/.test(raw)) return refuse('it contains control characters.');
  if (/[^\u0021-\u007e]/.test(raw)) return refuse('it contains spaces or characters outside plain ASCII, which a link cannot have.');

  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(raw)?.[1];
  if (!scheme) return refuse('it is not a link.');
  if (scheme.toLowerCase() !== DEEP_LINK_SCHEME) return refuse(`it is not an Ozeki Chat link (${DEEP_LINK_SCHEME}://).`);
  const rest = raw.slice(scheme.length + 1);
  if (!rest.startsWith('//')) return refuse(`it is not in the form ${DEEP_LINK_SCHEME}://open?account=….`);
  if (rest.includes('#')) return refuse('it has a fragment (#…), which Ozeki Chat links never have.');

  const question = rest.indexOf('?');
  const beforeQuery = question < 0 ? rest.slice(2) : rest.slice(2, question);
  const query = question < 0 ? '' : rest.slice(question + 1);
  const slash = beforeQuery.indexOf('/');
  const authority = slash < 0 ? beforeQuery : beforeQuery.slice(0, slash);
  const path = slash < 0 ? '' : beforeQuery.slice(slash);

  if (authority.includes('@')) return refuse('it carries a user name or password, which Ozeki Chat links never have.');
  if (authority.includes(':')) return refuse('it names a port, which Ozeki Chat links never have.');
  if (authority.toLowerCase() !== 'open') return refuse(`it asks for something other than opening a conversation (${DEEP_LINK_SCHEME}://open).`);
  // Some launchers add a slash after the host (ozekichat://open/?…); nothing more is a path of ours.
  if (path !== '' && path !== '/') return refuse(`it has a path after ${DEEP_LINK_SCHEME}://open, which Ozeki Chat links never have.`);
  if (query === '') return refuse('it names no account.');

  const values = new Map<'account' | 'conversation', string>();
  for (const piece of query.split('&')) {
    const eq = piece.indexOf('=');
    if (piece === '' || eq <= 0) return refuse('it is malformed (a parameter without a name or a value).');
    const name = piece.slice(0, eq);
    if (name !== 'account' && name !== 'conversation') {
      return refuse('it has a parameter that this version does not understand.');
    }
    if (values.has(name)) return refuse(`it names the ${name} more than once.`);
    const decoded = decodeValue(piece.slice(eq + 1));
    if (!decoded.ok) return refuse(decoded.reason);
    values.set(name, decoded.value);
  }

  const account = values.get('account')?.toLowerCase();
  if (account === undefined || account === '') return refuse('it names no account.');
  if (!isEmail(account)) return refuse('its account is not an e-mail address.');
  const conversation = values.get('conversation');
  if (conversation !== undefined && !CONVERSATION_ID.test(conversation)) {
    return refuse('its conversation is not a conversation id (32 characters, 0-9 and a-f).');
  }
  return { ok: true, link: { kind: 'open', account, conversationId: conversation ?? null } };
}

/** The link for an account (and a conversation of it), as parseDeepLink reads it back. */
export function formatDeepLink(account: string, conversationId: string | null = null): string {
  const query = `account=${encodeURIComponent(account.toLowerCase())}${conversationId === null ? '' : `&conversation=${conversationId}`}`;
  return `${DEEP_LINK_SCHEME}://open?${query}`;
}

/**
 * The link on a command line: Windows and Linux start the app (or hand a second launch's argv to
 * the first) with it as an argument of its own. Flags (Chromium's, ours) are skipped; the link is
 * returned as it came, for parseDeepLink to accept or refuse with a reason.
 */
export function deepLinkFromArgv(argv: readonly string[]): string | null {
  const prefix = new RegExp(`^${DEEP_LINK_SCHEME}:`, 'i');
  for (const arg of argv) {
    if (typeof arg !== 'string' || arg.startsWith('-')) continue;
    if (prefix.test(arg)) return arg;
  }
  return null;
}
