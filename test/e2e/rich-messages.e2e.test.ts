/**
 * Replies, reactions, edits, deletes and links end to end, as a new user meets them: the real
 * renderer in Chromium, the real core behind the browser host, the real reference server. Alice
 * answers Bob, reacts, edits and deletes, all from "Message actions" and the keyboard; Bob, on
 * his phone (the API alone), receives each one as the profile's encrypted shapes, and reacts back.
 * The tests run in order and share the app.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMessage, type MessagePlaintext } from '../../protocol/index.js';
import type { TestClient } from '../../server/test/harness.js';
import {
  axeSeriousFindingsLightAndDark,
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
const QUESTION = 'Lunch on Friday?';
const ANSWER = 'Sure, 12:30 at https://example.com/menu works';

if (!haveChromium) console.warn('Skipping the rich messages end-to-end tests: /usr/bin/chromium is not installed.');

describe.skipIf(!haveChromium)('replies, reactions, edits, deletes and links in Chromium (needs /usr/bin/chromium)', () => {
  let server: ServerUnderTest;
  let browser: Browser;
  let alice: AppUnderTest;
  let page: Page;
  let bob: TestClient;
  let questionId = '';

  const log = () => page.getByRole('log', { name: 'Messages' });
  /** The message with this text of its own (a reply's quote holds its question's text too: the newest that has it). */
  const item = (text: string) =>
    text === QUESTION ? log().locator(`[data-message-id="${questionId}"]`) : log().locator('[data-message-id]', { hasText: text }).last();

  /** What Bob's phone holds of the conversation now: each message's decrypted plaintext, oldest first. */
  async function bobsPlaintexts(): Promise<MessagePlaintext[]> {
    const conversation = await conversationWith(bob, server.account('Alice').userid);
    const key = bob.conversationKey(conversation);
    return (await bob.newestPage(conversation, 100)).messages.map((m) => ({ ...openMessage(key, m.Data), ID: m.ID }));
  }

  async function bobSends(body: Omit<MessagePlaintext, 'from'>): Promise<string> {
    return (await bob.send(await conversationWith(bob, server.account('Alice').userid), body)).id;
  }

  async function actions(text: string, choice: string): Promise<void> {
    await item(text).hover();
    await item(text).getByRole('button', { name: 'Message actions' }).click();
    await page.getByRole('menuitem', { name: choice, exact: true }).click();
  }

  beforeAll(async () => {
    const [srv] = await Promise.all([ServerUnderTest.start(), buildRenderer()]);
    server = srv;
    browser = await launchBrowser();
    alice = await openApp(browser, server, 'Alice');
    page = alice.page;
    bob = await server.client('Bob');
  }, 90_000);

  afterAll(async () => {
    await alice?.close();
    await browser?.close().catch(() => {});
    await server?.close();
  });

  it('replies to Bob from "Message actions", with a link that opens safely; Bob gets the quote', async () => {
    await signInWithDemo(page);
    await conversationRow(page, 'Alice and Bob').click();
    await log().getByText('Perfect. Talk tomorrow?', { exact: false }).waitFor();
    questionId = await bobSends({ text: QUESTION });
    await item(QUESTION).waitFor({ timeout: 30_000 });

    await actions(QUESTION, 'Reply');
    const field = page.getByLabel('Message', { exact: true });
    await field.fill(ANSWER);
    await field.press('Enter');
    const answer = item(ANSWER);
    await answer.getByRole('img', { name: /^(Sent|Delivered|Seen)$/ }).waitFor();
    expect(await answer.getByRole('button', { name: /Show the message from Bob/ }).count()).toBe(1);
    const link = answer.getByRole('link', { name: 'https://example.com/menu' });
    expect(await link.getAttribute('href')).toBe('https://example.com/menu');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toContain('noopener');

    await expect.poll(async () => (await bobsPlaintexts()).some((m) => m.text === ANSWER), POLL).toBe(true);
    const sent = (await bobsPlaintexts()).find((m) => m.text === ANSWER)!;
    expect(sent.reply).toMatchObject({ id: questionId, excerpt: QUESTION });
  });

  it('reacts with the emoji picker, by keyboard, with nothing serious for axe; Bob gets the reaction', async () => {
    await actions(QUESTION, 'React');
    const picker = page.getByRole('grid');
    await picker.waitFor();
    expect(await axeSeriousFindingsLightAndDark(page)).toEqual({ light: [], dark: [] });
    await page.keyboard.press('Enter');
    const chip = item(QUESTION).getByRole('button', { name: /^👍 1/ });
    await chip.waitFor();
    expect(await chip.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(async () => (await bobsPlaintexts()).some((m) => (m.react as { id?: string } | undefined)?.id === questionId), POLL).toBe(true);
    const reaction = (await bobsPlaintexts()).find((m) => m.react)!;
    expect(reaction.react).toEqual({ id: questionId, emoji: '👍', on: true });
    expect(reaction.text).toBe(`Reacted 👍 to “${QUESTION}”`);
    // Not a message of its own in Alice's window.
    expect(await log().getByText('Reacted 👍', { exact: false }).count()).toBe(0);
  });

  it('shows the reaction Bob gives back from his phone', async () => {
    const answerId = (await bobsPlaintexts()).find((m) => m.text === ANSWER)!.ID as string;
    await bobSends({ text: 'Reacted ❤️ to “Sure”', react: { id: answerId, emoji: '❤️', on: true } });
    await item(ANSWER).getByRole('button', { name: /^❤️ 1/ }).waitFor({ timeout: 30_000 });
  });

  it('edits the answer with the Up arrow; it shows "edited", and Bob gets the edit', async () => {
    const field = page.getByLabel('Message', { exact: true });
    await field.click();
    await field.press('ArrowUp');
    const editing = page.locator('form textarea').first();
    await expect.poll(() => editing.inputValue(), POLL).toBe(ANSWER);
    await editing.fill('Sure, 13:00 instead');
    await editing.press('Enter');
    const edited = item('Sure, 13:00 instead');
    await edited.getByText('edited', { exact: true }).waitFor();
    await expect
      .poll(async () => (await bobsPlaintexts()).some((m) => (m.edit as { text?: string } | undefined)?.text === 'Sure, 13:00 instead'), POLL)
      .toBe(true);
  });

  it('deletes the answer for everyone after asking; a tombstone stays, and Bob gets the delete', async () => {
    await actions('Sure, 13:00 instead', 'Delete');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await axeSeriousFindingsLightAndDark(page)).toEqual({ light: [], dark: [] });
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await log().getByText('This message was deleted', { exact: true }).waitFor();
    expect(await log().getByText('Sure, 13:00 instead', { exact: false }).count()).toBe(0);
    await expect.poll(async () => (await bobsPlaintexts()).some((m) => m.delete !== undefined), POLL).toBe(true);
    expect(await page.getByRole('listbox', { name: 'Conversations' }).textContent()).toContain('This message was deleted');
  });
});
