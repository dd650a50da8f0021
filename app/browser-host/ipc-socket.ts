/**
 * The IPC socket at `/__ozeki/ipc`: the same contract as Electron's ipcMain/preload pair, as JSON
 * frames. Client to host `{ id, channel, args }`, host to client `{ id, reply }` (the dispatcher's
 * Reply) and `{ event, payload }` for every ChatService event, to every connected tab.
 *
 * The handshake is refused (HTTP 403, before the upgrade) unless it is addressed to the host by its
 * own name (`Host: 127.0.0.1:<port>`, as the HTTP requests must be), carries the token and comes
 * from the host's own page origin: any web page the user visits could otherwise reach 127.0.0.1.
 */
import type { IncomingMessage, Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Channel, Reply } from '../ipc/contract.js';
import { serveContract, type ContractService } from '../ipc/dispatcher.js';
import { hostMatches, tokenMatches } from './security.js';

export const IPC_PATH = '/__ozeki/ipc';
/** Nothing the renderer sends is near this (a message is at most 20,000 characters). */
export const MAX_FRAME_BYTES = 1024 * 1024;

export type HostedService = ContractService;

type Request = { id: number; channel: unknown; args: unknown[] };
type Parsed = Request | { id: number; malformed: string } | null;

/** A frame as a request; a reply-worthy complaint when it has an id; null when it has none. */
export function parseFrame(data: RawData, isBinary: boolean): Parsed {
  if (isBinary) return null;
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  const text = bytes.toString('utf8');
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return null;
  const { id, channel, args } = frame as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return null;
  if (typeof channel !== 'string' || !Array.isArray(args)) {
    return { id, malformed: 'Invalid request: it needs a channel name and a list of arguments.' };
  }
  return { id, channel, args };
}

function send(ws: WebSocket, text: string): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(text);
}

/** Answers a refused handshake the way `ws` does: a bare status line, then hang up. */
function refuse(socket: Duplex, status: 400 | 403 | 404): void {
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** `service` may still be opening: see serveContract. */
export function attachIpcSocket(
  server: Server,
  opts: { service: HostedService | Promise<HostedService>; token: string; origin: string; port: number; log: (line: string) => void },
): { close(): void } {
  const { token, origin, port, log } = opts;
  const contract = serveContract(opts.service, {
    log,
    // One subscription for all tabs; each event is serialised once.
    onEvent: (event, payload) => {
      const text = JSON.stringify({ event, payload });
      for (const ws of wss.clients) send(ws, text);
    },
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {}); // a client that resets mid-handshake is not our failure
    // First, whatever the path: another name for 127.0.0.1 (DNS rebinding) gets nothing here.
    if (!hostMatches(req.headers.host, port)) {
      log('refused an IPC connection addressed to another host name');
      return refuse(socket, 403);
    }
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname !== IPC_PATH) return refuse(socket, 404);
    if (!tokenMatches(token, url.searchParams.get('token')) || req.headers.origin !== origin) {
      log('refused an IPC connection without the right token or origin');
      return refuse(socket, 403);
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);

  wss.on('connection', (ws: WebSocket) => {
    // Too-large frames close the socket with 1009 and report here; that must not crash the host.
    ws.on('error', (err) => log(`IPC socket error: ${err.message}`));
    ws.on('message', (data, isBinary) => {
      const request = parseFrame(data, isBinary);
      if (request === null) return log('ignored an IPC frame that is not a request');
      if ('malformed' in request) {
        const reply: Reply<Channel> = { ok: false, error: { code: 'invalid-argument', message: request.malformed } };
        return send(ws, JSON.stringify({ id: request.id, reply }));
      }
      void contract.dispatch(request.channel, request.args).then((reply) => send(ws, JSON.stringify({ id: request.id, reply })));
    });
  });

  return {
    close() {
      contract.dispose();
      server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
