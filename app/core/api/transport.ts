/**
 * One HTTP POST with a time limit, over Node's global `fetch` (or an injected one). It knows nothing
 * about the protocol: it returns the status, the body text and the content type, and turns every way
 * the exchange itself can fail into a `CoreError` whose message names the server.
 *
 * - Connection failures (refused, DNS, reset) → 'network', transient. An untrusted TLS certificate is
 *   'network' too, but not transient: trying again will not fix it.
 * - No complete answer within `timeoutMs` (headers and body together) → 'timeout', transient.
 * - The answer cut off while arriving → 'invalid-response', transient (the connection was cut).
 * - The caller's `signal` aborting → `CancelledError`, never transient, so nothing retries it.
 *
 * Redirects are not followed: `fetch` would turn a redirected POST into a GET. A 3xx comes back as
 * a status for the caller to report.
 */
import { CoreError } from '../errors.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export type TransportResponse = {
  status: number;
  /** The body as UTF-8 text (what `Response.text()` would give); "" when `bytes` holds it. */
  text: string;
  /** The body's bytes, when the request asked for them (`binary`) and the answer is not JSON. */
  bytes?: Uint8Array;
  /** The Content-Type header, or "" when there is none. */
  contentType: string;
  /** The Location header of a redirect, or "" when there is none. */
  location: string;
};

export type PostRequest = {
  url: string;
  body: string | Uint8Array;
  headers: Record<string, string>;
  /** Keep an `application/octet-stream` answer as bytes (profile file downloads). */
  binary?: boolean;
  /** The whole exchange (connect, headers, body) must finish within this many milliseconds. */
  timeoutMs: number;
  /** Cancels the request; the promise then rejects with a `CancelledError`. */
  signal?: AbortSignal;
  fetch?: FetchLike;
  /** Answers longer than this are refused ('invalid-response', not transient). */
  maxResponseBytes?: number;
};

export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * A request the caller cancelled through its AbortSignal. It is a `CoreError` (code 'network', never
 * transient: errors.ts has no code of its own for it yet) named 'AbortError', like a DOM abort, so
 * code that already checks `err.name === 'AbortError'` keeps working. Use `isCancelled(err)`.
 */
export class CancelledError extends CoreError {
  constructor(host?: string, reason?: unknown) {
    super('network', host ? `The request to ${host} was cancelled.` : 'The request was cancelled.', {
      transient: false,
      ...(reason === undefined ? {} : { cause: reason }),
    });
    this.name = 'AbortError';
  }
}

export function isCancelled(err: unknown): err is CancelledError {
  return err instanceof CancelledError;
}

/** "host:port" of a URL, for messages; the URL itself when it does not parse. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/** Sends one POST and reads the whole answer. Rejects only with `CoreError`s. */
export async function post(req: PostRequest): Promise<TransportResponse> {
  const host = hostOf(req.url);
  const external = req.signal;
  if (external?.aborted) throw new CancelledError(host, external.reason);

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, req.timeoutMs);
  const onExternalAbort = (): void => controller.abort();
  external?.addEventListener('abort', onExternalAbort, { once: true });

  const failure = (err: unknown, phase: 'connect' | 'read'): CoreError => {
    if (external?.aborted) return new CancelledError(host, external.reason);
    if (timedOut) {
      const seconds = Math.round(req.timeoutMs / 100) / 10;
      return new CoreError('timeout', `The server at ${host} did not answer within ${seconds} seconds. It may be busy or the network slow; try again later.`, {
        transient: true,
      });
    }
    if (err instanceof CoreError) return err;
    return phase === 'connect' ? connectionError(host, err) : cutOffError(host, err);
  };

  try {
    let res: Response;
    try {
      res = await (req.fetch ?? fetch)(req.url, {
        method: 'POST',
        ...bodyOf(req),
        signal: controller.signal,
        redirect: 'manual',
      });
    } catch (err) {
      throw failure(err, 'connect');
    }
    const contentType = res.headers.get('content-type') ?? '';
    let body: Buffer;
    try {
      body = await readBody(res, req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, host);
    } catch (err) {
      throw failure(err, 'read');
    }
    const asBytes = req.binary === true && /^application\/octet-stream\b/i.test(contentType);
    return {
      status: res.status,
      text: asBytes ? '' : new TextDecoder('utf-8').decode(body),
      ...(asBytes ? { bytes: body } : {}),
      contentType,
      location: res.headers.get('location') ?? '',
    };
  } finally {
    clearTimeout(timer);
    external?.removeEventListener('abort', onExternalAbort);
  }
}

/**
 * The body as fetch takes it. Bytes go as a one-chunk stream: fetch copies a buffer body first (the
 * Fetch standard's "copy of the bytes"), and a file sent a chunk at a time would leave a copy of
 * itself behind as garbage. The length is given, so the server still sees a Content-Length.
 */
function bodyOf(req: PostRequest): { body: string | ReadableStream<Uint8Array>; headers: Record<string, string>; duplex?: 'half' } {
  if (typeof req.body === 'string') return { body: req.body, headers: req.headers };
  const bytes = req.body;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  return { body, headers: { ...req.headers, 'Content-Length': String(bytes.byteLength) }, duplex: 'half' };
}

async function readBody(res: Response, maxBytes: number, host: string): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new CoreError(
        'invalid-response',
        `The answer from ${host} is larger than ${Math.round(maxBytes / (1024 * 1024))} MiB, more than any API answer should be. Check the server address.`,
      );
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/** The system error code behind a fetch failure (undici wraps it in `cause`, sometimes an AggregateError). */
function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'ERR_INVALID_ARG_TYPE') return code;
    const inner = (e as { errors?: unknown[] }).errors?.[0];
    e = (e as { cause?: unknown }).cause ?? inner;
  }
  return undefined;
}

const CERTIFICATE_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function connectionError(host: string, err: unknown): CoreError {
  const code = errorCode(err);
  if (!code && err instanceof Error && err.cause instanceof Error && err.cause.message === 'bad port') {
    // fetch refuses the ports the Fetch standard blocks (1, 25, 6000, 6667, ...) without trying them.
    return new CoreError(
      'network',
      `The server address ${host} uses a port that this app is not allowed to connect to. Run the server on another port (9080, for example).`,
      { transient: false, cause: err },
    );
  }
  const hostname = host.replace(/:\d+$/, '');
  const transient = (message: string): CoreError => new CoreError('network', message, { transient: true, cause: err });
  switch (code) {
    case 'ECONNREFUSED':
      return transient(`Could not connect to the server at ${host}: the connection was refused. Check the server address and that the server is running.`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return transient(`Could not find the server ${hostname}. Check the server address and your internet connection.`);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return transient(`The connection to the server at ${host} was cut. Check your network connection and try again.`);
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return transient(`Could not connect to the server at ${host} in time. Check your network connection and the server address.`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENETDOWN':
      return transient(`The network cannot reach the server at ${host}. Check your network connection.`);
    default:
      if (code && (CERTIFICATE_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL'))) {
        return new CoreError(
          'network',
          `The secure connection to ${host} failed: the server's certificate is not trusted (${code}). Check the server address, or ask your administrator about the certificate.`,
          { transient: false, cause: err },
        );
      }
      return transient(`Could not reach the server at ${host}${code ? ` (${code})` : ''}. Check the server address and your network connection.`);
  }
}

function cutOffError(host: string, err: unknown): CoreError {
  return new CoreError('invalid-response', `The answer from ${host} was cut off before it was complete; the connection may have dropped. Try again.`, {
    transient: true,
    cause: err,
  });
}
