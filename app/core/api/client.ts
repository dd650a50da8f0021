/**
 * The main process's client of the Ozeki Chat HTTP API: login, then signed calls to the URLs the
 * server returned, each answer checked against the protocol's schemas and every failure turned into
 * a `CoreError` a person can act on. Transient failures are retried with backoff, each attempt
 * signed afresh (new timestamp and nonce), so the server's replay check never sees a repeat.
 *
 * Secrets: the API key and the signatures never appear in an error message or in an error's cause.
 * Whatever the server says is shown only after any copy of them has been blanked out.
 */
import { STATUS_CODES } from 'node:http';
import {
  API,
  CALLS,
  decodeResponse,
  encodeRequest,
  endpointUrl,
  HEADER,
  loginAddressProblem,
  needsInsecureConsent,
  refusedLoginAddress,
  type CallName,
  type Credentials,
  type LoginResponse,
  type PayloadOf,
  type ResponseOf,
} from '../../../protocol/index.js';
import { CoreError } from '../errors.js';
import { DEFAULT_BACKOFF, withRetry, type BackoffPolicy, type RandomSource, type Sleep } from './retry.js';
import { CancelledError, hostOf, post, type FetchLike, type TransportResponse } from './transport.js';

export type Session = {
  /** What the user typed, e.g. http://127.0.0.1:9080/ozeki/index.php; the fallback for missing `urls`. */
  baseUrl: string;
  /** This installation's `Ozeki-Station` for the account. */
  station: string;
  userid: string;
  /** The signing key. Kept only in memory here. */
  apikey: string;
  /** The login response's `urls` (key → absolute URL). */
  urls: Record<string, string>;
};

/** What a caller may see of the session: everything but the key. */
export type SessionInfo = Omit<Session, 'apikey'>;

export type RetrySettings = Partial<BackoffPolicy> & {
  sleep?: Sleep;
  random?: RandomSource;
  /** Called before each backoff wait (for logs); the error is already safe to show. */
  onRetry?: (info: { call: CallName; retry: number; delayMs: number; error: unknown }) => void;
};

export type ApiClientOptions = {
  fetch?: FetchLike;
  /** Per attempt; default 15 s. */
  timeoutMs?: number;
  retry?: RetrySettings;
  /** Retries of a call after the first attempt; default 3. */
  callRetries?: number;
  /** Retries of a login; default 2. */
  loginRetries?: number;
  /** The clock for request timestamps (ms since the epoch). */
  now?: () => number;
  maxResponseBytes?: number;
};

export type CallOptions = {
  /** Overrides the default number of retries (0: try once). */
  retries?: number;
  /** Cancels the call at once, including any backoff wait; it is never retried. */
  signal?: AbortSignal;
};

export type LoginOptions = CallOptions & {
  /**
   * The user accepted sending the API key unencrypted (plain http to a host that is not loopback).
   * Without it such a login is refused with 'insecure-connection' before anything is sent.
   */
  allowInsecure?: boolean;
};

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_CALL_RETRIES = 3;
export const DEFAULT_LOGIN_RETRIES = 2;

const MAX_SERVER_MESSAGE = 400;

export class ApiClient {
  private session: Session | null = null;
  private readonly fetchImpl: FetchLike | undefined;
  private readonly timeoutMs: number;
  private readonly retry: RetrySettings;
  private readonly callRetries: number;
  private readonly loginRetries: number;
  private readonly now: () => number;
  private readonly maxResponseBytes: number | undefined;

  constructor(opts: ApiClientOptions = {}) {
    this.fetchImpl = opts.fetch;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = opts.retry ?? {};
    this.callRetries = opts.callRetries ?? DEFAULT_CALL_RETRIES;
    this.loginRetries = opts.loginRetries ?? DEFAULT_LOGIN_RETRIES;
    this.now = opts.now ?? Date.now;
    this.maxResponseBytes = opts.maxResponseBytes;
  }

