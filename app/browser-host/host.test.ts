/**
 * The browser host against a real ChatService signed in to the reference server: what it serves,
 * what it refuses, and the IPC contract over its WebSocket.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually } from '../../test/support/core/service-harness.js';
import { MAX_FRAME_BYTES } from './ipc-socket.js';
import { FAVICON_SOURCE, openSocket, rawGet, rawUpgrade, SECRET, startHostFixture, type HostFixture } from '../../test/support/browser-host/fixture.js';

let f: HostFixture;
const ipcUrl = (token: string | null) => `ws://127.0.0.1:${f.port}/__ozeki/ipc${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;

/** One connected tab: numbered requests, and every frame it received. */
class Tab {
  readonly frames: any[] = [];
  private nextId = 1;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(JSON.parse(String(data))));
  }
  static async open(): Promise<Tab> {
    const ws = await openSocket(ipcUrl(f.host.token), f.origin);
    if (!(ws instanceof WebSocket)) throw new Error(`refused with ${ws.refused}`);
    return new Tab(ws);
  }
  async invoke(channel: string, ...args: unknown[]): Promise<any> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ id, channel, args }));
    return (await eventually(() => this.frames.find((fr) => fr.id === id), 10_000, `the reply to ${channel}`)).reply;
  }
  event(name: string, match: (payload: any) => boolean = () => true) {
    return eventually(() => this.frames.find((fr) => fr.event === name && match(fr.payload)), 10_000, `a ${name} event`);
  }
}

beforeAll(async () => {
  f = await startHostFixture();
});
afterAll(async () => {
  await f?.close();
});

