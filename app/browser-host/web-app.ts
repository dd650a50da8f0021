/**
 * The app without Electron, as one call: the core on a data folder, the built renderer served by
 * the browser host. Used by `npm run start:web` and by `npm start` until the Electron shell lands.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AccountsService } from '../core/accounts/accounts-service.js';
import type { DemoAccountSource } from '../core/chat-service.js';
import { describeTightened, ensurePrivateFolder } from '../core/private-files.js';
import { openSettings } from '../core/settings/conf-settings.js';
import type { SecretBackend } from '../core/vault/secret-backend.js';
import { Vault } from '../core/vault/vault.js';
import { startBrowserHost } from './host.js';
import { startBrowserDesktop } from './desktop.js';
import { SystemDndWatcher } from '../core/desktop/system-dnd.js';

export const PRODUCT = 'Ozeki Chat Desktop';

/** Where Electron keeps `userData` for this product on each OS. */
export function userDataDir(): string {
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT);
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT);
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT);
}

export type WebApp = {
  url: string;
  /** Settles when the core has opened; rejects (and the page's requests say so) when it could not. */
  ready: Promise<void>;
  close(): Promise<void>;
};

/**
 * Starts the host and opens the core side by side: the address is known, and the page can load,
 * while the core is still opening its database; the page's first requests wait for it.
 */
export async function startWebApp(opts: {
  dataDir: string;
  staticDir: string;
  port: number;
  log: (line: string) => void;
  demo?: DemoAccountSource;
  /** The keychain to use instead of the OS's (tests: one that outlives an app restart in a test process). */
  keychain?: SecretBackend;
}): Promise<WebApp> {
  const started = (async () => {
    try {
      const tightened = describeTightened(ensurePrivateFolder(opts.dataDir));
      if (tightened) opts.log(tightened);
    } catch (err) {
      // The local database says what is wrong with the folder, to the user; the log has the detail.
      opts.log(`The data folder ${opts.dataDir} could not be made private: ${err instanceof Error ? err.message : String(err)}`);
    }
    const vault = await Vault.open(opts.keychain ? { backend: opts.keychain } : {});
    const { store: settings, notice } = openSettings(opts.dataDir);
    if (notice) opts.log(notice);
    const systemDnd = new SystemDndWatcher({ platform: process.platform });
    const service = await AccountsService.open({ dataDir: opts.dataDir, vault, settings, systemDnd, log: opts.log, ...(opts.demo ? { demo: opts.demo } : {}) });
    // A damaged settings file was set aside: the user hears of it in the window, not only in a log.
    if (notice) service.notifyWindow('notice', { id: 'settings', level: 'warning', message: notice, retryable: false });
    const desktop = startBrowserDesktop(service, settings, { systemDnd, log: opts.log });
    return { service, stop: () => (desktop.dispose(), systemDnd.dispose()) };
  })();
  const opening = started.then((s) => s.service);
  const stop = () =>
    started
      .then(async (s) => {
        s.stop();
        await s.service.close();
      })
      .catch(() => {});
  // Reported through `ready`; this only keeps an early failure from being "unhandled".
  opening.catch(() => {});
  let host: Awaited<ReturnType<typeof startBrowserHost>>;
  try {
    host = await startBrowserHost({ service: opening, staticDir: opts.staticDir, port: opts.port, log: opts.log });
  } catch (err) {
    await stop();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`Port ${opts.port} is in use; choose another with --port.`, { cause: err });
    if (code === 'ENOENT') throw new Error(`The renderer is not built: ${opts.staticDir} does not exist. Run npm run build:renderer.`, { cause: err });
    throw err;
  }
  return {
    url: host.url,
    ready: opening.then(() => undefined),
    // The host first, so no request reaches a closing service.
    close: () =>
      host
        .close()
        .catch(() => {})
        .then(stop),
  };
}
