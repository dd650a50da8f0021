// The import boundaries and the no-cycle rule of app/README.md ("layering"), checked by
// dependency-cruiser: `npm run deps` (and so `npm run lint`). Paths are repository-relative.
//
// TypeScript is read with the compiler (tsconfig.json), `import type` included (tsPreCompilationDeps).
// .svelte files are read through svelte/compiler, which erases their type-only imports: so the
// type imports in .svelte <script> blocks, and the rules that follow only run-time imports from one
// entry (the preload, the unit tests of app/electron), stay in test/layering.test.ts.

/** `electron` and its subpaths (`electron/main`), resolved or not; never `@electron/…` or `electron-store`. */
const ELECTRON = '^(node_modules/)?electron(/|$)';
/** Test code: a `*.test.ts` file (any JS/TS spelling) or anything in a `test/` folder (test/support/, server/test/, …). */
const TEST_CODE = ['(^|/)test/', '\\.test\\.[cm]?[jt]sx?$'];
/** Production code; everything in it but test code. */
const PRODUCTION = '^(app|protocol|server/src|renderer/src)/';
/** The code that runs outside Electron (or in every host) and so never imports it, not even its types. */
const RUNS_WITHOUT_ELECTRON = '^(app/core|app/browser-host|app/ipc|protocol|server|renderer/src)/';
/** Everything but the Electron shell: none of it loads electron at run time. */
const OUTSIDE_THE_SHELL = '^(protocol|server|app/core|app/ipc|app/browser-host|renderer|scripts|bench|test)/';
/** Only types, which the build erases. */
const TYPES_ONLY = ['type-only', 'type-import'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Imports go one way (app/shared <- app/ipc <- app/core; nothing imports back): no import cycle anywhere, `import type` included.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import resolves to a file or a package: an import the checker cannot follow is one these rules cannot check.',
      from: {},
      to: { couldNotResolve: true, pathNot: ELECTRON },
    },
    {
      name: 'no-electron-outside-electron',
      severity: 'error',
      comment:
        'app/core, app/browser-host, app/ipc, protocol/ and server/ run in plain Node (or every host), and the renderer talks to the main process only through window.ozeki: none of them imports electron, not even its types.',
      from: { path: RUNS_WITHOUT_ELECTRON },
      to: { path: ELECTRON },
    },
    {
      name: 'only-the-shell-loads-electron',
      severity: 'error',
      comment: 'The Electron shell (app/electron/) is the one place that runs inside Electron: nothing else imports electron at run time.',
      from: { path: OUTSIDE_THE_SHELL },
      to: { path: ELECTRON, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'renderer-no-node-built-ins',
      severity: 'error',
      comment: 'The renderer runs in the browser: no Node built-in (node:fs, path, …).',
      from: { path: '^renderer/src/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'renderer-no-main-side',
      severity: 'error',
      comment: 'The renderer bundles no main-process code: not the core, the hosts, the main-process channel lists, the protocol module or the server.',
      from: { path: '^renderer/src/' },
      to: { path: ['^(app/core|app/browser-host|app/electron|protocol|server)/', '^app/ipc/electron-channels\\.ts$'] },
    },
    {
      name: 'renderer-takes-only-shared-and-ipc',
      severity: 'error',
      comment: 'From app/ the renderer takes only app/shared (the pure rules) and the types of app/ipc.',
      from: { path: '^renderer/' },
      to: { path: '^app/', pathNot: '^app/(shared|ipc)/' },
    },
    {
      name: 'renderer-takes-only-types-of-ipc',
      severity: 'error',
      comment: 'The renderer imports app/ipc with `import type` only: the contract and its zod schemas stay out of the bundle.',
      from: { path: '^renderer/' },
      to: { path: '^app/ipc/', dependencyTypesNot: TYPES_ONLY },
    },
    {
      name: 'protocol-is-the-bottom-layer',
      severity: 'error',
      comment: 'protocol/ never imports app/, server/ or renderer/.',
      from: { path: '^protocol/' },
      to: { path: '^(app|server|renderer)/' },
    },
    {
      name: 'server-shares-only-protocol',
      severity: 'error',
      comment: 'server/ shares only protocol/ with the client: it never imports app/ or renderer/.',
      from: { path: '^server/' },
      to: { path: '^(app|renderer)/' },
    },
    {
      name: 'core-no-shell-or-renderer',
      severity: 'error',
      comment: 'app/core gets Electron-side services injected as adapters: it never imports app/electron/ or the renderer.',
      from: { path: '^app/core/' },
      to: { path: '^(app/electron|app/renderer|renderer)/' },
    },
    {
      name: 'ipc-not-core',
      severity: 'error',
      comment: 'app/ipc is the contract the core implements: it imports app/shared and nothing of the core.',
      from: { path: '^app/ipc/' },
      to: { path: '^app/core/' },
    },
    {
      name: 'shared-imports-nothing',
      severity: 'error',
      comment: 'app/shared runs everywhere (Node, Electron, the browser): it imports nothing outside itself, no package and no built-in.',
      from: { path: '^app/shared/', pathNot: TEST_CODE },
      to: { pathNot: '^app/shared/' },
    },
    {
      name: 'production-never-imports-test-code',
      severity: 'error',
      comment:
        'Test helpers, fixtures and harnesses live in test/ folders (test/support/, server/test/, …); no production file imports them or a *.test.ts file.',
      from: { path: PRODUCTION, pathNot: TEST_CODE },
      to: { path: TEST_CODE },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    exclude: { path: ['^(out|dist|release|coverage)/', '\\.d\\.ts$'] },
    moduleSystems: ['es6', 'cjs'],
    // require.resolve('x') names a module just as much as require('x') does.
    exoticRequireStrings: ['require.resolve'],
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.svelte', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
