/**
 * The app as `npm start` runs it without Electron: a damaged settings file is set aside, and the
 * user hears of it in the window (not only in a log), with the settings back at their defaults.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually } from '../../test/support/core/service-harness.js';
import { FileKeychain } from '../../test/support/core/file-keychain.js';
import { openSocket } from '../../test/support/browser-host/fixture.js';
import { startWebApp, type WebApp } from './web-app.js';

const folders: string[] = [];
let app: WebApp | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const folder = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `ozeki-web-app-${name}-`));
  folders.push(dir);
  return dir;
};

describe('the app in a browser', () => {
  it('tells the window when its settings file was damaged, and starts with the defaults', async () => {
    const dataDir = folder('data');
    const staticDir = folder('static');
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><html><head></head><body></body></html>');
    writeFileSync(join(dataDir, 'settings.json'), '{"preferences": {"appearance": {"zoom": 150}');
    app = await startWebApp({ dataDir, staticDir, port: 0, log: () => {}, keychain: new FileKeychain(join(folder('keychain'), 'keychain.json')) });
    await app.ready;

    const url = new URL(app.url);
    const ws = await openSocket(`ws://${url.host}/__ozeki/ipc?token=${encodeURIComponent(url.searchParams.get('token')!)}`, url.origin);
    if (!(ws instanceof WebSocket)) throw new Error(`refused with ${ws.refused}`);
    const frames: any[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(String(data))));
    ws.send(JSON.stringify({ id: 1, channel: 'state:snapshot', args: [] }));
    ws.send(JSON.stringify({ id: 2, channel: 'settings:get', args: [] }));
    await eventually(() => frames.filter((f) => f.id).length === 2, 10_000, 'both replies');
    const snapshot = frames.find((f) => f.id === 1).reply.value;
    expect(snapshot.notices).toContainEqual(expect.objectContaining({ level: 'warning', message: expect.stringMatching(/^Your settings file was damaged/) }));
    expect(frames.find((f) => f.id === 2).reply.value.preferences.appearance.zoom).toBe(100);
    expect(readdirSync(dataDir).some((f) => f.startsWith('settings.json.corrupt-'))).toBe(true);
    ws.close();
  });
});
