// The parts of the layering in app/README.md that dependency-cruiser cannot check. The import
// boundaries and the no-cycle rule are in .dependency-cruiser.cjs (`npm run deps`, part of
// `npm run lint`); the first test here runs it too. What is left:
//
// - The type-only imports of .svelte files. dependency-cruiser reads a .svelte file through
//   svelte/compiler, which erases them, so the renderer's rules and the no-cycle rule are checked
//   here for those, on top of dependency-cruiser's graph.
// - `import { type A } from 'x'` (every name a type) is type-only to dependency-cruiser, but with
//   verbatimModuleSyntax it is emitted as `import {} from 'x'` and loads x. Such imports are written
//   `import type`, so that "type-only" in .dependency-cruiser.cjs is what the build erases.
// - What loads at run time from one entry through any number of files, `import type` left out (the
//   preload, the unit tests of app/electron): dependency-cruiser's reachability follows type-only
//   imports too.
// - That no production folder holds test-only code (a rule on folders, not on imports).
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
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The folders `npm run deps` cruises. */
const CRUISED_DIRS = ['app', 'protocol', 'server', 'renderer', 'test', 'bench', 'scripts'];

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

/** Every name of an `import { … }` or `export { … } from` is marked `type`, and nothing else is imported. */
function onlyInlineTypes(elements: ts.NodeArray<ts.ImportSpecifier | ts.ExportSpecifier> | undefined): boolean {
  return elements !== undefined && elements.length > 0 && elements.every((element) => element.isTypeOnly);
}

function importKind(node: ts.ImportDeclaration): string {
  const clause = node.importClause;
  if (clause?.isTypeOnly) return 'type import';
  if (clause && !clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings) && onlyInlineTypes(clause.namedBindings.elements)) {
    return 'inline type import';
  }
  return 'static import';
}

function exportKind(node: ts.ExportDeclaration): string {
  if (node.isTypeOnly) return 'type re-export';
  if (node.exportClause && ts.isNamedExports(node.exportClause) && onlyInlineTypes(node.exportClause.elements)) return 'inline type re-export';
  return 're-export';
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
      add(node, stringArgument(node.moduleSpecifier), importKind(node));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node, stringArgument(node.moduleSpecifier), exportKind(node));
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

/** Erased by the build: `import type`, `export type … from`, `typeof import()`. */
const isErased = (ref: ImportRef): boolean => ref.kind === 'type import' || ref.kind === 'type re-export' || ref.kind === 'import() type';

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

/** "file:line imports 'x' (kind)" for every forbidden import in the files. */
function violations(files: readonly string[], forbidden: Forbidden): string[] {
  const found: string[] = [];
  for (const file of files) {
    for (const ref of findImports(readFileSync(file, 'utf8'), file)) {
      if (forbidden(ref, file)) found.push(`${toRepoPath(file)}:${ref.line} imports '${ref.specifier}' (${ref.kind})`);
    }
  }
  return found;
}

const importsElectron: Forbidden = (ref) => ref.specifier === 'electron' || ref.specifier.startsWith('electron/');

