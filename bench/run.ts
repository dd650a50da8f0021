/**
 * `npm run bench [-- <name filter>]`: runs the benchmarks and prints each figure against its target.
 * Figures are measured, never asserted in tests. BENCH_SECONDS shortens or lengthens timed runs.
 *
 * Each benchmark runs in a process of its own (this script again, with BENCH_ONE naming it), as
 * the app starts in a fresh one: the heap and the garbage an earlier benchmark left (10,000
 * conversations, three accounts) made a later cold start's core take twice as long.
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatTable, meets, type Benchmark, type Figure } from './report.js';
import { accountsBenchmarks } from './accounts.js';
import { coreBenchmarks } from './core.js';
import { filesBenchmarks } from './files.js';
import { messageLogBenchmarks } from './message-log.js';
import { rendererBenchmarks } from './renderer.js';
import { searchBenchmarks } from './search.js';
import { serverThroughput } from './server-throughput.js';

const BENCHMARKS: Benchmark[] = [
  serverThroughput,
  coreBenchmarks,
  filesBenchmarks,
  accountsBenchmarks,
  rendererBenchmarks,
  messageLogBenchmarks,
  searchBenchmarks,
];

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

const FIGURES_LINE = 'BENCH_FIGURES ';
const TSX = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

/** Runs one benchmark in a child process and reads its figures from the line it prints last. */
async function inOwnProcess(bench: Benchmark): Promise<Figure[]> {
  // --expose-gc: a memory figure starts from a collected heap (bench/files.ts), never to tidy up during one.
  const env = { ...process.env, BENCH_ONE: bench.name, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc`.trim() };
  const child = spawn(TSX, [fileURLToPath(import.meta.url)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const line = out.split('\n').find((l) => l.startsWith(FIGURES_LINE));
  if (code !== 0 || !line) throw new Error(`the benchmark "${bench.name}" failed (exit code ${code})`);
  return JSON.parse(line.slice(FIGURES_LINE.length)) as Figure[];
}

const one = process.env.BENCH_ONE;
if (one !== undefined) {
  const bench = BENCHMARKS.find((b) => b.name === one);
  if (!bench) throw new Error(`no benchmark is named "${one}"`);
  console.log(FIGURES_LINE + JSON.stringify(await bench.run()));
  process.exit(0);
}

const figures: Figure[] = [];
for (const [i, bench] of chosen.entries()) {
  if (i > 0) await settle();
  process.stderr.write(`running: ${bench.name}\n`);
  figures.push(...(await inOwnProcess(bench)));
}
console.log(formatTable(figures));
const missed = figures.filter((f) => meets(f) === false).length;
console.log(`\n${figures.filter((f) => f.target).length - missed} targets met, ${missed} missed (${new Date().toISOString()}, ${process.version}).`);
