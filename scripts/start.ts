/**
 * `npm start`:
 *  1. the reference Ozeki Chat server with demo data, in the user's data folder;
 *  2. with an Electron binary installed: the app built with electron-vite and launched in Electron;
 *  3. without one (CI, or an install that skipped the download): the renderer built fresh and the
 *     real core with the browser host, opened in the default browser where there is one.
 * Ctrl+C stops all of it.
 */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { DEMO_ACCOUNTS_FILE_ENV, DEMO_SERVER_URL_ENV } from '../app/electron/demo-account.js';
import { REBUILD_FOR_ELECTRON } from '../app/electron/native-modules.js';
import { PRODUCT, startWebApp, userDataDir, type WebApp } from '../app/browser-host/web-app.js';
import { Store } from '../server/src/db/store.js';
import { seedDemo } from '../server/src/seed.js';
import { startServer, type RunningServer } from '../server/src/server.js';
import { electronBinary } from './electron-binary.js';
import { ensureElectronBuild } from './native-runtime.js';

const nativeModuleAdviceLine = `Building the native modules needs Python 3 and a C++ toolchain; then try ${REBUILD_FOR_ELECTRON} by hand.`;

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const log = (line: string) => process.stderr.write(`${line}\n`);

async function startDemoServer(dataDir: string): Promise<RunningServer> {
  for (let port = 9080; port < 9090; port++) {
    try {
      return await startServer({ dataDir, port, log });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  return startServer({ dataDir, port: 0, log });
}

/** Opens the URL in the user's browser when there is a desktop to open it on; never fails the start. */
function openInBrowser(url: string): boolean {
  if (process.env.CI || (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)) return false;
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { detached: true, stdio: 'ignore' });
    child.on('error', () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}

const serverDir = join(userDataDir(), 'demo-server');
const store = new Store(serverDir);
const { accounts, file } = await seedDemo(store, serverDir).finally(() => store.close());
const server = await startDemoServer(serverDir);
const alice = accounts[0]!;

const electron = electronBinary(REPO);
if (electron) {
  await runElectron(electron);
} else {
  log('Electron is not installed here; running the browser host instead…');
}

/**
 * Builds the app and runs it in Electron until it exits. The demo account reaches the main process
 * as the path of the accounts file, never as secrets on a command line.
 */
async function runElectron(binary: string): Promise<never> {
  try {
    ensureElectronBuild(binary, log);
  } catch (err) {
    log(`${err instanceof Error ? err.message : String(err)}\n${nativeModuleAdviceLine}`);
    await server.close();
    process.exit(1);
  }
  const { build: buildApp } = await import('electron-vite');
  await buildApp({ root: REPO, configFile: join(REPO, 'electron.vite.config.ts'), logLevel: 'warn' });
  const env: NodeJS.ProcessEnv = { ...process.env, [DEMO_SERVER_URL_ENV]: server.url, [DEMO_ACCOUNTS_FILE_ENV]: file };
  // Set in some shells and IDEs; it would make Electron a plain Node and ignore the app.
  delete env.ELECTRON_RUN_AS_NODE;
  console.log(`
${PRODUCT} is starting in Electron.

Choose "Try the demo" on the sign-in screen, or sign in to the demo server yourself:
  Server URL           ${server.url}
  Email                ${alice.email}
  API key and password in ${file}
                       (every demo account is there; Bob and Carol are Alice's friends)

Quit the app (or press Ctrl+C) to stop.`);
  const child = spawn(binary, ['.'], { cwd: REPO, env, stdio: 'inherit' });
  // Ctrl+C reaches Electron too (same process group); it quits cleanly and we follow.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  const code = await new Promise<number>((done) => {
    child.on('error', (err) => {
      log(`Electron could not be started: ${err.message}`);
      done(1);
    });
    child.on('exit', (status, signal) => done(status ?? (signal ? 1 : 0)));
  });
  await server.close();
  process.exit(code);
}

await build({ configFile: join(REPO, 'renderer', 'vite.config.ts'), logLevel: 'warn' });

let app: WebApp;
try {
  app = await startWebApp({
    dataDir: userDataDir(),
    staticDir: join(REPO, 'out', 'renderer'),
    port: 0,
    log,
    // "Try the demo" on the sign-in screen signs in as Alice; her secrets stay in this process.
    demo: () => ({ serverUrl: server.url, email: alice.email, apiKey: alice.apikey, password: alice.password }),
  });
  await app.ready.catch(async (err: unknown) => {
    await app.close();
    throw err;
  });
} catch (err) {
  log(err instanceof Error ? err.message : String(err));
  await server.close();
  process.exit(1);
}
const opened = openInBrowser(app.url);

console.log(`
${PRODUCT} is running at ${app.url}
${opened ? '(opened in your browser)' : 'Open that address in a browser on this computer.'}

Choose "Try the demo" on the sign-in screen, or sign in to the demo server yourself:
  Server URL           ${server.url}
  Email                ${alice.email}
  API key and password in ${file}
                       (every demo account is there; Bob and Carol are Alice's friends)

Press Ctrl+C to stop.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void app
      .close()
      .then(() => server.close())
      .then(() => process.exit(0));
  });
}
