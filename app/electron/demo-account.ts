/**
 * The demo account for "Try the demo" when `npm start` launches Electron. The start script seeds
 * the demo server and passes two environment variables: the server's URL and the path of its
 * demo-accounts.json (written by the server's seeder). The secrets stay in that file and in this
 * process; nothing secret is on a command line or crosses to the renderer.
 */
import { readFileSync } from 'node:fs';
import type { DemoAccountSource } from '../core/chat-service.js';

export const DEMO_SERVER_URL_ENV = 'OZEKI_DEMO_SERVER_URL';
export const DEMO_ACCOUNTS_FILE_ENV = 'OZEKI_DEMO_ACCOUNTS_FILE';

type Env = Record<string, string | undefined>;

/** The first account in the file, read on each "Try the demo", or undefined when no demo is set up. */
export function demoAccountFromEnv(env: Env, read: (path: string) => string = (path) => readFileSync(path, 'utf8')): DemoAccountSource | undefined {
  const serverUrl = env[DEMO_SERVER_URL_ENV];
  const file = env[DEMO_ACCOUNTS_FILE_ENV];
  if (!serverUrl || !file) return undefined;
  return () => {
    try {
      const accounts: unknown = JSON.parse(read(file));
      const first = Array.isArray(accounts) ? (accounts[0] as Record<string, unknown> | undefined) : undefined;
      if (!first) return null;
      const { email, apikey, password } = first;
      if (typeof email !== 'string' || typeof apikey !== 'string' || typeof password !== 'string') return null;
      return { serverUrl, email, apiKey: apikey, password };
    } catch {
      return null;
    }
  };
}
