/**
 * One HTTP request from bytes to answer: path and method, size limit, the body (JSON, or a file
 * chunk's header line and bytes; framing.ts), which call, who is calling, the request schema, then
 * the handler in one transaction. The answer is JSON, or bytes for a call whose CallSpec.wire says
 * so. Every refusal is the profile's JSON error; nothing internal ever reaches the client.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_PATH, HTTP_STATUS, MAX_BODY_BYTES, PUSH_PATH, type CallName } from '../../../protocol/index.js';
import { ApiError, badRequest } from '../api-error.js';
import { authenticate } from '../auth.js';
import { ChangeFeed, type Poke } from '../changes.js';
import { CommitGroup } from '../commit-group.js';
import type { Store } from '../db/store.js';
import { HANDLERS } from '../handlers/index.js';
import type { BytesAnswer, HandlerContext } from '../handlers/context.js';
import type { Presence } from '../presence.js';
import { BodyAbortedError, BodyTooLargeError, discardRest, readBody } from './body.js';
import { readRequest } from './framing.js';
import { sendBytes, sendError, sendJson } from './respond.js';

export type PipelineDeps = {
  store: Store;
  presence: Presence;
  poke: Poke;
  serverVersion: string;
  /** Fixed public base URL, or null to answer with the Host the client used. */
  publicUrl: string | null;
  /**
   * Build the login addresses from `X-Forwarded-Proto` / `X-Forwarded-Host` when a request carries
   * them (`--trust-proxy`: only behind a proxy that sets them). Otherwise those headers are ignored.
   */
  trustProxy?: boolean;
  localPort: () => number;
  isClosing: () => boolean;
  /** What one user may keep in the file service (ciphertext bytes). */
  fileQuotaBytes: number;
  log: (line: string) => void;
};

const API_PATHS = new Set([API_PATH, '/']);
const HOST_HEADER = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** The first value of a header a proxy may have repeated or listed (`a, b`), or undefined. */
function firstValue(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  const first = text?.split(',')[0]?.trim();
  return first ? first : undefined;
}

/**
 * `X-Forwarded-Proto` / `X-Forwarded-Host` as the first proxy set them; each one that is missing or
 * not valid (a scheme other than http/https, a host that is not a host) is left out.
 */
function forwardedOrigin(req: IncomingMessage): { proto?: 'http' | 'https'; host?: string } {
  const out: { proto?: 'http' | 'https'; host?: string } = {};
  const proto = firstValue(req.headers['x-forwarded-proto'])?.toLowerCase();
  if (proto === 'http' || proto === 'https') out.proto = proto;
  const host = firstValue(req.headers['x-forwarded-host']);
  if (host && HOST_HEADER.test(host)) out.host = host;
  return out;
}

