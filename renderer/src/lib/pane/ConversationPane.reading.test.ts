import '@testing-library/jest-dom/vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConversationView, MessagePage, MessagesAround, MessageView } from '../../../../app/ipc/views.js';
import { messageView, uuid } from '../../../test/message-views.js';
import { conversation, installBridge, type Handlers } from '../../../test/fake-bridge.js';
import ConversationPane from './ConversationPane.svelte';
import { forgetDrafts } from './drafts.js';

/** Reading: "Unread messages" on opening, and "Jump to latest" with what arrived while scrolled up. */

const CONV = conversation('a', 'Bob Brown', 1);
const T = new Date(2025, 2, 10, 12).getTime();

/** Message `n`, sent `n` minutes after T. */
const msg = (n: number, over: Partial<MessageView> = {}): MessageView => messageView(CONV.id, n, T + n * 60_000, over);
const mine = (n: number): MessageView => msg(n, { from: 'a'.repeat(32), fromName: 'Alice', mine: true });
const range = (from: number, to: number): MessageView[] => Array.from({ length: to - from + 1 }, (_, i) => msg(from + i));
const latest = (messages: MessageView[], hasOlder = false): MessagePage => ({ conversationId: CONV.id, messages, hasOlder });

function setup(
  messages: MessageView[],
  over: Partial<ConversationView> = {},
  handlers: Handlers = {},
  openAt: { messageId: string; seq: number } | null = null,
) {
  const bridge = installBridge({
    'messages:latest': () => ({ ok: true, value: latest(messages) }),
    'messages:mark-viewed': () => ({ ok: true, value: undefined }),
    ...handlers,
  });
  const result = render(ConversationPane, { conversation: { ...CONV, ...over }, openAt });
  const log = screen.getByRole('log', { hidden: true });
  return { bridge, log, scroll: layOut(log), ...result };
}

/**
 * jsdom has no layout: every message is 100px tall, one under the other, in a log 200px high
 * (what is inside a message, like the divider, is at its top). Returns the log's scrollTop.
 */
function layOut(log: HTMLElement): { top: number } {
  const scroll = { top: 0 };
  const items = (): HTMLElement[] => [...log.querySelectorAll<HTMLElement>('li')];
  Object.defineProperty(log, 'scrollHeight', { configurable: true, get: () => items().length * 100 });
  Object.defineProperty(log, 'clientHeight', { configurable: true, get: () => 200 });
  Object.defineProperty(log, 'scrollTop', { configurable: true, get: () => scroll.top, set: (v: number) => (scroll.top = v) });
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
    const li = this.closest('li');
    const y = li && log.contains(li) ? items().indexOf(li) * 100 - scroll.top : 0;
    return { top: y, bottom: y + 100, left: 0, right: 0, width: 0, height: 100, x: 0, y, toJSON: () => ({}) } as DOMRect;
  });
  return scroll;
}

const divider = (): HTMLElement | null => screen.queryByRole('separator', { name: /Unread messages/ });
const itemOf = (log: HTMLElement, n: number): HTMLElement => within(log).getByText(`message ${n}`).closest('li')!;
const jumpButtons = (): HTMLElement[] => screen.queryAllByRole('button', { name: /^Jump to latest/ });
const arrive = (bridge: ReturnType<typeof installBridge>, messages: MessageView[]): void =>
  bridge.emit('messages:changed', { conversationId: CONV.id, upserted: messages, removed: [], cleared: false });

/** Scrolls the log to `top` as the user would. */
async function scrollTo(log: HTMLElement, scroll: { top: number }, top: number): Promise<void> {
  scroll.top = top;
  await fireEvent.scroll(log);
}