describe('serving the renderer', () => {
  it('serves index.html with the bridge first in <head> and the security headers', async () => {
    const res = await fetch(f.host.url);
    expect(res.status).toBe(200);
    expect(f.host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe(
      `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws://127.0.0.1:${f.port}; ` +
        `img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`,
    );
    const html = await res.text();
    expect(html).toMatch(/<head><script src="\/__ozeki\/bridge\.js"><\/script><meta charset="utf-8">/);
    expect(html.indexOf('/__ozeki/bridge.js')).toBeLessThan(html.indexOf('/app.js'));
    // The page itself never carries the token.
    expect(html).not.toContain(f.host.token);
  });

  it('serves assets and the bridge script as JavaScript with their own types', async () => {
    const app = await fetch(`${f.origin}/app.js`);
    expect(app.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(app.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${f.origin}/assets/style.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const bridge = await fetch(`${f.origin}/__ozeki/bridge.js`);
    expect(bridge.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const code = await bridge.text();
    expect(code).toContain('window'); // it defines window.ozeki...
    expect(code).not.toMatch(/^\s*(import|export)\b/m); // ...as a plain script, types stripped
    expect(() => new Function(code)).not.toThrow();
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/..%2f..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/..%5csecret.txt',
    '/assets/../../secret.txt',
    '/%252e%252e/secret.txt',
    '//etc/passwd',
    '/%2fetc%2fpasswd',
    '/index.html%00.txt',
    '/%00',
    '/%e0%a4%a',
  ])('refuses %s', async (path) => {
    const res = await rawGet(f.port, path);
    expect([400, 404]).toContain(res.status);
    expect(res.body).not.toContain(SECRET);
  });

  it('answers 404 for a missing file or a folder, 405 for other methods, 400 for another Host name', async () => {
    expect((await fetch(`${f.origin}/nothing.js`)).status).toBe(404);
    expect((await fetch(`${f.origin}/assets`)).status).toBe(404);
    expect((await fetch(`${f.origin}/app.js`, { method: 'POST', body: 'x' })).status).toBe(405);
    expect((await rawGet(f.port, '/', { Host: `attacker.example:${f.port}` })).status).toBe(400);
    expect((await rawGet(f.port, '/', { Host: `localhost:${f.port}` })).status).toBe(400);
  });
});

describe('the favicon', () => {
  it('is the app icon, at the path the page links and at /favicon.ico, without the token', async () => {
    const icon = readFileSync(FAVICON_SOURCE);
    for (const path of ['/favicon.png', '/favicon.ico']) {
      const res = await fetch(`${f.origin}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toBe('image/png');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(Buffer.from(await res.arrayBuffer()).equals(icon), path).toBe(true);
    }
    expect((await fetch(`${f.origin}/favicon.ico`, { method: 'HEAD' })).status).toBe(200);
  });

  it('is linked by the real renderer page, and is the generated app icon (build/icons/64x64.png)', () => {
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    // Vite copies renderer/public/ into the build and rewrites the link to ./favicon.png (base './').
    expect(html).toContain('<link rel="icon" type="image/png" href="/favicon.png" />');
    expect(readFileSync(FAVICON_SOURCE).equals(readFileSync(new URL('../../build/icons/64x64.png', import.meta.url)))).toBe(true);
  });

  it('is still refused to another Host name', async () => {
    expect((await rawGet(f.port, '/favicon.ico', { Host: `attacker.example:${f.port}` })).status).toBe(400);
  });
});

describe('the IPC socket', () => {
  it('refuses a handshake addressed to another Host name with 403, even with the right token and Origin', async () => {
    const path = `/__ozeki/ipc?token=${encodeURIComponent(f.host.token)}`;
    const upgrade = (host: string, at = path) => rawUpgrade(f.port, at, { Host: host, Origin: f.origin });
    expect(await upgrade(`127.0.0.1:${f.port}`)).toBe(101); // the same request, addressed rightly, opens
    for (const host of ['evil.example:1234', `evil.example:${f.port}`, `localhost:${f.port}`, `127.0.0.1:${f.port + 1}`, '127.0.0.1']) {
      expect(await upgrade(host), host).toBe(403);
    }
    expect(await upgrade('evil.example:1234', '/elsewhere')).toBe(403); // before the path says anything
  });

  it('refuses a connection without the token, with a wrong one, or from another origin, before the upgrade', async () => {
    expect(await openSocket(ipcUrl(null), f.origin)).toEqual({ refused: 403 });
    expect(await openSocket(ipcUrl('x'.repeat(43)), f.origin)).toEqual({ refused: 403 });
    expect(await openSocket(ipcUrl(`${f.host.token}x`), f.origin)).toEqual({ refused: 403 });
    expect(await openSocket(ipcUrl(f.host.token), 'http://evil.example')).toEqual({ refused: 403 });
    expect(await openSocket(ipcUrl(f.host.token), `http://localhost:${f.port}`)).toEqual({ refused: 403 });
    expect(await openSocket(ipcUrl(f.host.token))).toEqual({ refused: 403 }); // no Origin at all
    expect(await openSocket(`ws://127.0.0.1:${f.port}/elsewhere?token=${f.host.token}`, f.origin)).toEqual({ refused: 404 });
  });

  it('answers state:snapshot with the signed-in snapshot', async () => {
    const tab = await Tab.open();
    const reply = await tab.invoke('state:snapshot');
    expect(reply.ok).toBe(true);
    expect(reply.value.profile).toMatchObject({ email: 'alice@demo.ozeki.chat', nick: 'Alice' });
    expect(reply.value.conversations).toHaveLength(2);
    tab.ws.close();
  });

  it('runs conversation:set-favorite on a real conversation and sends conversations:changed to every tab', async () => {
    const [one, two] = [await Tab.open(), await Tab.open()];
    const conversation = f.alice.service.snapshot().conversations.find((c) => !c.favorite)!;
    expect(await one.invoke('conversation:set-favorite', conversation.id, true)).toEqual({ ok: true });
    for (const tab of [one, two]) {
      await tab.event('conversations:changed', (p) => p.upserted.some((c: any) => c.id === conversation.id && c.favorite));
    }
    await f.alice.service.settle();
    one.ws.close();
    two.ws.close();
  });

  it('answers errors as Replies: an unknown channel, bad arguments, a malformed request', async () => {
    const tab = await Tab.open();
    expect(await tab.invoke('fs:read', '/etc/passwd')).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(await tab.invoke('conversation:set-favorite', 'not an id', true)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    tab.ws.send(JSON.stringify({ id: 900, channel: 'state:snapshot', args: 'nope' }));
    tab.ws.send(JSON.stringify({ id: 901, args: [] }));
    for (const id of [900, 901]) {
      const frame = await eventually(() => tab.frames.find((fr) => fr.id === id));
      expect(frame.reply).toEqual({
        ok: false,
        error: { code: 'invalid-argument', message: 'Invalid request: it needs a channel name and a list of arguments.' },
      });
    }
    tab.ws.close();
  });

  it('survives frames that are not requests at all, and refuses frames over 1 MiB', async () => {
    const tab = await Tab.open();
    for (const junk of ['', 'not json', '[1,2]', 'null', '{"id":"7"}', '{"id":-1,"channel":"x","args":[]}', '{"channel":"state:snapshot","args":[]}'])
      tab.ws.send(junk);
    tab.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await tab.invoke('state:snapshot')).ok).toBe(true); // the same socket still works
    expect(tab.frames.filter((fr) => 'id' in fr)).toHaveLength(1); // nothing answered the junk

    const closed = new Promise<number>((resolve) => tab.ws.once('close', resolve));
    tab.ws.send('x'.repeat(MAX_FRAME_BYTES + 1));
    expect(await closed).toBe(1009); // "message too big"

    const next = await Tab.open(); // and the host still takes connections
    expect((await next.invoke('state:snapshot')).ok).toBe(true);
    next.ws.close();
  });
});
