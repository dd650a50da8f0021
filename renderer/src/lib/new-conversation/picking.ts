/**
 * The rules of "New conversation" that need no screen: which friends the filter keeps, what the
 * primary button says, and whether a group name will do. Pure, so they are tested once.
 */
import type { FriendView } from '../../../../app/ipc/views.js';

/** The contract's limit (app/ipc/contract.ts, 'conversation:create-group'). */
export const GROUP_NAME_MAX = 100;

/** Case and accents do not matter: "elo" finds "Éloïse". */
const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();

/** The friends whose name contains `query`; an empty query keeps everyone. Order is kept. */
export function filterFriends<T extends Pick<FriendView, 'name'>>(friends: readonly T[], query: string): T[] {
  const q = fold(query.trim());
  return q ? friends.filter((f) => fold(f.name).includes(q)) : [...friends];
}

/** One friend picked opens (or starts) the 1:1; two or more make a group. */
export type Outcome = 'none' | 'one-to-one' | 'group';

export function outcomeOf(picked: number): Outcome {
  return picked === 0 ? 'none' : picked === 1 ? 'one-to-one' : 'group';
}

export function primaryLabel(outcome: Outcome, busy: boolean): string {
  if (outcome === 'group') return busy ? 'Creating…' : 'Create group';
  return busy ? 'Opening…' : 'Open conversation';
}

/** Why the group name will not do, or null when it will (it is sent trimmed). */
export function groupNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (!trimmed) return 'Give the group a name.';
  if (trimmed.length > GROUP_NAME_MAX) return `The group name is too long: ${GROUP_NAME_MAX} characters at most.`;
  return null;
}