  /**
   * Login (`chatlogin`): binds `station` to the account whose key this is and returns the server's
   * validated answer (keys, `urls`, listeners). It does not start a session: store what you need,
   * then call `setSession`.
   *
   * Refused before anything is sent: plain http to a host that is not loopback, unless
   * `opts.allowInsecure` ('insecure-connection'). Refused after the answer: a login response naming an
   * address the profile's login-address rule does not accept ('invalid-response'); nothing is ever
   * sent there.
   */
  async login(baseUrl: string, station: string, apikey: string, opts: LoginOptions = {}): Promise<LoginResponse> {
    const base = requireHttpUrl(baseUrl, 'server address');
    if (needsInsecureConsent(base) && opts.allowInsecure !== true) {
      throw new CoreError(
        'insecure-connection',
        `The server address ${clip(base, 200)} starts with http://, so your API key would travel unencrypted to ${new URL(base).host}. Use https:// if the server offers it, or choose "Sign in anyway" if you trust this network.`,
      );
    }
    requireHeaderValue(station, 'station id');
    if (typeof apikey !== 'string' || apikey.trim() === '') {
      throw new CoreError('invalid-argument', 'Enter the API key your administrator gave you.');
    }
    if (apikey.length > 256) {
      throw new CoreError('invalid-argument', 'The API key is too long to be a valid key. Check that you copied only the key.');
    }
    const spec = CALLS.login;
    const url = endpointUrl(base, spec.service, API[spec.urlKey]);
    const login = await this.run('login', { apikey }, { station }, url, [apikey], opts.retries ?? this.loginRetries, opts.signal);
    const refused = refusedLoginAddress(base, login);
    if (refused) throw scrubError(refusedAddressError(base, refused), [apikey]);
    return login;
  }

  /** Starts signing calls as this account. */
  setSession(session: Session): void {
    requireHttpUrl(session.baseUrl, 'server address');
    requireHeaderValue(session.station, 'station id');
    requireHeaderValue(session.userid, 'user id');
    if (typeof session.apikey !== 'string' || session.apikey === '') {
      throw new CoreError('invalid-argument', 'The session has no API key. Sign in again.');
    }
    const urls: Record<string, string> = {};
    for (const [key, value] of Object.entries(session.urls ?? {})) {
      // An address the login-address rule refuses (kept from before the rule, say) is never used: the call goes to the base.
      if (typeof value === 'string' && loginAddressProblem(session.baseUrl, value) === null) urls[key] = value;
    }
    this.session = { baseUrl: session.baseUrl, station: session.station, userid: session.userid, apikey: session.apikey, urls };
  }

  /** Forgets the session; calls still waiting to retry stop with 'not-signed-in'. */
  clearSession(): void {
    this.session = null;
  }

  get signedIn(): boolean {
    return this.session !== null;
  }

  /** The current session without its key, or null. */
  get sessionInfo(): SessionInfo | null {
    if (!this.session) return null;
    const { apikey: _apikey, ...info } = this.session;
    return { ...info, urls: { ...info.urls } };
  }

  /** The URL a call goes to: the server's `urls` entry when it is an absolute http(s) URL, else built from the base. */
  urlFor(name: CallName): string {
    const session = this.requireSession();
    return urlForCall(session, name);
  }

  /** One signed call, retried on transient failures. Resolves with the validated answer. */
  async call<N extends CallName>(name: N, payload: PayloadOf<N>, opts: CallOptions = {}): Promise<ResponseOf<N>> {
    if (!(name in CALLS) || name === 'login') {
      throw new CoreError('internal', `"${String(name)}" is not a call this client can make; use login() to sign in.`);
    }
    const session = this.requireSession();
    const credentials: Credentials = { station: session.station, user: session.userid, apikey: session.apikey };
    return this.run(name, payload, credentials, urlForCall(session, name), [session.apikey], opts.retries ?? this.callRetries, opts.signal, session);
  }

  private requireSession(): Session {
    if (!this.session) throw new CoreError('not-signed-in', 'Nobody is signed in. Sign in to a server first.');
    return this.session;
  }

  private async run<N extends CallName>(
    name: N,
    payload: PayloadOf<N>,
    credentials: Credentials,
    url: string,
    secrets: string[],
    retries: number,
    signal: AbortSignal | undefined,
    session?: Session,
  ): Promise<ResponseOf<N>> {
    const host = hostOf(url);
    const { sleep, random, onRetry, ...backoff } = this.retry;
    try {
      return await withRetry(
        async (attempt) => {
          if (session && this.session !== session) {
            throw new CoreError('not-signed-in', 'You were signed out before this request finished. Sign in again.');
          }
          const { body, headers } = this.encode(name, payload, credentials, attempt === 0);
          const signature = headers[HEADER.signature];
          const hidden = signature ? [...secrets, signature] : secrets;
          const res = await post({
            url,
            body,
            headers,
            timeoutMs: this.timeoutMs,
            ...(signal ? { signal } : {}),
            ...(this.fetchImpl ? { fetch: this.fetchImpl } : {}),
            ...(this.maxResponseBytes !== undefined ? { maxResponseBytes: this.maxResponseBytes } : {}),
          }).catch((err: unknown) => {
            throw scrubError(err, hidden);
          });
          return interpret(name, res, host, hidden);
        },
        {
          retries,
          backoff: { ...DEFAULT_BACKOFF, ...backoff },
          ...(sleep ? { sleep } : {}),
          ...(random ? { random } : {}),
          ...(signal ? { signal } : {}),
          cancelled: (reason) => new CancelledError(host, reason),
          ...(onRetry ? { onRetry: (info) => onRetry({ call: name, ...info }) } : {}),
        },
      );
    } catch (err) {
      throw scrubError(err, secrets);
    }
  }

