/**
 * The history download with real parts: the reference server on loopback, the sync engine's
 * `fetchHistoryPage`, and a real local store on disk (reopened for a restart).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../server/src/server.js';
import { startTestServer, TestClient, type TestServer } from '../../../server/test/harness.js';
import type { HistoryProgress } from '../../ipc/views.js';
import { addHistory, addLongConversation, openHistoryClient, type HistoryClient } from '../../../test/support/core/history-client.js';
import { eventually } from '../../../test/support/core/service-harness.js';
import { HistoryDownload, type HistoryDownloadDeps } from './history-download.js';

let t: TestServer;
const opened: HistoryClient[] = [];
const downloads: HistoryDownload[] = [];

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  for (const d of downloads) d.dispose();
  for (const c of opened) await c.close().catch(() => {});
  await t.stop({ remove: true });
});

async function client(serverUrl = t.server.url): Promise<HistoryClient> {
  const c = await openHistoryClient(serverUrl, t.accounts[0]!);
  opened.push(c);
  return c;
}

/** A download wired to the client as the app wires it, recording what it tells. */
function downloadFor(c: HistoryClient, over: Partial<HistoryDownloadDeps> = {}) {
  const emits: HistoryProgress[] = [];
  const calls: { id: string; before: string | null }[] = [];
  const told = { stored: 0 };
  const download = new HistoryDownload({
    store: c.store,
    conversationIds: () => c.conversationIds(),
    fetchOlder: (id, before, limit) => {
      calls.push({ id, before: before?.id ?? null });
      return c.engine.fetchHistoryPage(id, before, limit);
    },
    connection: () => c.engine.connection,
    emit: (p) => emits.push(p),
    onStored: () => told.stored++,
    pauseMs: 20,
    offlineBackoff: { baseMs: 200, factor: 2, capMs: 1000 },
    ...over,
  });
  c.onConnection = (state) => download.connectionChanged(state);
  downloads.push(download);
  return { download, emits, calls, told };
}

const held = (c: HistoryClient, id: string) =>
  c.store
    .messages(id, { limit: 10_000 })
    .map((m) => m.ID)
    .reverse();

