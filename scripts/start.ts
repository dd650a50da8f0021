/**
 * `npm start`. The chat window (renderer) and the Electron shell are not built yet, so for now this
 * starts what exists: the reference Ozeki Chat server with demo data in the user's data folder, and
 * prints how to sign in as a demo user and try the API. Once the browser host and the Electron
 * shell land, this script starts the app against this server instead.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../server/src/db/store.js';
import { seedDemo } from '../server/src/seed.js';
import { startServer, type RunningServer } from '../server/src/server.js';

const PRODUCT = 'Ozeki Chat Desktop';

/** Where Electron keeps `userData` for this product on each OS. */
function userDataDir(): string {
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT);
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT);
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT);
}

async function listen(dataDir: string): Promise<RunningServer> {
  for (let port = 9080; port < 9090; port++) {
    try {
      return await startServer({ dataDir, port });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  return startServer({ dataDir, port: 0 });
}

const dataDir = join(userDataDir(), 'demo-server');
const store = new Store(dataDir);
const { accounts, file } = await seedDemo(store, dataDir).finally(() => store.close());
const server = await listen(dataDir);
const alice = accounts[0]!;

console.log(`
Ozeki Chat Desktop: the reference server with demo data is running.

  Server URL   ${server.url}
  Data folder  ${dataDir}
  Accounts     ${file}

The chat window is not part of this build yet; it comes with the renderer and the
Electron shell. Until then you can talk to the server as a client would, for example
as ${alice.nick} (${alice.email}):

  KEY=${alice.apikey}
  STATION=$(openssl rand -hex 16)
  curl -s -X POST '${server.url}?srv=chatserver&api=chatlogin' \\
    -H 'Content-Type: application/json' -H "Ozeki-Station: $STATION" \\
    -d "{\\"action\\":\\"login\\",\\"apikey\\":\\"$KEY\\"}"

The README shows how to sign further calls. Press Ctrl+C to stop.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void server.close().then(() => process.exit(0));
  });
}
