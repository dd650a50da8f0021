/**
 * Message search end to end, as a new user meets it: the real renderer in Chromium, the real core
 * behind the browser host, the real reference server. Alice asks Bob for a coffee, Bob answers and
 * then floods the conversation, so that the question is far from the latest page; Alice finds it
 * with Ctrl+Shift+F (accents and punctuation folded away), still finds it with the server down,
 * opens it in the pane and jumps back to the latest. A message full of markup stays text.
 * The tests run in order and share the app.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTimestamp } from '../../protocol/index.js';
import {
  buildRenderer,
  conversationRow,
  conversationWith,
  haveChromium,
  launchBrowser,
  openApp,
  ServerUnderTest,
  signInWithDemo,
  type AppUnderTest,
} from './fixtures.js';

const POLL = { timeout: 15_000, interval: 200 };
const SHOTS = '/tmp/shots';

const CONVERSATION = 'Alice and Bob';
const CAFE = 'Un café ?';
const ARBRE = "On va sous l'arbre.";
const LINK = 'See https://www.example.com/docs/start';
/** Enough after the café message that it is well off the latest page (50) and off its "around" page (25 each side). */
const FILLERS = 80;
const filler = (n: number) => `Update number ${n} from Bob`;
/** The last message of all, in a second of its own: the latest, whatever the order within a second. */
const LAST = 'That is all for today';
const HOSTILE = '<img src=x onerror="window.__xss=1"> bold <b>x</b>';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Waits until the clock is past the second of `stamp`. Created has one-second resolution: the
 * messages whose order the test relies on each get a second of their own, so that what it checks
 * is search, not the order of one second's messages (store tests check that).
 */
async function pastSecondOf(stamp: string): Promise<void> {
  await expect.poll(() => formatTimestamp(Date.now()) > stamp, { timeout: 5_000, interval: 50 }).toBe(true);
}

/** What the connection banner says (nothing when online and synced). */
async function bannerTexts(page: Page): Promise<string[]> {
  const texts = await page.getByRole('status').allInnerTexts();
  return texts.map((t) => t.trim()).filter((t) => /^(Offline|Reconnecting|Syncing)/.test(t));
}

/** Whether the element is wholly inside the message log's visible area. */
async function inLogView(page: Page, item: Locator): Promise<boolean> {
  const log = await page.getByRole('log', { name: 'Messages' }).boundingBox();
  const box = await item.boundingBox();
  if (!log || !box) return false;
  return box.y >= log.y - 1 && box.y + box.height <= log.y + log.height + 1;
}

if (!haveChromium) console.warn('Skipping the message search end-to-end tests: /usr/bin/chromium is not installed.');

