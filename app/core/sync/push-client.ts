/**
 * The profile's push socket: connects to the login's `listeners.ws`, authenticates with a signed
 * first frame, and reports `changed` hints. It reconnects with backoff on its own; push only speeds
 * things up, the engine's poll works without it.
 */
import WebSocket from 'ws';
import { pushServerFrameSchema, type PushAuthFrame } from '../../../protocol/index.js';
import { backoffDelay } from '../api/retry.js';

const READY_TIMEOUT_MS = 10_000;

export type PushClientOptions = {
  url: string;
  /** A fresh signed auth frame for each connection (new timestamp and nonce). */
  authFrame: () => PushAuthFrame;
  onChanged: () => void;
  onStatus?: (connected: boolean) => void;
};

export class PushClient {
  private socket: WebSocket | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = false;
  connected = false;

  constructor(private readonly opts: PushClientOptions) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.socket?.terminate();
    this.socket = null;
    this.setConnected(false);
  }

  /** Try again now (e.g. when a request just succeeded after being offline). */
  reconnectSoon(): void {
    if (this.stopped || this.socket) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  private connect(): void {
    if (this.stopped) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.opts.url, { handshakeTimeout: 10_000, maxPayload: 64 * 1024 });
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = ws;
    // A server that takes the socket but never says "ready" would leave it hanging forever.
    const readyDeadline = setTimeout(() => ws.terminate(), READY_TIMEOUT_MS);
    readyDeadline.unref();
    ws.on('open', () => ws.send(JSON.stringify(this.opts.authFrame())));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let frame: unknown;
      try {
        frame = JSON.parse(data.toString());
      } catch {
        return;
      }
      const parsed = pushServerFrameSchema.safeParse(frame);
      if (!parsed.success) return;
      if (parsed.data.type === 'ready') {
        clearTimeout(readyDeadline);
        this.failures = 0;
        this.setConnected(true);
        // Anything that changed while we were away: the engine pulls once on connect.
        this.opts.onChanged();
      } else if (parsed.data.type === 'changed') {
        this.opts.onChanged();
      }
    });
    ws.on('error', () => {
      // 'close' follows and schedules the reconnect.
    });
    ws.on('close', () => {
      clearTimeout(readyDeadline);
      if (this.socket === ws) this.socket = null;
      this.setConnected(false);
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = backoffDelay(this.failures++, { baseMs: 1000, factor: 2, capMs: 60_000 });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    this.opts.onStatus?.(connected);
  }
}
