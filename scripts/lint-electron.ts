/**
 * `npm run lint:electron`: electronegativity over the Electron shell's sources (app/electron: the
 * main process and the preload as written, where every Electron setting of the app is). One input,
 * because its global checks (CSP, navigation limits, permission handler) look across it. Fails on
 * any finding above informational that is not annotated in the source with
 * `eng-disable CHECK_ID` and a reason next to it.
 *
 * Runs offline, and the same way every time:
 * - the Electron version is read from node_modules/electron instead of being guessed;
 * - AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK is left out: it downloads Electron's release list to
 *   say whether a newer patch release exists. Electron is pinned and upgraded on purpose, so the
 *   answer would only make this check depend on the network and on the day;
 * - electronegativity also asks a web server for updated translations of its messages; outgoing
 *   HTTP(S) requests are refused in this process, so it falls back to its bundled English at once.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const offline = (): never => {
  throw Object.assign(new Error('lint:electron runs offline'), { code: 'ENETUNREACH' });
};
http.request = offline;
http.get = offline;
https.request = offline;
https.get = offline;

type Issue = {
  id: string;
  file: string;
  location: { line: number; column: number };
  severity: { value: number; name: string };
  confidence: { name: string };
  description: string;
  manualReview: boolean;
  sample?: string;
};
type Run = (options: Record<string, unknown>) => Promise<{ errors: { file: string; message: string; tolerable: boolean }[]; issues: Issue[] }>;

const electronegativity = require('@doyensec/electronegativity') as Run | { default: Run };
const run: Run = typeof electronegativity === 'function' ? electronegativity : electronegativity.default;
const electronVersion = (JSON.parse(readFileSync(join(REPO, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;

const INFORMATIONAL = 0;
const inputs = [join(REPO, 'app', 'electron')];

let failed = false;
for (const input of inputs) {
  const result = await run({
    input,
    isRelative: true,
    electronVersionOverride: electronVersion,
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    parserPlugins: [],
  });
  const where = input.slice(REPO.length + 1);
  for (const error of result.errors) {
    if (!error.tolerable) {
      failed = true;
      console.log(`${where}/${error.file}: could not be parsed: ${error.message}`);
    }
  }
  // Test files run under plain Node, never in Electron.
  const issues = result.issues.filter((issue) => !issue.file.endsWith('.test.ts'));
  const info = issues.filter((issue) => issue.severity.value <= INFORMATIONAL);
  const findings = issues.filter((issue) => issue.severity.value > INFORMATIONAL);
  for (const issue of findings) {
    failed = true;
    console.log(
      `${issue.id} (${issue.severity.name}, ${issue.confidence.name}) ${where}/${issue.file}:${issue.location.line}:${issue.location.column}\n  ${issue.description}\n  ${(issue.sample ?? '').trim()}`,
    );
  }
  console.log(`electronegativity ${where}: ${findings.length} finding(s) above informational, ${info.length} informational (Electron ${electronVersion})`);
  for (const issue of info) console.log(`  info: ${issue.id} ${where}/${issue.file}:${issue.location.line}`);
}
process.exit(failed ? 1 : 0);
