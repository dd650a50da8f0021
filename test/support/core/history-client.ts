/**
 * For the history download's tests against the reference server: a conversation with a long history
 * written straight into the server's database, and a bare client (a local store on a temporary
 * folder, a signed API session and a sync engine, without the ChatService around them) that can be
 * closed and opened again on the same file, as an app restart would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newMessageId, newStationId } from '../../../protocol/index.js';
import { addConversation, addMessage } from '../../../server/src/admin.js';
import type { Store } from '../../../server/src/db/store.js';
import type { DemoAccount } from '../../../server/src/seed.js';
import type { ConnectionState } from '../../../app/ipc/views.js';
import { ApiClient, type Session } from '../../../app/core/api/index.js';
import { openLocalDb } from '../../../app/core/store/local-db.js';
import type { LocalStore } from '../../../app/core/store/local-store.js';
import { SyncEngine, type EngineEvent } from '../../../app/core/sync/engine.js';
import { TEST_DB_KEY } from './store/db-key.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

export type LongConversation = { id: string; key: Buffer; instance: string; /** Oldest first. */ messageIds: string[] };

/** A group conversation of these accounts holding `count` messages a minute apart, the newest a minute ago. */
export function addLongConversation(store: Store, participants: DemoAccount[], name: string, count: number): LongConversation {
  const conversation = addConversation(store, { participantIds: participants.map((p) => p.userid), name, isgroup: true });
  return { ...conversation, messageIds: addHistory(store, conversation, participants[0]!, count) };
}

/** Adds `count` messages from `from`, a minute apart, the newest a minute ago; their ids, oldest first. */
export function addHistory(store: Store, conversation: { id: string; key: Buffer }, from: DemoAccount, count: number): string[] {
  const ids: string[] = [];
  const start = Date.now() - (count + 1) * MINUTE;
  store.transaction(() => {
    for (let k = 0; k < count; k++) {
      const id = newMessageId();
      const createdMs = start + k * MINUTE;
      addMessage(store, conversation, { id, from: from.userid, text: `history ${k}`, createdMs, validUntilMs: createdMs + 30 * DAY });
      ids.push(id);
    }
  });
  return ids;
}

export type HistoryClient = {
  dataDir: string;
  store: LocalStore;
  engine: SyncEngine;
  /** Everything the engine announced. */
  events: EngineEvent[];
  /** Told of each connection change the engine announces (the owner's wiring in the app). */
  onConnection: (state: ConnectionState) => void;
  conversationIds(): string[];
  /** Closes the store and stops the engine, then opens both again on the same file (an app restart). */
  reopen(): Promise<HistoryClient>;
  close(opts?: { remove?: boolean }): Promise<void>;
};

/** Signs `account` in to the server at `serverUrl` on a new station and opens a client for it (engine started, list fetched). */
export async function openHistoryClient(serverUrl: string, account: DemoAccount): Promise<HistoryClient> {
  const api = new ApiClient({ retry: { sleep: async () => {} } });
  const station = newStationId();
  const login = await api.login(serverUrl, station, account.apikey);
  const session: Session = { baseUrl: serverUrl, station, userid: login.userid, apikey: account.apikey, urls: login.urls };
  return openClient(mkdtempSync(join(tmpdir(), 'ozeki-history-test-')), session);
}

async function openClient(dataDir: string, session: Session): Promise<HistoryClient> {
  const api = new ApiClient({ retry: { sleep: async () => {} } });
  api.setSession(session);
  const { db: store } = openLocalDb(dataDir, { key: TEST_DB_KEY });
  const events: EngineEvent[] = [];
  const client: HistoryClient = {
    dataDir,
    store,
    events,
    onConnection: () => {},
    // The poll is slow: only the test's own requests (and the probe while offline) reach the server.
    engine: new SyncEngine({
      api,
      store,
      emit: (event) => {
        events.push(event);
        if (event.type === 'connection') client.onConnection(event.state);
      },
      pollMs: { pushDown: 600_000, pushUp: 600_000 },
    }),
    conversationIds: () => store.conversations().map((c) => c.id),
    reopen: async () => {
      await stop();
      return openClient(dataDir, session);
    },
    close: async ({ remove = true } = {}) => {
      await stop();
      if (remove) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const stop = async (): Promise<void> => {
    client.engine.stop();
    await client.engine.idle();
    store.close();
  };
  client.engine.start();
  await client.engine.idle();
  await client.engine.refreshConversations();
  return client;
}
