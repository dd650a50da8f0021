/**
 * Where the history download (history-download.ts) stands, and its JSON form in the store's meta
 * table. Read defensively: a value that does not read (a newer version's, or damaged) is taken as
 * a download never started, never as an error, since the worst it costs is starting again.
 */
import type { HistoryProgress } from '../../ipc/views.js';

export type State = HistoryProgress['state'];
export type HistoryCursor = { created: string; id: string };

export type Work = {
  state: State;
  /** null: every conversation in the list, whatever it holds at each step. */
  chosen: Set<string> | null;
  done: Set<string>;
  /** Skipped after repeated errors, with why. */
  failed: Map<string, string>;
  /** The oldest message held, per conversation in progress: the next page is older than it. */
  cursors: Map<string, HistoryCursor>;
  /** Started over once already after being cleared meanwhile (409). */
  restarted: Set<string>;
  messagesDone: number;
  error: string | null;
};

const STATES: readonly State[] = ['idle', 'running', 'offline', 'done', 'failed'];

export function fresh(state: State, chosen: Set<string> | null = null): Work {
  return { state, chosen, done: new Set(), failed: new Map(), cursors: new Map(), restarted: new Set(), messagesDone: 0, error: null };
}

export function serializeWork(w: Work): string {
  return JSON.stringify({
    v: 1,
    state: w.state,
    chosen: w.chosen ? [...w.chosen] : null,
    done: [...w.done],
    failed: Object.fromEntries(w.failed),
    cursors: Object.fromEntries(w.cursors),
    restarted: [...w.restarted],
    messagesDone: w.messagesDone,
    error: w.error,
  });
}

export function parseWork(text: string | undefined): Work {
  let raw: unknown;
  try {
    raw = JSON.parse(text ?? 'null');
  } catch {
    return fresh('idle');
  }
  if (!isRecord(raw) || raw.v !== 1 || !STATES.includes(raw.state as State)) return fresh('idle');
  return {
    state: raw.state as State,
    chosen: raw.chosen === null ? null : new Set(strings(raw.chosen)),
    done: new Set(strings(raw.done)),
    failed: new Map(entries(raw.failed).filter((e): e is [string, string] => typeof e[1] === 'string')),
    cursors: new Map(entries(raw.cursors).filter((e): e is [string, HistoryCursor] => isCursor(e[1]))),
    restarted: new Set(strings(raw.restarted)),
    messagesDone: typeof raw.messagesDone === 'number' && Number.isFinite(raw.messagesDone) && raw.messagesDone >= 0 ? raw.messagesDone : 0,
    error: typeof raw.error === 'string' ? raw.error : null,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function entries(v: unknown): [string, unknown][] {
  return isRecord(v) ? Object.entries(v) : [];
}

function isCursor(v: unknown): v is HistoryCursor {
  return isRecord(v) && typeof v.created === 'string' && typeof v.id === 'string';
}
