/**
 * `npm run bench [-- <name filter>]`: runs the benchmarks and prints each figure against its target.
 * Figures are measured, never asserted in tests. BENCH_SECONDS shortens or lengthens timed runs.
 */
import { execFileSync } from 'node:child_process';
import { formatTable, meets, type Benchmark, type Figure } from './report.js';
import { accountsBenchmarks } from './accounts.js';
import { coreBenchmarks } from './core.js';
import { rendererBenchmarks } from './renderer.js';
import { serverThroughput } from './server-throughput.js';

const BENCHMARKS: Benchmark[] = [serverThroughput, coreBenchmarks, accountsBenchmarks, rendererBenchmarks];

const filter = process.argv.slice(2).join(' ').toLowerCase();
const chosen = BENCHMARKS.filter((b) => !filter || b.name.toLowerCase().includes(filter));
if (!chosen.length) {
  console.error(`No benchmark matches "${filter}". Available: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  process.exit(2);
}

/** Between benchmarks, the disk writes one left behind (hundreds of MB of databases) are flushed first, so they do not land in the next one's timings. */
async function settle(): Promise<void> {
  try {
    execFileSync('sync', { stdio: 'ignore', timeout: 60_000 });
  } catch {
    // No `sync` here (Windows): the pause alone.
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
}

const figures: Figure[] = [];
for (const [i, bench] of chosen.entries()) {
  if (i > 0) await settle();
  process.stderr.write(`running: ${bench.name}\n`);
  figures.push(...(await bench.run()));
}
console.log(formatTable(figures));
const missed = figures.filter((f) => meets(f) === false).length;
console.log(`\n${figures.filter((f) => f.target).length - missed} targets met, ${missed} missed (${new Date().toISOString()}, ${process.version}).`);
