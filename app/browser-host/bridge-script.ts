/**
 * The page-side bridge as a plain script: bridge-client.ts with its types stripped by esbuild's
 * transform (no bundling: it imports nothing at run time). Built once per process, the first time
 * a host starts, so the served script matches the source next to it; the host listens meanwhile
 * (the transform runs in esbuild's own process), so building it never delays the window.
 */
import { readFile } from 'node:fs/promises';
import { transform } from 'esbuild';

export const BRIDGE_SCRIPT_PATH = '/__ozeki/bridge.js';

let built: Promise<string> | undefined;

export function buildBridgeScript(): Promise<string> {
  built ??= transformBridge();
  // A failed build is tried again by the next host, not remembered.
  built.catch(() => (built = undefined));
  return built;
}

async function transformBridge(): Promise<string> {
  const source = await readFile(new URL('./bridge-client.ts', import.meta.url), 'utf8');
  // An IIFE keeps its names off `window`; only `window.ozeki` is defined, on purpose.
  const { code } = await transform(source, { loader: 'ts', format: 'iife', target: 'es2020', sourcefile: 'bridge-client.ts' });
  return code;
}

/** Puts the bridge first in <head>, so it runs before any of the renderer's scripts. */
export function injectBridge(html: string): string {
  const tag = `<script src="${BRIDGE_SCRIPT_PATH}"></script>`;
  const at = /<head\b[^>]*>/i.exec(html) ?? /<!doctype[^>]*>/i.exec(html);
  if (!at) return tag + html;
  const end = at.index + at[0].length;
  return html.slice(0, end) + tag + html.slice(end);
}
