// ESLint over the whole tree: typescript-eslint's recommended rules for TypeScript, and
// eslint-plugin-svelte's for the chat window. Formatting is Prettier's job (`npm run format`), so
// no stylistic rules here. Import boundaries and cycles are checked by dependency-cruiser (`npm run deps`).
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default ts.config(
  { ignores: ['out/', 'dist/', 'node_modules/', 'coverage/', '**/*.d.ts'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // Unused names are already compile errors (noUnusedLocals, noUnusedParameters); `_name` marks one on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Tests, their support code and benchmarks read whatever JSON a server or a page sends back, and
    // assert on it field by field; typing every reply there would only restate the assertions.
    files: ['**/*.test.ts', 'test/**', 'server/test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['renderer/**/*.{ts,svelte}', 'app/browser-host/bridge-client.ts', 'app/browser-host/bridge-script.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
  },
);
