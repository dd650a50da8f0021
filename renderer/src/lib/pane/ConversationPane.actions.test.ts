import '@testing-library/jest-dom/vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MessagesAround, MessageView } from '../../../../app/ipc/views.js';
import { conversation, installBridge, type Handlers } from '../../../test/fake-bridge.js';
import { ME_ID, messageView, uuid } from '../../../test/message-views.js';
import ConversationPane from './ConversationPane.svelte';
import { forgetDrafts, keepDraft } from './drafts.js';

/** Replies, reactions, edits, deletes and links, as the pane shows and sends them. */

const CONV = conversation('a', 'Bob Brown', 1);
const T = new Date(2025, 2, 10, 12).getTime();

const msg = (n: number, over: Partial<MessageView> = {}): MessageView => messageView(CONV.id, n, T + n * 60_000, over);
const mine = (n: number, over: Partial<MessageView> = {}): MessageView => msg(n, { from: ME_ID, fromName: 'Alice', mine: true, ...over });
const ok = { ok: true as const, value: undefined };

function setup(messages: MessageView[], handlers: Handlers = {}) {
  const bridge = installBridge({
    'messages:latest': () => ({ ok: true, value: { conversationId: CONV.id, messages, hasOlder: false } }),
    'messages:mark-viewed': () => ok,
    ...handlers,
  });
  render(ConversationPane, { conversation: CONV });
  return { bridge, user: userEvent.setup() };
}

const calls = (bridge: { calls: { channel: string; args: unknown[] }[] }, channel: string) =>
  bridge.calls.filter((c) => c.channel === channel).map((c) => c.args);

/** The log's item holding `text`. */
async function item(text: string): Promise<HTMLElement> {
  return (await screen.findByText(text)).closest('li') as HTMLElement;
}

async function openMenu(user: ReturnType<typeof userEvent.setup>, text: string): Promise<HTMLElement> {
  await user.click(within(await item(text)).getByRole('button', { name: 'Message actions' }));
  return screen.getByRole('menu');
}

const menuItems = (menu: HTMLElement): string[] =>
  within(menu)
    .getAllByRole('menuitem')
    .map((el) => el.textContent?.trim() ?? '');

afterEach(() => {
  forgetDrafts();
  vi.restoreAllMocks();
});

