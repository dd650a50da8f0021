import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import { mergeConfig } from 'vite';
import renderer from './renderer/vite.config.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

// `npm run build`: the Electron app into out/. The renderer is the very build `npm run build:renderer`
// makes (renderer/vite.config.ts), so the browser host and Electron serve the same files.
export default defineConfig({
  // ES module, as package.json's "type" says: out/main/index.js. Dependencies stay external and are
  // loaded from node_modules (inside app.asar when packaged); the app's own code is bundled.
  main: {
    build: {
      outDir: here('out/main'),
      lib: { entry: { index: here('app/electron/main.ts') } },
      sourcemap: false,
    },
  },
  // A sandboxed preload cannot load ES modules and can require only a few built-ins, so it is one
  // CommonJS file with everything but electron inlined: out/preload/index.cjs.
  preload: {
    build: {
      outDir: here('out/preload'),
      lib: { entry: { index: here('app/electron/preload.ts') }, formats: ['cjs'] },
      externalizeDeps: false,
      sourcemap: false,
    },
  },
  // electron-vite looks for its renderer at src/renderer/index.html unless told, and does not
  // minify unless told; with both said, out/renderer is what `npm run build:renderer` makes.
  renderer: mergeConfig(renderer, { build: { rolldownOptions: { input: here('renderer/index.html') }, minify: true } }),
});
