/**
 * PROFILE push socket: the client's first frame must be a signed `subscribe` (checked exactly as a
 * signed request), within 5 s; after that the server only sends small `changed` hints, and the
 * client pulls Notification. Dead peers are found with WebSocket pings.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { PUSH_AUTH_TIMEOUT_MS, PUSH_CLOSE, pushAuthFrameSchema, pushSubscribeBodySchema, type PushServerFrame } from '../../protocol/index.js';
import { ApiError } from './api-error.js';
import { authenticate } from './auth.js';
import { ChangeFeed } from './changes.js';
import type { Store } from './db/store.js';
import type { Presence } from './presence.js';

const HEARTBEAT_MS = 30_000;
/** How long a closing server waits for peers to answer its close frame before cutting them off. */
const SHUTDOWN_CLOSE_GRACE_MS = 2_000;

type Subscriber = { station: string; user: string; alive: boolean };

export class PushHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  private readonly byStation = new Map<string, Set<WebSocket>>();
  private readonly subscribers = new Map<WebSocket, Subscriber>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly presence: Presence,
    private readonly log: (line: string) => void,
  ) {
    this.heartbeat = setInterval(() => this.checkAlive(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  /** Sends one `changed` hint to every socket of these stations. */
  readonly poke = (stations: Iterable<string>): void => {
    for (const station of stations) {
      for (const ws of this.byStation.get(station) ?? []) send(ws, { type: 'changed' });
    }
  };

  get connectionCount(): number {
    return this.subscribers.size;
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const ws of this.wss.clients) ws.close(PUSH_CLOSE.serverShutdown, 'server shutting down');
    // A peer that never answers the closing handshake would otherwise hold the HTTP server's close
    // (and so the process) for ws's 30 s close timeout; closeAllConnections does not reach upgraded sockets.
    const force = setTimeout(() => {
      for (const ws of this.wss.clients) ws.terminate();
    }, SHUTDOWN_CLOSE_GRACE_MS);
    force.unref();
    this.wss.close();
  }

  private accept(ws: WebSocket): void {
    const timer = setTimeout(() => ws.close(PUSH_CLOSE.authTimeout, 'authenticate within 5 seconds'), PUSH_AUTH_TIMEOUT_MS);
    ws.on('error', () => ws.terminate());
    ws.once('message', (data, isBinary) => {
      clearTimeout(timer);
      try {
        this.subscribe(ws, isBinary ? null : data);
      } catch (err) {
        const message = err instanceof ApiError ? err.message : 'The first frame must be a signed subscribe frame.';
        if (!(err instanceof ApiError)) this.log(`push auth failed: ${err instanceof Error ? err.message : String(err)}`);
        send(ws, { type: 'error', errormessage: message });
        ws.close(PUSH_CLOSE.authFailed, 'authentication failed');
      }
    });
    ws.on('close', () => {
      clearTimeout(timer);
      this.forget(ws);
    });
  }

  private subscribe(ws: WebSocket, data: RawData | null): void {
    if (data === null) throw new ApiError(400, 'The first frame must be a JSON text frame.');
    let frame: unknown;
    try {
      frame = JSON.parse(data.toString());
    } catch {
      throw new ApiError(400, 'The first frame is not valid JSON.');
    }
    const auth = pushAuthFrameSchema.safeParse(frame);
    if (!auth.success) throw new ApiError(400, 'The first frame must be {"type":"auth","station","user","signature","body"}.');
    let body: unknown;
    try {
      body = JSON.parse(auth.data.body);
    } catch {
      throw new ApiError(400, 'The subscribe body is not valid JSON.');
    }
    const subscribe = pushSubscribeBodySchema.safeParse(body);
    if (!subscribe.success) throw new ApiError(400, 'The subscribe body must carry action "subscribe", clientversioncode and timestamp.');

    const now = Date.now();
    const { station, user, signature } = auth.data;
    const feed = new ChangeFeed(this.store, null);
    const pending = this.store.transaction(() => {
      const caller = authenticate(this.store, 'signed', { station, user, signature }, auth.data.body, body as Record<string, unknown>, now);
      if (this.presence.socketOpened(caller.user.id, now)) feed.availabilityOf(caller.user.id);
      return this.store.notifications.hasPending(station);
    });
    this.subscribers.set(ws, { station, user, alive: true });
    let set = this.byStation.get(station);
    if (!set) this.byStation.set(station, (set = new Set()));
    set.add(ws);
    ws.on('pong', () => {
      const sub = this.subscribers.get(ws);
      if (sub) sub.alive = true;
    });
    send(ws, { type: 'ready' });
    if (pending) send(ws, { type: 'changed' });
    feed.flush(this.poke);
  }

  private forget(ws: WebSocket): void {
    const sub = this.subscribers.get(ws);
    if (!sub) return;
    this.subscribers.delete(ws);
    const set = this.byStation.get(sub.station);
    set?.delete(ws);
    if (set && set.size === 0) this.byStation.delete(sub.station);
    if (this.store.db.open) this.presence.socketClosed(sub.user, Date.now());
  }

  private checkAlive(): void {
    for (const [ws, sub] of this.subscribers) {
      if (!sub.alive) {
        ws.terminate();
        continue;
      }
      sub.alive = false;
      ws.ping();
    }
  }
}

function send(ws: WebSocket, frame: PushServerFrame): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
}
