/**
 * Test fixture for the browser host: a reference server, a real ChatService signed in to it as
 * Alice and synced, a small "built renderer" in a temporary folder (with a secret next to it, for
 * the path traversal tests to aim at), and the host serving both.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../../../server/test/harness.js';
import { eventually, openService, signIn, type ServiceUnderTest } from '../core/service-harness.js';
import { startBrowserHost, type BrowserHost } from '../../../app/browser-host/host.js';

export const SECRET = 'this file is outside the static folder';

/** The app's icon as the renderer build carries it (vite copies renderer/public/ as it is). */
export const FAVICON_SOURCE = new URL('../../../renderer/public/favicon.png', import.meta.url);

export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><link rel="icon" type="image/png" href="./favicon.png"><title>Ozeki test page</title><script type="module" src="/app.js"></script></head>
<body><p id="status">loading</p></body>
</html>
`;

/**
 * Shows on the page what the renderer sees through window.ozeki, for a browser that can only dump
 * the DOM: who is signed in, whether the token left the address bar, and whether the page could
 * replace or change the bridge (a module is strict code, so those attempts throw).
 */
export const APP_JS = `
const original = window.ozeki;
const attempts = [() => { window.ozeki = null; }, () => { delete window.ozeki; }, () => { window.ozeki.invoke = null; }];
const refused = attempts.filter((attempt) => { try { attempt(); return false; } catch { return true; } }).length;
window.ozeki.invoke('state:snapshot').then((reply) => {
  document.getElementById('status').textContent = JSON.stringify({
    email: reply.ok ? reply.value.profile.email : reply.error.code,
    search: location.search,
    refused,
    intact: window.ozeki === original && Object.isFrozen(window.ozeki) && typeof window.ozeki.invoke === 'function',
  });
});
`;

export type HostFixture = {
  t: TestServer;
  alice: ServiceUnderTest;
  host: BrowserHost;
  port: number;
  origin: string;
  tempDir: string;
  close(): Promise<void>;
};

export async function startHostFixture(): Promise<HostFixture> {
  const t = await startTestServer();
  const alice = await openService();
  await signIn(alice, t.server.url, t.accounts[0]!);
  await eventually(() => alice.service.snapshot().conversations.length === 2, 10_000, 'the first sync');

  const tempDir = mkdtempSync(join(tmpdir(), 'ozeki-host-test-'));
  const staticDir = join(tempDir, 'static');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), INDEX_HTML);
  writeFileSync(join(staticDir, 'app.js'), APP_JS);
  writeFileSync(join(staticDir, 'assets', 'style.css'), 'body { color: black }');
  copyFileSync(FAVICON_SOURCE, join(staticDir, 'favicon.png'));
  writeFileSync(join(tempDir, 'secret.txt'), SECRET);

  const host = await startBrowserHost({ service: alice.service, staticDir });
  const port = Number(new URL(host.url).port);
  return {
    t,
    alice,
    host,
    port,
    origin: `http://127.0.0.1:${port}`,
    tempDir,
    close: async () => {
      await host.close();
      await alice.close();
      await t.stop({ remove: true });
      rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

/** A GET with the path sent byte for byte (fetch would normalise `..` and `%2e%2e` away). */
export function rawGet(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens the IPC socket, or says with which HTTP status the handshake was refused. */
export function openSocket(url: string, origin?: string): Promise<WebSocket | { refused: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ refused: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.on('error', reject); // on, not once: terminate() may report a second error
  });
}

/**
 * A WebSocket handshake sent by hand, so any header can be set (the `ws` client insists on its own
 * Host): the HTTP status it was answered with, 101 when the socket was opened.
 */
export function rawUpgrade(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
    });
    req.once('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.once('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