describe('how messages show', () => {
  it('says a deleted message was deleted, without its quote, reactions or actions', async () => {
    const quote = { id: uuid(1), fromName: 'Bob Brown', mine: false, excerpt: 'old', present: true };
    const reactions = [{ emoji: '👍', count: 1, mine: false, names: ['Bob Brown'] }];
    setup([mine(2, { text: null, deleted: true, replyTo: quote, reactions })]);
    const li = await item('This message was deleted');
    expect(within(li).queryByRole('button')).toBeNull();
    expect(within(li).queryByText('old')).toBeNull();
  });

  it('marks an edited message "edited", with the time of the edit as its title', async () => {
    setup([msg(1, { text: 'changed', editedAt: T + 5 * 60_000 }), msg(2, { text: 'as sent' })]);
    const edited = within(await item('changed')).getByText('edited');
    expect(edited.getAttribute('title')).toMatch(/^Edited /);
    expect(within(await item('as sent')).queryByText('edited')).toBeNull();
  });

  it('makes web addresses links that open apart from the app, and never a javascript: address', async () => {
    setup([msg(1, { text: 'see https://example.com/x. or javascript:alert(1) <img src=x onerror=alert(1)>' })]);
    const li = await item('https://example.com/x');
    const links = within(li).getAllByRole('link');
    expect(links).toHaveLength(1);
    expect(links[0]).toHaveAttribute('href', 'https://example.com/x');
    expect(links[0]).toHaveAttribute('target', '_blank');
    expect(links[0]).toHaveAttribute('rel', 'noopener noreferrer');
    expect(li.querySelector('.text')?.textContent).toBe('see https://example.com/x. or javascript:alert(1) <img src=x onerror=alert(1)>');
    expect(li.querySelector('img')).toBeNull();
  });

  it('quotes the answered message, and its button shows that message', async () => {
    const quote = { id: uuid(1), fromName: 'Bob Brown', mine: false, excerpt: 'the question', present: true };
    const { user } = setup([msg(1, { text: 'the question' }), mine(2, { text: 'the answer', replyTo: quote })]);
    const show = within(await item('the answer')).getByRole('button', { name: 'Show the message from Bob Brown: the question' });
    await user.click(show);
    await waitFor(() => expect(screen.getByText('the question', { selector: '.text' }).closest('li')).toHaveAttribute('aria-current', 'true'));
  });

  it('opens the quoted message around it when it is not loaded', async () => {
    const quote = { id: uuid(1), fromName: 'Bob Brown', mine: false, excerpt: 'far back', present: true };
    const around: MessagesAround = { conversationId: CONV.id, anchorId: uuid(1), messages: [msg(1, { text: 'far back' })], hasOlder: true, hasNewer: true };
    const { bridge, user } = setup([mine(2, { text: 'the answer', replyTo: quote })], { 'messages:around': () => ({ ok: true, value: around }) });
    await user.click(within(await item('the answer')).getByRole('button', { name: /^Show the message from Bob Brown/ }));
    await waitFor(() => expect(screen.getByText('far back', { selector: '.text' }).closest('li')).toHaveAttribute('aria-current', 'true'));
    expect(calls(bridge, 'messages:around')).toEqual([[CONV.id, uuid(1)]]);
  });

  it('quotes a deleted message as deleted and one not on this device as text only', async () => {
    const gone = { id: uuid(1), fromName: 'Bob Brown', mine: false, excerpt: null, present: true };
    const absent = { id: uuid(9), fromName: 'Bob Brown', mine: true, excerpt: 'long ago', present: false };
    setup([msg(2, { text: 'first', replyTo: gone }), msg(3, { text: 'second', replyTo: absent })]);
    expect(within(await item('first')).getByRole('button', { name: 'Show the message from Bob Brown: This message was deleted' })).toBeInTheDocument();
    const second = await item('second');
    expect(within(second).getByText('You')).toBeInTheDocument();
    expect(within(second).getByText('long ago')).toBeInTheDocument();
    expect(within(second).queryByRole('button', { name: /^Show/ })).toBeNull();
  });
});

