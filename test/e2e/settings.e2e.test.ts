/**
 * The Settings screen and the desktop around the window, as a new user tries them in the browser
 * host: every setting changes what it says at once and is still there after the app restarts; the
 * zoom keys; quiet hours keep a message from a non-favourite silent and let a favourite's sound
 * through; an `ozekichat://` link in a message opens its conversation, and a malformed one is
 * refused with a notice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebApp, type WebApp } from '../../app/browser-host/web-app.js';
import type { TestClient } from '../../server/test/harness.js';
import { FileKeychain } from '../support/core/file-keychain.js';
import { buildRenderer, chooseAction, conversationRow, conversationWith, haveChromium, launchBrowser, ServerUnderTest, STATIC_DIR } from './fixtures.js';

const POLL = { timeout: 20_000, interval: 200 };
/** Wide enough for the header to sit on one line at 100 %. */
const VIEWPORT = { width: 1200, height: 760 };

describe.skipIf(!haveChromium)('settings and the desktop around the window, in Chromium (needs /usr/bin/chromium)', () => {
  let server: ServerUnderTest;
  let browser: Browser;
  let app: WebApp | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let bob: TestClient;
  let carol: TestClient;
  const dataDir = mkdtempSync(join(tmpdir(), 'ozeki-e2e-settings-'));
  const keychainDir = mkdtempSync(join(tmpdir(), 'ozeki-e2e-settings-keychain-'));
  const keychain = new FileKeychain(join(keychainDir, 'keychain.json'));

  async function openWindow(): Promise<void> {
    const alice = server.account('Alice');
    const serverUrl = server.url;
    app = await startWebApp({
      dataDir,
      staticDir: STATIC_DIR,
      port: 0,
      log: () => {},
      keychain,
      demo: () => ({ serverUrl, email: alice.email, apiKey: alice.apikey, password: alice.password }),
    });
    context = await browser.newContext({ viewport: VIEWPORT });
    // Every sound the window starts, whether or not the browser lets it be heard.
    // (Strings, as the page's code: this project's Node side has no DOM types.)
    await context.addInitScript(`
      window.played = [];
      const play = HTMLMediaElement.prototype.play;
      HTMLMediaElement.prototype.play = function () {
        window.played.push(this.src);
        return play.call(this).catch(() => {});
      };
    `);
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(app.url);
  }

  async function closeWindow(): Promise<void> {
    await context?.close().catch(() => {});
    await app?.close().catch(() => {});
  }

  const settingsScreen = () => page.getByRole('region', { name: 'Settings' });
  const openSettings = async () => {
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await settingsScreen().waitFor();
  };
  const closeSettings = async () => {
    await page.keyboard.press('Escape');
    await settingsScreen().waitFor({ state: 'detached' });
  };
  const theme = () => page.evaluate<string>(`document.documentElement.dataset.theme ?? 'system'`);
  const zoom = () => page.evaluate<string>(`getComputedStyle(document.documentElement).zoom`);
  const played = () => page.evaluate<string[]>(`window.played.map((src) => src.split('/').pop())`);

  beforeAll(async () => {
    [server] = await Promise.all([ServerUnderTest.start(), buildRenderer()]);
    [bob, carol] = await Promise.all([server.client('Bob'), server.client('Carol')]);
    browser = await launchBrowser();
    await openWindow();
    await page.getByRole('button', { name: 'Try the demo' }).click();
    await page.getByRole('listbox', { name: 'Conversations' }).waitFor();
  }, 90_000);

  afterAll(async () => {
    await closeWindow();
    await browser?.close().catch(() => {});
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(keychainDir, { recursive: true, force: true });
  });

  it('opens Settings with its button and Ctrl+, and closes it with Escape, focus back on the button', async () => {
    await openSettings();
    await closeSettings();
    await expect.poll(() => page.evaluate<string | undefined>(`document.activeElement?.textContent?.trim()`), POLL).toBe('Settings');
    await page.keyboard.press('Control+Comma');
    await settingsScreen().waitFor();
    await closeSettings();
  });

  it('changes the theme, the compact rows and the zoom at once', async () => {
    await openSettings();
    await settingsScreen().getByRole('radio', { name: 'Dark' }).check();
    await expect.poll(theme, POLL).toBe('dark');
    const bg = await page.evaluate<string>(`getComputedStyle(document.body).backgroundColor`);
    expect(bg).not.toBe('rgb(255, 255, 255)');
    await settingsScreen().getByLabel('Compact rows in the conversation list').check();
    await settingsScreen().getByLabel('Zoom').selectOption('150');
    await expect.poll(zoom, POLL).toBe('1.5');
    await closeSettings();
    // Compact rows are one line: shorter than the roomy two-line rows.
    const height = await conversationRow(page, 'Alice and Bob').evaluate(
      (row) => (row as unknown as { getBoundingClientRect(): { height: number } }).getBoundingClientRect().height,
    );
    expect(height).toBeLessThan(64 * 1.5);
  });

  it('zooms with Ctrl + and Ctrl -, and Ctrl 0 goes back to 100 %', async () => {
    await page.getByRole('listbox', { name: 'Conversations' }).focus();
    await page.keyboard.press('Control+Equal');
    await expect.poll(zoom, POLL).toBe('1.75');
    await page.keyboard.press('Control+Minus');
    await page.keyboard.press('Control+Minus');
    await expect.poll(zoom, POLL).toBe('1.25');
    await page.keyboard.press('Control+0');
    await expect.poll(zoom, POLL).toBe('1');
    await page.keyboard.press('Control+Equal');
    await expect.poll(zoom, POLL).toBe('1.1');
  });

  it('keeps every setting after the app restarts', async () => {
    await openSettings();
    await settingsScreen()
      .getByRole('combobox', { name: /^Sound/ })
      .selectOption('bell');
    await settingsScreen().getByLabel('Start in the tray, with the window hidden').check();
    await closeSettings();
    await closeWindow();
    await openWindow();
    await page.getByRole('listbox', { name: 'Conversations' }).waitFor();
    await expect.poll(theme, POLL).toBe('dark');
    await expect.poll(zoom, POLL).toBe('1.1');
    await openSettings();
    await expect(settingsScreen().getByRole('radio', { name: 'Dark' }).isChecked()).resolves.toBe(true);
    await expect(settingsScreen().getByLabel('Compact rows in the conversation list').isChecked()).resolves.toBe(true);
    await expect(
      settingsScreen()
        .getByRole('combobox', { name: /^Sound/ })
        .inputValue(),
    ).resolves.toBe('bell');
    await expect(settingsScreen().getByLabel('Start in the tray, with the window hidden').isChecked()).resolves.toBe(true);
    // Back to light at 100 % for the rest.
    await settingsScreen().getByRole('radio', { name: 'Light' }).check();
    await settingsScreen().getByLabel('Zoom').selectOption('100');
    await settingsScreen().getByLabel('Compact rows in the conversation list').uncheck();
    await expect.poll(zoom, POLL).toBe('1');
    await closeSettings();
  }, 60_000);

  it('during quiet hours keeps a non-favourite silent and lets a favourite’s sound through', async () => {
    await chooseAction(page, 'Alice and Carol', 'Favorite');
    await openSettings();
    // From 00:00 to 00:00 every day: quiet all day, whatever the time of the test.
    await settingsScreen().getByLabel('Keep quiet at set hours').check();
    await settingsScreen().getByLabel('From').fill('00:00');
    await settingsScreen().getByLabel('To').fill('00:00');
    await settingsScreen().getByLabel('Favorites still notify during quiet hours').check();
    await expect
      .poll(
        () =>
          settingsScreen()
            .getByText(/Quiet hours/)
            .first()
            .isVisible(),
        POLL,
      )
      .toBe(true);
    await closeSettings();
    // Nothing on screen: a message to the conversation being read would be silent anyway.
    const alice = server.account('Alice').userid;
    const before = (await played()).length;

    await bob.send(await conversationWith(bob, alice), 'During quiet hours, from Bob');
    await expect.poll(() => conversationRow(page, 'Alice and Bob').textContent(), POLL).toContain('During quiet hours');
    // The core gathers arrivals for up to ARRIVAL_MAX_WAIT_MS (2 s) before it decides: past that,
    // Bob's message was decided on its own (the fake-clock tests in app/core/desktop/ pin this down).
    await page.waitForTimeout(2500);
    expect(await played()).toHaveLength(before);
    await carol.send(await conversationWith(carol, alice), 'During quiet hours, from a favourite');
    await expect.poll(async () => (await played()).slice(before), POLL).toEqual(['bell.wav']);
  }, 60_000);

  it('opens a link to a conversation from a message, and refuses a malformed one, saying why', async () => {
    const alice = server.account('Alice');
    const withBob = await conversationWith(bob, alice.userid);
    const withCarol = await conversationWith(carol, alice.userid);
    const link = `ozekichat://open?account=${encodeURIComponent(alice.email)}&conversation=${withCarol.id}`;
    await bob.send(withBob, `The plan is in ${link} and ozekichat://open?account=not-an-address here.`);
    await conversationRow(page, 'Alice and Bob').click();
    const log = page.getByRole('log', { name: 'Messages' });
    await log.getByRole('link', { name: 'ozekichat://open?account=not-an-address' }).click();
    await expect.poll(() => log.getByRole('alert').first().textContent(), POLL).toMatch(/cannot be opened/);
    await expect(page.getByRole('main', { name: 'Conversation' }).getByRole('heading').first().textContent()).resolves.toContain('Alice and Bob');

    await log.getByRole('link', { name: link }).click();
    await expect.poll(() => page.getByRole('main', { name: 'Conversation' }).getByRole('heading').first().textContent(), POLL).toContain('Alice and Carol');
  }, 60_000);
});
