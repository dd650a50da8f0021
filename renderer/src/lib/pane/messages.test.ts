import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../../../app/ipc/views.js';
import {
  appendNewer,
  applyMessagesChanged,
  applyMessagesChangedToRange,
  countArrived,
  firstUnreadId,
  groupByDay,
  prependOlder,
  upsertMessages,
} from './messages.js';

const CONV = 'c'.repeat(32);
function msg(id: string, created: number, over: Partial<MessageView> = {}): MessageView {
  return {
    id,
    conversationId: CONV,
    from: 'bob',
    fromName: 'Bob',
    mine: false,
    text: id,
    created,
    validUntil: 0,
    state: 'sent',
    replyTo: null,
    reactions: [],
    editedAt: 0,
    deleted: false,
    file: null,
    ...over,
  };
}
const ids = (list: MessageView[]): string[] => list.map((m) => m.id);

describe('message list helpers', () => {
  it('upserts by id and keeps the list oldest first', () => {
    const list = upsertMessages([msg('a', 1), msg('c', 3)], [msg('b', 2), msg('a', 1, { text: 'edited' })]);
    expect(ids(list)).toEqual(['a', 'b', 'c']);
    expect(list[0]?.text).toBe('edited');
  });

  it('applies removed and cleared from messages:changed', () => {
    const base = [msg('a', 1), msg('b', 2)];
    expect(ids(applyMessagesChanged(base, { conversationId: CONV, upserted: [], removed: ['a'], cleared: false }))).toEqual(['b']);
    expect(ids(applyMessagesChanged(base, { conversationId: CONV, upserted: [msg('z', 9)], removed: [], cleared: true }))).toEqual(['z']);
  });

  it('prepends an older page without overwriting newer copies or bringing back removed ones', () => {
    const current = [msg('c', 3, { text: 'newer copy' }), msg('d', 4)];
    const list = prependOlder(current, [msg('a', 1), msg('b', 2), msg('c', 3, { text: 'stale' })], new Set(['b']));
    expect(ids(list)).toEqual(['a', 'c', 'd']);
    expect(list[1]?.text).toBe('newer copy');
  });

  it('appends a newer page the same way: copies in the list win, removed ones stay out', () => {
    const list = appendNewer([msg('a', 1), msg('b', 2, { text: 'newer copy' })], [msg('b', 2, { text: 'stale' }), msg('c', 3), msg('d', 4)], new Set(['d']));
    expect(ids(list)).toEqual(['a', 'b', 'c']);
    expect(list[1]?.text).toBe('newer copy');
  });

  it('applies an event to a run short of the latest: removals and edits in, messages newer than the run left out', () => {
    const run = [msg('a', 1), msg('b', 5)];
    const change = { conversationId: CONV, upserted: [msg('b', 5, { text: 'edited' }), msg('late', 3), msg('new', 9)], removed: ['a'], cleared: false };
    const list = applyMessagesChangedToRange(run, change);
    expect(ids(list)).toEqual(['late', 'b']);
    expect(list[1]?.text).toBe('edited');
    // A clear is the whole conversation: what comes with it is all there is.
    expect(ids(applyMessagesChangedToRange(run, { ...change, removed: [], cleared: true }))).toEqual(['late', 'b', 'new']);
  });

  it('leaves out a changed message older than all those loaded (a reaction to it): it comes with its page', () => {
    const loaded = [msg('b', 5), msg('c', 6)];
    const change = {
      conversationId: CONV,
      upserted: [msg('old', 2, { reactions: [{ emoji: '👍', count: 1, mine: false, names: ['Bob'] }] }), msg('c', 6, { text: 'edited' })],
      removed: [],
      cleared: false,
    };
    const list = applyMessagesChanged(loaded, change);
    expect(ids(list)).toEqual(['b', 'c']);
    expect(list[1]?.text).toBe('edited');
    // With nothing loaded yet, everything is taken.
    expect(ids(applyMessagesChanged([], change))).toEqual(['old', 'c']);
  });

  it('groups by local day and starts a sender run on a new sender or a new day', () => {
    const day1 = new Date(2025, 2, 9, 10).getTime();
    const day2 = new Date(2025, 2, 10, 10).getTime();
    const groups = groupByDay(
      [msg('a', day1), msg('b', day1 + 1), msg('c', day1 + 2, { from: 'me', mine: true }), msg('d', day2)],
      new Date(2025, 2, 10, 12).getTime(),
    );
    expect(groups.map((g) => g.label)).toEqual(['Yesterday', 'Today']);
    expect(groups[0]?.rows.map((r) => r.startsRun)).toEqual([true, false, true]);
    expect(groups[1]?.rows.map((r) => r.startsRun)).toEqual([true]);
  });
});

describe('reading helpers', () => {
  const mineMsg = (id: string, created: number) => msg(id, created, { mine: true });

  it('puts the unread divider before the first of the last `unread` messages from others', () => {
    const list = [msg('a', 1), mineMsg('b', 2), msg('c', 3), mineMsg('d', 4), msg('e', 5)];
    expect(firstUnreadId(list, 0)).toBeNull();
    expect(firstUnreadId(list, 1)).toBe('e');
    expect(firstUnreadId(list, 2)).toBe('c');
    // More unread than loaded: the first loaded message from others.
    expect(firstUnreadId(list, 9)).toBe('a');
    expect(firstUnreadId([mineMsg('b', 2)], 3)).toBeNull();
  });

  it('counts the messages from others that a change added', () => {
    const before = [msg('a', 1), msg('b', 2)];
    expect(countArrived(before, [msg('a', 1, { text: 'edited' }), msg('b', 2), msg('c', 3), mineMsg('d', 4)])).toBe(1);
    expect(countArrived(before, [msg('b', 2)])).toBe(0);
  });
});

describe('chunks of a day', () => {
  const noon = new Date(2026, 5, 1, 12).getTime();
  // UUID-like ids whose last hex digit varies as real ones do.
  const many = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) =>
      msg(`00000000-0000-4000-8000-${(((from + i) * 2_654_435_761) % 2 ** 32).toString(16).padStart(12, '0')}`, noon + from + i),
    );
  const chunkKeys = (list: MessageView[]) => groupByDay(list, noon).flatMap((d) => d.chunks.map((c) => `${c.key}:${c.rows.length}`));

  it('puts every message of a day in exactly one chunk, in order, none longer than 64', () => {
    const list = many(0, 1000);
    const [day] = groupByDay(list, noon);
    expect(day!.chunks.flatMap((c) => c.rows.map((r) => r.message.id))).toEqual(ids(list));
    expect(Math.max(...day!.chunks.map((c) => c.rows.length))).toBeLessThanOrEqual(64);
    expect(day!.chunks.length).toBeGreaterThan(1000 / 64);
  });

  it('keeps its chunks when older pages arrive before them and new messages after them', () => {
    const middle = chunkKeys(many(300, 600));
    const grown = chunkKeys(many(0, 900));
    // All but the first (which older messages may join) and the last (which new ones may) stay as they were.
    for (const chunk of middle.slice(1, -1)) expect(grown).toContain(chunk);
  });

  it('ends a chunk at 64 messages when no id starts one, so hostile ids cannot make one of thousands', () => {
    const hostile = Array.from({ length: 500 }, (_, i) => msg(`00000000-0000-4000-8000-${String(i).padStart(11, '0')}1`, noon + i));
    expect(Math.max(...groupByDay(hostile, noon)[0]!.chunks.map((c) => c.rows.length))).toBe(64);
  });
});
