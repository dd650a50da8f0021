/**
 * The message log under load: a conversation of 5,000 messages, one in five a reply and about
 * one in three with reactions (from both people), in the real renderer in headless Chromium over
 * the browser host and the core, against the reference server in its own process. The log is
 * scrolled as a reader flicks back and forth through history; each frame's main-thread work
 * is timed as in bench/renderer.ts (target: p95 <= 16.7 ms), once the log holds the whole
 * conversation (loaded page by page as the reader reaches the top).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startWebApp, type WebApp } from '../app/browser-host/web-app.js';
import { excerpt, richPlaintext } from '../protocol/index.js';
import type { DemoAccount } from '../server/src/seed.js';
import { TestClient } from '../server/test/harness.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/support/chromium.js';
import { TestKeychain } from '../test/support/core/service-harness.js';
import { startChild, type Child } from './child.js';
import { buildRenderer, probeScript, scrollFor, STATIC_DIR, VIEWPORT } from './page.js';
import type { Benchmark, Figure } from './report.js';
import { quantile } from './stats.js';

const MESSAGES = 5_000;
const REACTIONS = ['👍', '❤️', '😂', '🎉', '😮'];
/** Two screens a second: a reader flicking back through the day's conversation. */
const SCROLL_PX_PER_FRAME = 90;
const SCROLL_MS = Math.max(1, Number(process.env.BENCH_SECONDS ?? 6)) * 1000;
const SENDING_AT_ONCE = 16;
/** Loading the whole history into the log stops after this long, whatever it has. */
const LOAD_ALL_MS = 120_000;

async function inParallel<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: SENDING_AT_ONCE }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** Bob and Alice (on her phone) write the conversation: messages, replies, then reactions. */
async function writeConversation(url: string, accounts: DemoAccount[]): Promise<void> {
  const alice = await new TestClient(url, accounts[0]!).signIn();
  const bob = await new TestClient(url, accounts[1]!).signIn();
  // Each side's copy of the conversation: its `secret` is the key wrapped for that side.
  const copies = new Map([
    [alice, await alice.conversationWith(bob)],
    [bob, await bob.conversationWith(alice)],
  ]);
  const sent: { id: string; text: string; from: string }[] = [];
  // In order (their times are their order), a few at a time.
  for (let i = 0; i < MESSAGES; i += SENDING_AT_ONCE) {
    await Promise.all(
      Array.from({ length: Math.min(SENDING_AT_ONCE, MESSAGES - i) }, async (_, k) => {
        const n = i + k;
        const who = n % 3 === 0 ? alice : bob;
        const text = `Message ${n}: ${n % 7 === 0 ? 'a longer one, which wraps onto a second line in a window of this size, as real ones do' : 'short'}`;
        const earlier = n > 10 && n % 5 === 0 ? sent[n - 1 - (n % 9)] : undefined;
        const body = earlier ? richPlaintext.reply(who.userid, text, { id: earlier.id, from: earlier.from, text: earlier.text }) : { from: who.userid, text };
        const { id } = await who.send(copies.get(who), body);
        sent[n] = { id, text, from: who.userid };
      }),
    );
  }
  const reacted = sent.filter((_, n) => n % 3 === 1);
  await inParallel(reacted, async (m) => {
    for (const [i, who] of [bob, alice].entries()) {
      if (i === 1 && m.text.length % 2 === 0) continue;
      await who.send(copies.get(who), richPlaintext.react(who.userid, { id: m.id, text: excerpt(m.text) }, REACTIONS[m.text.length % REACTIONS.length]!, true));
    }
  });
}

export const messageLogBenchmarks: Benchmark = {
  name: 'renderer: message log of 5,000 messages',
  async run(): Promise<Figure[]> {
    const appDir = mkdtempSync(join(tmpdir(), 'ozeki-bench-log-'));
    let server: Child | undefined;
    let app: WebApp | undefined;
    let browser: Browser | undefined;
    try {
      server = await startChild('./fixtures/reference-server.ts', ['URL', 'DATA']);
      const url = server.lines.get('URL')!;
      const accounts = JSON.parse(readFileSync(join(server.lines.get('DATA')!, 'demo-accounts.json'), 'utf8')) as DemoAccount[];
      const [, build] = await Promise.all([writeConversation(url, accounts), buildRenderer()]);
      void build;
      const alice = accounts[0]!;
      app = await startWebApp({
        dataDir: appDir,
        staticDir: STATIC_DIR,
        port: 0,
        log: () => {},
        keychain: new TestKeychain(),
        demo: () => ({ serverUrl: url, email: alice.email, apiKey: alice.apikey, password: alice.password }),
      });
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      const context = await browser.newContext({ viewport: VIEWPORT });
      await context.addInitScript({ content: await probeScript() });
      const page = await context.newPage();
      page.setDefaultTimeout(60_000);
      await page.goto(app.url);
      await page.getByRole('button', { name: 'Try the demo' }).click();
      await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option', { name: 'Alice and Bob', exact: true }).click();
      const log = page.getByRole('log', { name: 'Messages' });
      await log.getByText(`Message ${MESSAGES - 1}:`, { exact: false }).waitFor();
      // The reader goes back through the whole day first (each page loads as the top comes into
      // view), so the frames below are those of a log holding the conversation, not its first page.
      // Far chunks are drawn as space (chunk-window.svelte.ts), so "all loaded" is the first
      // message drawn at the top with no older page left to load.
      const first = log.getByText('Message 0:', { exact: false });
      const olderEdge = log.getByText(/Load older messages|Loading older messages/);
      const loadingStarted = performance.now();
      while (performance.now() - loadingStarted < LOAD_ALL_MS) {
        await log.evaluate((el) => el.scrollTo({ top: 0 }));
        if ((await first.count()) > 0 && (await olderEdge.count()) === 0) break;
        await page.waitForTimeout(50);
      }
      const loadAllMs = performance.now() - loadingStarted;
      const complete = (await first.count()) > 0 && (await olderEdge.count()) === 0;
      const logHeight = await log.evaluate((el) => el.scrollHeight);
      // The pointer rests over the log, as it does while a wheel scrolls it (hover follows each frame).
      const box = (await log.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      const handle = await log.elementHandle();
      const scroll = (ms: number) => scrollFor(page, handle, ms, SCROLL_PX_PER_FRAME, 'scrolling the message log', 30_000);
      await scroll(300);
      const scrolled = await scroll(SCROLL_MS);
      const drawn = await log.locator('[data-message-id]').count();
      if (!complete) throw new Error(`the whole conversation did not load within ${LOAD_ALL_MS / 1000} s`);
      return [
        {
          name: `message log (5,000 messages, replies, reactions): p95 frame while scrolling back (${scrolled.work.length} frames)`,
          value: quantile(scrolled.work, 0.95),
          unit: 'ms',
          digits: 1,
          target: { op: '<=', value: 16.7 },
        },
        { name: '  worst frame', value: Math.max(...scrolled.work), unit: 'ms', digits: 1 },
        { name: '  log height, the whole conversation loaded', value: logHeight / 1000, unit: 'k px', digits: 0 },
        { name: '  time to load it page by page, scrolling back to the first message', value: loadAllMs / 1000, unit: 's', digits: 1 },
        { name: '  messages drawn at the end (the rest are space of their height)', value: drawn, unit: '', digits: 0 },
        { name: '  scrolled', value: scrolled.scrolledPx / 1000, unit: 'k px', digits: 1 },
      ];
    } finally {
      await browser?.close().catch(() => {});
      await app?.close().catch(() => {});
      await server?.stop();
      rmSync(appDir, { recursive: true, force: true });
    }
  },
};
