import '@testing-library/jest-dom/vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SearchRequest } from '../../../../app/ipc/contract.js';
import type { SearchGroup, SearchHit, SearchResults } from '../../../../app/ipc/views.js';
import { conversation, deferred, installBridge, PROFILE, type Handlers } from '../../../test/fake-bridge.js';
import SearchPanel from './SearchPanel.svelte';

const BOB = conversation('b', 'Bob Brown', 200);
const CAROL = conversation('c', 'Carol Clark', 100);
const BOB_ID = 'b'.repeat(32);
const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const WHEN = new Date(2025, 2, 9, 14, 5).getTime();

function hit(n: number, conversationId: string, parts: [string, boolean][], over: Partial<SearchHit> = {}): SearchHit {
  return {
    conversationId,
    messageId: uuid(n),
    from: BOB_ID,
    fromName: 'Bob Brown',
    mine: false,
    created: WHEN,
    segments: parts.map(([text, match]) => ({ text, match })),
    ...over,
  };
}

function results(text: string, groups: SearchGroup[], over: Partial<SearchResults> = {}): SearchResults {
  return { text, groups, more: false, waiting: 0, ...over };
}

const LUNCH: SearchGroup[] = [
  {
    conversationId: BOB.id,
    conversationName: 'Bob Brown',
    hits: [
      hit(1, BOB.id, [
        ['Lunch ', true],
        ['at noon?', false],
      ]),
      hit(2, BOB.id, [['Thanks for lunch', false]], { mine: true, fromName: 'You', from: PROFILE.userid }),
    ],
  },
  { conversationId: CAROL.id, conversationName: 'Carol Clark', hits: [hit(3, CAROL.id, [['lunch', true]], { fromName: 'Carol Clark' })] },
];

function setup(search: Handlers['search:messages']) {
  const bridge = installBridge({ 'search:messages': search });
  const onopen = vi.fn();
  const onclose = vi.fn();
  render(SearchPanel, {
    conversations: [BOB, CAROL],
    me: PROFILE.userid,
    friends: [{ userid: BOB_ID, name: 'Bob Brown', availability: 'online' }],
    onopen,
    onclose,
  });
  // No waits between keys: the debounce runs on the fake clock, moved by the test.
  const user = userEvent.setup({ delay: null });
  const searches = (): SearchRequest[] => bridge.calls.filter((c) => c.channel === 'search:messages').map((c) => c.args[0] as SearchRequest);
  return { bridge, onopen, onclose, user, searches, input: screen.getByRole('searchbox', { name: 'Search messages' }) };
}

/** The debounce's pause, on the fake clock, and the answer's promise after it. */
const pause = () => vi.advanceTimersByTimeAsync(150);

beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
afterEach(() => vi.useRealTimers());

