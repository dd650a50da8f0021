// Enforces the layering described in app/README.md: code that runs everywhere
// never imports code that runs in one place.
//
// Imports are found by parsing each file with the TypeScript compiler (already a
// devDependency), not by pattern matching, so commented-out imports, strings and
// regular expressions cannot fool it. Every form counts: static `import` (also
// `import type`), `export … from`, dynamic `import()`, `require()`,
// `import x = require()` and `typeof import()` in types. For .svelte files the
// <script> blocks are parsed.

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const SOURCE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.jsx', '.svelte']);

interface ImportRef {
  specifier: string;
  /** 1-based line in the file. */
  line: number;
  kind: string;
}

// ---------------------------------------------------------------- finding imports

function scriptKindOf(fileName: string): ts.ScriptKind {
  switch (extname(fileName)) {
    case '.js':
    case '.mjs':
    case '.cjs':
      return ts.ScriptKind.JS;
    case '.jsx':
      return ts.ScriptKind.JSX;
    case '.tsx':
      return ts.ScriptKind.TSX;
    default:
      return ts.ScriptKind.TS;
  }
}

function stringArgument(node: ts.Node | undefined): string | undefined {
  if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) return node.text;
  return undefined;
}

function isRequireCallee(callee: ts.Expression): boolean {
  if (ts.isIdentifier(callee)) return callee.text === 'require';
  // require.resolve('x') names a module just as much.
  return ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'require';
}

/** Imports in one piece of JS/TS source; `lineOffset` is added to every line. */
function importsInScript(code: string, fileName: string, scriptKind: ts.ScriptKind, lineOffset = 0): ImportRef[] {
  const sourceFile = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true, scriptKind);
  const found: ImportRef[] = [];
  const add = (node: ts.Node, specifier: string | undefined, kind: string): void => {
    if (specifier === undefined) return; // import(someVariable): nothing to check statically
    const { line } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
    found.push({ specifier, line: line + 1 + lineOffset, kind });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node, stringArgument(node.moduleSpecifier), node.importClause?.isTypeOnly ? 'type import' : 'static import');
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node, stringArgument(node.moduleSpecifier), 're-export');
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, stringArgument(node.moduleReference.expression), 'import = require()');
    } else if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        add(node, stringArgument(node.arguments[0]), 'dynamic import()');
      } else if (isRequireCallee(node.expression)) {
        add(node, stringArgument(node.arguments[0]), 'require()');
      }
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, stringArgument(node.argument.literal), 'import() type');
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** Imports in a file's text; for .svelte files, in each of its <script> blocks. */
function findImports(code: string, fileName: string): ImportRef[] {
  if (extname(fileName) !== '.svelte') return importsInScript(code, fileName, scriptKindOf(fileName));
  const found: ImportRef[] = [];
  for (const match of code.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script\s*>/gi)) {
    const body = match[1] ?? '';
    const bodyStart = (match.index ?? 0) + match[0].indexOf('>') + 1;
    const lineOffset = code.slice(0, bodyStart).split('\n').length - 1;
    found.push(...importsInScript(body, fileName, ts.ScriptKind.TS, lineOffset));
  }
  return found;
}

// ---------------------------------------------------------------- where an import points

interface PackageJson {
  imports?: Record<string, unknown>;
}

const PACKAGE_IMPORTS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson).imports ?? {};

/** Every string target of a package.json "imports" entry, whatever the condition. */
function stringTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringTargets);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringTargets);
  return [];
}

/** Expands a `#name` subpath import through package.json "imports". */
function expandSubpathImport(specifier: string): string[] {
  const exact = PACKAGE_IMPORTS[specifier];
  if (exact !== undefined) return stringTargets(exact);
  for (const [key, value] of Object.entries(PACKAGE_IMPORTS)) {
    const star = key.indexOf('*');
    if (star < 0) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (specifier.length >= key.length - 1 && specifier.startsWith(prefix) && specifier.endsWith(suffix)) {
      const captured = specifier.slice(prefix.length, specifier.length - suffix.length);
      return stringTargets(value).map((target) => target.replaceAll('*', captured));
    }
  }
  return [];
}

