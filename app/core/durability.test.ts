/**
 * The core under SIGKILL: a ChatService runs in a child process (test/support/core/durability-child.ts)
 * against a real reference server, performs a scripted series of user actions through the IPC
 * dispatcher while its engine sends them in the background, and is killed (the whole process group,
 * SIGKILL) at a different point each round. A new child on the same folder then only resumes and
 * drains the outbox. On the server, through a separate client, nothing the user did may be lost,
 * duplicated or half-applied:
 *  - every acknowledged send is there exactly once, under the ID the child was given;
 *  - the favourite, mute, hide and colour state of each conversation is the state after the last
 *    acknowledged step, or after the one step that was running when the kill came (it may or may
 *    not have been saved), never anything else;
 *  - nothing from a later step is there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHiddenAt, openMessage } from '../../protocol/index.js';
import { startTestServer, TestClient, type TestServer } from '../../server/test/harness.js';
import { createDispatcher } from '../ipc/dispatcher.js';
import { openLocalDb } from './store/local-db.js';
import { eventually, openService, signIn, TestKeychain } from '../../test/support/core/service-harness.js';
import { applySteps, makeScript, seeded, type ChildConfig, type DrainReport, type States, type Step } from '../../test/support/core/durability-script.js';
import { dbKeyIn } from '../../test/support/core/store/db-key.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const CHILD = join(ROOT, 'test/support/core/durability-child.ts');
const SEED = 20_261_121;

let t: TestServer;
let onServer: TestClient;
let ids: string[];
let work: string;
const running = new Set<ChildProcess>();

beforeAll(async () => {
  t = await startTestServer();
  onServer = await new TestClient(t.server.url, t.accounts[0]!).signIn();
  ids = (await onServer.conversations()).map((c: { id: string }) => c.id).sort();
  work = mkdtempSync(join(tmpdir(), 'ozeki-core-durability-'));
});

afterAll(async () => {
  for (const child of running) killGroup(child);
  await t?.stop({ remove: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

type ChildRun = { lines: string[]; killed: boolean; exitCode: number | null; stderr: string };
let configs = 0;

/**
 * Runs a child on `config`. When `killAfter` says so (it sees every complete line so far), the
 * child's process group is SIGKILLed `delayMs` later (at once for 0).
 */
