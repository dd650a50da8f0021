/**
 * `npm run start:web -- [--port <n>] [--data <dir>] [--static <dir>]`: the app without Electron.
 * Opens the core on the user's data folder (the same one the Electron app uses, so do not run
 * both at once), serves the built renderer and prints the one URL to open.
 */
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ChatService } from '../core/chat-service.js';
import { openSettings } from '../core/settings/conf-settings.js';
import { Vault } from '../core/vault/vault.js';
import { startBrowserHost } from './host.js';

const PRODUCT = 'Ozeki Chat Desktop';
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Where Electron keeps `userData` for this product on each OS (as scripts/start.ts computes it). */
function userDataDir(): string {
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT);
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT);
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT);
}

// Everything but the URL goes to stderr: stdout is exactly one line, for scripts to read.
const log = (line: string) => process.stderr.write(`${line}\n`);

function fail(message: string): never {
  log(message);
  process.exit(1);
}

const { values } = parseArgs({
  options: { port: { type: 'string' }, data: { type: 'string' }, static: { type: 'string' } },
  strict: true,
});
const port = values.port === undefined ? 0 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, not "${values.port}".`);
const dataDir = resolve(values.data ?? userDataDir());
const staticDir = resolve(values.static ?? join(REPO, 'out', 'renderer'));

const vault = await Vault.open();
const { store: settings, notice } = openSettings(dataDir);
if (notice) log(notice);
const service = await ChatService.open({ dataDir, vault, settings, log });
const host = await startBrowserHost({ service, staticDir, port, log }).catch(async (err: unknown) => {
  await service.close();
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') fail(`Port ${port} is in use; choose another with --port.`);
  if (code === 'ENOENT') fail(`The renderer is not built: ${staticDir} does not exist.`);
  throw err;
});

process.stdout.write(`${PRODUCT} is running at ${host.url}\n`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1); // a second Ctrl+C: do not wait
    stopping = true;
    // The host first, so no request reaches a closing service.
    void host
      .close()
      .catch(() => {})
      .then(() => service.close())
      .then(() => process.exit(0), (err: unknown) => fail(`Closing failed: ${String(err)}`));
  });
}
