/**
 * Reference server throughput: signed `favorite` calls over 32 keep-alive connections, against a bare
 * node:http server answering {} measured in the same run on the same machine. The ratio is what
 * the target applies to, since absolute numbers depend on the machine.
 */
import { encodeRequest, newStationId } from '../protocol/index.js';
import type { DemoAccount } from '../server/src/seed.js';
import { startChild } from './child.js';
import { runLoad } from './load.js';
import type { Benchmark, Figure } from './report.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const CONNECTIONS = 32;
const seconds = Number(process.env.BENCH_SECONDS ?? 5);

async function post(url: string, body: string, headers: Record<string, string>): Promise<any> {
  const res = await fetch(url, { method: 'POST', body, headers });
  return res.json();
}

export const serverThroughput: Benchmark = {
  name: 'reference server throughput',
  async run(): Promise<Figure[]> {
    const load = { connections: CONNECTIONS, durationMs: seconds * 1000, warmupMs: 1000 };

    const bare = await startChild('./fixtures/bare-server.ts', ['PORT']);
    let bareResult;
    try {
      const url = `http://127.0.0.1:${bare.lines.get('PORT')}/ozeki/index.php?srv=chatserver&api=chatconversation`;
      const sample = encodeRequest('favorite', { conversationid: '0'.repeat(32) }, { station: newStationId(), user: '0'.repeat(32), apikey: 'x' });
      bareResult = await runLoad({ ...load, url, makeRequest: () => sample });
    } finally {
      await bare.stop();
    }

    const ref = await startChild('./fixtures/reference-server.ts', ['URL', 'DATA']);
    let refResult;
    try {
      const base = ref.lines.get('URL')!;
      const alice = (JSON.parse(readFileSync(join(ref.lines.get('DATA')!, 'demo-accounts.json'), 'utf8')) as DemoAccount[])[0]!;
      const creds = { station: newStationId(), user: alice.userid, apikey: alice.apikey };
      const login = encodeRequest('login', { apikey: alice.apikey }, creds);
      const session = await post(`${base}?srv=chatserver&api=chatlogin`, login.body, login.headers);
      const listReq = encodeRequest('conversationList', {}, creds);
      const list = await post(session.urls.conversation, listReq.body, listReq.headers);
      const conversationid = list.conversations[0].id as string;
      refResult = await runLoad({
        ...load,
        url: session.urls.conversation,
        makeRequest: () => encodeRequest('favorite', { conversationid }, creds),
      });
    } finally {
      await ref.stop();
    }

    if (refResult.errors || bareResult.errors) {
      throw new Error(`requests failed during the run: reference ${refResult.errors}, bare ${bareResult.errors}`);
    }
    return [
      { name: `bare node:http {} (${CONNECTIONS} connections)`, value: bareResult.perSecond, unit: 'req/s' },
      { name: `reference server signed favorite (${CONNECTIONS} connections)`, value: refResult.perSecond, unit: 'req/s' },
      { name: 'reference server favorite p99 latency', value: refResult.p99Ms, unit: 'ms', digits: 1 },
      { name: 'throughput ratio reference / bare', value: refResult.perSecond / bareResult.perSecond, unit: '', digits: 2, target: { op: '>=', value: 0.4 } },
    ];
  },
};