export function createPipeline(deps: PipelineDeps) {
  const { store, presence } = deps;
  const commits = new CommitGroup(store);

  function endpointsFor(req: IncomingMessage): ReturnType<HandlerContext['endpoints']> {
    let api = deps.publicUrl;
    if (!api) {
      // The Host header is the client's; one that does not make a URL (e.g. port 99999) is ignored.
      // Behind a trusted proxy, the address the client used is the one the proxy forwards.
      const forwarded = deps.trustProxy ? forwardedOrigin(req) : null;
      const host = forwarded?.host ?? req.headers.host;
      const scheme = forwarded?.proto ?? 'http';
      const fromHost = host && HOST_HEADER.test(host) ? `${scheme}://${host}${API_PATH}` : null;
      api = fromHost && URL.canParse(fromHost) ? fromHost : `http://127.0.0.1:${deps.localPort()}${API_PATH}`;
    }
    const push = new URL(api);
    push.protocol = push.protocol === 'https:' ? 'wss:' : 'ws:';
    push.pathname = PUSH_PATH;
    push.search = '';
    return { api, push: push.toString() };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const close = deps.isClosing();
    // Node's parser lets through request targets such as `http://[bad` that are not URLs.
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return sendError(res, HTTP_STATUS.badRequest, 'The request target is not a valid URL.', { close: true });
    }
    if (!API_PATHS.has(url.pathname)) {
      const hint = url.pathname === PUSH_PATH ? ' The push socket needs a WebSocket upgrade.' : '';
      return sendError(res, HTTP_STATUS.notFound, `Nothing is served at ${url.pathname}; the API is at ${API_PATH}.${hint}`, { close });
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendError(
        res,
        HTTP_STATUS.methodNotAllowed,
        'Only POST is accepted; every call is a POST with a JSON body (a file chunk: a JSON line, then its bytes).',
        { close },
      );
    }

    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_BODY_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        sendError(res, HTTP_STATUS.payloadTooLarge, `The request body is larger than ${MAX_BODY_BYTES} bytes.`, { close: true });
        discardRest(req, 8 * MAX_BODY_BYTES, 2000);
      } else if (!(err instanceof BodyAbortedError)) {
        throw err;
      }
      return;
    }

    const srv = url.searchParams.get('srv') ?? '';
    const api = url.searchParams.get('api') ?? '';
    let status: number = HTTP_STATUS.ok;
    let answer: object;
    let binary = false;
    try {
      ({ answer, binary } = await run(req, srv, api, raw));
    } catch (err) {
      if (err instanceof ApiError) {
        status = err.httpStatus;
        answer = { status: 'ERROR', errormessage: err.message };
      } else {
        deps.log(`internal error on srv=${srv} api=${api}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        status = HTTP_STATUS.internal;
        answer = { status: 'ERROR', errormessage: 'The server failed to handle this request. Try again; if it keeps failing, tell the administrator.' };
      }
    }
    if (binary) sendBytes(res, (answer as BytesAnswer).bytes, { close });
    else sendJson(res, status, answer, { close });
  }

  /** Runs the work handlers left for after their commit; a failure there is logged, the answer stands. */
  function runAfterCommit(work: (() => void)[], what: string): void {
    for (const step of work) {
      try {
        step();
      } catch (err) {
        deps.log(`clean-up after ${what} failed (upkeep retries it): ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  async function run(req: IncomingMessage, srv: string, api: string, raw: Buffer): Promise<{ answer: object; binary: boolean }> {
    const header = (h: string) => {
      const v = req.headers[h];
      return Array.isArray(v) ? v[0] : v;
    };
    const { spec, fields, chunk } = readRequest(raw, header('content-type'), srv, api);
    const name = spec.name as CallName;
    const nowMs = Date.now();

    let changes: ChangeFeed;
    const afterCommit: (() => void)[] = [];
    const outcome = await commits.run(() => {
      const caller = authenticate(
        store,
        spec.auth,
        { station: header('ozeki-station'), user: header('ozeki-user'), signature: header('ozeki-signature') },
        raw,
        fields,
        nowMs,
      );
      // Once authenticated, the signature is spent: a refusal below undoes the handler's work (its
      // own savepoint) but not the replay record, so the same bytes can never be tried again.
      try {
        const value = store.savepoint(() => {
          const parsed = spec.request.safeParse(fields);
          if (!parsed.success) {
            const issue = parsed.error.issues[0]!;
            const field = issue.path.length ? `"${issue.path.join('.')}"` : 'the body';
            throw badRequest(`The field ${field} is not valid: ${issue.message}.`);
          }
          changes = new ChangeFeed(store, caller.stationId);
          const ctx: HandlerContext = {
            store,
            caller,
            nowMs,
            changes,
            presence,
            endpoints: () => endpointsFor(req),
            serverVersion: deps.serverVersion,
            chunk,
            fileQuotaBytes: deps.fileQuotaBytes,
            afterCommit: (work) => afterCommit.push(work),
          };
          const out = (HANDLERS[name] as (c: HandlerContext, r: unknown) => object)(ctx, parsed.data);
          if (presence.touch(caller.user.id, nowMs)) changes.availabilityOf(caller.user.id);
          return out;
        });
        return { ok: true as const, value };
      } catch (error) {
        return { ok: false as const, error };
      }
    });
    if (!outcome.ok) throw outcome.error;
    changes!.flush(deps.poke);
    runAfterCommit(afterCommit, name);
    return { answer: outcome.value, binary: spec.wire.response === 'bytes' };
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      deps.log(`request failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      sendError(res, HTTP_STATUS.internal, 'The server failed to handle this request.', { close: true });
    });
  };
}