const toRepoPath = (absolute: string): string => relative(ROOT, absolute).split(sep).join('/');

/**
 * Repository-relative paths an import can point at: relative and absolute
 * specifiers resolved against the importing file, `#` subpath imports through
 * package.json. Bare package names (zod, node:crypto, …) point at no folder of ours.
 */
function importTargets(specifier: string, fromFile: string): string[] {
  if (specifier.startsWith('#')) {
    return expandSubpathImport(specifier)
      .filter((target) => target.startsWith('./'))
      .map((target) => toRepoPath(resolve(ROOT, target)));
  }
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    return [toRepoPath(resolve(dirname(fromFile), specifier))];
  }
  return [];
}

// ---------------------------------------------------------------- checking folders

function sourceFiles(repoDir: string): string[] {
  const start = join(ROOT, repoDir);
  if (!existsSync(start)) return [];
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
        walk(join(dir, entry.name));
      } else if (entry.isFile() && SOURCE_EXTENSIONS.has(extname(entry.name))) {
        files.push(join(dir, entry.name));
      }
    }
  };
  walk(start);
  return files.sort();
}

type Forbidden = (ref: ImportRef, absoluteFile: string) => boolean;

/** "file:line imports 'x' (kind)" for every forbidden import under the folders. */
function violations(repoDirs: readonly string[], forbidden: Forbidden): string[] {
  const found: string[] = [];
  for (const repoDir of repoDirs) {
    for (const file of sourceFiles(repoDir)) {
      for (const ref of findImports(readFileSync(file, 'utf8'), file)) {
        if (forbidden(ref, file)) found.push(`${toRepoPath(file)}:${ref.line} imports '${ref.specifier}' (${ref.kind})`);
      }
    }
  }
  return found;
}

const importsElectron: Forbidden = (ref) => ref.specifier === 'electron' || ref.specifier.startsWith('electron/');

function reachesInto(repoDirs: readonly string[]): Forbidden {
  return (ref, file) => importTargets(ref.specifier, file).some((target) => repoDirs.some((dir) => target === dir || target.startsWith(`${dir}/`)));
}

/**
 * Imports of packages and built-ins that load at run time from `entry` or anything it reaches
 * through relative imports (`import type` is erased, so it does not count), as
 * "file:line imports 'x' (kind)".
 */
function runtimePackageImports(entry: string, which: (ref: ImportRef, file: string) => boolean = () => true): string[] {
  const seen = new Set<string>();
  const found: string[] = [];
  const visit = (file: string): void => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    for (const ref of findImports(readFileSync(file, 'utf8'), file)) {
      if (ref.kind === 'type import' || ref.kind === 'import() type') continue;
      if (ref.specifier.startsWith('.')) visit(resolve(dirname(file), ref.specifier).replace(/\.js$/, '.ts'));
      else if (which(ref, file)) found.push(`${toRepoPath(file)}:${ref.line} imports '${ref.specifier}' (${ref.kind})`);
    }
  };
  visit(entry);
  return found;
}

/** A test file: `*.test.ts` (and its .js/.tsx/… spellings). */
const TEST_FILE = /\.test\.[cm]?[jt]sx?$/;

/**
 * Test code: a test file, or anything in a `test/` folder (test/support/, server/test/,
 * renderer/test/, protocol/test/, …). Everything else under the production folders is production code.
 */
const isTestCode = (repoPath: string): boolean => TEST_FILE.test(repoPath) || repoPath.split('/').includes('test');

/** A production file that imports test code. */
const productionImportsTestCode: Forbidden = (ref, file) => !isTestCode(toRepoPath(file)) && importTargets(ref.specifier, file).some(isTestCode);