  /** Encodes (and signs) one attempt; the first one is also checked against the request schema. */
  private encode<N extends CallName>(
    name: N,
    payload: PayloadOf<N>,
    credentials: Credentials,
    check: boolean,
  ): { body: string; headers: Record<string, string> } {
    let encoded: { body: string; headers: Record<string, string> };
    try {
      encoded = encodeRequest(name, payload, credentials, this.now());
    } catch {
      throw new CoreError('invalid-argument', `The ${name} request could not be prepared: the sign-in details are incomplete. Sign in again.`);
    }
    if (check) {
      const parsed = CALLS[name].request.safeParse(JSON.parse(encoded.body));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue && issue.path.length ? ` field ${issue.path.join('.')}` : '';
        throw new CoreError(
          'invalid-argument',
          `The ${name} request was not sent: its${where || ' content'} is not valid (${issue?.message ?? 'unexpected shape'}).`,
        );
      }
    }
    return encoded;
  }
}

// -------------------------------------------------------------------------------------------------
// Addresses
// -------------------------------------------------------------------------------------------------

function isHttpUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) return null;
    return url;
  } catch {
    return null;
  }
}

function requireHttpUrl(text: unknown, what: string): string {
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
function refusedAddressError(base: string, refused: { where: string; address: string; problem: string }): CoreError {
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

function requireHeaderValue(text: unknown, what: string): void {
  if (typeof text !== 'string' || !/^[\x21-\x7e]{1,256}$/.test(text)) {
    throw new CoreError('invalid-argument', `The ${what} is missing or not valid. Sign in again.`);
  }
}

function urlForCall(session: Session, name: CallName): string {
  const spec = CALLS[name];
  const given = session.urls[spec.urlKey];
  if (given && isHttpUrl(given)) return given;
  return endpointUrl(session.baseUrl, spec.service, API[spec.urlKey]);
}

// -------------------------------------------------------------------------------------------------
// Answers
// -------------------------------------------------------------------------------------------------

function statusLabel(status: number): string {
  const text = STATUS_CODES[status];
  return text ? `HTTP ${status} (${text})` : `HTTP ${status}`;
}

const isTransientStatus = (status: number): boolean => status === 408 || status === 429 || (status >= 500 && status <= 599);

/** Turns one HTTP answer into the call's validated response, or throws the matching `CoreError`. */
function interpret<N extends CallName>(name: N, res: TransportResponse, host: string, secrets: string[]): ResponseOf<N> {
  const { status } = res;
  let json: unknown;
  let isJson: boolean;
  try {
    json = JSON.parse(res.text);
    isJson = true;
  } catch {
    isJson = false;
  }
  const errorMessage = isJson ? serverErrorMessage(json, secrets) : undefined;
  const opts = (transient: boolean) => ({ transient, httpStatus: status });

  if (status >= 200 && status <= 299) {
    if (!isJson) throw notJson(res, host);
    const decoded = decodeResponse(name, json);
    if (decoded.ok) return decoded.value;
    if (decoded.kind === 'refused') {
      throw new CoreError('refused', scrub(decoded.message, secrets), opts(false));
    }
    throw new CoreError(
      'invalid-response',
      `${scrub(decoded.message, secrets).replace(/\.$/, '')} (from ${host}, ${name}). The server may run a version this app does not support.`,
      opts(false),
    );
  }

  if (status >= 300 && status <= 399) {
    const where = res.location ? ` to ${clip(scrub(res.location, secrets), 200)}` : '';
    throw new CoreError(
      'http-status',
      `The server at ${host} redirected the request${where} (${statusLabel(status)}). Use the address it points to as the server address.`,
      opts(false),
    );
  }

  if (status === 401 && errorMessage !== undefined) {
    if (name === 'login') {
      throw new CoreError(
        'unauthorized',
        `The server did not accept this API key. Check that you copied the whole key, or ask your administrator for a new one. (The server at ${host} said: ${errorMessage})`,
        opts(false),
      );
    }
    throw new CoreError('unauthorized', `The server at ${host} no longer accepts this sign-in: ${errorMessage} Sign in again if it persists.`, opts(false));
  }

  if (status === 409 && errorMessage !== undefined && name !== 'workspaceRegister') {
    throw new CoreError('stale-instance', errorMessage, opts(false));
  }

  if (isTransientStatus(status)) {
    if (errorMessage !== undefined) throw new CoreError('refused', errorMessage, opts(true));
    throw new CoreError(
      'http-status',
      `The server at ${host} answered with ${statusLabel(status)}. The server, or a proxy in front of it, is having trouble; try again later.`,
      opts(true),
    );
  }

  if (status >= 400 && status <= 499 && errorMessage !== undefined) {
    throw new CoreError('refused', errorMessage, opts(false));
  }

  throw new CoreError(
    'http-status',
    `The server at ${host} answered with ${statusLabel(status)} instead of an API answer. Check the server address (it usually ends in /ozeki/index.php).`,
    opts(false),
  );
}

/** The profile's error body `{status: "<not OK>", errormessage}`: the sentence to show, or undefined. */
function serverErrorMessage(json: unknown, secrets: string[]): string | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const { status, errormessage } = json as { status?: unknown; errormessage?: unknown };
  if (typeof status !== 'string' || status === 'OK') return undefined;
  const text = typeof errormessage === 'string' ? clip(scrub(errormessage, secrets), MAX_SERVER_MESSAGE) : '';
  if (!text) return `The server refused the request (status ${clip(JSON.stringify(scrub(status, secrets)), 40)}).`;
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function notJson(res: TransportResponse, host: string): CoreError {
  const opts = { transient: true, httpStatus: res.status };
  if (res.text.trim() === '') {
    return new CoreError('invalid-response', `The server at ${host} sent an empty answer. Try again; if it keeps happening, check the server address.`, opts);
  }
  if (/html/i.test(res.contentType) || /^\s*</.test(res.text)) {
    return new CoreError(
      'invalid-response',
      `The server at ${host} answered with a web page instead of an API answer. Check the server address (it usually ends in /ozeki/index.php).`,
      opts,
    );
  }
  return new CoreError('invalid-response', `The answer from ${host} is not valid JSON; it may have been cut off. Try again.`, opts);
}

// -------------------------------------------------------------------------------------------------
// Keeping secrets out of errors
// -------------------------------------------------------------------------------------------------

function clip(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 8) continue;
    out = out.replace(new RegExp(secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), '[hidden]');
  }
  return out;
}

