/** Starts the reference server: the HTTP API, the push socket, periodic upkeep and a clean shutdown. */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_PATH, DEFAULT_FILE_QUOTA_BYTES, PUSH_PATH } from '../../protocol/index.js';
import { ChangeFeed } from './changes.js';
import { Store } from './db/store.js';
import { createPipeline } from './http/pipeline.js';
import { writeRawError } from './http/respond.js';
import { Presence } from './presence.js';
import { PushHub } from './push.js';
import { purgeStaleUploads } from './file-upkeep.js';

export const SERVER_VERSION = '2.0.0-reference';

export type ServerOptions = {
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Base URL handed to clients in `urls`; by default the Host they used. */
  publicUrl?: string | null;
  /** Build `urls` and `listeners` from X-Forwarded-Proto / X-Forwarded-Host (behind a proxy that sets them). */
  trustProxy?: boolean;
  /** What one user may keep in the file service: ciphertext bytes of finished and unfinished uploads (default DEFAULT_FILE_QUOTA_BYTES). */
  fileQuotaBytes?: number;
  log?: (line: string) => void;
};

export type RunningServer = {
  /** The API URL a client types in, e.g. http://127.0.0.1:9080/ozeki/index.php */
  url: string;
  port: number;
  store: Store;
  push: PushHub;
  /** Stops taking requests, lets the ones in flight finish, then closes the database. */
  close(): Promise<void>;
};

const UPKEEP_MS = 60_000;
const SHUTDOWN_GRACE_MS = 10_000;

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const host = options.host ?? '127.0.0.1';
  // Creates the data folder private to this user (0700, files 0600), tightening an older one.
  const store = new Store(options.dataDir, { log });
  const presence = new Presence();
  const push = new PushHub(store, presence, log);
  let closing: Promise<void> | null = null;

  const http: Server = createServer({
    requestTimeout: 15_000,
    headersTimeout: 10_000,
    keepAliveTimeout: 5_000,
    connectionsCheckingInterval: 1_000,
    maxHeaderSize: 16 * 1024,
  });
  http.on(
    'request',
    createPipeline({
      store,
      presence,
      poke: push.poke,
      serverVersion: SERVER_VERSION,
      publicUrl: options.publicUrl ?? null,
      trustProxy: options.trustProxy ?? false,
      localPort: () => (http.address() as AddressInfo).port,
      isClosing: () => closing !== null,
      fileQuotaBytes: options.fileQuotaBytes ?? DEFAULT_FILE_QUOTA_BYTES,
      log,
    }),
  );
  // Answers still being worked on when the server starts closing go out with Connection: close, so a
  // keep-alive client does not hold the shutdown open for keepAliveTimeout.
  const inFlight = new Set<ServerResponse>();
  http.on('request', (_req, res: ServerResponse) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  http.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') return void socket.destroy();
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return writeRawError(socket, 408, 'The request took too long to arrive.');
    if (err.code === 'HPE_HEADER_OVERFLOW') return writeRawError(socket, 431, 'The request headers are too large.');
    writeRawError(socket, 400, 'The request is not valid HTTP.');
  });
  http.on('upgrade', (req, socket, head) => {
    // Node's parser lets through targets such as `http://[bad` that are not URLs; throwing here
    // would leave the socket open forever (and hold every later close()).
    const path = URL.canParse(req.url ?? '/', 'http://localhost') ? new URL(req.url ?? '/', 'http://localhost').pathname : null;
    if (path === null) return writeRawError(socket, 400, 'The request target is not a valid URL.');
    if (path !== PUSH_PATH || closing) return writeRawError(socket, 404, `WebSocket upgrades are served only at ${PUSH_PATH}.`);
    push.handleUpgrade(req, socket, head);
  });

  const upkeep = setInterval(() => {
    const now = Date.now();
    try {
      const feed = new ChangeFeed(store, null);
      store.transaction(() => {
        store.seenSignatures.purge(now);
        store.messages.purgeExpired(now);
        for (const userId of presence.sweep(now)) feed.availabilityOf(userId);
      });
      feed.flush(push.poke);
      purgeStaleUploads(store, now);
      // The purged rows' pages go back to the file system, so the file does not stay at its peak size.
      store.reclaimSpace();
    } catch (err) {
      log(`upkeep failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }, UPKEEP_MS);
  upkeep.unref();

  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port, host, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    // Could not listen (port taken, no permission): release what was opened before failing.
    clearInterval(upkeep);
    push.close();
    store.close();
    throw err;
  }
  const port = (http.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;

  return {
    url: `http://${urlHost}:${port}${API_PATH}`,
    port,
    store,
    push,
    close() {
      closing ??= (async () => {
        clearInterval(upkeep);
        for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
        push.close();
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => http.closeAllConnections(), SHUTDOWN_GRACE_MS);
          http.close(() => {
            clearTimeout(force);
            resolve();
          });
          http.closeIdleConnections();
        });
        store.close();
      })();
      return closing;
    },
  };
}
