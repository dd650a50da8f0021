/**
 * A closed-loop HTTP load generator: `connections` keep-alive sockets, each sending its next request
 * as soon as the previous answer arrives, for a fixed time. Request bodies come from a factory so
 * every signed request can carry its own nonce.
 */
import { Agent, request } from 'node:http';

export type LoadResult = { requests: number; errors: number; seconds: number; perSecond: number; p50Ms: number; p99Ms: number };

export async function runLoad(opts: {
  url: string;
  connections: number;
  durationMs: number;
  warmupMs?: number;
  makeRequest: () => { body: string; headers: Record<string, string> };
  /** A 2xx is expected; anything else counts as an error. */
}): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections });
  const url = new URL(opts.url);
  const send = () =>
    new Promise<number>((resolve) => {
      const { body, headers } = opts.makeRequest();
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          method: 'POST',
          headers: { ...headers, 'Content-Length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', () => resolve(0));
      req.end(body);
    });

  const phase = async (ms: number, record: boolean) => {
    const stopAt = performance.now() + ms;
    const latencies: number[] = [];
    let errors = 0;
    await Promise.all(
      Array.from({ length: opts.connections }, async () => {
        while (performance.now() < stopAt) {
          const t0 = performance.now();
          const status = await send();
          if (record) latencies.push(performance.now() - t0);
          if (status < 200 || status > 299) errors++;
        }
      }),
    );
    return { latencies, errors };
  };

  if (opts.warmupMs) await phase(opts.warmupMs, false);
  const t0 = performance.now();
  const { latencies, errors } = await phase(opts.durationMs, true);
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { requests: latencies.length, errors, seconds, perSecond: latencies.length / seconds, p50Ms: at(0.5), p99Ms: at(0.99) };
}
