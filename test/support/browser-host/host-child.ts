/**
 * Test helper: the browser host in a process of its own, so a test can SIGKILL it. `tsx
 * host-child.ts <config.json>` with `{ dataDir, staticDir, secretsFile, demo }`; prints `URL <url>`
 * once it serves. Its keychain is a file (FileKeychain, tests only), so a host started again on the
 * same folder resumes the account as the app does after a crash.
 */
import { readFileSync } from 'node:fs';
import { startWebApp } from '../../../app/browser-host/web-app.js';
import { FileKeychain } from '../core/file-keychain.js';

type Config = {
  dataDir: string;
  staticDir: string;
  secretsFile: string;
  demo: { serverUrl: string; email: string; apiKey: string; password: string };
};

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Config;
const app = await startWebApp({
  dataDir: config.dataDir,
  staticDir: config.staticDir,
  port: 0,
  keychain: new FileKeychain(config.secretsFile),
  log: (line) => process.stderr.write(`host: ${line}\n`),
  demo: () => config.demo,
});
await app.ready;
process.stdout.write(`URL ${app.url}\n`);
