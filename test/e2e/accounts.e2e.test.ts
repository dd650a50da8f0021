/**
 * Several accounts end to end, as a new user tries them: two reference servers on two ports, Alice
 * and Bob on the first and Alice on the second, all three signed in in one window through the
 * sign-in form and "Add account". Acting offline on the second server's account while the first
 * is online lands everything; a restart of the app brings all three back without asking.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebApp, type WebApp } from '../../app/browser-host/web-app.js';
import { FileKeychain } from '../support/core/file-keychain.js';
import { buildRenderer, chooseAction, haveChromium, launchBrowser, listNames as listNamesOf, propertiesWith, ServerUnderTest, STATIC_DIR } from './fixtures.js';

const POLL = { timeout: 20_000, interval: 200 };

describe.skipIf(!haveChromium)('several accounts in one window, in Chromium (needs /usr/bin/chromium)', () => {
  let one: ServerUnderTest;
  let two: ServerUnderTest;
  let browser: Browser;
  let app: WebApp | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  const dataDir = mkdtempSync(join(tmpdir(), 'ozeki-e2e-accounts-'));
  const keychainDir = mkdtempSync(join(tmpdir(), 'ozeki-e2e-accounts-keychain-'));
  const keychain = new FileKeychain(join(keychainDir, 'keychain.json'));

  async function openWindow(): Promise<void> {
    app = await startWebApp({ dataDir, staticDir: STATIC_DIR, port: 0, log: () => {}, keychain });
    context = await browser.newContext();
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(app.url);
  }

  async function closeWindow(): Promise<void> {
    await context?.close().catch(() => {});
    await app?.close().catch(() => {});
  }

  async function signInWithForm(server: ServerUnderTest, nick: 'Alice' | 'Bob'): Promise<void> {
    const who = server.account(nick);
    await page.getByLabel('Server URL').fill(server.url);
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('API key').fill(who.apikey);
    await page.getByLabel('Encryption password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('listbox', { name: 'Conversations' }).waitFor();
  }

  const accounts = () => page.getByRole('tablist', { name: 'Accounts' }).getByRole('tab');
  const onScreen = () => page.getByRole('tablist', { name: 'Accounts' }).getByRole('tab', { selected: true });
  const listNames = () => listNamesOf(page);

  beforeAll(async () => {
    [one, two] = await Promise.all([ServerUnderTest.start(), ServerUnderTest.start(), buildRenderer()]);
    browser = await launchBrowser();
    await openWindow();
  }, 90_000);

  afterAll(async () => {
    await closeWindow();
    await browser?.close().catch(() => {});
    await one?.close();
    await two?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(keychainDir, { recursive: true, force: true });
  });

  it('signs in three accounts on two servers, adding each with "Add account" while the others stay', async () => {
    await signInWithForm(one, 'Alice');
    await page.getByRole('button', { name: 'Add account' }).click();
    await signInWithForm(one, 'Bob');
    await page.getByRole('button', { name: 'Add account' }).click();
    await signInWithForm(two, 'Alice');
    await expect.poll(() => accounts().count(), POLL).toBe(3);
    const names = await accounts().evaluateAll((tabs) => tabs.map((t) => t.textContent ?? ''));
    expect(names[0]).toContain('alice@demo.ozeki.chat');
    expect(names[1]).toContain('bob@demo.ozeki.chat');
    expect(names[2]).toContain('alice@demo.ozeki.chat');
    await expect.poll(() => onScreen().textContent(), POLL).toContain('alice@demo.ozeki.chat');
    expect((await listNames()).sort()).toEqual(['Alice and Bob', 'Alice and Carol']);
  }, 60_000);

  it('switches with a click and with Ctrl+1..3: each shows its own list', async () => {
    await accounts().nth(1).click();
    await expect.poll(async () => (await listNames()).sort(), POLL).toEqual(['Alice and Bob', 'Bob and Carol']);
    await page.keyboard.press('Control+1');
    await expect.poll(() => onScreen().textContent(), POLL).toContain('alice@demo.ozeki.chat');
    await expect.poll(async () => (await listNames()).sort(), POLL).toEqual(['Alice and Bob', 'Alice and Carol']);
  });

  it('takes an action on the account whose server is down while another is online, and everything lands', async () => {
    await two.stop();
    await page.keyboard.press('Control+3');
    await expect.poll(() => onScreen().getAttribute('title'), POLL).toContain(String(two.port));
    await page.getByRole('listbox', { name: 'Conversations' }).waitFor();
    await chooseAction(page, 'Alice and Carol', 'Favorite');
    await page.getByRole('group', { name: 'Favorites' }).getByRole('option', { name: 'Alice and Carol', exact: true }).waitFor();

    // Meanwhile, on the first server, Bob favourites his conversation with Carol: it lands at once.
    await page.keyboard.press('Control+2');
    await expect.poll(async () => (await listNames()).sort(), POLL).toEqual(['Alice and Bob', 'Bob and Carol']);
    await chooseAction(page, 'Bob and Carol', 'Favorite');
    const bobOnOne = await one.client('Bob');
    await expect.poll(async () => (await propertiesWith(bobOnOne, one.account('Carol').userid)).isfavorite, POLL).toBe(true);

    // The second server comes back: its account's outbox drains on its own.
    await two.restart();
    const aliceOnTwo = await two.client('Alice');
    await expect.poll(async () => (await propertiesWith(aliceOnTwo, two.account('Carol').userid)).isfavorite, { timeout: 40_000, interval: 500 }).toBe(true);
    // And nothing of it went to the first server's Alice.
    const aliceOnOne = await one.client('Alice');
    expect((await propertiesWith(aliceOnOne, one.account('Carol').userid))?.isfavorite ?? false).toBe(false);
  }, 90_000);

  it('brings all three back after a restart, with the one on screen last, without asking', async () => {
    await closeWindow();
    await openWindow();
    await expect.poll(() => accounts().count(), POLL).toBe(3);
    await expect.poll(() => onScreen().textContent(), POLL).toContain('bob@demo.ozeki.chat');
    expect(await page.getByLabel('Server URL').count()).toBe(0);
    await expect.poll(async () => (await listNames()).sort(), POLL).toEqual(['Alice and Bob', 'Bob and Carol']);
  }, 60_000);

  it('signs out the account on screen only', async () => {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect.poll(() => accounts().count(), POLL).toBe(2);
    const names = await accounts().evaluateAll((tabs) => tabs.map((t) => t.textContent ?? ''));
    expect(names.every((n) => n.includes('alice@demo.ozeki.chat'))).toBe(true);
    await page.getByRole('listbox', { name: 'Conversations' }).waitFor();
  });
});
