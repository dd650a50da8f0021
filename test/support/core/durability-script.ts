/**
 * The durability test's script: what its child process does to the demo conversations, as data the
 * parent writes and the child runs step by step, and the state each prefix of it leaves behind.
 *
 * Favourite, mute and hide steps always ask for the opposite of the current state, as a person
 * clicking in the list would; colours and message texts are unique, so every effect on the server
 * can be traced back to the one step that caused it.
 */
import type { DemoAccount } from '../../../server/src/seed.js';

export type ConversationState = { favorite: boolean; muted: boolean; hidden: boolean; color: string };
export type States = Record<string, ConversationState>;

type ToggleChannel = 'conversation:set-favorite' | 'conversation:set-muted' | 'conversation:set-hidden';

export type Step = { pauseMs: number } & (
  | { channel: ToggleChannel; args: [conversationId: string, on: boolean] }
  | { channel: 'conversation:set-color'; args: [conversationId: string, color: string] }
  | { channel: 'messages:send'; args: [conversationId: string, text: string] }
);

/** What the parent hands the child (as a JSON file named on its command line). */
export type ChildConfig = {
  /** `act`: sign in or resume, run the script, then keep syncing until killed. `drain`: resume, send the outbox, report, exit. */
  mode: 'act' | 'drain';
  serverUrl: string;
  account: Pick<DemoAccount, 'email' | 'apikey' | 'password'>;
  dataDir: string;
  /** The FileKeychain's file: outside the data folder. */
  secretsFile: string;
  conversationIds: string[];
  script: Step[];
};

/** What the drain child prints on its last line (after `drained `): the service's own view once the outbox is empty. */
export type DrainReport = { pendingCount: number; connection: string; states: States };

/** A seeded generator (Park–Miller), so a round can be replayed from its seed. */
export function seeded(seed: number): () => number {
  let s = seed % 2147483647 || 1;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

const PALETTE = ['#ffd1dc', '#BAE1FF', '#baffc9', '#FFFFBA', '#ffdfba', '#e0bbff', '#c9c9ff', '#F1CBFF'];

/**
 * `count` steps on `ids`, starting from `start`: favourite, mute and hide toggles, colours and sends
 * mixed. Message texts carry the round and step number.
 */
export function makeScript(rand: () => number, start: States, ids: readonly string[], count: number, round: number): Step[] {
  let state = structuredClone(start);
  const steps: Step[] = [];
  for (let i = 0; i < count; i++) {
    const id = ids[Math.floor(rand() * ids.length)]!;
    const now = state[id]!;
    const r = rand();
    // Mostly back-to-back, sometimes a short pause that lets the engine send in between.
    const pauseMs = rand() < 0.6 ? 0 : Math.floor(rand() * 6);
    let step: Step;
    if (r < 0.22) step = { channel: 'conversation:set-favorite', args: [id, !now.favorite], pauseMs };
    else if (r < 0.4) step = { channel: 'conversation:set-muted', args: [id, !now.muted], pauseMs };
    else if (r < 0.52) step = { channel: 'conversation:set-hidden', args: [id, !now.hidden], pauseMs };
    else if (r < 0.72) {
      const choices = PALETTE.filter((c) => c.toLowerCase() !== now.color);
      step = { channel: 'conversation:set-color', args: [id, choices[Math.floor(rand() * choices.length)]!], pauseMs };
    } else step = { channel: 'messages:send', args: [id, `round ${round} message ${i} ✓`], pauseMs };
    steps.push(step);
    state = applyStep(state, step);
  }
  return steps;
}

/** The state after one more step (never mutates). */
export function applyStep(states: States, step: Step): States {
  const next = structuredClone(states);
  const s = next[step.args[0]]!;
  switch (step.channel) {
    case 'conversation:set-favorite':
      s.favorite = step.args[1];
      break;
    case 'conversation:set-muted':
      s.muted = step.args[1];
      break;
    case 'conversation:set-hidden':
      s.hidden = step.args[1];
      break;
    case 'conversation:set-color':
      s.color = step.args[1].toLowerCase();
      break;
    case 'messages:send':
      break;
  }
  return next;
}

export const applySteps = (states: States, steps: readonly Step[]): States => steps.reduce(applyStep, states);
