/**
 * Test harness: a real reference server on a loopback port with a real SQLite file in a temporary
 * folder, seeded with the demo users, and a client that signs requests exactly as the profile says.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import {
  API,
  CALLS,
  CLIENT_VERSION_CODE,
  SERVICE,
  encodeChunkRequest,
  encodeRequest,
  endpointUrl,
  formatTimestamp,
  newConversationKey,
  newMessageId,
  newNonce,
  newStationId,
  publicKeyFromBase64,
  sealMessage,
  sealText,
  signBody,
  unlockPrivateKey,
  unwrapConversationKey,
  wrapConversationKey,
  type CallName,
  type MessagePlaintext,
  type PayloadOf,
  type PushServerFrame,
} from '../../protocol/index.js';
import { Store } from '../src/db/store.js';
import { seedDemo, type DemoAccount } from '../src/seed.js';
import { startServer, type RunningServer } from '../src/server.js';

export type TestServer = {
  server: RunningServer;
  dataDir: string;
  accounts: DemoAccount[];
  /** Stops the server (keeping the data folder unless `remove`). */
  stop(opts?: { remove?: boolean }): Promise<void>;
  /** Starts a new server on the same data folder. */
  restart(): Promise<TestServer>;
};

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'ozeki-server-test-'));
}

export async function startTestServer(opts: { dataDir?: string; conversations?: number; seed?: boolean; fileQuotaBytes?: number } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? tempDataDir();
  let accounts: DemoAccount[] = [];
  if (opts.seed !== false) {
    const store = new Store(dataDir);
    try {
      accounts = (await seedDemo(store, dataDir, { conversations: opts.conversations ?? 0 })).accounts;
    } finally {
      store.close();
    }
  }
  const server = await startServer({ dataDir, port: 0, log: () => {}, fileQuotaBytes: opts.fileQuotaBytes });
  return {
    server,
    dataDir,
    accounts,
    async stop({ remove = false } = {}) {
      await server.close();
      if (remove) rmSync(dataDir, { recursive: true, force: true });
    },
    restart: () => startTestServer({ dataDir, seed: opts.seed, fileQuotaBytes: opts.fileQuotaBytes }),
  };
}

/** `bytes` is the raw answer (a file chunk's, for fileDownload) and `text` the same decoded as UTF-8. */
export type Reply = { http: number; json: any; text: string; bytes: Buffer; contentType: string };

export type NewestPage = {
  messages: { ID: string; Type: string; Created: string; ValidUntil: string; Data: string }[];
  reports: { ID: string; Type: string; Created: string; UserID: string; MessageIDs: string[] }[];
};

/** Sends raw bytes to the API and reads the answer as JSON (when it is). */
export async function rawPost(url: string, body: string | Uint8Array, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { http: res.status, json, text, bytes, contentType: res.headers.get('content-type') ?? '' };
}

/** A signed-in client of one demo account, on its own station. */
export class TestClient {
  readonly station = newStationId();
  urls: Record<string, string> = {};
  login: any;

  constructor(
    readonly baseUrl: string,
    readonly account: DemoAccount,
  ) {}

  get userid(): string {
    return this.account.userid;
  }

  urlFor(name: CallName): string {
    const spec = CALLS[name];
    return this.urls[spec.urlKey] ?? endpointUrl(this.baseUrl, spec.service, API[spec.urlKey]);
  }

  /** Logs in, binding this station; keeps the URLs the server returned. */
  async signIn(): Promise<this> {
    const reply = await this.call('login', { apikey: this.account.apikey });
    if (reply.http !== 200) throw new Error(`login failed: ${reply.text}`);
    this.login = reply.json;
    this.urls = reply.json.urls;
    return this;
  }

  async call<N extends CallName>(name: N, payload: PayloadOf<N>, now?: number): Promise<Reply> {
    const { body, headers } = encodeRequest(name, payload, { station: this.station, user: this.account.userid, apikey: this.account.apikey }, now);
    return rawPost(this.urlFor(name), body, headers);
  }

  /** PROFILE: sends a file chunk as a client would (encodeChunkRequest: the signed header line, `\n`, the bytes). */
  async chunk(payload: { fileid: string; index: number }, bytes: Uint8Array, now?: number): Promise<Reply> {
    const { body, headers } = encodeChunkRequest(payload, bytes, { station: this.station, user: this.account.userid, apikey: this.account.apikey }, now);
    return rawPost(this.urlFor('fileChunk'), body, headers);
  }

