/**
 * Several accounts: three accounts on two reference servers (Alice with 10,000 conversations on
 * each server, and Bob on the first, who is in about two thirds of Alice's there), the core's side:
 *  - cold start of the accounts registry (every account's store opened and resumed from the
 *    keychain, the servers down) to the active account's first screen of the list (target <= 300 ms;
 *    the renderer's own paint after it is in the renderer benchmark's first-paint figure);
 *  - switching accounts to the other account's first screen (target <= 50 ms);
 *  - the core's resident memory per account, printed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountsService } from '../app/core/accounts/accounts-service.js';
import { openSettings } from '../app/core/settings/conf-settings.js';
import { Vault } from '../app/core/vault/vault.js';
import type { DemoAccount } from '../server/src/seed.js';
import { TestKeychain } from '../test/support/core/service-harness.js';
import { startChild, type Child } from './child.js';
import type { Benchmark, Figure } from './report.js';
import { median } from './stats.js';

const CONVERSATIONS = 10_000;
const FIRST_SCREEN = 100;
const COLD_RUNS = 3;
const SWITCH_RUNS = 9;

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const rssMiB = () => process.memoryUsage().rss / 2 ** 20;

export const accountsBenchmarks: Benchmark = {
  name: 'accounts: three accounts on two servers',
  async run(): Promise<Figure[]> {
    const dirs = [0, 1].map((i) => mkdtempSync(join(tmpdir(), `ozeki-bench-accounts-server${i}-`)));
    const appDir = mkdtempSync(join(tmpdir(), 'ozeki-bench-accounts-app-'));
    const servers: Child[] = [];
    let registry: AccountsService | undefined;
    try {
      servers.push(
        ...(await Promise.all(
          dirs.map((dir) => startChild('./fixtures/reference-server.ts', ['URL', 'DATA'], { BENCH_DATA_DIR: dir, BENCH_CONVERSATIONS: String(CONVERSATIONS) })),
        )),
      );
      const people = dirs.map((dir) => JSON.parse(readFileSync(join(dir, 'demo-accounts.json'), 'utf8')) as DemoAccount[]);
      const urls = servers.map((s) => s.lines.get('URL')!);
      const vault = await Vault.open({ backend: new TestKeychain() });
      const open = () => AccountsService.open({ dataDir: appDir, vault, settings: openSettings(appDir).store, push: false, defer: () => {} });

      registry = await open();
      const signIns: [string, DemoAccount][] = [
        [urls[0]!, people[0]![0]!],
        [urls[0]!, people[0]![1]!],
        [urls[1]!, people[1]![0]!],
      ];
      for (const [serverUrl, who] of signIns) {
        await registry.handlers()['session:sign-in']({ serverUrl, email: who.email, apiKey: who.apikey, password: who.password });
      }
      const r = registry;
      const sizes = new Map<string, number>();
      r.onAccountEvent((id, event, payload) => {
        if (event === 'conversations:changed') sizes.set(id, Math.max(sizes.get(id) ?? 0, (payload as { upserted: unknown[] }).upserted.length));
      });
      await waitFor(() => r.list().every((a) => (sizes.get(a.id) ?? 0) >= CONVERSATIONS * 0.6), 300_000, 'the first sync of every account');
      await r.settle();
      const counts = r.list().map((a) => a.service.snapshot().conversations.length);
      await r.close();
      registry = undefined;
      for (const s of servers.splice(0)) await s.stop();

      // A restarted app with the servers down: every account comes back from its cache.
      const colds: number[] = [];
      let rssOne = 0;
      let rssAll = 0;
      for (let i = 0; i < COLD_RUNS; i++) {
        const before = rssMiB();
        const t0 = performance.now();
        registry = await open();
        const first = registry.snapshot({ first: FIRST_SCREEN });
        colds.push(performance.now() - t0);
        if (first.conversations.length < FIRST_SCREEN || first.accounts.length !== 3) throw new Error('the cold start did not bring back three accounts');
        // Every account's whole list built once, as the tray and the counts do a moment later.
        rssOne = rssMiB() - before;
        for (const a of registry.list()) a.service.snapshot();
        rssAll = rssMiB() - before;
        if (i < COLD_RUNS - 1) {
          await registry.close();
          registry = undefined;
        }
      }
      const switches: number[] = [];
      const ids = registry!.list().map((a) => a.id);
      for (let i = 0; i < SWITCH_RUNS; i++) {
        const target = ids[(i + 1) % ids.length]!;
        const t0 = performance.now();
        registry!.switchTo(target);
        const shown = registry!.snapshot({ first: FIRST_SCREEN });
        switches.push(performance.now() - t0);
        if (shown.activeAccountId !== target) throw new Error('the switch did not take');
      }
      return [
        { name: `  conversations per account: ${counts.map((c) => c.toLocaleString('en-US')).join(', ')}`, value: counts.length, unit: 'accounts', digits: 0 },
        {
          name: `3 accounts: cold start to the active account's first screen (core, median of ${COLD_RUNS})`,
          value: median(colds),
          unit: 'ms',
          target: { op: '<=', value: 300 },
        },
        {
          name: `3 accounts: switch to another account's first screen (core, median of ${SWITCH_RUNS})`,
          value: median(switches),
          unit: 'ms',
          target: { op: '<=', value: 50 },
        },
        { name: '  resident memory added by opening the 3 accounts (first screen only)', value: rssOne, unit: 'MiB', digits: 1 },
        { name: '  resident memory per account, every list built', value: rssAll / 3, unit: 'MiB', digits: 1 },
      ];
    } finally {
      await registry?.close().catch(() => {});
      for (const s of servers) await s.stop().catch(() => {});
      for (const dir of [...dirs, appDir]) rmSync(dir, { recursive: true, force: true });
    }
  },
};
