/**
 * What reactions, edits and deletes (profile) make of a message as the user sees it: its current
 * text, whether and when it was edited, whether it was deleted, and its reactions counted. Edits
 * and deletes count only from the message's own sender (anyone else's are ignored); a person's
 * reaction with one emoji is whatever they did last with it (given, or taken back). Pure.
 */
import { parseTimestamp } from '../../../protocol/index.js';
import type { Reaction } from '../../ipc/views.js';
import type { EffectKind } from '../store/rich-table.js';
import type { Action } from '../sync/actions.js';

/** An effect as the views need it: stored, or still in the outbox (the user's own). */
export type Effect = { targetId: string; kind: EffectKind; sender: string; created: string; seq: number; value: string; on: boolean };

export type RichState = { text: string | null; editedAt: number; deleted: boolean; reactions: Reaction[] };

/**
 * The user's own reactions, edits and deletes still in the outbox that name one of `targets`, as
 * effects ordered after every stored one (they were made since).
 */
export function pendingEffects(pending: readonly { seq: number; action: Action }[], me: string, targets: ReadonlySet<string>): Effect[] {
  return pending.flatMap(({ seq, action }): Effect[] => {
    const e = action.kind === 'send' ? action.effect : undefined;
    if (action.kind !== 'send' || !e || !targets.has(e.target)) return [];
    return [
      { targetId: e.target, kind: e.kind, sender: me, created: action.message.Created, seq: Number.MAX_SAFE_INTEGER / 2 + seq, value: e.value, on: e.on },
    ];
  });
}

/** Effects grouped by the message they name, each group in the order made. */
export function byTarget(effects: readonly Effect[]): Map<string, Effect[]> {
  const out = new Map<string, Effect[]>();
  for (const e of effects) {
    const list = out.get(e.targetId);
    if (list) list.push(e);
    else out.set(e.targetId, [e]);
  }
  for (const list of out.values()) list.sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : a.seq - b.seq));
  return out;
}

/**
 * The message's state with its effects (in the order made) applied. `sender` is who wrote it
 * ('' when it could not be decrypted: then nobody may edit or delete it).
 */
export function richState(text: string | null, sender: string, effects: readonly Effect[], ctx: { me: string; names: Record<string, string> }): RichState {
  let current = text;
  let editedAt = 0;
  let deleted = false;
  // Per person and emoji, the last word; a Map keeps the order each pair was first given.
  const given = new Map<string, { emoji: string; sender: string; on: boolean; first: number }>();
  let order = 0;
  for (const e of effects) {
    if (e.kind === 'react') {
      const key = `${e.sender}\n${e.value}`;
      const known = given.get(key);
      given.set(key, { emoji: e.value, sender: e.sender, on: e.on, first: known && known.on ? known.first : order++ });
      continue;
    }
    if (!sender || e.sender !== sender || deleted) continue;
    if (e.kind === 'edit') {
      current = e.value;
      editedAt = parseTimestamp(e.created) ?? 0;
    } else {
      deleted = true;
      current = null;
    }
  }
  if (deleted) return { text: null, editedAt, deleted, reactions: [] };
  const reactions = new Map<string, Reaction & { first: number }>();
  for (const g of [...given.values()].filter((x) => x.on).sort((a, b) => a.first - b.first)) {
    const r = reactions.get(g.emoji) ?? { emoji: g.emoji, count: 0, mine: false, names: [], first: g.first };
    r.count++;
    if (g.sender === ctx.me) r.mine = true;
    r.names.push(g.sender === ctx.me ? 'You' : (ctx.names[g.sender] ?? 'Someone'));
    reactions.set(g.emoji, r);
  }
  return { text: current, editedAt, deleted, reactions: [...reactions.values()].map(({ first: _first, ...r }) => r) };
}
