/**
 * Test helper: a scriptable HTTP proxy on loopback in front of a real reference server.
 *
 * By default every request is forwarded untouched, Host header included, so the server's login
 * answer hands out URLs that point at the proxy and the client keeps talking through it. A test
 * scripts faults per call (matched by the `api` query value and the body `action`):
 *
 * - answered by the proxy, never reaching the server: a 500 with the profile's JSON error, a 502
 *   HTML page, a 200 HTML page, a refusal (400 by default), a cut connection;
 * - forwarded, and the server's answer spoiled on the way back: cut off after a Content-Length
 *   that promises more, edited into valid JSON with wrong types, or held past the client's timeout.
 *
 * The "forwarded" faults are the ones that matter for duplicates: the server did the work, the
 * client cannot know, and it tries again.
 *
 * WebSocket upgrades (the push socket) are piped through untouched.
 */
import { createServer, request, Agent, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { API, CALLS, type CallName } from '../../../protocol/index.js';

export type Fault =
  /** 500 with `{"status":"ERROR","errormessage":...}`; not forwarded. */
  | { kind: 'error500'; message?: string }
  /** 502 with an HTML page, as a reverse proxy in front of a dead server answers; not forwarded. */
  | { kind: 'html502' }
  /** 200 with an HTML page (a captive portal, a misconfigured web server); not forwarded. */
  | { kind: 'html200' }
  /** A refusal with the profile's JSON error (400 unless `status` says otherwise); not forwarded. */
  | { kind: 'refuse'; message: string; status?: number }
  /** The connection is destroyed without any answer; not forwarded. */
  | { kind: 'drop' }
  /** Forwarded; the answer promises more bytes than it sends, then the connection is destroyed. */
  | { kind: 'truncated' }
  /** Forwarded; the server's JSON answer is passed through `edit` (e.g. to give a field a wrong type). */
  | { kind: 'edit'; edit: (json: any) => unknown }
  /** Forwarded at once; the answer is held back for `ms` (longer than the client waits). */
  | { kind: 'slow'; ms: number };

export type Match = {
  /** The `api` query value, e.g. "chatconversation". Omitted: any. */
  api?: string;
  /** The body's `action`, or several. Omitted: any. */
  action?: string | readonly string[];
};

export type Rule = {
  readonly match: Match;
  readonly fault: Fault;
  /** How many requests it has answered. */
  readonly hits: number;
  /** How many more it will answer (Infinity: until stopped). */
  readonly remaining: number;
  /** Stops it: later requests are forwarded untouched (unless another rule matches). */
  stop(): void;
};

export type Seen = {
  api: string;
  action: string;
  /** The fault applied, or null when forwarded untouched. */
  fault: Fault['kind'] | null;
  /** The status the client got, or 'cut'. */
  status: number | 'cut';
  at: number;
};

export type HostileProxy = {
  /** The API URL to sign in with, e.g. http://127.0.0.1:41234/ozeki/index.php */
  url: string;
  /** Every API request seen, in order of arrival. */
  readonly seen: Seen[];
  /** Adds a rule; rules are tried in the order they were added, the first live match applies. */
  fail(match: Match, fault: Fault, opts?: { times?: number }): Rule;
  /** Stops every rule: from now on everything is forwarded untouched. */
  heal(): void;
  close(): Promise<void>;
};

/** The match for one call of the catalogue, e.g. `call('favorite')`. */
export function call(...names: CallName[]): Match {
  const apis = new Set(names.map((n) => API[CALLS[n].urlKey]));
  if (apis.size !== 1) throw new Error('call(): the calls must share one api');
  return { api: [...apis][0]!, action: names.map((n) => CALLS[n].action) };
}

const HTML_PAGE = '<!doctype html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>nginx</p></body></html>';
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'proxy-connection']);

type Upstream = { status: number; headers: IncomingHttpHeaders; body: Buffer };