describe('reactions', () => {
  it('shows a chip per emoji, pressed when the user gave it, and asks for the other state on click', async () => {
    const reactions = [
      { emoji: '👍', count: 2, mine: true, names: ['You', 'Bob Brown'] },
      { emoji: '🎉', count: 1, mine: false, names: ['Bob Brown'] },
    ];
    const { bridge, user } = setup([msg(1, { text: 'news', reactions })], { 'messages:react': () => ok });
    const li = await item('news');
    const thumbs = within(li).getByRole('button', { name: '👍 2: You, Bob Brown' });
    const party = within(li).getByRole('button', { name: '🎉 1: Bob Brown' });
    expect(thumbs).toHaveAttribute('aria-pressed', 'true');
    expect(party).toHaveAttribute('aria-pressed', 'false');
    await user.click(thumbs);
    await user.click(party);
    expect(calls(bridge, 'messages:react')).toEqual([
      [CONV.id, uuid(1), '👍', false],
      [CONV.id, uuid(1), '🎉', true],
    ]);
  });

  it('reacts from the picker that "React" opens, with the arrow keys and Enter', async () => {
    const { bridge, user } = setup([msg(1, { text: 'news' })], { 'messages:react': () => ok });
    await user.click(within(await openMenu(user, 'news')).getByRole('menuitem', { name: 'React' }));
    const grid = screen.getByRole('grid', { name: 'React to the message from Bob Brown' });
    expect(within(grid).getByRole('button', { name: 'thumbs up' })).toHaveFocus();
    await user.keyboard('{ArrowRight}');
    expect(within(grid).getByRole('button', { name: 'red heart' })).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(calls(bridge, 'messages:react')).toEqual([[CONV.id, uuid(1), '❤️', true]]);
    expect(screen.queryByRole('grid')).toBeNull();
    expect(within(await item('news')).getByRole('button', { name: 'Message actions' })).toHaveFocus();
  });

  it('takes back a reaction the user already gave when it is picked again', async () => {
    const reactions = [{ emoji: '👍', count: 1, mine: true, names: ['You'] }];
    const { bridge, user } = setup([msg(1, { text: 'news', reactions })], { 'messages:react': () => ok });
    await user.click(within(await openMenu(user, 'news')).getByRole('menuitem', { name: 'React' }));
    const thumbs = screen.getByRole('button', { name: 'thumbs up' });
    expect(thumbs).toHaveAttribute('aria-pressed', 'true');
    await user.click(thumbs);
    expect(calls(bridge, 'messages:react')).toEqual([[CONV.id, uuid(1), '👍', false]]);
  });

  it('closes the picker with Escape, giving focus back to "Message actions"', async () => {
    const { user } = setup([msg(1, { text: 'news' })]);
    await user.click(within(await openMenu(user, 'news')).getByRole('menuitem', { name: 'React' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('grid')).toBeNull();
    expect(within(await item('news')).getByRole('button', { name: 'Message actions' })).toHaveFocus();
  });

  it('says why a reaction did not go through', async () => {
    const reactions = [{ emoji: '👍', count: 1, mine: false, names: ['Bob Brown'] }];
    const { user } = setup([msg(1, { text: 'news', reactions })], {
      'messages:react': () => ({ ok: false, error: { code: 'network', message: 'Not connected.' } }),
    });
    await user.click(within(await item('news')).getByRole('button', { name: '👍 1: Bob Brown' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Not connected.');
  });
});

describe('"Message actions"', () => {
  it('offers Reply and React on others’ messages, and Edit and Delete on one’s own too', async () => {
    const { user } = setup([msg(1, { text: 'theirs' }), mine(2, { text: 'ours' })]);
    expect(menuItems(await openMenu(user, 'theirs'))).toEqual(['Reply', 'React']);
    await user.keyboard('{Escape}');
    expect(menuItems(await openMenu(user, 'ours'))).toEqual(['Reply', 'React', 'Edit', 'Delete']);
  });

  it('has none on a message that cannot be decrypted', async () => {
    setup([msg(1, { text: null })]);
    expect(within(await item('This message could not be decrypted.')).queryByRole('button', { name: 'Message actions' })).toBeNull();
  });

  it('moves through the menu with the arrow keys and closes with Escape, focus back on the button', async () => {
    const { user } = setup([mine(1, { text: 'ours' })]);
    const menu = await openMenu(user, 'ours');
    expect(within(menu).getByRole('menuitem', { name: 'Reply' })).toHaveFocus();
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(within(menu).getByRole('menuitem', { name: 'Edit' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).toBeNull();
    expect(within(await item('ours')).getByRole('button', { name: 'Message actions' })).toHaveFocus();
  });

  it('opens on a right-click of the message', async () => {
    const { user } = setup([msg(1, { text: 'theirs' })]);
    await user.pointer({ keys: '[MouseRight]', target: await screen.findByText('theirs') });
    expect(menuItems(screen.getByRole('menu'))).toEqual(['Reply', 'React']);
  });

  it('opens with Shift+F10 from a control inside the message', async () => {
    const quote = { id: uuid(1), fromName: 'Bob Brown', mine: false, excerpt: 'q', present: true };
    const { user } = setup([msg(1, { text: 'q' }), mine(2, { text: 'ours', replyTo: quote })]);
    within(await item('ours'))
      .getByRole('button', { name: /^Show the message/ })
      .focus();
    await user.keyboard('{Shift>}{F10}{/Shift}');
    expect(menuItems(screen.getByRole('menu'))).toEqual(['Reply', 'React', 'Edit', 'Delete']);
  });

  it('asks before deleting, and deletes for everyone only after "Delete"', async () => {
    const { bridge, user } = setup([mine(1, { text: 'oops' })], { 'messages:delete': () => ok });
    await user.click(within(await openMenu(user, 'oops')).getByRole('menuitem', { name: 'Delete' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete this message for everyone?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls(bridge, 'messages:delete')).toEqual([]);

    await user.click(within(await openMenu(user, 'oops')).getByRole('menuitem', { name: 'Delete' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls(bridge, 'messages:delete')).toEqual([[CONV.id, uuid(1)]]);
  });
});

describe('the composer', () => {
  it('replies: shows whom it answers, sends with { replyTo }, and leaves reply mode', async () => {
    const sent = mine(5, { text: 'sure', state: 'pending' });
    const { bridge, user } = setup([msg(1, { text: 'lunch?' })], { 'messages:send': () => ({ ok: true, value: sent }) });
    await user.click(within(await openMenu(user, 'lunch?')).getByRole('menuitem', { name: 'Reply' }));
    const field = screen.getByLabelText('Message');
    await waitFor(() => expect(field).toHaveFocus());
    expect(screen.getByText('Replying to Bob Brown:')).toBeInTheDocument();
    expect(field).toHaveAccessibleDescription(/Replying to Bob Brown: lunch\?/);
    await user.type(field, 'sure{Enter}');
    expect(calls(bridge, 'messages:send')).toEqual([[CONV.id, 'sure', { replyTo: uuid(1) }]]);
    await waitFor(() => expect(screen.queryByText('Replying to Bob Brown:')).toBeNull());
  });

  it('cancels a reply with Escape or "Cancel reply", and then sends without one', async () => {
    const { bridge, user } = setup([msg(1, { text: 'lunch?' })], { 'messages:send': (_c, text) => ({ ok: true, value: mine(6, { text }) }) });
    await user.click(within(await openMenu(user, 'lunch?')).getByRole('menuitem', { name: 'Reply' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByText('Replying to Bob Brown:')).toBeNull();
    await user.click(within(await openMenu(user, 'lunch?')).getByRole('menuitem', { name: 'Reply' }));
    await user.click(screen.getByRole('button', { name: 'Cancel reply' }));
    expect(screen.queryByText('Replying to Bob Brown:')).toBeNull();
    await user.type(screen.getByLabelText('Message'), 'plain{Enter}');
    expect(calls(bridge, 'messages:send')).toEqual([[CONV.id, 'plain']]);
  });

  it('edits the user’s newest message with the Up arrow in the empty field, saves with Enter and brings the draft back', async () => {
    const { bridge, user } = setup([mine(1, { text: 'older' }), mine(2, { text: 'newest' }), msg(3, { text: 'from Bob' })], { 'messages:edit': () => ok });
    const field = screen.getByLabelText('Message');
    await screen.findByText('newest');
    await user.click(field);
    await user.keyboard('{ArrowUp}');
    const editingField = screen.getByLabelText('New text of the message');
    expect(editingField).toHaveValue('newest');
    expect(screen.getByText('Editing message')).toBeInTheDocument();
    await user.clear(editingField);
    await user.type(editingField, 'newest, fixed{Enter}');
    expect(calls(bridge, 'messages:edit')).toEqual([[CONV.id, uuid(2), 'newest, fixed']]);
    await waitFor(() => expect(screen.queryByText('Editing message')).toBeNull());
    expect(screen.getByLabelText('Message')).toHaveValue('');
  });

  it('edits from the menu, keeping the draft aside until "Cancel edit"', async () => {
    keepDraft(CONV.id, 'half a thought');
    const { bridge, user } = setup([mine(1, { text: 'ours' })]);
    await user.click(within(await openMenu(user, 'ours')).getByRole('menuitem', { name: 'Edit' }));
    await waitFor(() => expect(screen.getByLabelText('New text of the message')).toHaveValue('ours'));
    await user.click(screen.getByRole('button', { name: 'Cancel edit' }));
    expect(screen.getByLabelText('Message')).toHaveValue('half a thought');
    expect(calls(bridge, 'messages:edit')).toEqual([]);
  });

  it('does not edit with the Up arrow when the field has text', async () => {
    const { user } = setup([mine(1, { text: 'ours' })]);
    await screen.findByText('ours');
    await user.type(screen.getByLabelText('Message'), 'typing{ArrowUp}');
    expect(screen.queryByText('Editing message')).toBeNull();
  });

  it('stays in edit mode and says why when the edit fails', async () => {
    const { user } = setup([mine(1, { text: 'ours' })], { 'messages:edit': () => ({ ok: false, error: { code: 'network', message: 'Not connected.' } }) });
    await screen.findByText('ours');
    await user.click(screen.getByLabelText('Message'));
    await user.keyboard('{ArrowUp}!{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('Not connected.');
    expect(screen.getByLabelText('New text of the message')).toHaveValue('ours!');
  });
});