describe('HistoryDownload against the reference server', () => {
  it('downloads every conversation to its first message, with progress, and announces no page to the window', async () => {
    const long = addLongConversation(t.server.store, [t.accounts[0]!, t.accounts[1]!], 'Long history', 450);
    const c = await client();
    expect(c.conversationIds()).toHaveLength(3);
    const { download, emits, calls, told } = downloadFor(c);
    const announced = c.events.length;

    expect(download.start()).toMatchObject({ state: 'running', conversationsDone: 0, conversationsTotal: 3, messagesDone: 0 });
    await eventually(() => download.status().state === 'done', 20_000, 'the download to finish');

    // The two seeded conversations hold 4 messages each.
    expect(download.status()).toEqual({ state: 'done', conversationsDone: 3, conversationsTotal: 3, messagesDone: 458, error: null });
    expect(held(c, long.id)).toEqual(long.messageIds);
    // 200 + 200 + 50: the short page is the end.
    expect(calls.filter((x) => x.id === long.id).map((x) => x.before)).toEqual([null, long.messageIds[250], long.messageIds[50]]);
    expect(told.stored).toBe(5);
    expect(c.events.slice(announced).filter((e) => e.type === 'messages')).toEqual([]);
    // Progress only moves forward, and the last word is "done".
    const counts = emits.map((e) => e.messagesDone);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(emits.at(-1)).toMatchObject({ state: 'done', conversationsDone: 3, messagesDone: 458 });
  });

  it('resumes after a restart from the page it stopped at, in a new instance on the reopened store', async () => {
    const long = addLongConversation(t.server.store, [t.accounts[0]!, t.accounts[1]!], 'Restarted history', 450);
    const c = await client();
    let first: HistoryDownload | null = null;
    // The app closes right after the first page was stored and saved.
    const before = downloadFor(c, { onStored: () => first?.dispose() });
    first = before.download;
    first.start([long.id]);
    await eventually(() => before.calls.length === 1 && before.download.status().messagesDone === 200, 10_000, 'the first page');

    const restarted = await c.reopen();
    opened.push(restarted);
    const after = downloadFor(restarted);
    expect(after.download.status()).toMatchObject({ state: 'running', conversationsDone: 0, conversationsTotal: 1, messagesDone: 200 });
    after.download.resume();
    await eventually(() => after.download.status().state === 'done', 20_000, 'the resumed download');

    expect(after.calls.map((x) => x.before)).toEqual([long.messageIds[250], long.messageIds[50]]);
    expect(after.download.status()).toEqual({ state: 'done', conversationsDone: 1, conversationsTotal: 1, messagesDone: 450, error: null });
    expect(held(restarted, long.id)).toEqual(long.messageIds);
  });

  it('pauses while the server is away and carries on when it is back', async () => {
    const long = addLongConversation(t.server.store, [t.accounts[0]!, t.accounts[1]!], 'Interrupted history', 450);
    // Same data as the main server, on a port of its own, so it can be stopped.
    let server: RunningServer = await startServer({ dataDir: t.dataDir, port: 0, log: () => {} });
    const port = server.port;
    try {
      const c = await client(server.url);
      let pages = 0;
      const { download, emits } = downloadFor(c, {
        fetchOlder: async (id, b, limit) => {
          const page = await c.engine.fetchHistoryPage(id, b, limit);
          if (++pages === 1) await server.close();
          return page;
        },
      });
      download.start([long.id]);
      // The next page cannot be fetched: paused, and retried now and then.
      await eventually(() => download.status().state === 'offline', 10_000, 'the pause');
      expect(download.status()).toMatchObject({ messagesDone: 200, error: null });
      expect(emits.at(-1)?.state).toBe('offline');
      // The engine notices too: from now on its connection says when to carry on.
      await c.engine.syncNow();
      expect(c.engine.connection).toBe('offline');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(download.status()).toMatchObject({ state: 'offline', messagesDone: 200 });

      server = await startServer({ dataDir: t.dataDir, port, log: () => {} });
      await eventually(() => download.status().state === 'done', 30_000, 'the download to carry on');
      expect(download.status()).toEqual({ state: 'done', conversationsDone: 1, conversationsTotal: 1, messagesDone: 450, error: null });
      expect(held(c, long.id)).toEqual(long.messageIds);
    } finally {
      await server.close();
    }
  });

  it('stops when asked, and a stopped download is not resumed after a restart', async () => {
    const long = addLongConversation(t.server.store, [t.accounts[0]!, t.accounts[1]!], 'Stopped history', 450);
    const c = await client();
    let stopped: HistoryProgress | null = null;
    const first = downloadFor(c, { onStored: () => (stopped ??= first.download.stop()) });
    first.download.start([long.id]);
    await eventually(() => stopped !== null, 10_000, 'the first page');
    expect(stopped).toMatchObject({ state: 'idle', messagesDone: 0 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(first.calls).toHaveLength(1);
    expect(first.emits.at(-1)?.state).toBe('idle');

    const restarted = await c.reopen();
    opened.push(restarted);
    const after = downloadFor(restarted);
    expect(after.download.resume()).toMatchObject({ state: 'idle' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(after.calls).toHaveLength(0);
  });

  it('starts a conversation cleared meanwhile over from its newest page', async () => {
    const long = addLongConversation(t.server.store, [t.accounts[0]!, t.accounts[1]!], 'Cleared history', 450);
    const bob = await new TestClient(t.server.url, t.accounts[1]!).signIn();
    const c = await client();
    let fresh: string[] = [];
    let pages = 0;
    const { download, calls } = downloadFor(c, {
      fetchOlder: async (id, before, limit) => {
        calls.push({ id, before: before?.id ?? null });
        const page = await c.engine.fetchHistoryPage(id, before, limit);
        if (++pages === 1) {
          // Bob clears it after our first page; then a few new messages come.
          const listed = (await bob.conversations()).find((x) => x.id === long.id);
          const cleared = await bob.call('clear', { conversationid: long.id, instance: listed.instance });
          expect(cleared.http, cleared.text).toBe(200);
          fresh = addHistory(t.server.store, long, t.accounts[1]!, 5);
        }
        return page;
      },
    });
    const announced = c.events.length;
    download.start([long.id]);
    await eventually(() => download.status().state === 'done', 20_000, 'the download to finish');

    expect(calls.map((x) => x.before)).toEqual([null, long.messageIds[250], null]);
    // What was downloaded before the clear counts; only what the conversation holds now is kept.
    expect(download.status()).toEqual({ state: 'done', conversationsDone: 1, conversationsTotal: 1, messagesDone: 205, error: null });
    expect(held(c, long.id)).toEqual(fresh);
    expect(c.events.slice(announced)).toContainEqual({ type: 'messages', conversationId: long.id, cleared: true });
  });
});
