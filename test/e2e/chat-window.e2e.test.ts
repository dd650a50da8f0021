/**
 * The chat window end to end, as a new user meets it: the real renderer in Chromium, the real core
 * behind the browser host, the real reference server. The tests run in order and share the apps.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMessage } from '../../protocol/index.js';
import type { TestClient } from '../../server/test/harness.js';
import {
  buildRenderer,
  chooseAction,
  conversationRow,
  conversationWith,
  haveChromium,
  launchBrowser,
  openApp,
  propertiesWith,
  ServerUnderTest,
  axeSeriousFindings,
  axeSeriousFindingsLightAndDark,
  rowMarks,
  signInWithDemo,
  type AppUnderTest,
} from './fixtures.js';

const POLL = { timeout: 15_000, interval: 200 };

/** What the connection banner says (nothing when online and synced). */
async function bannerTexts(page: Page): Promise<string[]> {
  const texts = await page.getByRole('status').allInnerTexts();
  return texts.map((t) => t.trim()).filter((t) => /^(Offline|Reconnecting|Syncing)/.test(t));
}

if (!haveChromium) console.warn('Skipping the chat window end-to-end tests: /usr/bin/chromium is not installed.');

describe.skipIf(!haveChromium)('the chat window in Chromium (needs /usr/bin/chromium)', () => {
  let server: ServerUnderTest;
  let browser: Browser;
  let alice: AppUnderTest;
  let bob: AppUnderTest | undefined;
  let aliceApi: TestClient;
  let bobId: string;
  let carolId: string;
  let page: Page;

  beforeAll(async () => {
    const [srv] = await Promise.all([ServerUnderTest.start(), buildRenderer()]);
    server = srv;
    browser = await launchBrowser();
    alice = await openApp(browser, server, 'Alice');
    page = alice.page;
    aliceApi = await server.client('Alice');
    bobId = server.account('Bob').userid;
    carolId = server.account('Carol').userid;
  }, 90_000);

  afterAll(async () => {
    await bob?.close();
    await alice?.close();
    await browser?.close().catch(() => {});
    await server?.close();
  });

  it('shows a sign-in screen with no serious or critical accessibility findings, light and dark (axe-core)', async () => {
    await page.getByRole('button', { name: 'Try the demo' }).waitFor();
    expect(await axeSeriousFindingsLightAndDark(page)).toEqual({ light: [], dark: [] });
  });

  it('signs in with "Try the demo" and shows the conversations', async () => {
    await signInWithDemo(page);
    await conversationRow(page, 'Alice and Bob').waitFor();
    await conversationRow(page, 'Alice and Carol').waitFor();
  });

  it('shows the conversation list with no serious or critical accessibility findings (axe-core)', async () => {
    await conversationRow(page, 'Alice and Bob').hover(); // with the "More actions" button shown
    expect(await axeSeriousFindings(page)).toEqual([]);
  });

  it('shows the action menu, the colour picker and the hidden list with no serious or critical accessibility findings (axe-core)', async () => {
    await conversationRow(page, 'Alice and Carol').hover();
    await page.getByRole('button', { name: 'More actions for Alice and Carol', exact: true }).click();
    const menu = page.getByRole('menu', { name: 'Actions for Alice and Carol' });
    await menu.waitFor();
    expect(await axeSeriousFindings(page)).toEqual([]);
    await menu.getByRole('menuitem', { name: 'Change color', exact: true }).click();
    const picker = page.getByRole('dialog', { name: 'Change color of Alice and Carol' });
    await picker.waitFor();
    expect(await axeSeriousFindings(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await picker.waitFor({ state: 'hidden' });

    await page.getByRole('button', { name: 'Hidden conversations' }).click();
    const hidden = page.getByRole('dialog', { name: 'Hidden conversations' });
    await hidden.waitFor();
    expect(await axeSeriousFindings(page)).toEqual([]);
    await hidden.getByRole('button', { name: 'Close' }).click();
    await hidden.waitFor({ state: 'hidden' });
  });

  it('favorites a conversation: it moves to Favorites, and the server has it', async () => {
    await chooseAction(page, 'Alice and Bob', 'Favorite');
    await page.getByRole('group', { name: 'Favorites' }).getByRole('option', { name: 'Alice and Bob', exact: true }).waitFor();
    await expect.poll(async () => (await propertiesWith(aliceApi, bobId)).isfavorite, POLL).toBe(true);
  });

  it('changes its colour to a preset', async () => {
    await chooseAction(page, 'Alice and Bob', 'Change color');
    const dialog = page.getByRole('dialog', { name: 'Change color of Alice and Bob' });
    await dialog.getByRole('button', { name: 'Light blue', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(async () => String((await propertiesWith(aliceApi, bobId)).listitembackgroundcolor).toLowerCase(), POLL).toBe('#cfe2ff');
  });

  it('mutes it', async () => {
    await chooseAction(page, 'Alice and Bob', 'Mute');
    await expect.poll(() => rowMarks(page, 'Alice and Bob'), POLL).toContain('Muted');
    await expect.poll(async () => (await propertiesWith(aliceApi, bobId)).ismuted, POLL).toBe(true);
  });

  it('hides it, finds it under "Hidden conversations" and unhides it', async () => {
    await chooseAction(page, 'Alice and Bob', 'Hide');
    await conversationRow(page, 'Alice and Bob').waitFor({ state: 'detached' });
    await expect.poll(async () => (await propertiesWith(aliceApi, bobId)).hideid, POLL).not.toBe('');

    await page.getByRole('button', { name: 'Hidden conversations' }).click();
    const dialog = page.getByRole('dialog', { name: 'Hidden conversations' });
    const item = dialog.getByRole('listitem').filter({ hasText: 'Alice and Bob' });
    await item.getByRole('button', { name: 'Unhide' }).click();
    await conversationRow(page, 'Alice and Bob').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect.poll(async () => (await propertiesWith(aliceApi, bobId)).hideid, POLL).toBe('');
  });

  it('sends and receives messages between two signed-in users', async () => {
    bob = await openApp(browser, server, 'Bob');
    const bobPage = bob.page;
    await signInWithDemo(bobPage);

    await conversationRow(page, 'Alice and Bob').click();
    const hello = `Hello Bob, it is ${Date.now()}`;
    await page.getByLabel('Message', { exact: true }).fill(hello);
    await page.getByLabel('Message', { exact: true }).press('Enter');
    await page.getByRole('log', { name: 'Messages' }).getByText(hello, { exact: true }).waitFor();

    await conversationRow(bobPage, 'Alice and Bob').click();
    await bobPage.getByRole('log', { name: 'Messages' }).getByText(hello, { exact: true }).waitFor();

    const reply = `Hi Alice, got it ${Date.now()}`;
    await bobPage.getByLabel('Message', { exact: true }).fill(reply);
    await bobPage.getByLabel('Message', { exact: true }).press('Enter');
    await page.getByRole('log', { name: 'Messages' }).getByText(reply, { exact: true }).waitFor();
  });

  it('shows the list and an open conversation with no serious or critical accessibility findings, light and dark (axe-core)', async () => {
    await page.getByRole('log', { name: 'Messages' }).waitFor();
    expect(await axeSeriousFindingsLightAndDark(page)).toEqual({ light: [], dark: [] });
  });

  it('works offline and syncs everything once the server is back', async () => {
    // Open the conversation while online, so its "seen" reports are synced before going offline and
    // the pending count below is exactly what the user did offline.
    await conversationRow(page, 'Alice and Carol').click();
    const log = page.getByRole('log', { name: 'Messages' });
    await log.getByText('Have you tried the new desktop client yet?', { exact: false }).waitFor();
    await expect.poll(() => rowMarks(page, 'Alice and Carol'), POLL).not.toMatch(/unread/);
    await expect.poll(() => bannerTexts(page), POLL).toEqual([]);

    await server.stop();

    await chooseAction(page, 'Alice and Carol', 'Favorite');
    await page.getByRole('group', { name: 'Favorites' }).getByRole('option', { name: 'Alice and Carol', exact: true }).waitFor();
    const offlineText = `Sent while offline ${Date.now()}`;
    await page.getByLabel('Message', { exact: true }).fill(offlineText);
    await page.getByLabel('Message', { exact: true }).press('Enter');

    await log.getByText(offlineText, { exact: true }).waitFor();
    await log.getByRole('img', { name: 'Waiting to send' }).waitFor();
    await expect.poll(() => rowMarks(page, 'Alice and Carol'), POLL).toContain('Waiting to sync');
    const seen: string[] = [];
    await expect
      .poll(async () => {
        const texts = await page.getByRole('status').allInnerTexts();
        seen.push(texts.join(' | '));
        return texts.some((t) => /^Offline — 2 changes waiting to sync$/.test(t.trim()));
      }, POLL)
      .toBe(true)
      .catch((err: unknown) => {
        throw new Error(`${String(err)}; banners seen: ${[...new Set(seen)].join(' ; ')}`);
      });

    await server.restart();
    // Nothing to click unless a notice offers "Retry"; the app probes the server on its own.
    const retry = page.getByRole('button', { name: 'Retry' }).first();
    if (await retry.isVisible()) await retry.click();

    await expect.poll(() => bannerTexts(page), { timeout: 40_000, interval: 250 }).toEqual([]);
    await expect.poll(() => rowMarks(page, 'Alice and Carol'), POLL).not.toContain('Waiting to sync');
    await log.getByRole('img', { name: 'Waiting to send' }).waitFor({ state: 'detached' });

    const api = await server.client('Alice');
    expect((await propertiesWith(api, carolId)).isfavorite).toBe(true);
    const conversation = await conversationWith(api, carolId);
    const key = api.conversationKey(conversation);
    const texts = (await api.newestPage(conversation)).messages.map((m) => openMessage(key, m.Data).text);
    expect(texts.filter((t) => t === offlineText)).toHaveLength(1);
  }, 70_000);
});
