import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { electronBinary } from '../../scripts/electron-binary.js';

const made: string[] = [];
function checkout(files: Record<string, string>): string {
  const repo = mkdtempSync(join(tmpdir(), 'ozeki-electron-bin-'));
  made.push(repo);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(repo, path, '..'), { recursive: true });
    writeFileSync(join(repo, path), text);
  }
  return repo;
}
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('finding the Electron binary (npm start and the shell tests)', () => {
  it('is the file path.txt names under dist/', () => {
    const repo = checkout({ 'node_modules/electron/path.txt': 'electron', 'node_modules/electron/dist/electron': '' });
    expect(electronBinary(repo, {})).toBe(join(repo, 'node_modules/electron/dist/electron'));
  });

  it('is null when electron was installed without its download', () => {
    expect(electronBinary(checkout({ 'node_modules/electron/package.json': '{}' }), {})).toBeNull();
    expect(electronBinary(checkout({ 'node_modules/electron/path.txt': 'electron' }), {})).toBeNull();
    expect(electronBinary(checkout({}), {})).toBeNull();
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH like electron itself', () => {
    const repo = checkout({ 'node_modules/electron/path.txt': 'electron', 'elsewhere/electron': '' });
    expect(electronBinary(repo, { ELECTRON_OVERRIDE_DIST_PATH: join(repo, 'elsewhere') })).toBe(join(repo, 'elsewhere', 'electron'));
  });
});