describe('SearchPanel', () => {
  it('asks once typing pauses, and shows the results grouped by conversation with the matches marked', async () => {
    const { user, searches, input } = setup((req) => ({ ok: true, value: results(req.text, LUNCH) }));
    expect(input).toHaveFocus();
    await user.type(input, 'lunch');
    await vi.advanceTimersByTimeAsync(100);
    expect(searches()).toEqual([]);
    expect(screen.getByRole('status')).toHaveTextContent('Searching…');
    await pause();
    expect(searches()).toEqual([{ text: 'lunch', limit: 100 }]);

    const list = await screen.findByRole('listbox', { name: 'Search results' });
    const bob = within(list).getByRole('group', { name: 'Bob Brown' });
    const carol = within(list).getByRole('group', { name: 'Carol Clark' });
    expect(within(bob).getAllByRole('option')).toHaveLength(2);
    expect(within(carol).getAllByRole('option')).toHaveLength(1);
    const first = within(bob).getByRole('option', { name: /^Bob Brown .* Lunch at noon\?, in Bob Brown, / });
    expect([...first.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['Lunch ']);
    expect(first.querySelector('.text')).toHaveTextContent('Lunch at noon?');
    expect(
      within(bob)
        .getByRole('option', { name: /^You .* Thanks for lunch, in Bob Brown, / })
        .querySelector('mark'),
    ).toBeNull();
    expect(within(carol).getByRole('option', { name: /^Carol Clark .* lunch, in Carol Clark, / })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('3 results');
  });

  it('drops the answer to an older query that arrives after the newer one', async () => {
    const replies = new Map<string, ReturnType<typeof deferred<{ ok: true; value: SearchResults }>>>();
    const { user, input } = setup((req) => {
      const reply = deferred<{ ok: true; value: SearchResults }>();
      replies.set(req.text, reply);
      return reply.promise;
    });
    await user.type(input, 'lun');
    await pause();
    await user.type(input, 'ch');
    await pause();
    expect([...replies.keys()]).toEqual(['lun', 'lunch']);

    replies.get('lunch')!.resolve({ ok: true, value: results('lunch', LUNCH.slice(1)) });
    const list = await screen.findByRole('listbox', { name: 'Search results' });
    replies.get('lun')!.resolve({ ok: true, value: results('lun', LUNCH) });
    await vi.advanceTimersByTimeAsync(0);
    expect(within(list).getAllByRole('group')).toHaveLength(1);
    expect(within(list).getByRole('group', { name: 'Carol Clark' })).toBeInTheDocument();
  });

  it('passes the filters as arguments: the conversation, the sender, and the days as local midnights with "until" exclusive', async () => {
    const { user, searches, input } = setup((req) => ({ ok: true, value: results(req.text, []) }));
    await user.type(input, 'lunch');
    const conversationFilter = screen.getByLabelText('In conversation');
    expect(
      within(conversationFilter)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['All conversations', 'Bob Brown', 'Carol Clark']);
    await user.selectOptions(conversationFilter, 'Carol Clark');
    const senderFilter = screen.getByLabelText('Sender');
    expect(
      within(senderFilter)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Anyone', 'You', 'Bob Brown']);
    await user.selectOptions(senderFilter, 'You');
    await fireEvent.input(screen.getByLabelText('From'), { target: { value: '2025-03-01' } });
    await fireEvent.input(screen.getByLabelText('Until'), { target: { value: '2025-03-09' } });
    await pause();
    expect(searches()).toEqual([
      {
        text: 'lunch',
        limit: 100,
        conversationId: CAROL.id,
        sender: PROFILE.userid,
        from: new Date(2025, 2, 1).getTime(),
        until: new Date(2025, 2, 10).getTime(),
      },
    ]);

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await pause();
    expect(searches().at(-1)).toEqual({ text: 'lunch', limit: 100 });
    expect(screen.getByLabelText('In conversation')).toHaveValue('');
  });

  it('moves through the results with the arrow keys, opens one with Enter or a click, and goes back up to the search box', async () => {
    const { user, input, onopen } = setup((req) => ({ ok: true, value: results(req.text, LUNCH) }));
    await user.type(input, 'lunch');
    await pause();
    const list = await screen.findByRole('listbox', { name: 'Search results' });
    const options = within(list).getAllByRole('option');
    const active = () => list.getAttribute('aria-activedescendant');

    await user.keyboard('{ArrowDown}');
    expect(list).toHaveFocus();
    expect(active()).toBe(options[0]!.id);
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(active()).toBe(options[2]!.id);
    await user.keyboard('{ArrowDown}');
    expect(active()).toBe(options[2]!.id);
    await user.keyboard('{ArrowUp}{Enter}');
    expect(onopen).toHaveBeenLastCalledWith(BOB.id, uuid(2));

    await user.click(options[2]!);
    expect(onopen).toHaveBeenLastCalledWith(CAROL.id, uuid(3));
    expect(active()).toBe(options[2]!.id);

    await user.keyboard('{Home}{ArrowUp}');
    expect(input).toHaveFocus();
    // Enter in the search box opens the best result at once.
    await user.keyboard('{Enter}');
    expect(onopen).toHaveBeenLastCalledWith(BOB.id, uuid(1));
    expect(onopen).toHaveBeenCalledTimes(3);
  });

  it('marks the result open in the pane as selected', async () => {
    installBridge({ 'search:messages': (req) => ({ ok: true, value: results(req.text, LUNCH) }) });
    render(SearchPanel, { conversations: [BOB], me: PROFILE.userid, friends: [], openedId: uuid(3), text: 'lunch', onopen: vi.fn(), onclose: vi.fn() });
    await pause();
    const list = await screen.findByRole('listbox', { name: 'Search results' });
    expect(within(list).getByRole('option', { selected: true })).toHaveAccessibleName(/, in Carol Clark, /);
  });

  it('closes with Escape, from the search box and from the results', async () => {
    const { user, input, onclose } = setup((req) => ({ ok: true, value: results(req.text, LUNCH) }));
    await user.keyboard('{Escape}');
    expect(onclose).toHaveBeenCalledTimes(1);
    await user.type(input, 'lunch');
    await pause();
    await user.keyboard('{ArrowDown}{Escape}');
    expect(onclose).toHaveBeenCalledTimes(2);
    await user.click(screen.getByRole('button', { name: 'Close search' }));
    expect(onclose).toHaveBeenCalledTimes(3);
  });

  it('says when nothing was found, when some messages are not indexed yet, and what went wrong', async () => {
    let reply: Awaited<ReturnType<NonNullable<Handlers['search:messages']>>> = { ok: true, value: results('zebra', [], { waiting: 12 }) };
    const { user, input } = setup(() => reply);
    await user.type(input, 'zebra');
    await pause();
    expect(screen.getByRole('status')).toHaveTextContent('No messages found');
    expect(screen.getByText(/still being indexed/)).toBeInTheDocument();
    expect(screen.queryByRole('listbox', { name: 'Search results' })).not.toBeInTheDocument();

    reply = { ok: false, error: { code: 'storage', message: 'The local database could not be read.' } };
    await user.type(input, 's');
    await pause();
    expect(screen.getByRole('alert')).toHaveTextContent('The local database could not be read.');
    expect(screen.queryByText(/still being indexed/)).not.toBeInTheDocument();

    await user.clear(input);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.getByText('Find messages in all your conversations on this device.')).toBeInTheDocument();
  });

  it('shows markup in a message as plain text and makes no element of it', async () => {
    const evil = hit(7, BOB.id, [
      ['<img src=x onerror=alert(1)> ', false],
      ['<b>lunch</b>', true],
    ]);
    const { user, input } = setup((req) => ({
      ok: true,
      value: results(req.text, [{ conversationId: BOB.id, conversationName: '<i>Bob</i>', hits: [evil] }]),
    }));
    await user.type(input, 'lunch');
    await pause();
    const list = await screen.findByRole('listbox', { name: 'Search results' });
    const option = within(list).getByRole('option');
    expect(option.querySelector('.text')).toHaveTextContent('<img src=x onerror=alert(1)> <b>lunch</b>');
    expect(option.querySelector('mark')).toHaveTextContent('<b>lunch</b>');
    expect(list.querySelector('img, b, i')).toBeNull();
    expect(within(list).getByRole('group', { name: '<i>Bob</i>' })).toBeInTheDocument();
  });
});
