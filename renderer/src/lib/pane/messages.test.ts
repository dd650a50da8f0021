import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../../../app/ipc/views.js';
import { applyMessagesChanged, groupByDay, prependOlder, upsertMessages } from './messages.js';

const CONV = 'c'.repeat(32);
function msg(id: string, created: number, over: Partial<MessageView> = {}): MessageView {
  return { id, conversationId: CONV, from: 'bob', fromName: 'Bob', mine: false, text: id, created, validUntil: 0, state: 'sent', ...over };
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
