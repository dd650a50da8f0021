import '@testing-library/jest-dom/vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MessagePage, MessagesAround, MessageView, NewerPage } from '../../../../app/ipc/views.js';
import { conversation, deferred, installBridge, type Handlers } from '../../../test/fake-bridge.js';
import { messageView, uuid } from '../../../test/message-views.js';
import ConversationPane from './ConversationPane.svelte';
import { forgetDrafts } from './drafts.js';

/** The pane opened at a search result: the messages around it, newer pages, "Jump to latest". */

const CONV = conversation('a', 'Bob Brown', 1);
const T = new Date(2025, 2, 10, 12).getTime();

/** Message `n`, sent `n` minutes after T. */
const msg = (n: number, over: Partial<MessageView> = {}): MessageView => messageView(CONV.id, n, T + n * 60_000, over);
const range = (from: number, to: number): MessageView[] => Array.from({ length: to - from + 1 }, (_, i) => msg(from + i));

function around(messages: MessageView[], anchorId: string, hasOlder = false, hasNewer = true): MessagesAround {
  return { conversationId: CONV.id, anchorId, messages, hasOlder, hasNewer };
}
const latest = (messages: MessageView[], hasOlder = false): MessagePage => ({ conversationId: CONV.id, messages, hasOlder });
const newer = (messages: MessageView[], hasNewer: boolean): NewerPage => ({ conversationId: CONV.id, messages, hasNewer });

function setup(handlers: Handlers, openAt: { messageId: string; seq: number } | null = { messageId: uuid(3), seq: 1 }) {
  const bridge = installBridge({ 'messages:mark-viewed': () => ({ ok: true, value: undefined }), ...handlers });
  const result = render(ConversationPane, { conversation: CONV, openAt });
  return { bridge, ...result };
}

const texts = (log: HTMLElement): string[] => [...log.querySelectorAll('.text')].map((p) => p.textContent ?? '');
const calls = (bridge: { calls: { channel: string; args: unknown[] }[] }, channel: string) =>
  bridge.calls.filter((c) => c.channel === channel).map((c) => c.args);

/**
 * jsdom has no layout: every message is 100px tall, one under the other, in a log 200px high.
 * Returns the log's scrollTop as a variable the test can read and move.
 */
function layOut(log: HTMLElement): { top: number } {
  const scroll = { top: 0 };
  const items = (): HTMLElement[] => [...log.querySelectorAll<HTMLElement>('li')];
  Object.defineProperty(log, 'scrollHeight', { configurable: true, get: () => items().length * 100 });
  Object.defineProperty(log, 'clientHeight', { configurable: true, get: () => 200 });
  Object.defineProperty(log, 'scrollTop', { configurable: true, get: () => scroll.top, set: (v: number) => (scroll.top = v) });
  vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.tagName === 'LI' ? 100 : 0;
  });
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
    const index = this.tagName === 'LI' ? items().indexOf(this) : -1;
    const y = index < 0 ? 0 : index * 100 - scroll.top;
    return { top: y, bottom: y + 100, left: 0, right: 0, width: 0, height: 100, x: 0, y, toJSON: () => ({}) } as DOMRect;
  });
  return scroll;
}

afterEach(() => {
  forgetDrafts();
  vi.restoreAllMocks();
});