describe.skipIf(!haveChromium)('message search in Chromium (needs /usr/bin/chromium)', () => {
  let server: ServerUnderTest;
  let browser: Browser;
  let alice: AppUnderTest;
  let page: Page;

  const searchBox = () => page.getByRole('searchbox', { name: 'Search messages' });
  const results = () => page.getByRole('listbox', { name: 'Search results' });
  const log = () => page.getByRole('log', { name: 'Messages' });
  /** The result whose accessible name has `text` and the conversation's name ("You 10:17 Un café ?, in Alice and Bob, …"). */
  const result = (text: string) => results().getByRole('option', { name: new RegExp(`${escapeRegExp(text)}.*, in ${escapeRegExp(CONVERSATION)}, `) });

  /** Types a query as a user does, from an empty box, and waits for the search to answer. */
  async function searchFor(query: string): Promise<void> {
    await searchBox().fill('');
    await searchBox().pressSequentially(query);
    await expect.poll(async () => (await page.getByRole('status').allInnerTexts()).some((t) => /^\d+ results?$/.test(t.trim())), POLL).toBe(true);
  }

  beforeAll(async () => {
    const [srv] = await Promise.all([ServerUnderTest.start(), buildRenderer()]);
    server = srv;
    browser = await launchBrowser();
    alice = await openApp(browser, server, 'Alice');
    page = alice.page;
    mkdirSync(SHOTS, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await alice?.close();
    await browser?.close().catch(() => {});
    await server?.close();
  });

  it('signs in, and the conversation fills up: a question, two answers, then many more messages', async () => {
    await signInWithDemo(page);
    await conversationRow(page, CONVERSATION).click();
    await log().getByText('Perfect. Talk tomorrow?', { exact: false }).waitFor();

    // Alice asks, in her own window.
    const composer = page.getByLabel('Message', { exact: true });
    await composer.fill(CAFE);
    await composer.press('Enter');
    // Once the server has it (its Created is the server's stamp), Bob's answers come a second later.
    await log()
      .locator('[data-message-id]', { hasText: CAFE })
      .getByRole('img', { name: /^(Sent|Delivered|Seen)$/ })
      .waitFor();

    await pastSecondOf(formatTimestamp(Date.now()));

    // Bob answers from his own station, through the server; then he goes on and on.
    const bob = await server.client('Bob');
    const conversation = await conversationWith(bob, server.account('Alice').userid);
    await pastSecondOf((await bob.send(conversation, ARBRE)).created);
    await pastSecondOf((await bob.send(conversation, LINK)).created);
    let stamp = '';
    for (let n = 1; n <= FILLERS; n++) stamp = (await bob.send(conversation, filler(n))).created;
    await pastSecondOf(stamp);
    await bob.send(conversation, LAST);
    await log().getByText(LAST, { exact: true }).waitFor({ timeout: 30_000 });

    // Opened again, the conversation shows its latest page: the café message is not on it.
    await conversationRow(page, 'Alice and Carol').click();
    await log().getByText('Have you tried the new desktop client yet?', { exact: false }).waitFor();
    await conversationRow(page, CONVERSATION).click();
    await log().getByText(LAST, { exact: true }).waitFor();
    await log().getByText(filler(FILLERS), { exact: true }).waitFor();
    expect(await log().getByText(CAFE, { exact: true }).count()).toBe(0);
    expect(await log().getByText(ARBRE, { exact: true }).count()).toBe(0);
  }, 90_000);

  it('opens search with Ctrl+Shift+F and finds "café" typed as "cafe", marked', async () => {
    await page.keyboard.press('Control+Shift+F');
    await expect.poll(() => searchBox().evaluate((el) => el === el.ownerDocument.activeElement), POLL).toBe(true);
    await expect.poll(() => page.getByRole('button', { name: 'Search', exact: true }).getAttribute('aria-expanded'), POLL).toBe('true');

    await searchFor('cafe');
    const hit = result(CAFE);
    await hit.waitFor();
    expect(await hit.getAttribute('aria-label')).toContain('café');
    expect(await hit.locator('mark').allTextContents()).toEqual(['café']);
  });

  it('finds "l\'arbre" with "arbre" and the link with "example"', async () => {
    await searchFor('arbre');
    const arbre = result(ARBRE);
    await arbre.waitFor();
    expect(await arbre.locator('mark').allTextContents()).toEqual(['arbre']);

    await searchFor('example');
    const link = result(LINK);
    await link.waitFor();
    expect(await link.locator('mark').allTextContents()).toEqual(['example']);
    expect(await link.textContent()).toContain('https://www.example.com/docs/start');
  });

  it('still finds them with the server down', async () => {
    await server.stop();
    await expect.poll(() => bannerTexts(page), { timeout: 30_000, interval: 250 }).toContainEqual(expect.stringMatching(/^(Offline|Reconnecting)/));

    await searchFor('cafe');
    await result(CAFE).waitFor();
    expect(await result(CAFE).locator('mark').allTextContents()).toEqual(['café']);
    await searchFor('arbre');
    await result(ARBRE).waitFor();
  }, 45_000);

  it('opens the café result in the pane at that message, with what came before and after, then jumps to the latest', async () => {
    await searchFor('cafe');
    await result(CAFE).click();

    const anchored = log().locator('[aria-current="true"]');
    await expect.poll(() => anchored.count(), POLL).toBe(1);
    expect(await anchored.textContent()).toContain(CAFE);
    await expect.poll(() => inLogView(page, anchored), POLL).toBe(true);
    // Messages before it and after it: the seeded conversation before, Bob's answers after.
    const order = await log()
      .locator('[data-message-id]')
      .evaluateAll((items) => items.map((item) => (item.getAttribute('aria-current') === 'true' ? '@' : (item.querySelector('.text')?.textContent ?? ''))));
    const at = order.indexOf('@');
    expect(order.slice(0, at)).toContain('Perfect. Talk tomorrow? 🙂');
    expect(order.slice(at + 1, at + 3)).toEqual([ARBRE, LINK]);
    expect(order.slice(at + 3).some((text) => text.startsWith('Update number '))).toBe(true);
    expect(order).not.toContain(LAST);
    // The result open in the pane is the selected one in the list.
    await expect.poll(() => result(CAFE).getAttribute('aria-selected'), POLL).toBe('true');

    const jump = page.getByRole('button', { name: /^Jump to latest/ });
    await jump.waitFor();

    // The panel with its results, and the pane at the result, light and dark.
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: `${SHOTS}/search-light.png` });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: `${SHOTS}/search-dark.png` });
    await page.emulateMedia({ colorScheme: null });

    await jump.click();
    const latest = log().getByText(LAST, { exact: true });
    await latest.waitFor();
    await expect.poll(() => inLogView(page, latest), POLL).toBe(true);
    await jump.waitFor({ state: 'detached' });
    expect(await log().locator('[aria-current]').count()).toBe(0);
  });

  it('shows markup in a message as text, never as elements', async () => {
    await server.restart();
    const retry = page.getByRole('button', { name: 'Retry' }).first();
    if (await retry.isVisible()) await retry.click();
    await expect.poll(() => bannerTexts(page), { timeout: 40_000, interval: 250 }).toEqual([]);

    const bob = await server.client('Bob');
    const conversation = await conversationWith(bob, server.account('Alice').userid);
    await bob.send(conversation, HOSTILE);
    // In the pane, as sent.
    await log().getByText(HOSTILE, { exact: true }).waitFor({ timeout: 20_000 });

    await page.keyboard.press('Control+Shift+F');
    await searchFor('bold');
    const hit = result('bold');
    await hit.waitFor();
    expect(await hit.getAttribute('aria-label')).toContain(HOSTILE);
    expect(await hit.locator('.text').textContent()).toBe(HOSTILE);
    expect(await hit.locator('mark').allTextContents()).toEqual(['bold']);
    expect(await results().locator('img, b').count()).toBe(0);
    expect(await log().locator('img, b').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __xss?: unknown }).__xss)).toBeUndefined();
  }, 70_000);
});