/** The source file an import target (a repository path, as written: `./x.js`, `./dir`) is. */
function sourceFileOf(target: string): string | undefined {
  const base = join(ROOT, target);
  const candidates = [base, base.replace(/\.(m|c)?js$/, '.$1ts'), base.replace(/\.jsx$/, '.tsx'), `${base}.ts`, `${base}.svelte`, join(base, 'index.ts')];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

/** The repository paths an import points at: the source file where there is one, else the path as written. */
const resolvedTargets = (ref: ImportRef, file: string): string[] =>
  importTargets(ref.specifier, file).map((target) => {
    const source = sourceFileOf(target);
    return source ? toRepoPath(source) : target;
  });

function reachesInto(repoPaths: readonly string[]): Forbidden {
  return (ref, file) => resolvedTargets(ref, file).some((target) => repoPaths.some((path) => target === path || target.startsWith(`${path}/`)));
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
      if (isErased(ref)) continue;
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

const PRODUCTION_DIRS = ['app', 'protocol', 'server/src', 'renderer/src'];

// ---------------------------------------------------------------- the type imports of .svelte files

/** What the renderer may not import, as repository paths (the rules of .dependency-cruiser.cjs for the renderer). */
const RENDERER_NEVER = ['app/core', 'app/browser-host', 'app/electron', 'app/ipc/electron-channels.ts', 'protocol', 'server'];

/** A type-only import of a .svelte file that breaks a rule of the renderer. */
const svelteTypeImportBreaksLayering: Forbidden = (ref, file) => {
  if (extname(file) !== '.svelte' || !isErased(ref)) return false;
  if (importsElectron(ref, file) || ref.specifier.startsWith('node:') || reachesInto(RENDERER_NEVER)(ref, file)) return true;
  const targets = resolvedTargets(ref, file);
  if (!isTestCode(toRepoPath(file)) && targets.some(isTestCode)) return true;
  return targets.some((target) => (target === 'app' || target.startsWith('app/')) && !/^app\/(shared|ipc)\//.test(target));
};

/** The edges `from -> to` of the type-only imports in .svelte files, with their lines. */
function svelteTypeEdges(files: readonly string[]): { from: string; to: string; line: number }[] {
  return files
    .filter((file) => extname(file) === '.svelte')
    .flatMap((file) =>
      findImports(readFileSync(file, 'utf8'), file)
        .filter(isErased)
        .flatMap((ref) =>
          importTargets(ref.specifier, file).flatMap((target) => {
            const to = sourceFileOf(target);
            return to ? [{ from: toRepoPath(file), to: toRepoPath(to), line: ref.line }] : [];
          }),
        ),
    );
}

/**
 * Each extra edge `from -> to` that closes an import cycle, one with a way back from `to` to `from`
 * in `graph`, as "a.svelte:3 -> b.ts -> a.svelte": the edge and the shortest way back (breadth first).
 */
function cyclesThrough(graph: ReadonlyMap<string, readonly string[]>, edges: readonly { from: string; to: string; line: number }[]): string[] {
  const found: string[] = [];
  for (const { from, to, line } of edges) {
    const cameFrom = new Map<string, string>([[to, to]]);
    const queue = [to];
    while (queue.length && !cameFrom.has(from)) {
      const file = queue.shift()!;
      for (const next of graph.get(file) ?? []) {
        if (cameFrom.has(next)) continue;
        cameFrom.set(next, file);
        queue.push(next);
      }
    }
    if (!cameFrom.has(from)) continue;
    const way = [from];
    for (let at = from; at !== to;) way.unshift((at = cameFrom.get(at)!));
    found.push([`${from}:${line}`, ...way].join(' -> '));
  }
  return found;
}

// ---------------------------------------------------------------- dependency-cruiser

/** One run of dependency-cruiser with the project's configuration, as `npm run deps` does it. */
async function cruiseProject(): Promise<ICruiseResult> {
  const options = await extractDepcruiseOptions(join(ROOT, '.dependency-cruiser.cjs'));
  const tsConfig = extractTSConfig(join(ROOT, options.tsConfig?.fileName ?? 'tsconfig.json'));
  const { output } = await cruise(CRUISED_DIRS, { ...options, baseDir: ROOT }, {}, { tsConfig });
  if (typeof output === 'string') throw new Error('dependency-cruiser returned text, not a cruise result');
  return output;
}

/** Which module imports which (repository paths), as dependency-cruiser found it. */
function graphOf(result: ICruiseResult): Map<string, string[]> {
  return new Map(result.modules.map((module) => [module.source, module.dependencies.map((dependency) => dependency.resolved)]));
}

const report = (rule: string, found: string[]): string => `${rule} (see app/README.md), but:\n  ${found.join('\n  ')}`;

// ---------------------------------------------------------------- the rules

describe('layering', () => {
  let cruised: ICruiseResult;
  beforeAll(async () => {
    cruised = await cruiseProject();
  }, 120_000);

  it('dependency-cruiser finds no violation of .dependency-cruiser.cjs', () => {
    expect(cruised.summary.totalCruised).toBeGreaterThan(100);
    const found = cruised.summary.violations.map(
      (v) => `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (${v.cycle.map((step) => step.name).join(' -> ')})` : ''}`,
    );
    expect(found, report('`npm run deps` reports nothing', found)).toEqual([]);
  });

  it('the type-only imports of .svelte files keep the renderer rules', () => {
    // dependency-cruiser sees a .svelte file as svelte/compiler emits it, with its type imports erased.
    const files = sourceFiles('renderer');
    expect(files.some((file) => file.endsWith('.svelte'))).toBe(true);
    const found = violations(files, svelteTypeImportBreaksLayering);
    expect(
      found,
      report('the renderer imports no electron, Node built-in, main-process code or test code, and from app/ only app/shared and app/ipc', found),
    ).toEqual([]);
  });

  it('no type-only import of a .svelte file closes an import cycle', () => {
    // `import type` counts too: a cycle of types is still two modules that cannot be understood apart.
    const edges = svelteTypeEdges(PRODUCTION_DIRS.flatMap(sourceFiles).filter((file) => !isTestCode(toRepoPath(file))));
    expect(edges.length).toBeGreaterThan(0);
    const graph = graphOf(cruised);
    for (const { from, to } of edges) graph.set(from, [...(graph.get(from) ?? []), to]);
    const cycles = cyclesThrough(graph, edges);
    expect(cycles, report('imports go one way, with no cycle anywhere', cycles)).toEqual([]);
  });

  it('an import of nothing but types is written `import type`', () => {
    // With verbatimModuleSyntax, `import { type A } from 'x'` is emitted as `import {} from 'x'` and still
    // loads x, while dependency-cruiser counts it as type-only: `import type` is erased, as it says.
    const files = CRUISED_DIRS.flatMap(sourceFiles);
    const found = violations(files, (ref) => ref.kind === 'inline type import' || ref.kind === 'inline type re-export');
    expect(found, report('what .dependency-cruiser.cjs allows as type-only is what the build erases', found)).toEqual([]);
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

  it('test support code lives in test folders', () => {
    const misplaced = PRODUCTION_DIRS.flatMap(sourceFiles)
      .map(toRepoPath)
      .filter((file) => !isTestCode(file) && /\/(testing|test-support|__tests__|__mocks__)\//.test(`/${file}`));
    expect(misplaced, report('a production folder holds no test-only code', misplaced)).toEqual([]);
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
      "import { type App as A2 } from 'electron';", // 15
      "export type { App as A3 } from 'electron';", // 16
      "export { type App as A4 } from 'electron';", // 17
      "import { app as a2, type App as A5 } from 'electron';", // 18
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
      [15, 'electron', 'inline type import'],
      [16, 'electron', 'type re-export'],
      [17, 'electron', 'inline type re-export'],
      [18, 'electron', 'static import'],
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

  it('checks the type-only imports of .svelte files against the renderer rules', () => {
    const ref = (specifier: string, kind = 'type import'): ImportRef => ({ specifier, line: 1, kind });
    const pane = join(ROOT, 'renderer/src/lib/pane/Pane.svelte');
    const breaks = (r: ImportRef, file = pane): boolean => svelteTypeImportBreaksLayering(r, file);
    expect(breaks(ref('electron'))).toBe(true);
    expect(breaks(ref('node:fs', 'import() type'))).toBe(true);
    expect(breaks(ref('../../../../app/core/chat-service.js'))).toBe(true);
    expect(breaks(ref('../../../../app/ipc/electron-channels.js'))).toBe(true);
    expect(breaks(ref('../../../../app/electron/policies.js'))).toBe(true);
    expect(breaks(ref('../../../../protocol/ozeki/schemas.js'))).toBe(true);
    expect(breaks(ref('../../../test/fake-bridge.js'))).toBe(true);
    expect(breaks(ref('./list.test.js'))).toBe(true);
    expect(breaks(ref('../../../../app/ipc/views.js'))).toBe(false);
    expect(breaks(ref('../../../../app/shared/rules.js'))).toBe(false);
    expect(breaks(ref('./messages.js'))).toBe(false);
    expect(breaks(ref('svelte/attachments'))).toBe(false);
    // Run-time imports, and the imports of .ts files, are dependency-cruiser's.
    expect(breaks(ref('electron', 'static import'))).toBe(false);
    expect(breaks(ref('electron'), join(ROOT, 'renderer/src/lib/pane/time.ts'))).toBe(false);
  });

  it('finds the import cycles that extra edges close, with the line of the edge', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c', 'zod']],
      ['c', ['d']],
      ['d', []],
      ['f', ['f']],
    ]);
    const edges = [
      { from: 'c', to: 'a', line: 4 },
      { from: 'd', to: 'b', line: 6 },
      { from: 'f', to: 'f', line: 7 },
    ];
    expect(cyclesThrough(graph, [])).toEqual([]);
    expect(cyclesThrough(graph, edges)).toEqual(['c:4 -> a -> b -> c', 'd:6 -> b -> c -> d', 'f:7 -> f']);
    graph.set('b', ['zod']);
    expect(cyclesThrough(graph, edges)).toEqual(['f:7 -> f']);
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
