/**
 * The browser host: the real core in Node and the real renderer in a browser, for machines where
 * Electron cannot run. One loopback HTTP server serves the built renderer (with the bridge script
 * injected) and, on the same port, the IPC WebSocket that carries the `window.ozeki` contract.
 */
import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { BRIDGE_SCRIPT_PATH, buildBridgeScript, injectBridge } from './bridge-script.js';
import { attachIpcSocket, type HostedService } from './ipc-socket.js';
import { hostMatches, newToken, originFor, securityHeaders } from './security.js';
import { contentTypeOf, lookupStatic } from './static-files.js';

export type { HostedService } from './ipc-socket.js';

/** The app's icon in the built renderer, as renderer/index.html links it. */
export const FAVICON_PATH = '/favicon.png';
const FAVICON_ALIAS = '/favicon.ico';

export type BrowserHostOptions = {
  /** The core, or its opening: the page is served at once and its requests wait for it. */
  service: HostedService | Promise<HostedService>;
  /** The built renderer: index.html and its assets. */
  staticDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  log?: (line: string) => void;
};

export type BrowserHost = {
  /** `http://127.0.0.1:<port>/?token=<token>`: the only way in. */
  url: string;
  token: string;
  close(): Promise<void>;
};

export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  const log = opts.log ?? (() => {});
  // A core that fails to open is answered on the socket (see attachIpcSocket), not "unhandled".
  Promise.resolve(opts.service).catch(() => {});
  // Synchronously, so the host listens before the core's opening gets the thread: the page can
  // start loading while the core opens its databases.
  const root = realpathSync(opts.staticDir);
  const bridgeScript = buildBridgeScript();
  bridgeScript.catch((err: unknown) => log(`browser host: the bridge script could not be built: ${err instanceof Error ? err.message : String(err)}`));
  const indexFile = join(root, 'index.html');
  const token = newToken();

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: the host is for the person at this machine.
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const origin = originFor(port);
  const headers = securityHeaders(port);

  const reply = (res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...headers, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...extra });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  };
  const fail = (res: ServerResponse, status: number) => reply(res, status, 'text/plain; charset=utf-8', `${status}\n`);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Another Host name pointing at 127.0.0.1 (DNS rebinding) must not get a page on our origin.
    if (!hostMatches(req.headers.host, port)) return fail(res, 400);
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'text/plain; charset=utf-8', '405\n', { Allow: 'GET, HEAD' });
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    if (pathname === BRIDGE_SCRIPT_PATH) {
      return reply(res, 200, 'text/javascript; charset=utf-8', await bridgeScript, { 'Cache-Control': 'no-store' });
    }
    // The icon the page links (renderer/public/favicon.png, copied by vite), also under the name
    // browsers and tools ask for unprompted. Like every static file it is served without the
    // token: only the IPC socket holds anything private, the token is gone from the address bar
    // after the first load, and a favicon request never carries it anyway.
    const found = await lookupStatic(root, pathname === FAVICON_ALIAS ? FAVICON_PATH : pathname);
    if (!found.ok) return fail(res, found.status);
    const body = await readFile(found.file);
    if (found.file === indexFile) {
      // The bridge must be in every copy of the page, so it is never cached.
      return reply(res, 200, 'text/html; charset=utf-8', injectBridge(body.toString('utf8')), { 'Cache-Control': 'no-store' });
    }
    reply(res, 200, contentTypeOf(found.file), body, { 'Cache-Control': 'no-cache' });
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      log(`browser host: ${req.method} ${req.url} failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) fail(res, 500);
      else res.destroy();
    });
  });
  const ipc = attachIpcSocket(server, { service: opts.service, token, origin, port, log });

  return {
    url: `${origin}/?token=${token}`,
    token,
    close: async () => {
      ipc.close();
      server.closeAllConnections(); // keep-alive connections would hold close() open
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