afterEach(() => {
  forgetDrafts();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('ConversationPane: unread messages', () => {
  it('puts "Unread messages" before the first unread message from others and starts there instead of at the bottom', async () => {
    // Two unread: Bob's last two (3 and 5); my own messages in between are never unread.
    const { log, scroll } = setup([msg(1), mine(2), msg(3), mine(4), msg(5)], { unread: 2 });
    await within(log).findByText('message 5');

    const line = divider();
    expect(line).toBeInTheDocument();
    expect(line).toHaveAccessibleName('Unread messages');
    expect(screen.getAllByRole('separator')).toHaveLength(1);
    // Inside the first unread message, above everything else of it.
    expect(line!.closest('li')).toBe(itemOf(log, 3));
    expect(itemOf(log, 3).firstElementChild).toBe(line);
    // Message 3 starts at 200px: the divider near the top of the view, not the bottom (300px).
    await waitFor(() => expect(scroll.top).toBe(188));
    // Scrolled up from the newest: the way down is offered.
    expect(screen.getByRole('button', { name: 'Jump to latest' })).toBeInTheDocument();
  });

  it('shows no divider and starts at the bottom when nothing is unread', async () => {
    const { log, scroll } = setup(range(1, 5), { unread: 0 });
    await within(log).findByText('message 5');
    await waitFor(() => expect(scroll.top).toBe(500));
    expect(divider()).not.toBeInTheDocument();
    expect(jumpButtons()).toHaveLength(0);
  });

  it('keeps the divider where it was as new messages arrive and the count changes', async () => {
    const { bridge, log, rerender } = setup(range(1, 5), { unread: 1 });
    await within(log).findByText('message 5');
    expect(divider()!.closest('li')).toBe(itemOf(log, 5));

    arrive(bridge, [msg(6), msg(7)]);
    await within(log).findByText('message 7');
    // The parent hands the conversation again as the count goes down and up: nothing moves.
    await rerender({ conversation: { ...CONV, unread: 0 } });
    await rerender({ conversation: { ...CONV, unread: 3 } });
    expect(screen.getAllByRole('separator', { name: /Unread messages/ })).toHaveLength(1);
    expect(divider()!.closest('li')).toBe(itemOf(log, 5));
  });

  it('shows no divider when opened at a search result', async () => {
    const around: MessagesAround = { conversationId: CONV.id, anchorId: uuid(3), messages: range(1, 5), hasOlder: false, hasNewer: true };
    const { log } = setup([], { unread: 2 }, { 'messages:around': () => ({ ok: true, value: around }) }, { messageId: uuid(3), seq: 1 });
    await within(log).findByText('message 5');
    expect(divider()).not.toBeInTheDocument();
  });
});

describe('ConversationPane: Jump to latest while scrolled up', () => {
  it('appears when scrolled up, counts the messages from others that arrive, and scrolls down on click', async () => {
    const { bridge, log, scroll } = setup(range(1, 5));
    const user = userEvent.setup();
    await within(log).findByText('message 5');
    await waitFor(() => expect(scroll.top).toBe(500));
    expect(jumpButtons()).toHaveLength(0);

    await scrollTo(log, scroll, 100); // 200px above the bottom: more than the stick distance
    expect(await screen.findByRole('button', { name: 'Jump to latest' })).toBeInTheDocument();

    arrive(bridge, [msg(6), msg(7), mine(8)]);
    await within(log).findByText('message 7');
    const button = await screen.findByRole('button', { name: 'Jump to latest, 2 new' });
    expect(within(button).getByText('2')).toBeVisible();
    expect(scroll.top).toBe(100); // not pulled down while reading above

    arrive(bridge, [msg(7, { text: 'edited' }), msg(9)]); // an edit is not new
    expect(await screen.findByRole('button', { name: 'Jump to latest, 3 new' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Jump to latest, 3 new' }));
    expect(scroll.top).toBe(log.scrollHeight);
    await waitFor(() => expect(jumpButtons()).toHaveLength(0));
    expect(log).toHaveFocus();

    // Scrolled up again: nothing new yet.
    await scrollTo(log, scroll, 0);
    expect(await screen.findByRole('button', { name: 'Jump to latest' })).toBeInTheDocument();
  });

  it('resets and hides once the user scrolls back to the bottom', async () => {
    const { bridge, log, scroll } = setup(range(1, 5));
    await within(log).findByText('message 5');
    await scrollTo(log, scroll, 0);
    arrive(bridge, [msg(6)]);
    expect(await screen.findByRole('button', { name: 'Jump to latest, 1 new' })).toBeInTheDocument();

    await scrollTo(log, scroll, log.scrollHeight - 200 - 40); // within the stick distance
    await waitFor(() => expect(jumpButtons()).toHaveLength(0));

    await scrollTo(log, scroll, 0);
    expect(await screen.findByRole('button', { name: 'Jump to latest' })).toBeInTheDocument();
  });

  it('scrolls smoothly, or at once when motion is reduced', async () => {
    for (const reduce of [false, true]) {
      vi.stubGlobal('matchMedia', (query: string) => ({ matches: reduce && query.includes('reduce'), media: query }));
      const { log, scroll, unmount } = setup(range(1, 5));
      const scrollToSpy = vi.fn();
      Object.defineProperty(log, 'scrollTo', { configurable: true, value: scrollToSpy });
      await within(log).findByText('message 5');
      await scrollTo(log, scroll, 0);
      await userEvent.setup().click(await screen.findByRole('button', { name: 'Jump to latest' }));
      expect(scrollToSpy).toHaveBeenCalledWith({ top: 500, behavior: reduce ? 'auto' : 'smooth' });
      unmount();
      vi.restoreAllMocks();
    }
  });

  it('stays one button, counting nothing, when opened at a search result', async () => {
    const around: MessagesAround = { conversationId: CONV.id, anchorId: uuid(3), messages: range(1, 5), hasOlder: false, hasNewer: true };
    const { bridge, log, scroll } = setup([], {}, { 'messages:around': () => ({ ok: true, value: around }) }, { messageId: uuid(3), seq: 1 });
    await within(log).findByText('message 5');
    expect(jumpButtons()).toHaveLength(1);

    await scrollTo(log, scroll, 0);
    arrive(bridge, [msg(4, { text: 'edited' })]);
    await within(log).findByText('edited');
    expect(jumpButtons()).toHaveLength(1);
    expect(jumpButtons()[0]).toHaveAccessibleName('Jump to latest');
  });
});
