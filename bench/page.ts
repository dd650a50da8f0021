/** The renderer in headless Chromium for the benchmarks: built fresh, with the probe (renderer-probe.ts) in its pages. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConsoleMessage, ElementHandle, Page } from 'playwright-core';
import type { FirstPaint, ScrollResult } from './renderer-probe.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const STATIC_DIR = join(ROOT, 'out/renderer');
export const VIEWPORT = { width: 1280, height: 800 };
/** A pause before each timed cold start, so the one before it has finished tearing down. */
export const SETTLE_MS = 300;
/** What the probe logs before a page load's first paint record (its JSON follows). */
const FIRST_PAINT_MESSAGE = 'ozeki-bench first-paint ';

/** The probe as a plain script: compiled apart from tsx, whose keepNames helpers do not exist in the page. */
export async function probeScript(): Promise<string> {
  const { transform } = await import('esbuild');
  const source = readFileSync(new URL('./renderer-probe.ts', import.meta.url), 'utf8');
  const { code } = await transform(source, {
    loader: 'ts',
    format: 'iife',
    target: 'es2022',
    sourcefile: 'renderer-probe.ts',
    define: { FIRST_PAINT_MESSAGE: JSON.stringify(FIRST_PAINT_MESSAGE) },
  });
  return code;
}

export async function buildRenderer(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'renderer/vite.config.ts'), logLevel: 'warn' });
}

/**
 * The probe's record of the next page load's first list paint: call it before the navigation or
 * reload. It listens to the page's console and runs nothing in the page (see renderer-probe.ts).
 */
export function nextFirstPaint(page: Page, timeoutMs = 60_000): Promise<FirstPaint> {
  return new Promise<FirstPaint>((resolve, reject) => {
    const timer = setTimeout(() => {
      page.off('console', onConsole);
      reject(new Error(`no list painted within ${timeoutMs} ms`));
    }, timeoutMs);
    const onConsole = (message: ConsoleMessage) => {
      const text = message.text();
      if (!text.startsWith(FIRST_PAINT_MESSAGE)) return;
      clearTimeout(timer);
      page.off('console', onConsole);
      resolve(JSON.parse(text.slice(FIRST_PAINT_MESSAGE.length)) as FirstPaint);
    };
    page.on('console', onConsole);
  });
}

/** An in-page measurement that never finishes (no frame, no row) must fail the run, not hang it. */
export function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)));
  work.catch(() => {}); // once timed out, its late failure (the page closing) is expected
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Holds the core's opening back until a navigation is under way, as the Electron app has its
 * window loading (in Chromium's own processes) before the core's opening takes Node's thread.
 * `openAfter(navigation)` lets the core open once Playwright has sent the navigation, then waits
 * for both.
 */
export function startGate(): { promise: Promise<void>; openAfter(navigation: Promise<unknown>): Promise<void> } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return {
    promise,
    async openAfter(navigation) {
      navigation.catch(() => {}); // awaited below; a failure is reported there
      // One turn of the event loop: the navigation's message reaches Chromium first.
      await new Promise((resolve) => setImmediate(resolve));
      open();
      await navigation;
    },
  };
}

/** The probe's scroll (renderer-probe.ts) of `element` for `ms` at `pxPerFrame`, failing rather than hanging. */
export function scrollFor(page: Page, element: ElementHandle, ms: number, pxPerFrame: number, what: string, slackMs = 10_000): Promise<ScrollResult> {
  return within(
    page.evaluate(([el, ms, px]) => (globalThis as any).__ozekiBench.scroll(el, ms, px), [element, ms, pxPerFrame] as const) as Promise<ScrollResult>,
    ms + slackMs,
    what,
  );
}
