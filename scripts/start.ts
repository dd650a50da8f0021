/**
 * `npm start`. Until the Electron shell lands, this runs the app through the browser host:
 *  1. the reference Ozeki Chat server with demo data, in the user's data folder;
 *  2. the renderer, built fresh;
 *  3. the real core with the browser host, opened in the default browser where there is one.
 * Ctrl+C stops all of it.
 */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { PRODUCT, startWebApp, userDataDir, type WebApp } from '../app/browser-host/web-app.js';
import { Store } from '../server/src/db/store.js';
import { seedDemo } from '../server/src/seed.js';
import { startServer, type RunningServer } from '../server/src/server.js';

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

await build({ configFile: join(REPO, 'renderer', 'vite.config.ts'), logLevel: 'warn' });

const alice = accounts[0]!;
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
    void app.close().then(() => server.close()).then(() => process.exit(0));
  });
}
