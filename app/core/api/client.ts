/**
 * The main process's client of the Ozeki Chat HTTP API: login, then signed calls to the URLs the
 * server returned, each answer checked against the protocol's schemas and every failure turned into
 * a `CoreError` a person can act on. Transient failures are retried with backoff, each attempt
 * signed afresh (new timestamp and nonce), so the server's replay check never sees a repeat.
 *
 * Secrets: the API key and the signatures never appear in an error message or in an error's cause.
 * Whatever the server says is shown only after any copy of them has been blanked out.
 *
 * The class holds the session and the retry loop; the steps around one request live beside it:
 * addresses.ts (checking addresses and choosing a call's URL), request.ts (encoding and signing an
 * attempt), answers.ts (reading the answer) and scrub.ts (keeping secrets out of errors).
 */
import {
  API,
  CALLS,
  encodeChunkRequest,
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
import { refusedAddressError, requireHeaderValue, requireHttpUrl, urlForCall } from './addresses.js';
import { interpret } from './answers.js';
import { encodeAttempt } from './request.js';
import { DEFAULT_BACKOFF, withRetry, type BackoffPolicy, type RandomSource, type Sleep } from './retry.js';
import { clip, scrubError } from './scrub.js';
import { CancelledError, hostOf, post, type FetchLike } from './transport.js';

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

  /**
   * PROFILE: one chunk of a file's ciphertext to the file service (`fileChunk`: a signed JSON line,
   * then the bytes). Retried like any call, each attempt signed afresh.
   */
  async sendChunk(fileid: string, index: number, bytes: Uint8Array, opts: CallOptions & { scratch?: Buffer } = {}): Promise<ResponseOf<'fileChunk'>> {
    const session = this.requireSession();
    const credentials: Credentials = { station: session.station, user: session.userid, apikey: session.apikey };
    const encode = () => encodeChunkRequest({ fileid, index }, bytes, credentials, this.now(), opts.scratch);
    return this.run(
      'fileChunk',
      { fileid, index },
      credentials,
      urlForCall(session, 'fileChunk'),
      [session.apikey],
      opts.retries ?? this.callRetries,
      opts.signal,
      session,
      {
        encode,
      },
    );
  }

  /** PROFILE: one chunk of a finished file's ciphertext (`fileDownload` answers with the bytes). */
  async downloadChunk(fileid: string, index: number, opts: CallOptions = {}): Promise<Uint8Array> {
    const session = this.requireSession();
    const credentials: Credentials = { station: session.station, user: session.userid, apikey: session.apikey };
    return this.run(
      'fileDownload',
      { fileid, index },
      credentials,
      urlForCall(session, 'fileDownload'),
      [session.apikey],
      opts.retries ?? this.callRetries,
      opts.signal,
      session,
      {
        binary: true,
      },
    );
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
    wire: { encode?: () => { body: string | Uint8Array; headers: Record<string, string> }; binary?: boolean } = {},
  ): Promise<ResponseOf<N>> {
    const host = hostOf(url);
    const { sleep, random, onRetry, ...backoff } = this.retry;
    try {
      return await withRetry(
        async (attempt) => {
          if (session && this.session !== session) {
            throw new CoreError('not-signed-in', 'You were signed out before this request finished. Sign in again.');
          }
          const { body, headers } = wire.encode ? wire.encode() : encodeAttempt(name, payload, credentials, () => this.now(), attempt === 0);
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
            ...(wire.binary ? { binary: true } : {}),
          }).catch((err: unknown) => {
            throw scrubError(err, hidden);
          });
          // A file chunk is the answer itself; anything else (a JSON error) is read as usual.
          if (wire.binary && res.bytes && res.status >= 200 && res.status <= 299) return res.bytes as ResponseOf<N>;
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
}
