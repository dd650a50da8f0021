/**
 * Shared setup for the end-to-end tests: the real reference server, the real app (core + browser
 * host serving the built renderer) on its own data folder, and Debian's Chromium driven by
 * playwright-core.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startWebApp, type WebApp } from '../../app/browser-host/web-app.js';
import { startTestServer, TestClient, type TestServer } from '../../server/test/harness.js';
import type { DemoAccount } from '../../server/src/seed.js';
import { startServer, type RunningServer } from '../../server/src/server.js';
import { CHROMIUM, CHROMIUM_ARGS, haveChromium } from '../support/chromium.js';

export { CHROMIUM, haveChromium };

const root = fileURLToPath(new URL('../../', import.meta.url));
export const STATIC_DIR = join(root, 'out/renderer');

/** Builds the renderer once into out/renderer, as `npm run build:renderer` does. */
export async function buildRenderer(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: join(root, 'renderer/vite.config.ts'), logLevel: 'warn' });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
}

/**
 * The reference server on a fixed port that can be stopped and started again on the same port and
 * data folder (the app remembers the URLs the server gave it at sign-in).
 */
export class ServerUnderTest {
  private running: RunningServer;

  private constructor(
    private readonly t: TestServer,
    readonly port: number,
  ) {
    this.running = t.server;
  }

  static async start(): Promise<ServerUnderTest> {
    const t = await startTestServer();
    return new ServerUnderTest(t, t.server.port);
  }

  get url(): string {
    return this.running.url;
  }

  /** The server's data folder (its database and the file service's chunks). */
  get dataDir(): string {
    return this.t.dataDir;
  }

  account(nick: 'Alice' | 'Bob' | 'Carol'): DemoAccount {
    const found = this.t.accounts.find((a) => a.nick === nick);
    if (!found) throw new Error(`no demo account ${nick}`);
    return found;
  }

  /** A TestClient signed in on its own station, to check the server's state through the API. */
  async client(nick: 'Alice' | 'Bob' | 'Carol'): Promise<TestClient> {
    return new TestClient(this.url, this.account(nick)).signIn();
  }

  async stop(): Promise<void> {
    await this.running.close();
  }

  async restart(): Promise<void> {
    this.running = await startServer({ dataDir: this.t.dataDir, port: this.port, log: () => {} });
  }

  async close(): Promise<void> {
    await this.running.close().catch(() => {});
    rmSync(this.t.dataDir, { recursive: true, force: true });
  }
}

/** One running app (its own data folder) with a browser page open on it. */
export type AppUnderTest = { app: WebApp; context: BrowserContext; page: Page; dataDir: string; logs: string[]; close(): Promise<void> };

export async function openApp(browser: Browser, server: ServerUnderTest, demoAs: 'Alice' | 'Bob' | 'Carol'): Promise<AppUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ozeki-e2e-app-'));
  const account = server.account(demoAs);
  const serverUrl = server.url;
  const logs: string[] = [];
  const app = await startWebApp({
    dataDir,
    staticDir: STATIC_DIR,
    port: 0,
    log: (line) => logs.push(line),
    demo: () => ({ serverUrl, email: account.email, apiKey: account.apikey, password: account.password }),
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(app.url);
  return {
    app,
    context,
    page,
    dataDir,
    logs,
    async close() {
      await context.close().catch(() => {});
      await app.close().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in with "Try the demo" and waits for the conversation list. */
export async function signInWithDemo(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Try the demo' }).click();
  await page.getByRole('listbox', { name: 'Conversations' }).waitFor();
}

export const conversationRow = (page: Page, name: string) => page.getByRole('listbox', { name: 'Conversations' }).getByRole('option', { name, exact: true });

/**
 * The names of the list's options, in order, as a screen reader hears them (a row's avatar, time
 * and preview are not part of its name): read from the accessibility tree, not from the markup.
 */
export async function listNames(page: Page): Promise<string[]> {
  const tree = await page.getByRole('listbox', { name: 'Conversations' }).ariaSnapshot();
  return [...tree.matchAll(/- option "((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
}

/**
 * What a row's marks say ("Waiting to sync, Muted, 3 unread"): the option's accessible description,
 * the way a screen reader hears them. Empty when the row has none.
 */
export async function rowMarks(page: Page, name: string): Promise<string> {
  return conversationRow(page, name).evaluate((option) => {
    const doc = option.ownerDocument;
    const ids = (option.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    return ids
      .map((id: string) => doc.getElementById(id)?.textContent ?? '')
      .join(' ')
      .trim();
  });
}

/** Opens a row's action menu with the "More actions" button shown over the hovered row, and picks an item. */
export async function chooseAction(page: Page, conversation: string, item: string): Promise<void> {
  await conversationRow(page, conversation).hover();
  await page.getByRole('button', { name: `More actions for ${conversation}`, exact: true }).click();
  await page
    .getByRole('menu', { name: `Actions for ${conversation}` })
    .getByRole('menuitem', { name: item, exact: true })
    .click();
}

/** The server's view of the 1:1 conversation between a client's user and another user. */
export async function conversationWith(client: TestClient, otherUserId: string): Promise<any> {
  const list = await client.conversations();
  const found = list.find((c: any) => !c.isgroup && c.participantids.includes(otherUserId));
  if (!found) throw new Error('no such 1:1 conversation on the server');
  return found;
}

/** The per-user properties (favourite, muted, colour, hidden) of that conversation. */
export async function propertiesWith(client: TestClient, otherUserId: string): Promise<any> {
  return (await conversationWith(client, otherUserId)).properties?.[0];
}

/** axe-core's serious and critical findings on the page as it is now (one line each). */
export async function axeSeriousFindings(page: Page): Promise<string[]> {
  const { default: axe } = await import('axe-core');
  // Evaluated through the DevTools protocol, so the page's strict CSP does not apply to it.
  await page.evaluate(axe.source);
  type Violation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };
  // Runs in the page; the Node-side tsconfig has no DOM types, so the page's globals are typed here.
  const violations = await page.evaluate(async () => {
    const page = globalThis as unknown as { document: unknown; axe: { run(ctx: unknown, opts: object): Promise<{ violations: Violation[] }> } };
    return (await page.axe.run(page.document, { resultTypes: ['violations'] })).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    );
}

/** axe-core's serious and critical findings with the system in light mode, then in dark mode. */
export async function axeSeriousFindingsLightAndDark(page: Page): Promise<{ light: string[]; dark: string[] }> {
  try {
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await axeSeriousFindings(page);
    await page.emulateMedia({ colorScheme: 'dark' });
    return { light, dark: await axeSeriousFindings(page) };
  } finally {
    await page.emulateMedia({ colorScheme: null });
  }
}
