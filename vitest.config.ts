import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Server tests start real servers on loopback and real SQLite files; give them room on 2 cores.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/native-build.setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['protocol/**/*.test.ts', 'server/**/*.test.ts', 'app/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        // The chat window: Svelte components in a simulated DOM, talking to a fake window.ozeki.
        extends: true,
        plugins: [svelte(), svelteTesting()],
        test: {
          name: 'renderer',
          include: ['renderer/**/*.test.ts'],
          environment: 'jsdom',
          setupFiles: ['renderer/test/setup.ts'],
          testTimeout: 10_000,
        },
      },
    ],
  },
});
