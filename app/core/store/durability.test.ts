import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocalDb } from './local-db.js';
import { SHARED, tempDir } from '../../../test/support/core/store/fixtures.js';
import { TEST_DB_KEY } from '../../../test/support/core/store/db-key.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const CHILD = join(ROOT, 'test/support/core/store/enqueue-loop.ts');

const tmp = tempDir('ozeki-durability-');
afterAll(() => tmp.remove());

type Run = { acknowledged: number[]; colours: number[]; removed: number[]; lines: number };

/** Starts the child, lets it enqueue for a random while, then SIGKILLs it (and tsx's own child). */
function runAndKill(dir: string, start: number): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    // detached: the child leads its own process group, so the kill reaches the node process tsx starts.
    const child = spawn(TSX, [CHILD, dir, String(start)], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killTimer: NodeJS.Timeout | undefined;
    let killed = false;
    const kill = (): void => {
      if (killed || child.pid === undefined) return;
      killed = true;
      process.kill(-child.pid, 'SIGKILL');
    };
    const safety = setTimeout(kill, 15_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!killTimer && out.includes('\n')) killTimer = setTimeout(kill, Math.floor(Math.random() * 150));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    // 'close' comes once every holder of the pipes (tsx and its node child) is gone.
    child.on('close', () => {
      clearTimeout(safety);
      clearTimeout(killTimer);
      if (!killed) return reject(new Error(`the child exited by itself:\n${err}`));
      // Only complete lines were acknowledged: a torn last line means enqueue had returned, but is not counted.
      const lines = out.split('\n').slice(0, -1);
      const run: Run = { acknowledged: [], colours: [], removed: [], lines: lines.length };
      for (const line of lines) {
        const [seq, kind, removed] = line.split(' ');
        if (seq && seq !== '-') run.acknowledged.push(Number(seq));
        if (seq && kind === 'color') run.colours.push(Number(seq));
        for (const r of (removed ?? '').split(',').filter(Boolean)) run.removed.push(Number(r));
      }
      resolvePromise(run);
    });
  });
}

describe('durability of the outbox', () => {
  it('keeps every action whose enqueue returned, across five SIGKILLs at random points', async () => {
    const expected = new Set<number>();
    const acknowledgedEver = new Set<number>();
    const colours = new Set<number>();
    for (let round = 0; round < 5; round++) {
      const run = await runAndKill(tmp.dir, round * 1_000_000);
      expect(run.lines).toBeGreaterThan(0);
      for (const seq of run.acknowledged) {
        expected.add(seq);
        acknowledgedEver.add(seq);
      }
      for (const seq of run.colours) colours.add(seq);
      for (const seq of run.removed) expected.delete(seq);

      const { db, notices } = openLocalDb(tmp.dir, { key: TEST_DB_KEY });
      try {
        expect(notices).toEqual([]);
        const pending = db.pending();
        const seqs = new Set(pending.map((p) => p.seq));
        const colourNow = pending.find((p) => p.action.conversationId === SHARED);
        // A colour may be gone only because a later colour (committed just before the kill, its line
        // not yet printed) replaced it; anything else acknowledged must be there.
        const missing = [...expected].filter((seq) => !seqs.has(seq) && !(colours.has(seq) && colourNow && colourNow.seq > seq));
        expect(missing, `acknowledged but lost after kill ${round + 1}`).toEqual([]);
        // At most the one enqueue that committed while its line was being written is extra, per kill.
        const extra = pending.filter((p) => !acknowledgedEver.has(p.seq));
        expect(extra.length).toBeLessThanOrEqual(round + 1);
        // The colour coalescing (delete + insert) is atomic: never two colours, never none once one was acknowledged.
        expect(pending.filter((p) => p.action.conversationId === SHARED).length).toBeLessThanOrEqual(1);
        // Every row reads, in seq order.
        expect(db.skippedRows()).toEqual([]);
        expect(db.pendingCount()).toBe(pending.length);
        expect(pending.map((p) => p.seq)).toEqual([...pending.map((p) => p.seq)].sort((a, b) => a - b));
      } finally {
        db.close();
      }
    }
    expect(acknowledgedEver.size).toBeGreaterThan(5);
  }, 60_000);
});
