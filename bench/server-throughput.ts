/**
 * Reference server throughput: signed `favorite` calls over 32 keep-alive connections, against a bare
 * node:http server answering {} measured in the same run on the same machine. The ratio is what the
 * target applies to, since absolute numbers depend on the machine. To measure the servers rather
 * than the load generator, every request of a round is signed (each with its own nonce, as replay
 * refusal demands) before the clock starts, and both servers get the same pre-built requests. The
 * two are measured in alternating rounds and the median is reported, so a slow moment of the
 * machine does not land on one side only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRequest, newStationId } from '../protocol/index.js';
import type { DemoAccount } from '../server/src/seed.js';
import { startChild, type Child } from './child.js';
import { runLoad, type LoadResult } from './load.js';
import type { Benchmark, Figure } from './report.js';

const CONNECTIONS = 32;
const ROUNDS = 3;
const roundMs = (Number(process.env.BENCH_SECONDS ?? 6) * 1000) / ROUNDS;

async function post(url: string, body: string, headers: Record<string, string>): Promise<any> {
  const res = await fetch(url, { method: 'POST', body, headers });
  return res.json();
}

/** Enough signed requests for one round at a rate well above what either server reaches here. */
const REQUESTS_PER_SECOND_CEILING = 30_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const serverThroughput: Benchmark = {
  name: 'reference server throughput',
  async run(): Promise<Figure[]> {
    let bare: Child | undefined;
    let ref: Child | undefined;
    try {
      bare = await startChild('./fixtures/bare-server.ts', ['PORT']);
      ref = await startChild('./fixtures/reference-server.ts', ['URL', 'DATA']);

      const base = ref.lines.get('URL')!;
      const alice = (JSON.parse(readFileSync(join(ref.lines.get('DATA')!, 'demo-accounts.json'), 'utf8')) as DemoAccount[])[0]!;
      const creds = { station: newStationId(), user: alice.userid, apikey: alice.apikey };
      const login = encodeRequest('login', { apikey: alice.apikey }, creds);
      const session = await post(`${base}?srv=chatserver&api=chatlogin`, login.body, login.headers);
      const listReq = encodeRequest('conversationList', {}, creds);
      const list = await post(session.urls.conversation, listReq.body, listReq.headers);
      const conversationid = list.conversations[0].id as string;
      const favorite = () => encodeRequest('favorite', { conversationid }, creds);

      const targets = {
        bare: `http://127.0.0.1:${bare.lines.get('PORT')}/ozeki/index.php?srv=chatserver&api=chatconversation`,
        ref: session.urls.conversation as string,
      };
      const results: { bare: LoadResult[]; ref: LoadResult[] } = { bare: [], ref: [] };
      for (let round = 0; round < ROUNDS; round++) {
        for (const side of ['bare', 'ref'] as const) {
          const warmupMs = round === 0 ? 1000 : 300;
          const presigned = Array.from({ length: Math.ceil(((roundMs + warmupMs) / 1000) * REQUESTS_PER_SECOND_CEILING) }, favorite);
          let next = 0;
          const makeRequest = () => presigned[next++] ?? favorite();
          const r = await runLoad({ url: targets[side], connections: CONNECTIONS, durationMs: roundMs, warmupMs, makeRequest });
          if (r.errors) throw new Error(`${r.errors} requests failed against the ${side} server`);
          results[side].push(r);
        }
      }
      const ratios = results.ref.map((r, i) => r.perSecond / results.bare[i]!.perSecond);
      return [
        { name: `bare node:http {} (${CONNECTIONS} connections, median of ${ROUNDS})`, value: median(results.bare.map((r) => r.perSecond)), unit: 'req/s' },
        { name: `reference server signed favorite (${CONNECTIONS} connections)`, value: median(results.ref.map((r) => r.perSecond)), unit: 'req/s' },
        { name: 'reference server favorite p99 latency', value: median(results.ref.map((r) => r.p99Ms)), unit: 'ms', digits: 1 },
        { name: 'throughput ratio reference / bare', value: median(ratios), unit: '', digits: 2, target: { op: '>=', value: 0.4 } },
      ];
    } finally {
      await Promise.all([bare?.stop(), ref?.stop()]);
    }
  },
};
