/**
 * The history download's own logic with a fake `fetchOlder` and virtual timers: paging to the first
 * message, the pause between pages, coalesced progress, offline pauses, errors, selection changes,
 * and resuming from the saved state. history-download.server.test.ts runs it against the real server.
 */
import { describe, expect, it } from 'vitest';
import type { ConnectionState, HistoryProgress } from '../../ipc/views.js';
import { CoreError } from '../errors.js';
import { MAX_PAGE } from '../sync/fetcher.js';
import { VirtualTimers } from '../../../test/support/core/virtual-timers.js';
import { EMIT_EVERY_MS, HISTORY_DOWNLOAD_KEY, HistoryDownload, MAX_TRIES, PAGE_PAUSE_MS, type HistoryCursor, type HistoryPage } from './history-download.js';

class MetaStore {
  readonly values = new Map<string, string>();
  getMeta(key: string): string | undefined {
    return this.values.get(key);
  }
  setMeta(key: string, value: string): void {
    this.values.set(key, value);
  }
}

type Call = { id: string; before: HistoryCursor | undefined; limit: number; at: number };

/**
 * An account whose conversations hold `sizes[id]` messages; message `n` (0 = the first) of `id` is
 * `${id}#${n}`. `fail` may make a request fail instead.
 */
function setup(
  sizes: Record<string, number>,
  opts: { store?: MetaStore; fail?: (call: Call) => Error | undefined; pauseMs?: number; connection?: ConnectionState } = {},
) {
  const timers = new VirtualTimers();
  const store = opts.store ?? new MetaStore();
  const world = {
    ids: Object.keys(sizes),
    connection: opts.connection ?? ('online' as ConnectionState),
    calls: [] as Call[],
    emits: [] as (HistoryProgress & { at: number })[],
    stored: 0,
    /** Holds every answer until released (a request in flight). */
    hold: null as Promise<void> | null,
  };
  const fetchOlder = async (id: string, before: HistoryCursor | undefined, limit: number): Promise<HistoryPage> => {
    const call = { id, before, limit, at: timers.now };
    world.calls.push(call);
    if (world.hold) await world.hold;
    const failure = opts.fail?.(call);
    if (failure) throw failure;
    const end = before ? Number(before.id.split('#')[1]) : sizes[id]!;
    const start = Math.max(0, end - limit);
    const count = end - start;
    return { count, oldest: count ? { created: `t${start}`, id: `${id}#${start}` } : null };
  };
  const make = () =>
    new HistoryDownload({
      store,
      conversationIds: () => world.ids,
      fetchOlder,
      connection: () => world.connection,
      emit: (p) => world.emits.push({ ...p, at: timers.now }),
      onStored: () => world.stored++,
      setTimer: timers.set,
      clearTimer: timers.clear,
      pauseMs: opts.pauseMs,
      random: () => 0.5,
    });
  return { timers, store, world, download: make(), make };
}

const transient = () => new CoreError('network', 'The server could not be reached.', { transient: true });
const refused = () => new CoreError('refused', 'The server refused to give this history.');