const PRODUCTION_DIRS = ['app', 'protocol', 'server/src', 'renderer/src'];

// ---------------------------------------------------------------- import cycles

/** A test file or test support (by absolute path): they may import whatever they exercise. */
const isTestFile = (file: string): boolean => isTestCode(toRepoPath(file));

/** The source file an import target (a repository path, as written: `./x.js`, `./dir`) is. */
function sourceFileOf(target: string): string | undefined {
  const base = join(ROOT, target);
  const candidates = [base, base.replace(/\.(m|c)?js$/, '.$1ts'), base.replace(/\.jsx$/, '.tsx'), `${base}.ts`, `${base}.svelte`, join(base, 'index.ts')];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

/** Which file imports which (every kind of import counts, `import type` too), as absolute paths. */
function importGraph(files: readonly string[]): Map<string, { to: string; line: number }[]> {
  const graph = new Map<string, { to: string; line: number }[]>();
  for (const file of files) {
    const edges: { to: string; line: number }[] = [];
    for (const ref of findImports(readFileSync(file, 'utf8'), file)) {
      for (const target of importTargets(ref.specifier, file)) {
        const to = sourceFileOf(target);
        if (to) edges.push({ to, line: ref.line });
      }
    }
    graph.set(file, edges);
  }
  return graph;
}

/**
 * Every import cycle in the graph, one per strongly connected component, as
 * "a.ts:3 -> b.ts:7 -> a.ts" (each file with the line of the import that leads on). Only edges
 * between files of the graph count.
 */
function importCycles(graph: ReadonlyMap<string, readonly { to: string; line: number }[]>, name: (file: string) => string = toRepoPath): string[] {
  // Tarjan's strongly connected components.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const edgesOf = (file: string) => (graph.get(file) ?? []).filter((edge) => graph.has(edge.to));
  const connect = (file: string): void => {
    index.set(file, counter);
    low.set(file, counter);
    counter++;
    stack.push(file);
    onStack.add(file);
    for (const { to } of edgesOf(file)) {
      if (!index.has(to)) {
        connect(to);
        low.set(file, Math.min(low.get(file)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(file, Math.min(low.get(file)!, index.get(to)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || edgesOf(file).some((edge) => edge.to === file)) components.push(component);
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) connect(file);

  // One concrete cycle per component: the shortest way from its first file back to it (breadth first).
  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0]!;
    const cameFrom = new Map<string, { from: string; line: number }>();
    const queue = [start];
    let closing: { from: string; line: number } | undefined;
    while (queue.length && !closing) {
      const file = queue.shift()!;
      for (const { to, line } of edgesOf(file)) {
        if (!members.has(to)) continue;
        if (to === start) {
          closing = { from: file, line };
          break;
        }
        if (!cameFrom.has(to)) {
          cameFrom.set(to, { from: file, line });
          queue.push(to);
        }
      }
    }
    const steps: { file: string; line: number }[] = [{ file: closing!.from, line: closing!.line }];
    for (let at = closing!.from; at !== start;) {
      const { from, line } = cameFrom.get(at)!;
      steps.unshift({ file: from, line });
      at = from;
    }
    return [...steps.map(({ file, line }) => `${name(file)}:${line}`), name(start)].join(' -> ');
  });
}

const report = (rule: string, found: string[]): string => `${rule} (see app/README.md), but:\n  ${found.join('\n  ')}`;

// ---------------------------------------------------------------- the rules

describe('layering', () => {
  it('app/core never imports electron', () => {
    const found = violations(['app/core'], importsElectron);
    expect(found, report('app/core runs in Node and Electron, so it never imports electron', found)).toEqual([]);
  });

  it('app/browser-host and app/ipc never import electron', () => {
    const found = violations(['app/browser-host', 'app/ipc'], importsElectron);
    expect(found, report('the browser host runs without Electron and the contract is shared by every host, so neither imports electron', found)).toEqual([]);
  });

  it('renderer/ never imports electron, Node built-ins, the core or the protocol module', () => {
    const mainSide = reachesInto(['app/core', 'app/browser-host', 'app/electron', 'app/ipc/electron-channels.ts', 'protocol', 'server']);
    const found = violations(['renderer/src'], (ref, file) => importsElectron(ref, file) || ref.specifier.startsWith('node:') || mainSide(ref, file));
    expect(found, report('the renderer talks to the main process only through window.ozeki', found)).toEqual([]);
  });

  it('renderer/ takes from app/ only the types of app/ipc, and app/shared', () => {
    const typeOnly = (ref: ImportRef): boolean => ref.kind === 'type import' || ref.kind === 'import() type';
    const found = violations(['renderer'], (ref, file) =>
      importTargets(ref.specifier, file).some((target) => {
        if (target.startsWith('app/shared/')) return false;
        if (target.startsWith('app/ipc/')) return !typeOnly(ref);
        return target === 'app' || target.startsWith('app/');
      }),
    );
    expect(found, report('the renderer bundles no main-process code: only the pure rules of app/shared', found)).toEqual([]);
  });

  it('protocol/ never imports electron', () => {
    const found = violations(['protocol'], importsElectron);
    expect(found, report('protocol/ runs everywhere, so it never imports electron', found)).toEqual([]);
  });

  it('server/ never imports electron', () => {
    const found = violations(['server'], importsElectron);
    expect(found, report('server/ is a plain Node program, so it never imports electron', found)).toEqual([]);
  });

  it('protocol/ never imports from app/, server/ or renderer/', () => {
    const found = violations(['protocol'], reachesInto(['app', 'server', 'renderer']));
    expect(found, report('protocol/ is the bottom layer', found)).toEqual([]);
  });

  it('server/ never imports from app/ or renderer/', () => {
    const found = violations(['server'], reachesInto(['app', 'renderer']));
    expect(found, report('server/ shares only protocol/ with the client', found)).toEqual([]);
  });

  it('app/core never imports from app/electron/ or the renderer', () => {
    const found = violations(['app/core'], reachesInto(['app/electron', 'app/renderer', 'renderer']));
    expect(found, report('app/core gets Electron-side services injected as adapters', found)).toEqual([]);
  });

  it('only app/electron imports electron', () => {
    const elsewhere = ['protocol', 'server', 'app/core', 'app/ipc', 'app/browser-host', 'renderer', 'scripts', 'bench', 'test'];
    const found = violations(elsewhere, (ref, file) => importsElectron(ref, file) && ref.kind !== 'type import');
    expect(found, report('the Electron shell is the one place that runs inside Electron', found)).toEqual([]);
  });

  it('the unit tests of app/electron load no module that needs Electron at run time', () => {
    // They run under plain Node, where `electron` is only a path (or a download attempt).
    const tests = sourceFiles('app/electron').filter((file) => file.endsWith('.test.ts'));
    const found = tests.flatMap((test) => runtimePackageImports(test, importsElectron).map((hit) => `${toRepoPath(test)} -> ${hit}`));
    expect(tests.length).toBeGreaterThan(0);
    expect(found, report('the pure parts of the shell are tested without Electron', found)).toEqual([]);
  });

  it('the preload loads nothing at run time but electron and our own zod-free modules', () => {
    // A sandboxed preload can require only electron and a few built-ins, and runs in every page load.
    const found = runtimePackageImports(join(ROOT, 'app/electron/preload.ts'), (ref) => ref.specifier !== 'electron');
    expect(found, report('the preload is one small CommonJS bundle for the sandbox', found)).toEqual([]);
  });

  it('production code never imports test code, and test support code lives in test folders', () => {
    const found = violations(PRODUCTION_DIRS, productionImportsTestCode);
    expect(found, report('test helpers, fixtures and harnesses live in test/support/ (or another test/ folder), never beside production code', found)).toEqual(
      [],
    );
    const misplaced = PRODUCTION_DIRS.flatMap(sourceFiles)
      .map(toRepoPath)
      .filter((file) => !isTestCode(file) && /\/(testing|test-support|__tests__|__mocks__)\//.test(`/${file}`));
    expect(misplaced, report('a production folder holds no test-only code', misplaced)).toEqual([]);
  });

  it('app/shared imports nothing outside itself', () => {
    // The rules both sides need (list order, opposite actions, "no colour", error codes) run in Node,
    // in Electron and in the browser: no package, no built-in, nothing of ours but app/shared.
    const found = violations(['app/shared'], (ref, file) => {
      if (isTestFile(file)) return false;
      const targets = importTargets(ref.specifier, file);
      return targets.length === 0 || targets.some((target) => !target.startsWith('app/shared/'));
    });
    expect(sourceFiles('app/shared').length).toBeGreaterThan(0);
    expect(found, report('app/shared runs everywhere, so it is plain TypeScript that imports nothing', found)).toEqual([]);
  });

  it('app/ipc never imports app/core', () => {
    // The core implements the contract; the contract knows nothing of the core. (Tests that drive a
    // real core through it get one from test/support/.)
    const found = violations(['app/ipc'], reachesInto(['app/core']));
    expect(found, report('app/ipc is the contract the core implements: it imports app/shared and nothing of the core', found)).toEqual([]);
  });

  it('no production file takes part in an import cycle', () => {
    // `import type` counts too: a cycle of types is still two modules that cannot be understood apart.
    const files = PRODUCTION_DIRS.flatMap(sourceFiles).filter((file) => !isTestFile(file));
    expect(files.length).toBeGreaterThan(100);
    const cycles = importCycles(importGraph(files));
    expect(cycles, report('imports go one way (app/shared <- app/ipc <- app/core; nothing imports back)', cycles)).toEqual([]);
  });

  it('actually looks at source files (protocol/ is not empty)', () => {
    expect(sourceFiles('protocol').length).toBeGreaterThan(0);
  });
});

describe('the import finder behind the layering rules', () => {
  it('finds every way of importing a module, with its line', () => {
    const code = [
      "import { app } from 'electron';", // 1
      "import type { App } from 'electron/main';", // 2
      "import 'electron';", // 3
      "export { shell } from 'electron';", // 4
      "export * from 'electron';", // 5
      'const m = await import("electron");', // 6
      "const r = require('electron');", // 7
      "import e = require('electron');", // 8
      "type T = typeof import('electron');", // 9
      "const p = require.resolve('electron');", // 10
      'import {', // 11
      '  ipcMain,',
      "} from 'electron';",
      'const later = () => import(`electron`);', // 14
    ].join('\n');
    const refs = findImports(code, 'sample.ts');
    expect(refs.map((ref) => [ref.line, ref.specifier, ref.kind])).toEqual([
      [1, 'electron', 'static import'],
      [2, 'electron/main', 'type import'],
      [3, 'electron', 'static import'],
      [4, 'electron', 're-export'],
      [5, 'electron', 're-export'],
      [6, 'electron', 'dynamic import()'],
      [7, 'electron', 'require()'],
      [8, 'electron', 'import = require()'],
      [9, 'electron', 'import() type'],
      [10, 'electron', 'require()'],
      [11, 'electron', 'static import'],
      [14, 'electron', 'dynamic import()'],
    ]);
    expect(refs.every((ref) => importsElectron(ref, join(ROOT, 'app/core/sample.ts')))).toBe(true);
  });

  it('ignores comments, strings and look-alike package names', () => {
    const code = [
      "// import { app } from 'electron';",
      "/* const e = require('electron'); */",
      'const text = "import x from \'electron\'";',
      'const quote = /[\'"]electron[\'"]/;',
      "import Store from 'electron-store';",
      "import { notarize } from '@electron/notarize';",
    ].join('\n');
    const refs = findImports(code, 'sample.js');
    expect(refs.map((ref) => ref.specifier)).toEqual(['electron-store', '@electron/notarize']);
    expect(refs.filter((ref) => importsElectron(ref, join(ROOT, 'app/core/sample.js')))).toEqual([]);
  });

  it('reads the <script> blocks of .svelte files and reports lines of the whole file', () => {
    const code = [
      '<script lang="ts" module>', // 1
      "  import type { IpcRenderer } from 'electron';", // 2
      '</script>',
      '',
      '<script lang="ts">',
      "  import { onMount } from 'svelte';", // 6
      '</script>',
      '',
      "<p>import {'{'} x {'}'} from 'electron'</p>", // markup, not code
    ].join('\n');
    expect(findImports(code, 'Sample.svelte').map((ref) => [ref.line, ref.specifier])).toEqual([
      [2, 'electron'],
      [6, 'svelte'],
    ]);
  });

  it('tells test code from production code', () => {
    const ref = (specifier: string): ImportRef => ({ specifier, line: 1, kind: 'static import' });
    const core = join(ROOT, 'app/core/chat-service.ts');
    expect(productionImportsTestCode(ref('../../test/support/core/service-harness.js'), core)).toBe(true);
    expect(productionImportsTestCode(ref('../../server/test/harness.js'), core)).toBe(true);
    expect(productionImportsTestCode(ref('./chat-service.test.js'), core)).toBe(true);
    expect(productionImportsTestCode(ref('../../protocol/test/fixtures/ozeki-examples.js'), core)).toBe(true);
    expect(productionImportsTestCode(ref('./session.js'), core)).toBe(false);
    expect(productionImportsTestCode(ref('../../server/src/seed.js'), core)).toBe(false);
    expect(productionImportsTestCode(ref('./attest/x.js'), core)).toBe(false);
    expect(productionImportsTestCode(ref('vitest'), core)).toBe(false);
    // Tests and test support may import each other.
    const aTest = join(ROOT, 'app/core/chat-service.test.ts');
    expect(productionImportsTestCode(ref('../../test/support/core/service-harness.js'), aTest)).toBe(false);
    const support = join(ROOT, 'test/support/browser-host/fixture.ts');
    expect(productionImportsTestCode(ref('../../../server/test/harness.js'), support)).toBe(false);
  });

  it('finds import cycles and names each one by its files and lines', () => {
    const graph = new Map([
      [
        'a',
        [
          { to: 'b', line: 1 },
          { to: 'zod', line: 2 },
        ],
      ],
      ['b', [{ to: 'c', line: 3 }]],
      [
        'c',
        [
          { to: 'a', line: 4 },
          { to: 'd', line: 5 },
        ],
      ],
      ['d', [{ to: 'e', line: 6 }]],
      ['e', []],
      ['f', [{ to: 'f', line: 7 }]],
    ]);
    expect(importCycles(graph, (file) => file)).toEqual(['a:1 -> b:3 -> c:4 -> a', 'f:7 -> f']);
    graph.set('c', [{ to: 'd', line: 5 }]);
    graph.set('f', []);
    expect(importCycles(graph, (file) => file)).toEqual([]);
  });

  it('resolves relative imports to the folder they reach into', () => {
    const from = join(ROOT, 'protocol/profile/identity.ts');
    const ref = (specifier: string): ImportRef => ({ specifier, line: 1, kind: 'static import' });
    const intoApp = reachesInto(['app']);
    expect(intoApp(ref('../../app/core/session.js'), from)).toBe(true);
    expect(intoApp(ref('../ozeki/schemas.js'), from)).toBe(false);
    expect(intoApp(ref('../../application/x.js'), from)).toBe(false);
    expect(intoApp(ref('zod'), from)).toBe(false);
  });
});
