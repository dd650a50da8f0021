/**
 * The host serves the page while the core is still opening: requests made meanwhile wait and are
 * answered once it is open, and say so in words when it could not be opened.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually, openService, type ServiceUnderTest } from '../../test/support/core/service-harness.js';
import { startBrowserHost, type BrowserHost, type HostedService } from './host.js';
import { openSocket } from '../../test/support/browser-host/fixture.js';

let host: BrowserHost | undefined;
let sut: ServiceUnderTest | undefined;
let staticDir: string | undefined;

afterEach(async () => {
  await host?.close();
  await sut?.close();
  if (staticDir) rmSync(staticDir, { recursive: true, force: true });
  host = sut = staticDir = undefined;
});

async function startWith(service: Promise<HostedService>): Promise<{ ws: WebSocket; frames: any[] }> {
  staticDir = mkdtempSync(join(tmpdir(), 'ozeki-host-opening-'));
  mkdirSync(staticDir, { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><html><head></head><body></body></html>');
  host = await startBrowserHost({ service, staticDir, port: 0 });
  const origin = new URL(host.url).origin;
  expect((await fetch(host.url)).status).toBe(200);
  const ws = await openSocket(`${origin.replace('http', 'ws')}/__ozeki/ipc?token=${encodeURIComponent(host.token)}`, origin);
  if (!(ws instanceof WebSocket)) throw new Error(`refused with ${ws.refused}`);
  const frames: any[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  return { ws, frames };
}

describe('the browser host while the core opens', () => {
  it('serves the page at once and answers the requests made meanwhile, in order, once the core is open', async () => {
    let open!: (service: HostedService) => void;
    const { ws, frames } = await startWith(new Promise<HostedService>((resolve) => (open = resolve)));
    ws.send(JSON.stringify({ id: 1, channel: 'state:snapshot', args: [{ first: 10 }] }));
    ws.send(JSON.stringify({ id: 2, channel: 'session:demo', args: [] }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(frames).toEqual([]);

    sut = await openService();
    open(sut.service);
    await eventually(() => frames.length === 2, 10_000, 'both replies');
    expect(frames.map((f) => f.id)).toEqual([1, 2]);
    expect(frames[0].reply).toMatchObject({ ok: true, value: { profile: null, complete: true } });
    ws.close();
  });

  it('answers every request with a clear error when the core could not be opened', async () => {
    const { ws, frames } = await startWith(Promise.reject(new Error('the database is locked')));
    ws.send(JSON.stringify({ id: 7, channel: 'state:snapshot', args: [] }));
    const frame = await eventually(() => frames.find((f) => f.id === 7), 10_000, 'the reply');
    expect(frame.reply).toEqual({ ok: false, error: { code: 'internal', message: expect.stringMatching(/could not open its data/) } });
    ws.close();
  });
});
