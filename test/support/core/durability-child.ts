/**
 * The core durability test's child process: `tsx durability-child.ts <config.json>` (see ChildConfig).
 *
 * It opens a ChatService on the data folder against a running reference server, with a
 * FileKeychain (test stand-in) so a restarted child resumes the account, and talks to it through
 * the IPC dispatcher, as the renderer does. Everything it prints is one line on stdout:
 *
 *   ready <pendingCount>         signed in (or resumed) and the conversations are listed
 *   ack <step> [<messageId>]     `act`: the step's handler returned ok (the step is acknowledged)
 *   done                         `act`: every step acknowledged; the engine keeps sending until the kill
 *   flushed                      `act`: the outbox is empty
 *   drained <DrainReport JSON>   `drain`: the outbox is empty and a full sync is done; the child exits
 *   refused <step> <code> <msg>  a step was refused: the test fails
 *
 * Lines are written with a synchronous pipe write after the handler returned, so a line the parent
 * read is an action that returned before the kill.
 */
import { readFileSync } from 'node:fs';
import { ChatService } from '../../../app/core/chat-service.js';
import { createDispatcher } from '../../../app/ipc/dispatcher.js';
import { openSettings } from '../../../app/core/settings/conf-settings.js';
import { Vault } from '../../../app/core/vault/vault.js';
import type { ChildConfig, DrainReport, States } from './durability-script.js';
import { FileKeychain } from './file-keychain.js';

const configFile = process.argv[2];
if (!configFile) throw new Error('usage: durability-child <config.json>');
const config = JSON.parse(readFileSync(configFile, 'utf8')) as ChildConfig;

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fail = (why: string): never => {
  process.stderr.write(`${why}\n`);
  process.exit(2);
};

const vault = await Vault.open({ backend: new FileKeychain(config.secretsFile) });
const { store: settings } = openSettings(config.dataDir);
const service = await ChatService.open({
  dataDir: config.dataDir,
  vault,
  settings,
  engine: { pollMs: { pushDown: 500, pushUp: 2000 }, maxAttempts: 3 },
  log: (line) => process.stderr.write(`core: ${line}\n`),
});
const dispatch = createDispatcher(service.handlers(), (line) => process.stderr.write(`ipc: ${line}\n`));

if (!service.snapshot().profile) {
  if (config.mode === 'drain') fail('the drain child did not resume the account');
  const { email, apikey, password } = config.account;
  const reply = await dispatch('session:sign-in', [{ serverUrl: config.serverUrl, email, apiKey: apikey, password }]);
  if (!reply.ok) fail(`sign-in refused: ${reply.error.code}: ${reply.error.message}`);
}

const listed = () => {
  const ids = new Set(service.snapshot().conversations.map((c) => c.id));
  return config.conversationIds.every((id) => ids.has(id));
};
for (const deadline = Date.now() + 15_000; !listed(); await sleep(20)) {
  if (Date.now() > deadline) fail('the conversations never showed up');
}
say(`ready ${service.snapshot().pendingCount}`);

if (config.mode === 'act') {
  for (const [i, step] of config.script.entries()) {
    if (step.pauseMs > 0) await sleep(step.pauseMs);
    const reply = await dispatch(step.channel, step.args);
    if (!reply.ok) {
      say(`refused ${i} ${reply.error.code} ${reply.error.message}`);
      process.exit(3);
    }
    const id = step.channel === 'messages:send' ? ` ${(reply.value as { id: string }).id}` : '';
    say(`ack ${i}${id}`);
  }
  say('done');
  await drain();
  say('flushed');
  // Stay up, syncing, until the parent kills us.
  setInterval(() => {}, 1 << 30);
} else {
  await drain();
  const reply = await dispatch('sync:now', []);
  if (!reply.ok) fail(`sync refused: ${reply.error.code}`);
  await service.settle();
  const snapshot = service.snapshot();
  const states: States = {};
  for (const c of snapshot.conversations) states[c.id] = { favorite: c.favorite, muted: c.muted, hidden: c.hidden, color: c.color };
  const report: DrainReport = { pendingCount: snapshot.pendingCount, connection: snapshot.connection, states };
  say(`drained ${JSON.stringify(report)}`);
  await service.close();
  process.exit(0);
}

/** Waits until the outbox is empty (settle, then look again: an entry may be waiting out a backoff). */
async function drain(): Promise<void> {
  for (const deadline = Date.now() + 20_000; ; await sleep(20)) {
    await service.settle();
    if (service.snapshot().pendingCount === 0) return;
    if (Date.now() > deadline) fail(`the outbox did not drain: ${service.snapshot().pendingCount} left, ${service.connection}`);
  }
}
