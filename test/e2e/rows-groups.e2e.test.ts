/**
 * The chat window read at a glance, end to end, as a new user meets it: the real renderer in
 * Chromium, the real core behind the browser host, the real reference server with the demo data.
 * Alice's rows show who wrote last and what, when, how many are unread and whether Bob is there;
 * she sends a message with a one-minute timer (it leaves the window a minute later, without a
 * reload: checked last, so the other steps run meanwhile), creates the group "Trio" with Bob and
 * Carol, which Bob reads through the API alone, opens its details, and uses "Jump to latest".
 * The tests run in order and share the app.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMessage, openText } from '../../protocol/index.js';
import type { TestClient } from '../../server/test/harness.js';
import {
  axeSeriousFindingsLightAndDark,
  buildRenderer,
  conversationRow,
  conversationWith,
  haveChromium,
  launchBrowser,
  openApp,
  rowMarks,
  ServerUnderTest,
  signInWithDemo,
  type AppUnderTest,
} from './fixtures.js';

const POLL = { timeout: 15_000, interval: 200 };
const SHOTS = '/tmp/shots';
const MINUTE_MESSAGE = 'This one is gone in a minute';
const WELCOME = 'Welcome to Trio, both of you';

if (!haveChromium) console.warn('Skipping the list rows and groups end-to-end tests: /usr/bin/chromium is not installed.');

describe.skipIf(!haveChromium)('list rows, groups and disappearing messages in Chromium (needs /usr/bin/chromium)', () => {
  let server: ServerUnderTest;
  let browser: Browser;
  let alice: AppUnderTest;
  let page: Page;
  let bob: TestClient;
  /** When the one-minute message was on screen. */
  let minuteShownAt = 0;

  const log = () => page.getByRole('log', { name: 'Messages' });
  const composer = () => page.getByLabel('Message', { exact: true });
  const pane = () => page.getByRole('main', { name: 'Conversation' });

  async function send(text: string): Promise<void> {
    await composer().fill(text);
    await composer().press('Enter');
    await log()
      .locator('[data-message-id]', { hasText: text })
      .getByRole('img', { name: /^(Sent|Delivered|Seen)$/ })
      .waitFor();
  }

  beforeAll(async () => {
    const [srv] = await Promise.all([ServerUnderTest.start(), buildRenderer()]);
    server = srv;
    browser = await launchBrowser();
    alice = await openApp(browser, server, 'Alice');
    page = alice.page;
    bob = await server.client('Bob');
    mkdirSync(SHOTS, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await alice?.close();
    await browser?.close().catch(() => {});
    await server?.close();
  });

  it("shows in each row the last message, its time, the unread count and Bob's presence", async () => {
    await signInWithDemo(page);
    // The demo's last message in each conversation is from the other person, unread, this week.
    for (const name of ['Alice and Bob', 'Alice and Carol']) {
      await expect
        .poll(() => rowMarks(page, name), POLL)
        .toMatch(/^1 unread\. Perfect\. Talk tomorrow\? 🙂\. (Mon|Tue|Wed|Thu|Fri|Sat|Sun|\d{1,2}:\d{2}\s?[AP]M)\./);
    }
    const row = conversationRow(page, 'Alice and Bob');
    expect(await row.textContent()).toContain('Perfect. Talk tomorrow?');
    expect(await row.getByText('1', { exact: true }).count()).toBe(1);

    // Bob comes online on his phone: his dot and the row's description say so.
    const reply = await bob.call('setAvailability', { availability: 'available' });
    expect(reply.http).toBe(200);
    await expect.poll(() => rowMarks(page, 'Alice and Bob'), { timeout: 30_000, interval: 250 }).toMatch(/\. Available$/);
    await page.screenshot({ path: `${SHOTS}/rows-list.png` });
  }, 60_000);

  it('sends a message with a one-minute timer, shown in the header and on the message', async () => {
    await conversationRow(page, 'Alice and Bob').click();
    await log().getByText('Perfect. Talk tomorrow?', { exact: false }).waitFor();
    const header = pane().getByRole('heading', { name: 'Alice and Bob' });
    await header.waitFor();
    await expect.poll(() => pane().getByText('Available', { exact: true }).count(), POLL).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Conversation details' }).click();
    const details = page.getByRole('complementary', { name: 'Conversation details' });
    await details.getByLabel('Disappearing messages').selectOption({ label: '1 minute' });
    await expect.poll(() => pane().getByText('Disappearing messages: 1 minute', { exact: false }).count(), POLL).toBeGreaterThan(0);
    await details.getByRole('button', { name: 'Close' }).click();

    await send(MINUTE_MESSAGE);
    minuteShownAt = Date.now();
    const item = log().locator('[data-message-id]', { hasText: MINUTE_MESSAGE });
    expect(await item.textContent()).toMatch(/disappears in 1 minute/);
    await expect.poll(() => rowMarks(page, 'Alice and Bob'), POLL).toContain(`You: ${MINUTE_MESSAGE}`);
  });

  it('creates the group "Trio" with Bob and Carol; Bob, elsewhere, sees all three members and reads its first message', async () => {
    await page.getByRole('button', { name: 'New conversation' }).click();
    const dialog = page.getByRole('dialog', { name: 'New conversation' });
    await dialog.getByRole('searchbox', { name: 'Filter friends' }).fill('car');
    await dialog.getByRole('checkbox', { name: /Carol/ }).check();
    await dialog.getByRole('searchbox', { name: 'Filter friends' }).fill('');
    await dialog.getByRole('checkbox', { name: /Bob/ }).check();
    await dialog.getByRole('textbox', { name: 'Group name' }).fill('Trio');
    expect(await axeSeriousFindingsLightAndDark(page)).toEqual({ light: [], dark: [] });
    await dialog.getByRole('button', { name: 'Create group' }).click();

    await pane().getByRole('heading', { name: 'Trio' }).waitFor();
    await expect.poll(() => pane().getByText('3 members', { exact: false }).count(), POLL).toBeGreaterThan(0);
    await send(WELCOME);

    const isTrio = (c: { isgroup: boolean; participantids: string[] }) => c.isgroup && c.participantids.length === 3;
    await expect.poll(async () => (await bob.conversations()).some(isTrio), POLL).toBe(true);
    const group = (await bob.conversations()).find(isTrio);
    expect([...group.participantids].sort()).toEqual([server.account('Alice').userid, server.account('Bob').userid, server.account('Carol').userid].sort());
    const key = bob.conversationKey(group);
    expect(openText(key, group.displayname)).toBe('Trio');
    const messages = (await bob.newestPage(group)).messages;
    expect(messages.map((m) => openMessage(key, m.Data).text)).toEqual([WELCOME]);

    // The row: a group shows who wrote last.
    await expect.poll(() => rowMarks(page, 'Trio'), POLL).toContain(`You: ${WELCOME}`);
  });

  it('lists the members with their presence in "Conversation details", with nothing serious for axe, light and dark', async () => {
    await page.getByRole('button', { name: 'Conversation details' }).click();
    const details = page.getByRole('complementary', { name: 'Conversation details' });
    await details.getByText('You', { exact: true }).waitFor();
    await details.getByText('Bob', { exact: true }).waitFor();
    await details.getByText('Carol', { exact: true }).waitFor();
    expect(await details.textContent()).toContain('Available');
    expect(await axeSeriousFindingsLightAndDark(page)).toEqual({ light: [], dark: [] });
    await page.screenshot({ path: `${SHOTS}/rows-details.png` });
    await details.getByRole('button', { name: 'Close' }).click();
  });

  it('offers "Jump to latest" with the number of new messages when scrolled up, and goes there', async () => {
    await conversationRow(page, 'Alice and Carol').click();
    await log().getByText('Have you tried the new desktop client yet?', { exact: false }).waitFor();
    const carol = await server.client('Carol');
    const conversation = await conversationWith(carol, server.account('Alice').userid);
    for (let n = 1; n <= 30; n++) await carol.send(conversation, `Carol's note ${n}`);
    await log().getByText("Carol's note 30", { exact: true }).waitFor({ timeout: 30_000 });

    await log().evaluate((el) => (el.scrollTop = 0));
    await carol.send(conversation, 'One more from Carol');
    await carol.send(conversation, 'And the very last');
    const jump = page.getByRole('button', { name: 'Jump to latest, 2 new' });
    await jump.waitFor({ timeout: 30_000 });
    await jump.click();
    await expect.poll(() => log().evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight <= 2), POLL).toBe(true);
    await expect.poll(() => page.getByRole('button', { name: /^Jump to latest/ }).count(), POLL).toBe(0);
  }, 60_000);

  it('takes the one-minute message off the screen at its time, without a reload, and off the row', async () => {
    await conversationRow(page, 'Alice and Bob').click();
    const item = log().locator('[data-message-id]', { hasText: MINUTE_MESSAGE });
    await item.waitFor();
    const reloads: string[] = [];
    page.on('framenavigated', (frame) => reloads.push(frame.url()));
    // Its ValidUntil is a minute after the server had it; the sweep runs at that moment.
    await expect.poll(() => item.count(), { timeout: 90_000, interval: 500 }).toBe(0);
    expect(Date.now() - minuteShownAt).toBeGreaterThan(50_000);
    expect(reloads).toEqual([]);
    await expect.poll(() => rowMarks(page, 'Alice and Bob'), POLL).not.toContain(MINUTE_MESSAGE);
    await log().getByText('Perfect. Talk tomorrow?', { exact: false }).waitFor();
  }, 120_000);
});
