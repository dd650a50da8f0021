/**
 * Vitest global setup: the tests run on Node's build of the native modules. After `npm start` has
 * run the app in Electron, node_modules holds Electron's build; this puts Node's back first.
 */
import { ensureNodeBuild } from '../scripts/native-runtime.js';

export default function setup(): void {
  ensureNodeBuild((line) => process.stderr.write(`${line}\n`));
}
