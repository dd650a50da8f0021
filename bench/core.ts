/**
 * Main-process core benchmarks:
 *  - parsing and validating a 10,000-conversation list (target <= 100 ms);
 *  - replaying 1,000 queued actions on reconnect against the reference server (target <= 3 s);
 *  - the renderer snapshot of 10,000 conversations: size and build time, cold (names not yet
 *    decrypted) and warm.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatService } from '../app/core/chat-service.js';
import { openSettings } from '../app/core/settings/conf-settings.js';
import { TestKeychain } from '../test/support/core/service-harness.js';
import { Vault } from '../app/core/vault/vault.js';
import { decodeResponse, encodeRequest, newStationId } from '../protocol/index.js';
import type { DemoAccount } from '../server/src/seed.js';
import { startChild, type Child } from './child.js';
import type { Benchmark, Figure } from './report.js';

const CONVERSATIONS = 10_000;
const ACTIONS = 1_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed<T>(work: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await work();
  return { ms: performance.now() - t0, value };
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const coreBenchmarks: Benchmark = {
  name: 'core: conversation list, outbox replay, snapshot',
  async run(): Promise<Figure[]> {
    const dataDir = mkdtempSync(join(tmpdir(), 'ozeki-bench-core-server-'));
    const appDir = mkdtempSync(join(tmpdir(), 'ozeki-bench-core-app-'));
    const env = { BENCH_DATA_DIR: dataDir, BENCH_CONVERSATIONS: String(CONVERSATIONS) };
    let server: Child | undefined = await startChild('./fixtures/reference-server.ts', ['URL', 'DATA'], env);
    let service: ChatService | undefined;
    try {
      const url = server.lines.get('URL')!;
      const port = new URL(url).port;
      const alice = (JSON.parse(readFileSync(join(dataDir, 'demo-accounts.json'), 'utf8')) as DemoAccount[])[0]!;

      // 1. The list as the server sends it, parsed and validated like the client does.
      const creds = { station: newStationId(), user: alice.userid, apikey: alice.apikey };
      const login = encodeRequest('login', { apikey: alice.apikey }, creds);
      await fetch(`${url}?srv=chatserver&api=chatlogin`, { method: 'POST', body: login.body, headers: login.headers });
      const list = encodeRequest('conversationList', {}, creds);
      const raw = await (await fetch(`${url}?srv=chatserver&api=chatconversation`, { method: 'POST', body: list.body, headers: list.headers })).text();
      const parseRuns: number[] = [];
      for (let i = 0; i < 7; i++) {
        const { ms, value } = await timed(() => decodeResponse('conversationList', JSON.parse(raw)));
        if (!value.ok || value.value.conversations.length < CONVERSATIONS) throw new Error('the list did not validate');
        parseRuns.push(ms);
      }

      // 3 (first, while the list is fresh). Sign in, wait for the first sync, then snapshot cold and warm.
      const vault = await Vault.open({ backend: new TestKeychain() });
      service = await ChatService.open({ dataDir: appDir, vault, settings: openSettings(appDir).store, push: false });
      const s = service;
      await s.handlers()['session:sign-in']({ serverUrl: url, email: alice.email, apiKey: alice.apikey, password: alice.password });
      let listed = 0;
      s.on((event, payload) => {
        if (event === 'conversations:changed') listed = Math.max(listed, (payload as { upserted: unknown[] }).upserted.length);
      });
      await waitFor(() => listed >= CONVERSATIONS, 120_000, 'the first sync');
      // A restarted app: opening the store, unlocking the keys and the first snapshot, all from cache.
      await s.close();
      const cold = await timed(async () => {
        service = await ChatService.open({ dataDir: appDir, vault, settings: openSettings(appDir).store, push: false });
        return service.snapshot();
      });
      const fresh = service!;
      // Listen rather than poll: a 10,000-conversation snapshot is too heavy to ask for in a loop.
      let pendingNow = Number.POSITIVE_INFINITY;
      fresh.on((event, payload) => {
        if (event === 'connection:changed') pendingNow = (payload as { pendingCount: number }).pendingCount;
      });
      const warmRuns: number[] = [];
      let bytes = 0;
      for (let i = 0; i < 5; i++) {
        const { ms, value } = await timed(() => fresh.snapshot());
        warmRuns.push(ms);
        bytes = Buffer.byteLength(JSON.stringify(value));
      }

      // 2. Offline: queue 1,000 actions, bring the server back, time until the outbox is empty.
      await server.stop();
      server = undefined;
      const ids = fresh.snapshot().conversations.map((c) => c.id);
      const h = fresh.handlers();
      for (let i = 0; i < ACTIONS; i++) {
        const id = ids[i % ids.length]!;
        // Distinct conversations and kinds, so nothing folds away: 1,000 real calls.
        if (i % 4 === 0) await h['messages:send'](id, `queued ${i}`);
        else if (i % 4 === 1) await h['conversation:set-color'](id, '#bae1ff');
        else if (i % 4 === 2) await h['conversation:set-muted'](id, true);
        else await h['conversation:set-favorite'](id, true);
      }
      const queued = fresh.snapshot().pendingCount;
      server = await startChild('./fixtures/reference-server.ts', ['URL', 'DATA'], { ...env, BENCH_PORT: port });
      let syncMs = 0;
      const replay = await timed(async () => {
        syncMs = (await timed(() => h['sync:now']())).ms;
        await waitFor(() => pendingNow === 0, 120_000, 'the outbox to drain');
      });

      return [
        {
          name: `parse + validate a ${CONVERSATIONS.toLocaleString('en-US')}-conversation list (median of 7)`,
          value: median(parseRuns),
          unit: 'ms',
          digits: 1,
          target: { op: '<=', value: 100 },
        },
        { name: `conversation list size on the wire`, value: Buffer.byteLength(raw) / 1024 / 1024, unit: 'MiB', digits: 1 },
        {
          name: `outbox replay of ${queued.toLocaleString('en-US')} actions on reconnect (sync + drain)`,
          value: replay.ms / 1000,
          unit: 's',
          digits: 2,
          target: { op: '<=', value: 3 },
        },
        { name: `  of which the sync of the ${CONVERSATIONS.toLocaleString('en-US')}-conversation list`, value: syncMs / 1000, unit: 's', digits: 2 },
        {
          name: `restart to first snapshot of ${CONVERSATIONS.toLocaleString('en-US')} conversations (open, unlock, build)`,
          value: cold.ms,
          unit: 'ms',
          digits: 0,
        },
        { name: `snapshot of ${CONVERSATIONS.toLocaleString('en-US')} conversations, warm (median of 5)`, value: median(warmRuns), unit: 'ms', digits: 0 },
        { name: `snapshot size for the renderer`, value: bytes / 1024 / 1024, unit: 'MiB', digits: 2 },
      ];
    } finally {
      await service?.close().catch(() => {});
      await server?.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(appDir, { recursive: true, force: true });
    }
  },
};
