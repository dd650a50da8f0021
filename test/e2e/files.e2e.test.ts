/**
 * Files and pictures end to end, as the "done when" says: the real renderer in Chromium,
 * the real core behind the browser host (in a process of its own, so it can be SIGKILLed), the
 * real reference server. Alice attaches a picture and a PDF with "Attach file"; Bob, on his phone
 * (the API alone), downloads and decrypts both and checks their SHA-256. Then a file is sent while
 * the server is down, the host is killed, both come back, and the file arrives. The server's data
 * folder holds only ciphertext. The tests run in order and share the app.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkCount, decryptChunk, openMessage, type FileAttachment, type MessagePlaintext } from '../../protocol/index.js';
import type { TestClient } from '../../server/test/harness.js';
import { png } from '../support/core/png.js';
import {
  axeSeriousFindingsLightAndDark,
  buildRenderer,
  conversationRow,
  conversationWith,
  haveChromium,
  launchBrowser,
  ServerUnderTest,
  signInWithDemo,
  STATIC_DIR,
} from './fixtures.js';

const POLL = { timeout: 20_000, interval: 200 };
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const HOST_CHILD = join(ROOT, 'test/support/browser-host/host-child.ts');
const PDF_MARKER = 'minutes marker 52c1';
const OFFLINE_MARKER = 'written on the train 9e04';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

if (!haveChromium) console.warn('Skipping the files end-to-end tests: /usr/bin/chromium is not installed.');

describe.skipIf(!haveChromium)('files and pictures in Chromium, and a file that outlives a SIGKILL (needs /usr/bin/chromium)', () => {
  let server: ServerUnderTest;
  let browser: Browser;
  let page: Page;
  let bob: TestClient;
  let host: ChildProcess | null = null;
  let work: string;
  let config: string;
  const picture = png(480, 320, { rgb: [30, 120, 200] });
  const pdf = Buffer.concat([Buffer.from(`%PDF-1.4\n% ${PDF_MARKER}\n`), randomBytes(1_500_000)]);

  const log = () => page.getByRole('log', { name: 'Messages' });
  const bubble = (name: string) => log().locator('[data-message-id]', { hasText: name }).last();

  /** Starts the host in its own process on the same folder and keychain file; answers its URL. */
  async function startHost(): Promise<string> {
    const child = spawn(TSX, [HOST_CHILD, config], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    host = child;
    const lines = createInterface({ input: child.stdout! });
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the host exited with ${code} before it served`)));
      lines.on('line', (line) => line.startsWith('URL ') && resolve(line.slice(4)));
    });
  }

  function killHost(): void {
    if (host?.pid !== undefined) process.kill(-host.pid, 'SIGKILL');
    host = null;
  }

  /** Each file Bob's phone sees in the conversation, by name. */
  async function bobsFiles(): Promise<Map<string, FileAttachment>> {
    const conversation = await conversationWith(bob, server.account('Alice').userid);
    const key = bob.conversationKey(conversation);
    const bodies = (await bob.newestPage(conversation, 100)).messages.map((m) => openMessage(key, m.Data) as MessagePlaintext);
    return new Map(bodies.filter((b) => b.file).map((b) => [(b.file as FileAttachment).name, b.file as FileAttachment]));
  }

  /** What Bob's phone downloads and decrypts of a file, chunk by chunk. */
  async function bobDownloads(file: FileAttachment): Promise<Buffer> {
    const key = Buffer.from(file.key, 'base64');
    const parts: Buffer[] = [];
    for (let index = 0; index < chunkCount(file.size); index++) {
      const reply = await bob.call('fileDownload', { fileid: file.id, index });
      expect(reply.http, reply.text).toBe(200);
      parts.push(decryptChunk(key, file.id, index, chunkCount(file.size), reply.bytes));
    }
    return Buffer.concat(parts);
  }

  async function attach(paths: string[]): Promise<void> {
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Attach file' }).click();
    await (await chooser).setFiles(paths);
  }

  beforeAll(async () => {
    server = await ServerUnderTest.start();
    await buildRenderer();
    browser = await launchBrowser();
    work = mkdtempSync(join(tmpdir(), 'ozeki-e2e-files-'));
    const alice = server.account('Alice');
    config = join(work, 'host.json');
    writeFileSync(
      config,
      JSON.stringify({
        dataDir: join(work, 'app'),
        staticDir: STATIC_DIR,
        secretsFile: join(work, 'secrets.json'),
        demo: { serverUrl: server.url, email: alice.email, apiKey: alice.apikey, password: alice.password },
      }),
    );
    writeFileSync(join(work, 'sunset.png'), picture);
    writeFileSync(join(work, 'minutes.pdf'), pdf);
    writeFileSync(join(work, 'offline notes.txt'), `${OFFLINE_MARKER}\n`);
    const context = await browser.newContext();
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(await startHost());
    await signInWithDemo(page);
    bob = await server.client('Bob');
  }, 180_000);

  afterAll(async () => {
    killHost();
    await browser?.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('sends a picture and a PDF with "Attach file": the picture shows inline, the PDF as a card to save', async () => {
    await conversationRow(page, 'Alice and Bob').click();
    await log().getByText('Perfect. Talk tomorrow?', { exact: false }).waitFor();
    await attach([join(work, 'sunset.png'), join(work, 'minutes.pdf')]);
    const img = log().getByRole('img', { name: 'sunset.png' });
    await expect.poll(async () => (await img.getAttribute('src').catch(() => null)) ?? '', POLL).toMatch(/^blob:/);
    await expect.poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth), POLL).toBe(480);
    await bubble('minutes.pdf').getByRole('button', { name: /Save/ }).waitFor();
    expect(await bubble('minutes.pdf').textContent()).toMatch(/1\.5 MB/);
    const findings = await axeSeriousFindingsLightAndDark(page);
    expect(findings).toEqual({ light: [], dark: [] });
  }, 60_000);

  it('reaches Bob’s phone: both files download, decrypt and match their SHA-256', async () => {
    await expect.poll(async () => [...(await bobsFiles()).keys()].sort(), POLL).toEqual(['minutes.pdf', 'sunset.png']);
    const files = await bobsFiles();
    const gotPicture = await bobDownloads(files.get('sunset.png')!);
    const gotPdf = await bobDownloads(files.get('minutes.pdf')!);
    expect(sha(gotPicture)).toBe(files.get('sunset.png')!.sha256);
    expect(sha(gotPicture)).toBe(sha(picture));
    expect(sha(gotPdf)).toBe(sha(pdf));
    expect(files.get('sunset.png')).toMatchObject({ type: 'image/png', width: 480, height: 320, size: picture.byteLength });
    expect(files.get('minutes.pdf')).toMatchObject({ type: 'application/pdf', size: pdf.byteLength });
  });

  it('sends a file written while the server is down, after the host is killed and both come back', async () => {
    await server.stop();
    await attach([join(work, 'offline notes.txt')]);
    await bubble('offline notes.txt').getByText('Waiting to upload').waitFor();
    killHost();
    await server.restart();
    await page.goto(await startHost());
    await page.getByRole('listbox', { name: 'Conversations' }).waitFor();
    await expect.poll(async () => (await bobsFiles()).has('offline notes.txt'), POLL).toBe(true);
    const file = (await bobsFiles()).get('offline notes.txt')!;
    expect((await bobDownloads(file)).toString()).toBe(`${OFFLINE_MARKER}\n`);
  }, 90_000);

  it('leaves only ciphertext in the server’s data folder', () => {
    const files = readdirSync(server.dataDir, { recursive: true, encoding: 'utf8' })
      .map((f) => join(server.dataDir, f))
      .filter((f) => statSync(f).isFile());
    expect(files.some((f) => f.includes('files'))).toBe(true);
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const marker of [PDF_MARKER, OFFLINE_MARKER, 'IHDR']) expect(bytes.includes(Buffer.from(marker)), `${f} holds "${marker}"`).toBe(false);
    }
  });
});
