/** The renderer in headless Chromium for the benchmarks: built fresh, with the probe (renderer-probe.ts) in its pages. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { FirstPaint } from './renderer-probe.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const STATIC_DIR = join(ROOT, 'out/renderer');
export const VIEWPORT = { width: 1280, height: 800 };

/** The probe as a plain script: compiled apart from tsx, whose keepNames helpers do not exist in the page. */
export async function probeScript(): Promise<string> {
  const { transform } = await import('esbuild');
  const source = readFileSync(new URL('./renderer-probe.ts', import.meta.url), 'utf8');
  const { code } = await transform(source, { loader: 'ts', format: 'iife', target: 'es2022', sourcefile: 'renderer-probe.ts' });
  return code;
}

export async function buildRenderer(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'renderer/vite.config.ts'), logLevel: 'warn' });
}

/** The probe's record of the first list paint of this page load. Polls on a timer, not per frame, to stay out of the frames timed. */
export async function firstPaint(page: Page, timeoutMs = 60_000): Promise<FirstPaint> {
  // Functions, not strings: a string would be eval'ed in the page, which its CSP forbids.
  await page.waitForFunction(() => (globalThis as any).__ozekiBench.firstPaint() !== null, undefined, { timeout: timeoutMs, polling: 100 });
  return (await page.evaluate(() => (globalThis as any).__ozekiBench.firstPaint())) as FirstPaint;
}

/** An in-page measurement that never finishes (no frame, no row) must fail the run, not hang it. */
export function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)));
  work.catch(() => {}); // once timed out, its late failure (the page closing) is expected
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
