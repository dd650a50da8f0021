import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MessagePage, MessageView } from '../../../../app/ipc/views.js';
import { ME_ID, messageView, uuid } from '../../../test/message-views.js';
import { conversation, deferred, installBridge, type Handlers } from '../../../test/fake-bridge.js';
import ConversationPane from './ConversationPane.svelte';
import { forgetDrafts, loadDrafts } from './drafts.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './time.js';

const CONV = conversation('a', 'Bob Brown', 1);

function noonDaysAgo(days: number): number {
  const d = new Date();
  d.setHours(12, 0, 0, 0);
  d.setDate(d.getDate() - days);
  return d.getTime();
}

function msg(n: number, created: number, over: Partial<MessageView> = {}): MessageView {
  return messageView(CONV.id, n, created, over);
}

function mine(n: number, created: number, over: Partial<MessageView> = {}): MessageView {
  return msg(n, created, { from: ME_ID, fromName: 'Alice', mine: true, ...over });
}

function page(messages: MessageView[], hasOlder = false): MessagePage {
  return { conversationId: CONV.id, messages, hasOlder };
}

function setup(latest: MessageView[], hasOlder = false, more: Handlers = {}) {
  const bridge = installBridge({
    'messages:latest': () => ({ ok: true, value: page(latest, hasOlder) }),
    'messages:mark-viewed': () => ({ ok: true, value: undefined }),
    ...more,
  });
  const result = render(ConversationPane, { conversation: CONV });
  return { bridge, ...result };
}

const texts = (log: HTMLElement): string[] => [...log.querySelectorAll('.text')].map((p) => p.textContent ?? '');

