/**
 * Just enough of the Chrome DevTools Protocol to drive one headless Chromium page from a test,
 * over `ws`: a second driver beside playwright-core, so the bridge is also checked from a page
 * nothing but the host prepared.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

export type CdpPage = {
  navigate(url: string): Promise<void>;
  /** Evaluates an expression in the page, awaiting a promise it returns; gives the value as JSON. */
  evaluate(expression: string): Promise<unknown>;
  close(): Promise<void>;
};

export async function launchChromium(executable: string, args: string[]): Promise<CdpPage> {
  const profile = mkdtempSync(join(tmpdir(), 'ozeki-chromium-'));
  const child = spawn(executable, ['--headless', ...args, '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // Its own process group, so closing reaches the renderer and utility processes too: they
    // outlive the browser process for a moment and were still writing the profile's cache.
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // Already gone.
    }
    await exited;
    await rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  };
  try {
    const browserUrl = await new Promise<string>((resolve, reject) => {
      let err = '';
      child.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        const found = /DevTools listening on (ws:\/\/\S+)/.exec(err);
        if (found) resolve(found[1]!);
      });
      child.once('exit', () => reject(new Error(`Chromium exited: ${err.slice(-500)}`)));
    });
    const targets = (await (await fetch(`http://${new URL(browserUrl).host}/json/list`)).json()) as { type: string; webSocketDebuggerUrl: string }[];
    const target = targets.find((t) => t.type === 'page');
    if (!target) throw new Error('Chromium opened no page');
    const ws = new WebSocket(target.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));

    let nextId = 1;
    const waiting = new Map<number, (message: any) => void>();
    ws.on('message', (data) => {
      const message = JSON.parse(String(data));
      waiting.get(message.id)?.(message);
      waiting.delete(message.id);
    });
    const call = (method: string, params: object): Promise<any> =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, (m) => (m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result)));
        ws.send(JSON.stringify({ id, method, params }));
      });

    return {
      navigate: async (url) => {
        await call('Page.navigate', { url });
      },
      evaluate: async (expression) => {
        const { result, exceptionDetails } = await call('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
        if (exceptionDetails) throw new Error(`in the page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
        return result.value;
      },
      close: async () => {
        ws.close();
        await close();
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}