export async function startHostileProxy(targetUrl: string): Promise<HostileProxy> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port || 80);
  const targetHost = target.hostname;
  const agent = new Agent({ keepAlive: true });
  const sockets = new Set<Duplex>();
  const timers = new Set<NodeJS.Timeout>();
  const rules: Array<Rule & { take(): void }> = [];
  const seen: Seen[] = [];

  const track = (s: Duplex): void => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };

  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  function ruleFor(api: string, action: string): (Rule & { take(): void }) | undefined {
    return rules.find((r) => {
      if (r.remaining <= 0) return false;
      if (r.match.api !== undefined && r.match.api !== api) return false;
      if (r.match.action !== undefined) {
        const actions = typeof r.match.action === 'string' ? [r.match.action] : r.match.action;
        if (!actions.includes(action)) return false;
      }
      return true;
    });
  }

  function forward(req: IncomingMessage, body: Buffer): Promise<Upstream> {
    return new Promise((resolve, reject) => {
      const up = request({ host: targetHost, port: targetPort, method: req.method, path: req.url, headers: req.headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      up.on('error', reject);
      up.end(body);
    });
  }

  /** Writes an answer unless the client has already gone (it timed out, say). */
  function answer(res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: Buffer | string): boolean {
    if (res.destroyed || res.writableEnded || res.socket?.destroyed) return false;
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    res.writeHead(status, { ...headers, 'Content-Length': String(bytes.length) });
    res.end(bytes);
    return true;
  }

  function passOn(headers: IncomingHttpHeaders): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
    return out;
  }

  const jsonError = (message: string) => JSON.stringify({ status: 'ERROR', errormessage: message });

  async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const api = url.searchParams.get('api') ?? '';
    let action = '';
    try {
      const parsed = JSON.parse(body.toString('utf8')) as { action?: unknown };
      if (typeof parsed.action === 'string') action = parsed.action;
    } catch {
      // A file chunk (profile) is a JSON line, then bytes; anything else: only match-all rules apply.
      const end = body.indexOf(0x0a);
      try {
        const header = end > 0 ? (JSON.parse(body.subarray(0, end).toString('utf8')) as { action?: unknown }) : {};
        if (typeof header.action === 'string') action = header.action;
      } catch {
        // not JSON at all
      }
    }
    const rule = ruleFor(api, action);
    rule?.take();
    const fault = rule?.fault ?? null;
    const record = (status: number | 'cut') => seen.push({ api, action, fault: fault?.kind ?? null, status, at: Date.now() });
    const json = { 'Content-Type': 'application/json; charset=utf-8' };
    const html = { 'Content-Type': 'text/html; charset=utf-8' };

    switch (fault?.kind) {
      case 'error500':
        record(500);
        answer(res, 500, json, jsonError(fault.message ?? 'The server failed to handle this request. Try again; if it keeps failing, tell the administrator.'));
        return;
      case 'html502':
        record(502);
        answer(res, 502, html, HTML_PAGE);
        return;
      case 'html200':
        record(200);
        answer(res, 200, html, HTML_PAGE.replace('502 Bad Gateway', 'Welcome').replace('Bad Gateway', 'Please log in to the Wi-Fi'));
        return;
      case 'refuse':
        record(fault.status ?? 400);
        answer(res, fault.status ?? 400, json, jsonError(fault.message));
        return;
      case 'drop':
        record('cut');
        req.socket.destroy();
        return;
      default:
        break;
    }

    let upstream: Upstream;
    try {
      upstream = await forward(req, body);
    } catch {
      record(502);
      answer(res, 502, html, HTML_PAGE);
      return;
    }
    const headers = passOn(upstream.headers);
    switch (fault?.kind) {
      case 'truncated': {
        record('cut');
        if (res.destroyed) return;
        res.writeHead(upstream.status, { ...headers, 'Content-Length': String(upstream.body.length + 100) });
        res.write(upstream.body.subarray(0, Math.floor(upstream.body.length / 2)), () => res.socket?.destroy());
        return;
      }
      case 'edit': {
        let edited: string;
        try {
          edited = JSON.stringify(fault.edit(JSON.parse(upstream.body.toString('utf8'))));
        } catch {
          edited = upstream.body.toString('utf8');
        }
        record(upstream.status);
        answer(res, upstream.status, headers, edited);
        return;
      }
      case 'slow':
        record(upstream.status);
        later(fault.ms, () => answer(res, upstream.status, headers, upstream.body));
        return;
      default:
        record(upstream.status);
        answer(res, upstream.status, headers, upstream.body);
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch(() => {
        if (!res.headersSent) answer(res, 502, { 'Content-Type': 'text/html' }, HTML_PAGE);
        else res.destroy();
      });
    });
    req.on('error', () => res.destroy());
  });
  server.on('connection', track);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    track(socket);
    const up: Socket = connect(targetPort, targetHost);
    track(up);
    up.on('connect', () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) up.write(head);
      socket.pipe(up).pipe(socket);
    });
    const end = () => {
      socket.destroy();
      up.destroy();
    };
    up.on('error', end);
    socket.on('error', end);
    up.on('close', end);
    socket.on('close', end);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    seen,
    fail(match, fault, opts = {}) {
      let hits = 0;
      let remaining = opts.times ?? Infinity;
      const rule = {
        match,
        fault,
        get hits() {
          return hits;
        },
        get remaining() {
          return remaining;
        },
        stop() {
          remaining = 0;
        },
        take() {
          hits++;
          remaining--;
        },
      };
      rules.push(rule);
      return rule;
    },
    heal() {
      for (const r of rules) r.stop();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of rules) r.stop();
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const s of sockets) s.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
