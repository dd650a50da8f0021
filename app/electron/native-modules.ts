/**
 * better-sqlite3-multiple-ciphers and keytar are compiled for one runtime's ABI. `npm install` builds them for
 * Node (which the tests use); Electron has its own ABI, so running the shell from a source checkout
 * needs them rebuilt for Electron first. This turns the loader's error into the exact command.
 */

export const REBUILD_FOR_ELECTRON = 'npm run rebuild:electron';
export const REBUILD_FOR_NODE = 'npm rebuild';

/** True for the errors a native module built for another runtime fails to load with. */
export function isAbiMismatch(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /NODE_MODULE_VERSION|was compiled against a different Node\.js version|invalid ELF header|not a valid Win32 application|incompatible architecture/i.test(
    message,
  );
}

/** What to tell the person when the local database's native module does not load, or null. */
export function nativeModuleAdvice(err: unknown): string | null {
  if (!isAbiMismatch(err)) return null;
  const first = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  return [
    'The native modules (better-sqlite3-multiple-ciphers, keytar) are built for Node.js, not for Electron:',
    `  ${first}`,
    `Rebuild them for Electron with:  ${REBUILD_FOR_ELECTRON}`,
    `(and run ${REBUILD_FOR_NODE} afterwards to get Node's build back for the tests).`,
  ].join('\n');
}

/**
 * Loads the SQLite binding once in memory, so a wrong build is reported before the core touches
 * the user's database. `open` is `(path) => new Database(path)`, injected so this file stays free
 * of native code.
 */
export function probeSqlite(open: (path: string) => { close(): void }): { ok: true } | { ok: false; error: unknown } {
  try {
    open(':memory:').close();
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}