describe('ConversationPane at a search result', () => {
  it('loads the messages around the anchor instead of the latest, marks it and puts it in the middle of the view', async () => {
    const reply = deferred<{ ok: true; value: MessagesAround }>();
    const { bridge } = setup({ 'messages:around': () => reply.promise });
    const log = screen.getByRole('log', { hidden: true });
    const scroll = layOut(log);
    reply.resolve({ ok: true, value: around(range(1, 5), uuid(3), true, true) });

    await within(log).findByText('message 5');
    expect(calls(bridge, 'messages:around')).toEqual([[CONV.id, uuid(3)]]);
    expect(calls(bridge, 'messages:latest')).toEqual([]);
    expect(texts(log)).toEqual(['message 1', 'message 2', 'message 3', 'message 4', 'message 5']);

    const anchor = within(log).getByText('message 3').closest('li')!;
    expect(anchor).toHaveAttribute('aria-current', 'true');
    expect(anchor).toHaveClass('anchor');
    expect(log.querySelectorAll('[aria-current]')).toHaveLength(1);
    // Its top at 200px, 100px tall, in a view 200px high: 50px above and below it.
    await waitFor(() => expect(scroll.top).toBe(150));

    expect(screen.getByRole('button', { name: 'Jump to latest' })).toBeInTheDocument();
    expect(within(log).getByRole('button', { name: 'Load older messages' })).toBeInTheDocument();
    expect(within(log).getByRole('button', { name: 'Load newer messages' })).toBeInTheDocument();
  });

  it('loads the next newer page when scrolled near the bottom, until it reaches the latest', async () => {
    const { bridge } = setup({
      'messages:around': () => ({ ok: true, value: around(range(1, 3), uuid(3)) }),
      'messages:newer': (_id, after) => ({ ok: true, value: after === uuid(3) ? newer(range(4, 5), true) : newer(range(6, 7), false) }),
    });
    const log = screen.getByRole('log', { hidden: true });
    const scroll = layOut(log);
    await within(log).findByText('message 3');

    scroll.top = 0;
    await fireEvent.scroll(log);
    expect(calls(bridge, 'messages:newer')).toEqual([]); // at the top, not the bottom

    scroll.top = 100; // 300px of messages, 200px of view: at the bottom
    await fireEvent.scroll(log);
    await within(log).findByText('message 5');
    expect(calls(bridge, 'messages:newer')).toEqual([[CONV.id, uuid(3)]]);
    expect(scroll.top).toBe(100); // added below: nothing moved

    scroll.top = 300;
    await fireEvent.scroll(log);
    await within(log).findByText('message 7');
    expect(calls(bridge, 'messages:newer')).toEqual([
      [CONV.id, uuid(3)],
      [CONV.id, uuid(5)],
    ]);
    expect(texts(log)).toEqual(range(1, 7).map((m) => m.text));
    // At the latest now: no more newer pages, and nothing to jump to.
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Jump to latest' })).not.toBeInTheDocument());
    expect(within(log).queryByRole('button', { name: 'Load newer messages' })).not.toBeInTheDocument();
    await fireEvent.scroll(log);
    expect(calls(bridge, 'messages:newer')).toHaveLength(2);
  });

  it('"Jump to latest" loads the latest page, drops the mark and puts the keyboard on the log', async () => {
    const { bridge } = setup({
      'messages:around': () => ({ ok: true, value: around(range(1, 3), uuid(3)) }),
      'messages:latest': () => ({ ok: true, value: latest(range(8, 9), true) }),
    });
    const user = userEvent.setup();
    const log = screen.getByRole('log', { hidden: true });
    await within(log).findByText('message 3');

    await user.click(screen.getByRole('button', { name: 'Jump to latest' }));
    await within(log).findByText('message 9');
    expect(calls(bridge, 'messages:latest')).toEqual([[CONV.id]]);
    expect(texts(log)).toEqual(['message 8', 'message 9']);
    expect(log.querySelector('[aria-current]')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Jump to latest' })).not.toBeInTheDocument();
    expect(log).toHaveFocus();
  });

  it('away from the latest, applies removals and edits from messages:changed but leaves out what is newer than the loaded run', async () => {
    const { bridge } = setup({ 'messages:around': () => ({ ok: true, value: around(range(1, 3), uuid(3)) }) });
    const log = await screen.findByRole('log', { name: 'Messages' });
    await within(log).findByText('message 3');

    bridge.emit('messages:changed', { conversationId: CONV.id, upserted: [msg(2, { text: 'edited' }), msg(50)], removed: [uuid(1)], cleared: false });
    await waitFor(() => expect(texts(log)).toEqual(['edited', 'message 3']));
    expect(screen.getByRole('button', { name: 'Jump to latest' })).toBeInTheDocument();

    // A clear leaves nothing after: what came with it is the latest.
    bridge.emit('messages:changed', { conversationId: CONV.id, upserted: [msg(60)], removed: [], cleared: true });
    await waitFor(() => expect(texts(log)).toEqual(['message 60']));
    expect(screen.queryByRole('button', { name: 'Jump to latest' })).not.toBeInTheDocument();
  });

  it('replays messages:changed that arrive while the messages around are on their way, within the run only', async () => {
    const reply = deferred<{ ok: true; value: MessagesAround }>();
    const bridge = installBridge({ 'messages:around': () => reply.promise });
    render(ConversationPane, { conversation: CONV, openAt: { messageId: uuid(2), seq: 1 } });
    bridge.emit('messages:changed', { conversationId: CONV.id, upserted: [msg(9)], removed: [uuid(1)], cleared: false });
    reply.resolve({ ok: true, value: around(range(1, 3), uuid(2)) });
    const log = await screen.findByRole('log', { name: 'Messages' });
    await waitFor(() => expect(texts(log)).toEqual(['message 2', 'message 3']));
    expect(within(log).getByText('message 2').closest('li')).toHaveAttribute('aria-current', 'true');
  });

  it('when the message is gone, says so and shows the latest page instead', async () => {
    const { bridge } = setup({
      'messages:around': () => ({
        ok: false,
        error: { code: 'not-found', message: 'That message is no longer on this device (it was cleared, or it disappeared).' },
      }),
      'messages:latest': () => ({ ok: true, value: latest(range(8, 9)) }),
    });
    const user = userEvent.setup();
    expect(await screen.findByRole('alert')).toHaveTextContent('That message is no longer on this device');
    const log = screen.getByRole('log', { name: 'Messages' });
    await within(log).findByText('message 9');
    expect(calls(bridge, 'messages:latest')).toEqual([[CONV.id]]);
    expect(screen.queryByRole('button', { name: 'Jump to latest' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('goes to the message again when the same result is chosen again (a new seq), and only then', async () => {
    const { bridge, rerender } = setup({ 'messages:around': () => ({ ok: true, value: around(range(1, 3), uuid(3)) }) });
    const log = await screen.findByRole('log', { name: 'Messages' });
    await within(log).findByText('message 3');
    // The parent hands new objects on every list change: the same values load nothing.
    await rerender({ conversation: { ...CONV, unread: 1 }, openAt: { messageId: uuid(3), seq: 1 } });
    await rerender({ conversation: CONV, openAt: { messageId: uuid(3), seq: 2 } });
    await waitFor(() => expect(calls(bridge, 'messages:around')).toHaveLength(2));
    await within(log).findByText('message 3');
    expect(within(log).getByText('message 3').closest('li')).toHaveAttribute('aria-current', 'true');
  });

  it('puts a message sent while away from the latest after the latest page', async () => {
    const sent = msg(20, { from: 'a'.repeat(32), fromName: 'Alice', mine: true, text: 'Hello', state: 'pending' });
    const { bridge } = setup({
      'messages:around': () => ({ ok: true, value: around(range(1, 3), uuid(3)) }),
      'messages:latest': () => ({ ok: true, value: latest(range(8, 9)) }),
      'messages:send': () => ({ ok: true, value: sent }),
    });
    const user = userEvent.setup();
    const log = await screen.findByRole('log', { name: 'Messages' });
    await within(log).findByText('message 3');
    await user.type(screen.getByLabelText('Message'), 'Hello{Enter}');
    await within(log).findByText('Hello');
    expect(calls(bridge, 'messages:latest')).toEqual([[CONV.id]]);
    expect(texts(log)).toEqual(['message 8', 'message 9', 'Hello']);
  });
});