describe('HistoryDownload', () => {
  it('downloads every conversation page by page to its first message, counting conversations and messages', async () => {
    const { timers, world, download } = setup({ a: 450, b: 10, c: 0 });
    expect(download.status()).toMatchObject({ state: 'idle', conversationsDone: 0, conversationsTotal: 3, messagesDone: 0 });
    expect(download.start()).toMatchObject({ state: 'running', conversationsTotal: 3 });
    await timers.advance(10_000);
    expect(world.calls.map((c) => [c.id, c.before?.id ?? null, c.limit])).toEqual([
      ['a', null, MAX_PAGE],
      ['a', 'a#250', MAX_PAGE],
      ['a', 'a#50', MAX_PAGE],
      ['b', null, MAX_PAGE],
      ['c', null, MAX_PAGE],
    ]);
    expect(download.status()).toEqual({ state: 'done', conversationsDone: 3, conversationsTotal: 3, messagesDone: 460, error: null });
    // Told after each page that stored something (c had nothing).
    expect(world.stored).toBe(4);
    expect(world.emits.at(-1)).toMatchObject({ state: 'done', conversationsDone: 3, messagesDone: 460 });
    expect(timers.pending).toBe(0);
  });

  it('pauses between pages, and never has two requests out at once', async () => {
    let release!: () => void;
    const { timers, world, download } = setup({ a: 1000 });
    download.start();
    await timers.advance(0);
    expect(world.calls).toHaveLength(1);
    await timers.advance(PAGE_PAUSE_MS - 1);
    expect(world.calls).toHaveLength(1);
    await timers.advance(1);
    expect(world.calls).toHaveLength(2);
    expect(world.calls[1]!.at - world.calls[0]!.at).toBe(PAGE_PAUSE_MS);

    world.hold = new Promise((resolve) => (release = resolve));
    await timers.advance(PAGE_PAUSE_MS);
    expect(world.calls).toHaveLength(3);
    // The answer is late: however long it takes, nothing more is asked meanwhile, even when started again.
    download.start();
    download.connectionChanged('online');
    await timers.advance(60_000);
    expect(world.calls).toHaveLength(3);
    world.hold = null;
    release();
    await timers.advance(PAGE_PAUSE_MS);
    expect(world.calls).toHaveLength(4);
  });

  it('emits progress at most every 250 ms, and state changes at once', async () => {
    const { timers, world, download } = setup({ a: 20 * MAX_PAGE - 1, b: 5 }, { pauseMs: 10 });
    download.start();
    expect(world.emits).toEqual([expect.objectContaining({ state: 'running', at: 0 })]);
    await timers.advance(60_000);
    expect(download.status().state).toBe('done');
    const running = world.emits.filter((e) => e.state === 'running');
    // 21 pages, about 10 ms apart, but far fewer events, spaced by at least the interval.
    expect(running.length).toBeLessThan(21 / 2);
    for (let i = 1; i < running.length; i++) expect(running[i]!.at - running[i - 1]!.at).toBeGreaterThanOrEqual(EMIT_EVERY_MS);
    const done = world.emits.find((e) => e.state === 'done')!;
    // Told at once: right after the last page's pause, not at the end of a quiet interval.
    expect(done.at).toBe(world.calls.at(-1)!.at + 10);
    expect(done).toMatchObject({ conversationsDone: 2, messagesDone: 20 * MAX_PAGE + 4 });
    // The counts of the last page before "done" were not lost in a quiet interval.
    const emitsAfterDone = world.emits.slice(world.emits.indexOf(done) + 1);
    expect(emitsAfterDone.every((e) => e.state === 'done' && e.messagesDone === done.messagesDone)).toBe(true);
  });

  it('pauses while offline and carries on when the connection is back', async () => {
    const { timers, world, download } = setup({ a: 450 });
    download.start();
    await timers.advance(0);
    expect(world.calls).toHaveLength(1);
    world.connection = 'offline';
    download.connectionChanged('offline');
    expect(world.emits.at(-1)).toMatchObject({ state: 'offline', messagesDone: 200 });
    expect(download.status().state).toBe('offline');
    await timers.advance(10 * 60_000);
    expect(world.calls).toHaveLength(1);

    world.connection = 'reconnecting';
    download.connectionChanged('reconnecting');
    await timers.advance(60_000);
    expect(world.calls).toHaveLength(1);

    world.connection = 'online';
    download.connectionChanged('online');
    await timers.advance(0);
    expect(world.emits.at(-1)?.state).toBe('running');
    expect(world.calls[1]).toMatchObject({ id: 'a', before: { id: 'a#250' } });
    await timers.advance(10_000);
    expect(download.status()).toMatchObject({ state: 'done', messagesDone: 450 });
  });

  it('takes a transient failure as offline and tries again with growing pauses', async () => {
    let failures = 2;
    const { timers, world, download } = setup({ a: 10 }, { fail: () => (failures-- > 0 ? transient() : undefined) });
    download.start();
    await timers.advance(0);
    expect(download.status().state).toBe('offline');
    await timers.advance(60_000);
    expect(world.calls.length).toBe(3);
    // Half of the first ceiling (2 s, random 0.5), then half of the second (4 s), each plus 250 ms.
    expect(world.calls[1]!.at - world.calls[0]!.at).toBe(1250);
    expect(world.calls[2]!.at - world.calls[1]!.at).toBe(2250);
    expect(download.status()).toMatchObject({ state: 'done', error: null, messagesDone: 10 });
    expect(world.emits.map((e) => e.state)).toEqual(['running', 'offline', 'running', 'done']);
  });

  it('skips a conversation that keeps failing and says so; fails when every conversation did', async () => {
    const some = setup({ a: 10, b: 10 }, { fail: (c) => (c.id === 'a' ? refused() : undefined) });
    some.download.start();
    await some.timers.advance(60_000);
    expect(some.world.calls.filter((c) => c.id === 'a')).toHaveLength(MAX_TRIES);
    expect(some.download.status()).toMatchObject({ state: 'done', conversationsDone: 2, conversationsTotal: 2, messagesDone: 10 });
    expect(some.download.status().error).toBe('1 of 2 conversations could not be downloaded; the rest of the history is searchable.');

    const all = setup({ a: 10, b: 10 }, { fail: () => refused() });
    all.download.start();
    await all.timers.advance(60_000);
    expect(all.download.status()).toMatchObject({ state: 'failed', conversationsDone: 2, conversationsTotal: 2, messagesDone: 0 });
    expect(all.download.status().error).toBe('The older history could not be downloaded. The server refused to give this history.');
  });

  it('starts a conversation cleared meanwhile over from its newest page, once', async () => {
    const stale = () => new CoreError('stale-instance', 'The conversation was cleared since it was loaded.', { httpStatus: 409 });
    const { timers, world, download } = setup({ a: 450 }, { fail: (c) => (c.before?.id === 'a#250' ? stale() : undefined) });
    download.start();
    await timers.advance(60_000);
    const ofA = world.calls.map((c) => c.before?.id ?? null);
    // Newest, (409), newest again, (409 again: now an ordinary failure, tried MAX_TRIES times in all).
    expect(ofA.slice(0, 4)).toEqual([null, 'a#250', null, 'a#250']);
    expect(ofA.filter((b) => b === null)).toHaveLength(2);
    expect(download.status().state).toBe('failed');
  });

  it('drops a conversation that left the list, and takes in added ones while running', async () => {
    const { timers, world, download } = setup({ a: 450, b: 10, c: 10 });
    download.start(['a']);
    expect(download.status().conversationsTotal).toBe(1);
    await timers.advance(0);
    expect(download.start(['b']).conversationsTotal).toBe(2);
    world.ids = ['b', 'c'];
    expect(download.status()).toMatchObject({ conversationsDone: 0, conversationsTotal: 1 });
    await timers.advance(10_000);
    expect(world.calls.map((c) => c.id)).toEqual(['a', 'b']);
    expect(download.status()).toMatchObject({ state: 'done', conversationsDone: 1, conversationsTotal: 1, messagesDone: 210 });
    // Finished: a conversation that turns up later does not reopen it.
    world.ids = ['b', 'c', 'd'];
    expect(download.status()).toMatchObject({ state: 'done', conversationsDone: 1, conversationsTotal: 1 });
  });

  it('resumes from the saved cursor in a new instance after a restart; stop forgets it', async () => {
    const first = setup({ a: 450, b: 10 });
    first.download.start();
    await first.timers.advance(0);
    first.download.dispose();
    expect(JSON.parse(first.store.getMeta(HISTORY_DOWNLOAD_KEY)!)).toMatchObject({ state: 'running', cursors: { a: { id: 'a#250' } }, messagesDone: 200 });

    const again = setup({ a: 450, b: 10 }, { store: first.store });
    expect(again.download.status()).toMatchObject({ state: 'running', messagesDone: 200 });
    again.download.resume();
    await again.timers.advance(0);
    expect(again.world.calls[0]).toMatchObject({ id: 'a', before: { id: 'a#250' } });
    expect(again.download.stop()).toMatchObject({ state: 'idle', messagesDone: 0 });
    expect(again.world.emits.at(-1)?.state).toBe('idle');
    await again.timers.advance(60_000);
    expect(again.world.calls).toHaveLength(1);

    const third = setup({ a: 450, b: 10 }, { store: first.store });
    expect(third.download.resume()).toMatchObject({ state: 'idle' });
    await third.timers.advance(60_000);
    expect(third.world.calls).toHaveLength(0);
  });

  it('starts over after done ("Download again"), and reads a damaged saved state as never started', async () => {
    const { timers, world, download, store, make } = setup({ a: 10 });
    download.start();
    await timers.advance(10_000);
    expect(download.status().state).toBe('done');
    expect(download.start()).toMatchObject({ state: 'running', conversationsDone: 0, messagesDone: 0 });
    await timers.advance(10_000);
    expect(world.calls).toHaveLength(2);
    expect(download.status()).toMatchObject({ state: 'done', messagesDone: 10 });
    download.dispose();
    store.setMeta(HISTORY_DOWNLOAD_KEY, '{"v":1,"state":"runn');
    expect(make().status()).toMatchObject({ state: 'idle', messagesDone: 0 });
  });

  it('stops quietly when no longer authorized and carries on when signed in again; dispose ends everything', async () => {
    const { timers, world, download } = setup({ a: 1000 });
    download.start();
    await timers.advance(0);
    const emitted = world.emits.length;
    world.connection = 'unauthorized';
    download.connectionChanged('unauthorized');
    await timers.advance(60_000);
    expect(world.calls).toHaveLength(1);
    // No error and no new state: at most the progress already made, told at the end of its quiet interval.
    expect(world.emits.length - emitted).toBeLessThanOrEqual(1);
    expect(world.emits.slice(emitted).every((e) => e.error === null && (e.state === 'running' || e.state === 'offline'))).toBe(true);
    world.connection = 'online';
    download.connectionChanged('online');
    await timers.advance(0);
    expect(world.calls).toHaveLength(2);

    download.dispose();
    await timers.advance(60_000);
    expect(world.calls).toHaveLength(2);
    expect(timers.pending).toBe(0);
    const after = world.emits.length;
    download.start();
    download.connectionChanged('offline');
    expect(world.emits).toHaveLength(after);
  });

  it('waits for the connection when started offline', async () => {
    const { timers, world, download } = setup({ a: 10 }, { connection: 'reconnecting' });
    expect(download.start().state).toBe('offline');
    await timers.advance(10_000);
    expect(world.calls).toHaveLength(0);
    world.connection = 'online';
    download.connectionChanged('online');
    await timers.advance(10_000);
    expect(download.status().state).toBe('done');
  });
});
