/**
 * Where the Electron executable is, or null when this checkout has none (node_modules/electron
 * installed without its download, as on CI). Never `require('electron')` to find out: under plain
 * Node that module tries to download the binary when it is missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function electronBinary(repo: string = REPO, env: NodeJS.ProcessEnv = process.env): string | null {
  const moduleDir = join(repo, 'node_modules', 'electron');
  let executable: string;
  try {
    executable = readFileSync(join(moduleDir, 'path.txt'), 'utf8').trim();
  } catch {
    return null;
  }
  if (!executable) return null;
  // The same override electron's own index.js honours, for a binary kept elsewhere.
  const dist = env.ELECTRON_OVERRIDE_DIST_PATH || join(moduleDir, 'dist');
  const path = join(dist, executable);
  return existsSync(path) ? path : null;
}