function runChild(config: ChildConfig, killAfter?: (lines: readonly string[]) => boolean, delayMs = 0): Promise<ChildRun> {
  const file = join(work, `config-${++configs}.json`);
  writeFileSync(file, JSON.stringify(config));
  return new Promise((resolvePromise, reject) => {
    // detached: the child leads its own process group, so the kill reaches the node process tsx starts.
    const child = spawn(TSX, [CHILD, file], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    const run: ChildRun = { lines: [], killed: false, exitCode: null, stderr: '' };
    let partial = '';
    let armed = false;
    const kill = (): void => {
      if (run.killed) return;
      run.killed = true;
      killGroup(child);
    };
    const safety = setTimeout(() => {
      run.stderr += '\n(the test gave up waiting for the child)';
      kill();
    }, 30_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop()!;
      run.lines.push(...parts);
      if (!armed && killAfter?.(run.lines)) {
        armed = true;
        if (delayMs <= 0) kill();
        else setTimeout(kill, delayMs);
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (run.stderr += chunk));
    child.on('error', reject);
    // 'close' comes once every holder of the pipes (tsx and its node child) is gone.
    child.on('close', (code) => {
      clearTimeout(safety);
      running.delete(child);
      run.exitCode = code;
      resolvePromise(run);
    });
  });
}

const me = () => t.accounts[0]!.userid;

/** Alice's favourite, mute, hide and colour settings of the demo conversations, as the server holds them. */
async function serverStates(): Promise<States> {
  const list = await onServer.conversations();
  const states: States = {};
  for (const id of ids) {
    const c = list.find((x: { id: string }) => x.id === id);
    const p = c.properties.find((x: { userid: string }) => x.userid === me()) ?? c.properties[0];
    states[id] = { favorite: p.isfavorite, muted: p.ismuted, hidden: isHiddenAt(p.hideid, c.instance), color: p.listitembackgroundcolor };
  }
  return states;
}

/** Every message on the server in the demo conversations: conversation, ID and decrypted text. */
async function serverMessages(): Promise<{ conversationId: string; id: string; text: string }[]> {
  const list = await onServer.conversations();
  const out: { conversationId: string; id: string; text: string }[] = [];
  for (const id of ids) {
    const c = list.find((x: { id: string }) => x.id === id);
    const key = onServer.conversationKey(c);
    const res = await onServer.call('download', {
      conversationid: id,
      instance: c.instance,
      firstmessagedate: '',
      firstmessageid: '',
      firstreportdate: '',
      firstreportid: '',
    });
    expect(res.http).toBe(200);
    for (const m of res.json.messages as { ID: string; Data: string }[]) out.push({ conversationId: id, id: m.ID, text: openMessage(key, m.Data).text });
  }
  return out;
}

/** When a round's acting child is killed. */
type KillPoint = { what: string; when: (lines: readonly string[]) => boolean; delayMs: number; killDrainToo?: boolean };
const afterAcks = (n: number) => (lines: readonly string[]) => lines.filter((l) => l.startsWith('ack ')).length >= n;

const STEPS = 36;
const KILL_POINTS: KillPoint[] = [
  { what: 'right after the first acknowledged step', when: afterAcks(1), delayMs: 0 },
  { what: 'after 9 steps, a few ms into the next', when: afterAcks(9), delayMs: 3 },
  { what: 'after 17 steps, and the restarted child killed while it drains', when: afterAcks(17), delayMs: 0, killDrainToo: true },
  { what: 'after 30 steps', when: afterAcks(30), delayMs: 1 },
  { what: 'after the last step, while the outbox is being sent', when: (lines) => lines.includes('done'), delayMs: 2 },
  { what: 'after 23 steps, and again while the restarted child drains', when: afterAcks(23), delayMs: 5, killDrainToo: true },
];

describe('the core, killed with SIGKILL while it queues and sends', () => {
  it(`loses, duplicates and half-applies nothing the user did, at ${KILL_POINTS.length} kill points`, async () => {
    const dataDir = join(work, 'data');
    const base: Omit<ChildConfig, 'mode' | 'script'> = {
      serverUrl: t.server.url,
      account: t.accounts[0]!,
      dataDir,
      secretsFile: join(work, 'test-keychain.json'),
      conversationIds: ids,
    };
    let state = await serverStates();
    const earlier = new Set<string>(); // texts sent in earlier rounds

    for (const [round, point] of KILL_POINTS.entries()) {
      const rand = seeded(SEED + round);
      const script = makeScript(rand, state, ids, STEPS, round);
      const where = `round ${round} (seed ${SEED + round}), killed ${point.what}`;

      // ---- act, and die
      const act = await runChild({ ...base, mode: 'act', script }, point.when, point.delayMs);
      expect(act.killed, `${where}: the child ended by itself (${act.exitCode}):\n${act.stderr}`).toBe(true);
      expect(
        act.lines.filter((l) => l.startsWith('refused')),
        where,
      ).toEqual([]);
      expect(act.lines[0], `${where}: the child never got ready:\n${act.stderr}`).toMatch(/^ready \d+$/);
      const acks = act.lines.filter((l) => l.startsWith('ack '));
      // The steps are acknowledged in order, one by one.
      expect(
        acks.map((l) => Number(l.split(' ')[1])),
        where,
      ).toEqual(acks.map((_, i) => i));
      const acknowledged = acks.length;
      expect(acknowledged, where).toBeGreaterThan(0);
      const sentIds = new Map<number, string>();
      for (const l of acks) {
        const [, step, id] = l.split(' ');
        if (id) sentIds.set(Number(step), id);
      }

      // ---- restart: resume and drain (once killed on the way, in some rounds)
      if (point.killDrainToo) {
        const interrupted = await runChild(
          { ...base, mode: 'drain', script: [] },
          (lines) => lines.some((l) => l.startsWith('ready')),
          Math.floor(rand() * 10),
        );
        expect(interrupted.exitCode === 0 || interrupted.killed, `${where}: the interrupted drain failed:\n${interrupted.stderr}`).toBe(true);
      }
      const drain = await runChild({ ...base, mode: 'drain', script: [] });
      expect(drain.exitCode, `${where}: the drain failed:\n${drain.stderr}`).toBe(0);
      const last = drain.lines.find((l) => l.startsWith('drained '));
      expect(last, where).toBeDefined();
      const report = JSON.parse(last!.slice('drained '.length)) as DrainReport;

      // ---- settings: the state after the last acknowledged step, or after the step that was running
      const acknowledgedState = applySteps(state, script.slice(0, acknowledged));
      const allowed = [acknowledgedState];
      const inProgress: Step | undefined = script[acknowledged];
      if (inProgress) allowed.push(applySteps(state, script.slice(0, acknowledged + 1)));
      const final = await serverStates();
      expect(allowed, `${where}: the server holds a state no prefix of the script leads to`).toContainEqual(final);
      // The restarted app shows what the server has, with nothing left to send.
      expect(report.pendingCount, where).toBe(0);
      expect(report.connection, where).toBe('online');
      expect(Object.fromEntries(ids.map((id) => [id, report.states[id]])), where).toEqual(final);

      // ---- messages: acknowledged sends exactly once, the running one at most once, later ones never
      const messages = await serverMessages();
      const texts = messages.map((m) => m.text);
      const ours = texts.filter((text) => text.startsWith('round '));
      expect(ours.length, `${where}: a message is on the server twice`).toBe(new Set(ours).size);
      expect(messages.length, `${where}: a message ID is on the server twice`).toBe(new Set(messages.map((m) => m.id)).size);
      for (const [i, step] of script.entries()) {
        if (step.channel !== 'messages:send') continue;
        const [conversationId, text] = step.args;
        const found = messages.filter((m) => m.text === text);
        if (i < acknowledged) {
          expect(found, `${where}: acknowledged send ${i} lost or duplicated`).toEqual([{ conversationId, id: sentIds.get(i), text }]);
        } else if (i === acknowledged) {
          expect(found.length, `${where}: the send in progress was duplicated`).toBeLessThanOrEqual(1);
          if (found[0]) expect(found[0].conversationId).toBe(conversationId);
        } else {
          expect(found, `${where}: send ${i} was never made, but arrived`).toEqual([]);
        }
      }
      // And nothing from earlier rounds came back or went away.
      for (const text of earlier)
        expect(
          texts.filter((x) => x === text),
          `${where}: "${text}" from an earlier round`,
        ).toHaveLength(1);
      for (const text of ours) earlier.add(text);

      state = final;
    }
    expect(earlier.size).toBeGreaterThan(KILL_POINTS.length);
  }, 90_000);
});

describe('the core, restarted after a kill with a change in flight', () => {
  // A run killed mid-send leaves an entry marked in flight that may have reached the server; the
  // opposite toggle queued after the restart must replace it, not cancel it, or the user's second
  // change is lost.
  it('does not cancel a change the killed run may already have delivered', async () => {
    // Bob, so that this test's settings cannot be mistaken for Alice's kill rounds.
    const bob = t.accounts[1]!;
    const keychain = new TestKeychain();
    const first = await openService({ backend: keychain });
    await signIn(first, t.server.url, bob);
    await eventually(() => first.service.snapshot().conversations.length === 2, 10_000, 'the first sync');
    await first.service.settle();
    const id = first.service.snapshot().conversations.find((c) => !c.favorite)!.id;
    await first.close({ remove: false });

    // What a run killed mid-send leaves: the favourite reached the server, its outbox entry is still "in flight".
    const { db } = openLocalDb(first.dataDir, { key: dbKeyIn(keychain.entries.values()) });
    const { seq } = db.enqueue({ kind: 'favorite', conversationId: id });
    db.markInFlight(seq!);
    db.close();
    const bobOnServer = await new TestClient(t.server.url, bob).signIn();
    expect((await bobOnServer.call('favorite', { conversationid: id })).http).toBe(200);

    // Restarted, the user sees a favourite and takes it back at once.
    const restarted = await openService({ dataDir: first.dataDir, backend: keychain });
    try {
      const dispatch = createDispatcher(restarted.service.handlers());
      expect(restarted.service.snapshot().profile?.email).toBe(bob.email);
      expect(restarted.service.snapshot().conversations.find((c) => c.id === id)?.favorite).toBe(true);
      expect(await dispatch('conversation:set-favorite', [id, false])).toEqual({ ok: true, value: undefined });
      await eventually(
        async () => {
          await restarted.service.settle();
          return restarted.service.snapshot().pendingCount === 0;
        },
        10_000,
        'the outbox to drain',
      );
      const onServer = (await bobOnServer.conversations()).find((c: { id: string }) => c.id === id);
      expect(onServer.properties[0].isfavorite, 'the unfavourite was lost').toBe(false);
    } finally {
      await restarted.close();
    }
  });
});