afterEach(() => {
  forgetDrafts();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** A stand-in IntersectionObserver: the test says which elements came into view. */
class FakeObserver {
  static last: FakeObserver | null = null;
  readonly targets = new Set<Element>();
  constructor(private readonly callback: IntersectionObserverCallback) {
    FakeObserver.last = this;
  }
  observe(el: Element): void {
    this.targets.add(el);
  }
  unobserve(el: Element): void {
    this.targets.delete(el);
  }
  disconnect(): void {
    this.targets.clear();
  }
  show(els: Element[]): void {
    const entries = els.map((target) => ({ target, isIntersecting: true, intersectionRatio: 1, rootBounds: null, intersectionRect: { height: 100 } }));
    this.callback(entries as unknown as IntersectionObserverEntry[], this as unknown as IntersectionObserver);
  }
}

describe('ConversationPane', () => {
  it('loads the latest page and shows it oldest to newest under date separators, with sender names on each run', async () => {
    const threeDaysAgo = noonDaysAgo(3);
    const { bridge } = setup([
      msg(1, threeDaysAgo, { from: 'c'.repeat(32), fromName: 'Carol Clark' }),
      msg(2, noonDaysAgo(1)),
      msg(3, noonDaysAgo(1) + MINUTE_MS),
      mine(4, noonDaysAgo(0) - HOUR_MS),
      msg(5, noonDaysAgo(0) - HOUR_MS + MINUTE_MS),
    ]);
    expect(screen.getByRole('heading', { level: 2, name: 'Bob Brown' })).toBeInTheDocument();
    expect(bridge.calls[0]).toEqual({ channel: 'messages:latest', args: [CONV.id] });

    const log = await screen.findByRole('log', { name: 'Messages' });
    await within(log).findByText('message 5');
    expect(texts(log)).toEqual(['message 1', 'message 2', 'message 3', 'message 4', 'message 5']);

    const separators = within(log)
      .getAllByRole('heading', { level: 3 })
      .map((h) => h.textContent);
    expect(separators).toHaveLength(3);
    expect(separators.slice(1)).toEqual(['Yesterday', 'Today']);
    expect(separators[0]).not.toMatch(/Today|Yesterday/);
    expect(separators[0]).toContain(String(new Date(threeDaysAgo).getDate()));

    // Carol's one message; Bob's run of two yesterday (one name); Bob again after my message today.
    expect(within(log).getAllByText('Carol Clark')).toHaveLength(1);
    expect(within(log).getAllByText('Bob Brown')).toHaveLength(2);
    expect(within(log).queryByText('Alice')).not.toBeInTheDocument();
    const myItem = within(log).getByText('message 4').closest('li');
    expect(myItem).toHaveClass('mine');
    expect(within(log).getByText('message 5').closest('li')).not.toHaveClass('mine');
  });

  it('labels the ticks on my messages by state, and puts none on others’', async () => {
    const t = noonDaysAgo(0);
    setup([
      mine(1, t, { state: 'pending' }),
      mine(2, t + 1, { state: 'sent' }),
      mine(3, t + 2, { state: 'delivered' }),
      mine(4, t + 3, { state: 'viewed' }),
      msg(5, t + 4),
    ]);
    const log = await screen.findByRole('log', { name: 'Messages' });
    await within(log).findByText('message 5');
    const tickOf = (n: number) => within(within(log).getByText(`message ${n}`).closest('li')!).queryByRole('img');
    expect(tickOf(1)).toHaveAccessibleName('Waiting to send');
    expect(tickOf(2)).toHaveAccessibleName('Sent');
    expect(tickOf(3)).toHaveAccessibleName('Delivered');
    expect(tickOf(4)).toHaveAccessibleName('Seen');
    expect(tickOf(5)).toBeNull();
  });

  it('shows "disappears in ..." for messages expiring within 7 days, updated each minute', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const now = Date.now();
    setup([
      msg(1, now - HOUR_MS, { validUntil: now + 3 * DAY_MS + HOUR_MS }),
      msg(2, now - MINUTE_MS, { validUntil: now + 5 * MINUTE_MS }),
      msg(3, now, { validUntil: now + 30 * DAY_MS }),
    ]);
    const log = await screen.findByRole('log', { name: 'Messages' });
    expect(await within(log).findByText('disappears in 3 days')).toBeInTheDocument();
    expect(within(log).getByText('disappears in 5 minutes')).toBeInTheDocument();
    expect(within(log).getAllByText(/disappears in/)).toHaveLength(2);

    vi.advanceTimersByTime(MINUTE_MS);
    expect(await within(log).findByText('disappears in 4 minutes')).toBeInTheDocument();
  });

  it('counts down a message that arrives between minute ticks from when it was written, not from the last tick', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const opened = Date.now();
    const { bridge } = setup([msg(1, opened - HOUR_MS)]);
    const log = await screen.findByRole('log', { name: 'Messages' });
    await within(log).findByText(/./, { selector: '.text' });

    // 40 s after the pane's last tick a one-minute message is sent: it has a minute left, not two.
    vi.setSystemTime(opened + 40_000);
    const sent = opened + 40_000;
    bridge.emit('messages:changed', { conversationId: CONV.id, upserted: [mine(2, sent, { validUntil: sent + MINUTE_MS })], removed: [], cleared: false });
    expect(await within(log).findByText('disappears in 1 minute')).toBeInTheDocument();
  });

  it('says when a message cannot be decrypted', async () => {
    setup([msg(1, noonDaysAgo(0), { text: null })]);
    const log = await screen.findByRole('log', { name: 'Messages' });
    expect(await within(log).findByText('This message could not be decrypted.')).toBeInTheDocument();
  });

  it('loads the page before the oldest message when scrolled to the top, keeps the view steady, and stops when there is none older', async () => {
    const t = noonDaysAgo(0);
    const { bridge } = setup([msg(3, t + 3), msg(4, t + 4)], true, {
      'messages:older': () => ({ ok: true, value: page([msg(1, t + 1), msg(2, t + 2)], false) }),
    });
    // jsdom has no layout: each message is 100px tall, the view 150px.
    const log = screen.getByRole('log', { hidden: true });
    let top = 0;
    Object.defineProperty(log, 'scrollHeight', { configurable: true, get: () => log.querySelectorAll('li').length * 100 });
    Object.defineProperty(log, 'scrollTop', { configurable: true, get: () => top, set: (v: number) => (top = v) });

    await within(log).findByText('message 4');
    expect(top).toBe(200); // the newest at the bottom

    top = 0;
    await fireEvent.scroll(log);
    await within(log).findByText('message 1');
    expect(bridge.calls.filter((c) => c.channel === 'messages:older')).toEqual([{ channel: 'messages:older', args: [CONV.id, uuid(3)] }]);
    expect(texts(log)).toEqual(['message 1', 'message 2', 'message 3', 'message 4']);
    await waitFor(() => expect(top).toBe(200)); // message 3 stays where it was

    top = 0;
    await fireEvent.scroll(log);
    expect(bridge.calls.filter((c) => c.channel === 'messages:older')).toHaveLength(1);
    expect(within(log).queryByRole('button', { name: 'Load older messages' })).not.toBeInTheDocument();
  });

  it('merges messages:changed for this conversation: upserts by id, removes, and empties on cleared', async () => {
    const t = noonDaysAgo(0);
    const { bridge } = setup([mine(1, t, { state: 'sent' }), msg(2, t + 1)]);
    const log = await screen.findByRole('log', { name: 'Messages' });
    await within(log).findByText('message 2');

    bridge.emit('messages:changed', { conversationId: CONV.id, upserted: [mine(1, t, { state: 'delivered' }), msg(3, t + 2)], removed: [], cleared: false });
    await within(log).findByText('message 3');
    expect(within(log).getByRole('img', { name: 'Delivered' })).toBeInTheDocument();
    expect(texts(log)).toEqual(['message 1', 'message 2', 'message 3']);

    bridge.emit('messages:changed', {
      conversationId: 'f'.repeat(32),
      upserted: [msg(9, t + 9, { conversationId: 'f'.repeat(32) })],
      removed: [],
      cleared: false,
    });
    bridge.emit('messages:changed', { conversationId: CONV.id, upserted: [], removed: [uuid(2)], cleared: false });
    await waitFor(() => expect(texts(log)).toEqual(['message 1', 'message 3']));

    bridge.emit('messages:changed', { conversationId: CONV.id, upserted: [msg(7, t + 7)], removed: [], cleared: true });
    await waitFor(() => expect(texts(log)).toEqual(['message 7']));
  });

  it('replays messages:changed that arrive while the latest page is loading', async () => {
    const t = noonDaysAgo(0);
    const reply = deferred<{ ok: true; value: MessagePage }>();
    const bridge = installBridge({ 'messages:latest': () => reply.promise, 'messages:mark-viewed': () => ({ ok: true, value: undefined }) });
    render(ConversationPane, { conversation: CONV });
    bridge.emit('messages:changed', {
      conversationId: CONV.id,
      upserted: [mine(2, t + 2, { state: 'delivered' }), msg(3, t + 3)],
      removed: [uuid(1)],
      cleared: false,
    });
    reply.resolve({ ok: true, value: page([msg(1, t + 1), mine(2, t + 2, { state: 'sent' })]) });
    const log = await screen.findByRole('log', { name: 'Messages' });
    await waitFor(() => expect(texts(log)).toEqual(['message 2', 'message 3']));
    expect(within(log).getByRole('img', { name: 'Delivered' })).toBeInTheDocument();
  });

  it('loads once per conversation, however often the parent hands it a new object for the same one', async () => {
    const { bridge, rerender } = setup([msg(1, noonDaysAgo(0))]);
    await screen.findByRole('log', { name: 'Messages' });
    // App re-derives the selected conversation on every list change (loading a page causes one).
    for (let i = 0; i < 5; i++) await rerender({ conversation: { ...CONV, unread: i } });
    await waitFor(() => expect(texts(screen.getByRole('log', { name: 'Messages' }))).toHaveLength(1));
    expect(bridge.calls.filter((c) => c.channel === 'messages:latest')).toHaveLength(1);
    expect(screen.queryByText('Loading messages…')).not.toBeInTheDocument();
  });

  it('shows a failed load with Retry', async () => {
    let fail = true;
    installBridge({
      'messages:latest': () =>
        fail
          ? { ok: false, error: { code: 'storage', message: 'The local database could not be read.' } }
          : { ok: true, value: page([msg(1, noonDaysAgo(0))]) },
      'messages:mark-viewed': () => ({ ok: true, value: undefined }),
    });
    const user = userEvent.setup();
    render(ConversationPane, { conversation: CONV });
    expect(await screen.findByRole('alert')).toHaveTextContent('The local database could not be read.');
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('message 1')).toBeInTheDocument();
  });

  it('reports others’ messages as viewed in one batch, each id once, never my own', async () => {
    // The report timers run on a fake clock that also moves with real time, so waitFor still polls.
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout'] });
    const t = noonDaysAgo(0);
    const { bridge } = setup([msg(1, t + 1), mine(2, t + 2), msg(3, t + 3, { text: null })]);
    const viewed = () => bridge.calls.filter((c) => c.channel === 'messages:mark-viewed');
    await waitFor(() => expect(viewed()).toHaveLength(1));
    expect(viewed()[0]?.args).toEqual([CONV.id, [uuid(1), uuid(3)]]);

    // The same message again (changed) is not reported again; a new one is, on its own.
    bridge.emit('messages:changed', {
      conversationId: CONV.id,
      upserted: [msg(1, t + 1, { text: 'edited' }), msg(4, t + 4), mine(5, t + 5)],
      removed: [],
      cleared: false,
    });
    await waitFor(() => expect(viewed()).toHaveLength(2));
    expect(viewed()[1]?.args).toEqual([CONV.id, [uuid(4)]]);
    // Every report timer that could still be pending fires now, on the fake clock.
    vi.advanceTimersByTime(10_000);
    expect(viewed()).toHaveLength(2);
  });
});

