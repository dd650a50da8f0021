import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

// The chat window. Built to out/renderer/ with relative URLs (`base: './'`) so the same files work
// from Electron's custom scheme and from the browser host's plain http server. The host serves a
// strict CSP (`script-src 'self'`), so nothing may be inlined: no inline scripts, no module preload
// polyfill (which Vite would otherwise inject inline).
export default defineConfig({
  root: here('.'),
  base: './',
  plugins: [svelte()],
  build: {
    outDir: here('../out/renderer'),
    emptyOutDir: true,
    target: 'es2023',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
});
