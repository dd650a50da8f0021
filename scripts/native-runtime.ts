/**
 * better-sqlite3(-multiple-ciphers) and keytar are compiled for one runtime's ABI, and a checkout has one build of
 * each in node_modules: Node's (the tests) or Electron's (the app). `npm start` and `npm test`
 * each check the build they need and rebuild it when it is the other one, so the README's
 * commands work in any order. The check runs in a child process: a failed native load cannot be
 * retried in the process that tried it.
 */
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAbiMismatch } from '../app/electron/native-modules.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PROBE = "new (require('better-sqlite3-multiple-ciphers'))(':memory:').close()";
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/** 'ok', 'other-runtime' (built for the other ABI), or why it does not load at all. */
function probe(executable: string, env: NodeJS.ProcessEnv): 'ok' | 'other-runtime' | string {
  const result = spawnSync(executable, ['-e', PROBE], { cwd: REPO, env, encoding: 'utf8' });
  if (result.status === 0) return 'ok';
  const output = `${result.stderr ?? ''}${result.error?.message ?? ''}`;
  return isAbiMismatch(output) ? 'other-runtime' : output.trim().split('\n').slice(0, 3).join('\n');
}

function run(command: string, args: string[], say: (line: string) => void): void {
  const result = spawnSync(command, args, { cwd: REPO, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}).`);
  say('Done.');
}

/** Makes the native modules load in Node, rebuilding them when they are Electron's build. */
export function ensureNodeBuild(say: (line: string) => void): void {
  if (probe(process.execPath, process.env) !== 'other-runtime') return;
  say('The native modules are built for Electron (npm start did that); rebuilding them for Node…');
  run(npm, ['rebuild', 'better-sqlite3', 'better-sqlite3-multiple-ciphers', 'keytar'], say);
}

/** Makes the native modules load in Electron, rebuilding them when they are Node's build. */
export function ensureElectronBuild(electron: string, say: (line: string) => void): void {
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  if (probe(electron, env) !== 'other-runtime') return;
  say('Rebuilding the native modules for Electron (once; npm test switches them back to Node)…');
  run(npx, ['electron-builder', 'install-app-deps'], say);
}
