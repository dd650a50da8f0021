/**
 * `npm run bench [-- <name filter>]`: runs the benchmarks and prints each figure against its target.
 * Figures are measured, never asserted in tests. BENCH_SECONDS shortens or lengthens timed runs.
 */
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

const figures: Figure[] = [];
for (const bench of chosen) {
  process.stderr.write(`running: ${bench.name}\n`);
  figures.push(...(await bench.run()));
}
console.log(formatTable(figures));
const missed = figures.filter((f) => meets(f) === false).length;
console.log(`\n${figures.filter((f) => f.target).length - missed} targets met, ${missed} missed (${new Date().toISOString()}, ${process.version}).`);