function containsSecret(text: string, secrets: readonly string[]): boolean {
  const lower = text.toLowerCase();
  return secrets.some((s) => s.length >= 8 && lower.includes(s.toLowerCase()));
}

/**
 * Makes sure an error leaving the client carries no secret: the message is scrubbed, and a cause
 * that mentions one anywhere is dropped.
 */
function scrubError(err: unknown, secrets: readonly string[]): unknown {
  if (!(err instanceof CoreError)) {
    return new CoreError('internal', 'Something went wrong inside the app while talking to the server. Try again; if it keeps happening, restart the app.');
  }
  let text = err.message;
  let causeText: string;
  try {
    causeText = err.cause === undefined ? '' : describe(err.cause);
  } catch {
    causeText = '';
  }
  if (!containsSecret(text, secrets) && !containsSecret(causeText, secrets)) return err;
  text = scrub(text, secrets);
  const cleaned =
    err instanceof CancelledError
      ? Object.assign(new CancelledError(), { message: text })
      : new CoreError(err.code, text, { transient: err.transient, ...(err.httpStatus === undefined ? {} : { httpStatus: err.httpStatus }) });
  return cleaned;
}

function describe(value: unknown, depth = 0): string {
  if (depth > 4 || value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value !== 'object') return String(value);
  const parts: string[] = [];
  if (value instanceof Error) parts.push(value.message, value.stack ?? '');
  for (const key of Object.getOwnPropertyNames(value)) {
    if (key === 'stack' || key === 'message') continue;
    try {
      parts.push(describe((value as Record<string, unknown>)[key], depth + 1));
    } catch {
      // getters that throw are not secrets
    }
  }
  return parts.join(' ');
}
