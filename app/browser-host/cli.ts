/**
 * `npm run start:web -- [--port <n>] [--data <dir>] [--static <dir>]`: the app without Electron.
 * Opens the core on the user's data folder (the same one the Electron app uses, so do not run
 * both at once), serves the built renderer and prints the one URL to open.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PRODUCT, startWebApp, userDataDir } from './web-app.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

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

const app = await startWebApp({
  dataDir: resolve(values.data ?? userDataDir()),
  staticDir: resolve(values.static ?? join(REPO, 'out', 'renderer')),
  port,
  log,
}).catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
await app.ready.catch(async (err: unknown) => {
  await app.close();
  fail(err instanceof Error ? err.message : String(err));
});

process.stdout.write(`${PRODUCT} is running at ${app.url}\n`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1); // a second Ctrl+C: do not wait
    stopping = true;
    void app.close().then(
      () => process.exit(0),
      (err: unknown) => fail(`Closing failed: ${String(err)}`),
    );
  });
}