describe('ConversationPane with IntersectionObserver', () => {
  it('reports a message from others only once it comes into view', async () => {
    // The report timers run on a fake clock that also moves with real time, so waitFor still polls.
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout'] });
    vi.stubGlobal('IntersectionObserver', FakeObserver);
    const t = noonDaysAgo(0);
    const { bridge } = setup([msg(1, t + 1), msg(2, t + 2), mine(3, t + 3)]);
    const log = await screen.findByRole('log', { name: 'Messages' });
    await within(log).findByText('message 3');
    const observer = FakeObserver.last!;
    expect(observer.targets.size).toBe(2); // not my own
    const viewed = () => bridge.calls.filter((c) => c.channel === 'messages:mark-viewed');
    // Every report timer that could be pending fires now, on the fake clock: none was set.
    vi.advanceTimersByTime(10_000);
    expect(viewed()).toHaveLength(0);

    observer.show([within(log).getByText('message 2').closest('li')!]);
    await waitFor(() => expect(viewed()).toHaveLength(1));
    expect(viewed()[0]?.args).toEqual([CONV.id, [uuid(2)]]);
  });
});

describe('ConversationPane composer', () => {
  function sendReply(text: string, n = 50): MessageView {
    return mine(n, Date.now(), { text, state: 'pending', validUntil: Date.now() + 30 * DAY_MS });
  }

  it('sends with Enter, shows the queued message at once as pending, and clears the field', async () => {
    const onsent = vi.fn();
    const onstarted = vi.fn();
    const bridge = installBridge({
      'messages:latest': () => ({ ok: true, value: page([]) }),
      'messages:send': (_id, text) => ({ ok: true, value: sendReply(text) }),
    });
    const user = userEvent.setup();
    render(ConversationPane, { conversation: CONV, onsent, onstarted });
    expect(await screen.findByText('No messages yet. Say hello!')).toBeInTheDocument();

    const field = screen.getByLabelText('Message');
    expect(field).toHaveAccessibleDescription('Enter sends, Shift+Enter new line');
    await user.type(field, 'Hello Bob{Enter}');
    expect(bridge.calls.filter((c) => c.channel === 'messages:send')).toEqual([{ channel: 'messages:send', args: [CONV.id, 'Hello Bob'] }]);

    const log = screen.getByRole('log', { name: 'Messages' });
    expect(await within(log).findByText('Hello Bob')).toBeInTheDocument();
    expect(within(log).getByRole('img', { name: 'Waiting to send' })).toBeInTheDocument();
    expect(field).toHaveValue('');
    expect(onsent).toHaveBeenCalledTimes(1);
    expect(onstarted).toHaveBeenCalledTimes(1);

    await user.type(field, 'Again{Enter}');
    await waitFor(() => expect(onsent).toHaveBeenCalledTimes(2));
    expect(onstarted).toHaveBeenCalledTimes(1);
  });

  it('makes a new line with Shift+Enter and sends with the Send button', async () => {
    const bridge = installBridge({
      'messages:latest': () => ({ ok: true, value: page([]) }),
      'messages:send': (_id, text) => ({ ok: true, value: sendReply(text) }),
    });
    const user = userEvent.setup();
    render(ConversationPane, { conversation: CONV });
    const field = screen.getByLabelText('Message');
    await user.type(field, 'one{Shift>}{Enter}{/Shift}two');
    expect(field).toHaveValue('one\ntwo');
    expect(bridge.calls.some((c) => c.channel === 'messages:send')).toBe(false);
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(bridge.calls.filter((c) => c.channel === 'messages:send').map((c) => c.args)).toEqual([[CONV.id, 'one\ntwo']]);
  });

  it('does not send empty or whitespace-only text', async () => {
    const bridge = installBridge({ 'messages:latest': () => ({ ok: true, value: page([]) }) });
    const user = userEvent.setup();
    render(ConversationPane, { conversation: CONV });
    const field = screen.getByLabelText('Message');
    await user.type(field, '{Enter}');
    await user.type(field, '   {Shift>}{Enter}{/Shift}  {Enter}');
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    expect(bridge.calls.some((c) => c.channel === 'messages:send')).toBe(false);
  });

  it('shows why a send failed and keeps the text', async () => {
    installBridge({
      'messages:latest': () => ({ ok: true, value: page([]) }),
      'messages:send': () => ({ ok: false, error: { code: 'invalid-argument', message: 'the message is too long' } }),
    });
    const user = userEvent.setup();
    render(ConversationPane, { conversation: CONV });
    const field = screen.getByLabelText('Message');
    await user.type(field, 'Hi{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('the message is too long');
    expect(field).toHaveValue('Hi');
  });

  it('keeps an unsent draft for each conversation while switching between them, and drops it once sent', async () => {
    const other = conversation('c', 'Carol Clark', 2);
    const { rerender } = setup([], false, {
      'messages:send': (_id, text) => ({ ok: true, value: sendReply(text) }),
    });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Message'), 'half a thought');
    await rerender({ conversation: other });
    expect(screen.getByLabelText('Message')).toHaveValue('');
    await rerender({ conversation: CONV });
    expect(screen.getByLabelText('Message')).toHaveValue('half a thought');

    await user.type(screen.getByLabelText('Message'), '{Enter}');
    await rerender({ conversation: other });
    await rerender({ conversation: CONV });
    expect(screen.getByLabelText('Message')).toHaveValue('');
  });

  it('shows the draft the main process kept from last time, and hands it what is typed once typing stops', async () => {
    const bridge = installBridge({
      'messages:latest': () => ({ ok: true, value: page([]) }),
      'drafts:get': () => ({ ok: true, value: { [CONV.id]: 'from last time' } }),
      'drafts:set': () => ({ ok: true, value: undefined }),
    });
    await loadDrafts();
    render(ConversationPane, { conversation: CONV });
    const field = screen.getByLabelText('Message');
    expect(field).toHaveValue('from last time');
    await userEvent.setup().type(field, ', and more');
    await expect.poll(() => bridge.calls.filter((c) => c.channel === 'drafts:set').map((c) => c.args)).toEqual([[CONV.id, 'from last time, and more']]);
  });
});