  /**
   * Sends a message as this user's own app would (another station of theirs): `text`, or any
   * plaintext at all (a rich message, or what a hostile client writes). Throws unless it is a 200;
   * answers its ID and the server's Created.
   */
  async send(
    conversation: { id: string; instance: string; secret: string },
    content: string | Omit<MessagePlaintext, 'from'> | MessagePlaintext,
    lifetimeMs = 30 * 86_400_000,
  ): Promise<{ id: string; created: string }> {
    const now = Date.now();
    const body = typeof content === 'string' ? { from: this.userid, text: content } : { from: this.userid, ...content };
    const id = newMessageId();
    const message = JSON.stringify({
      ID: id,
      Type: 'Message',
      Created: formatTimestamp(now),
      ValidUntil: formatTimestamp(now + lifetimeMs),
      Data: sealMessage(this.conversationKey(conversation), body as MessagePlaintext),
    });
    const reply = await this.call('add', { conversationid: conversation.id, instance: conversation.instance, message });
    if (reply.http !== 200) throw new Error(`add failed with ${reply.http}: ${reply.text}`);
    return { id, created: String(reply.json.message.Created) };
  }

  /** The newest page of a conversation: downloadpartial with empty cursors. Throws unless it is a 200. */
  async newestPage(conversation: { id: string; instance: string }, limit = 50): Promise<NewestPage> {
    const reply = await this.call('downloadPartial', {
      conversationid: conversation.id,
      instance: conversation.instance,
      lastmessagedate: '',
      lastmessageid: '',
      lastreportdate: '',
      lastreportid: '',
      limit,
    });
    if (reply.http !== 200) throw new Error(`downloadpartial failed with ${reply.http}: ${reply.text}`);
    return reply.json as NewestPage;
  }

  /** Signs an arbitrary body (for hostile tests) with this client's key and headers. */
  async signed(name: CallName, fields: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Reply> {
    const body = JSON.stringify(fields);
    return rawPost(this.urlFor(name), body, {
      'Ozeki-Station': this.station,
      'Ozeki-User': this.account.userid,
      'Ozeki-Signature': signBody(body, this.account.apikey),
      ...headers,
    });
  }

  /** Common fields of a signed body, for building requests by hand. */
  static common(now = Date.now()): { clientversioncode: number; timestamp: string; nonce: string } {
    return { clientversioncode: CLIENT_VERSION_CODE, timestamp: formatTimestamp(now), nonce: newNonce() };
  }

  async conversations(): Promise<any[]> {
    const reply = await this.call('conversationList', {});
    if (reply.http !== 200) throw new Error(`list failed: ${reply.text}`);
    return reply.json.conversations;
  }

  async conversationWith(other: TestClient): Promise<any> {
    const list = await this.conversations();
    const found = list.find((c) => !c.isgroup && c.participantids.includes(other.userid));
    if (!found) throw new Error('no 1:1 conversation');
    return found;
  }

  /** The conversation key, unwrapped with this user's private key as a real client would. */
  conversationKey(conversation: { secret: string }): Buffer {
    const privateKey = unlockPrivateKey(this.login.rsakey, this.account.password);
    return unwrapConversationKey(conversation.secret, privateKey);
  }

  /** Opens a push socket and authenticates it; resolves once the server says ready. */
  async openPush(): Promise<PushSocket> {
    const ws = new WebSocket(this.login.listeners.ws);
    const frames: PushServerFrame[] = [];
    const waiters: Array<() => void> = [];
    ws.on('message', (data) => {
      frames.push(JSON.parse(data.toString()));
      waiters.splice(0).forEach((w) => w());
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const body = JSON.stringify({ action: 'subscribe', ...TestClient.common() });
    ws.send(JSON.stringify({ type: 'auth', station: this.station, user: this.userid, signature: signBody(body, this.account.apikey), body }));
    const socket = new PushSocket(ws, frames, waiters);
    await socket.next('ready');
    return socket;
  }
}

export class PushSocket {
  constructor(
    readonly ws: WebSocket,
    readonly frames: PushServerFrame[],
    private readonly waiters: Array<() => void>,
  ) {}

  /** Waits for the next frame of this type (counting from the frames not yet taken). */
  async next(type: PushServerFrame['type'], timeoutMs = 5000): Promise<PushServerFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex((f) => f.type === type);
      if (i >= 0) return this.frames.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no "${type}" frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.ws.close();
  }
}

/** Signs in every demo account on the server, each on its own station. */
export async function signInAll(t: TestServer): Promise<TestClient[]> {
  return Promise.all(t.accounts.map((a) => new TestClient(t.server.url, a).signIn()));
}

/** Builds a profile `create` request as a client would: a new key wrapped for every participant. */
export function createPayload(
  _creator: TestClient,
  participants: { userid: string; publickey: string }[],
  name: string,
  isgroup: boolean,
): PayloadOf<'create'> & { key: Buffer } {
  const key = newConversationKey();
  const secrets: Record<string, string> = {};
  for (const p of participants) secrets[p.userid] = wrapConversationKey(key, publicKeyFromBase64(p.publickey));
  return { participantids: participants.map((p) => p.userid), isgroup, displayname: sealText(key, name), secrets, key };
}

export { SERVICE };
