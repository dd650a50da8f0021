import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { describe, expect, it } from 'vitest';
import type { ConversationView, FriendView } from '../../../../app/ipc/views.js';
import { conversationView } from '../../../../test/support/core/views.js';
import { installBridge, type Handlers } from '../../../test/fake-bridge.js';
import { BOB_ID, ME_ID } from '../../../test/message-views.js';
import ConversationPane from './ConversationPane.svelte';

const CAROL_ID = 'c'.repeat(32);
const EVE_ID = 'e'.repeat(32);
const FRIENDS: FriendView[] = [
  { userid: BOB_ID, name: 'Bob Brown', availability: 'away' },
  { userid: CAROL_ID, name: 'Carol Clark', availability: 'available' },
];
const ONE_TO_ONE = conversationView(1, {
  name: 'Bob Brown',
  participants: [
    { userid: ME_ID, name: 'Alice' },
    { userid: BOB_ID, name: 'Bob Brown' },
  ],
});
const GROUP = conversationView(2, {
  name: 'Book club',
  isGroup: true,
  participants: [
    { userid: ME_ID, name: 'Alice' },
    { userid: BOB_ID, name: 'Bob Brown' },
    { userid: CAROL_ID, name: 'Carol Clark' },
    { userid: EVE_ID, name: 'Eve Evans' },
  ],
});

const ok = () => ({ ok: true as const, value: undefined });

function setup(conversation: ConversationView, more: Handlers = {}) {
  const bridge = installBridge({
    'messages:latest': () => ({ ok: true, value: { conversationId: conversation.id, messages: [], hasOlder: false } }),
    'messages:mark-viewed': ok,
    ...more,
  });
  const result = render(ConversationPane, { conversation, friends: FRIENDS, me: ME_ID });
  const intents = () => bridge.calls.filter((c) => c.channel.startsWith('conversation:'));
  return { bridge, intents, user: userEvent.setup(), ...result };
}

const header = (): HTMLElement => screen.getByRole('heading', { level: 2 }).closest('header')!;
const detailsButton = (): HTMLElement => screen.getByRole('button', { name: 'Conversation details' });
const panel = (): HTMLElement => screen.getByRole('complementary', { name: 'Conversation details' });

async function openDetails(user: ReturnType<typeof userEvent.setup>): Promise<HTMLElement> {
  await user.click(detailsButton());
  return panel();
}

describe('ConversationPane header', () => {
  it('shows the other person’s presence under the name of a 1:1', () => {
    setup(ONE_TO_ONE);
    expect(screen.getByRole('heading', { level: 2, name: 'Bob Brown' })).toBeInTheDocument();
    expect(within(header()).getByText('Away')).toBeInTheDocument();
    expect(within(header()).queryByText(/Disappearing messages/)).not.toBeInTheDocument();
  });

  it('shows the number of members of a group instead', () => {
    setup(GROUP);
    expect(within(header()).getByText('4 members')).toBeInTheDocument();
    expect(within(header()).queryByText('Away')).not.toBeInTheDocument();
  });

  it('shows the disappearing-message timer when it is set, and follows the conversation', async () => {
    const { rerender } = setup({ ...ONE_TO_ONE, timer: 3600 });
    expect(within(header()).getByText('Disappearing messages: 1 hour')).toBeInTheDocument();
    await rerender({ conversation: { ...ONE_TO_ONE, timer: 604_800 } });
    expect(within(header()).getByText('Disappearing messages: 1 week')).toBeInTheDocument();
  });

  it('keeps the presence current from friends:changed', async () => {
    const { bridge } = setup(ONE_TO_ONE);
    bridge.emit('friends:changed', { friends: [{ userid: BOB_ID, name: 'Bob Brown', availability: 'busy' }] });
    await waitFor(() => expect(within(header()).getByText('Busy')).toBeInTheDocument());
  });
});

describe('Conversation details', () => {
  it('opens beside the messages with focus inside, and Escape or Close closes it and gives focus back', async () => {
    const { user } = setup(GROUP);
    expect(detailsButton()).toHaveAttribute('aria-expanded', 'false');

    const details = await openDetails(user);
    expect(detailsButton()).toHaveAttribute('aria-expanded', 'true');
    expect(detailsButton()).toHaveAttribute('aria-controls', details.id);
    expect(details).toContainElement(document.activeElement as HTMLElement);
    // Not modal: the messages are still there to read.
    expect(screen.getByRole('log', { name: 'Messages' })).toBeInTheDocument();

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('complementary', { name: 'Conversation details' })).not.toBeInTheDocument();
    expect(detailsButton()).toHaveFocus();
    expect(detailsButton()).toHaveAttribute('aria-expanded', 'false');

    await openDetails(user);
    await user.click(within(panel()).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('complementary', { name: 'Conversation details' })).not.toBeInTheDocument();
    expect(detailsButton()).toHaveFocus();
  });

  it('has no serious or critical accessibility findings with the panel open (axe-core)', async () => {
    const { user } = setup(GROUP);
    await openDetails(user);
    // jsdom lays nothing out, so colour contrast is the end-to-end suite's to check.
    const { violations } = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  });

  it('lists me as "You" first, then friends available first, then people whose presence is not shared', async () => {
    const { user } = setup(GROUP);
    const details = await openDetails(user);
    const items = within(details).getAllByRole('listitem');
    expect(items.map((li) => li.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'You',
      'Carol Clark Available',
      'Bob Brown Away',
      'Eve Evans Presence not shared',
    ]);
  });

  it('asks for the favourite, mute and timer states the user picks', async () => {
    const { user, intents } = setup(
      { ...ONE_TO_ONE, muted: true },
      { 'conversation:set-favorite': ok, 'conversation:set-muted': ok, 'conversation:set-timer': ok },
    );
    const details = await openDetails(user);
    const favorite = within(details).getByRole('switch', { name: 'Favorite' });
    const mute = within(details).getByRole('switch', { name: 'Mute' });
    expect(favorite).not.toBeChecked();
    expect(mute).toBeChecked();

    await user.click(favorite);
    await user.click(mute);
    await user.selectOptions(within(details).getByRole('combobox', { name: 'Disappearing messages' }), '1 day');
    await waitFor(() =>
      expect(intents()).toEqual([
        { channel: 'conversation:set-favorite', args: [ONE_TO_ONE.id, true] },
        { channel: 'conversation:set-muted', args: [ONE_TO_ONE.id, false] },
        { channel: 'conversation:set-timer', args: [ONE_TO_ONE.id, 86_400] },
      ]),
    );
  });

  it('shows what the conversation has, as conversations:changed brings it through the parent', async () => {
    const { user, rerender } = setup(ONE_TO_ONE);
    const details = await openDetails(user);
    await rerender({ conversation: { ...ONE_TO_ONE, favorite: true, timer: 60 } });
    expect(within(details).getByRole('switch', { name: 'Favorite' })).toBeChecked();
    expect(within(details).getByRole('combobox', { name: 'Disappearing messages' })).toHaveDisplayValue('1 minute');
  });

  it('changes the list colour with the colour picker', async () => {
    const { user, intents } = setup(ONE_TO_ONE, { 'conversation:set-color': ok });
    const details = await openDetails(user);
    const colorButton = within(details).getByRole('button', { name: 'List color White' });
    await user.click(colorButton);
    const picker = screen.getByRole('dialog', { name: 'Change color of Bob Brown' });
    await user.click(within(picker).getByRole('button', { name: 'Light blue' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(colorButton).toHaveFocus();
    await waitFor(() => expect(intents()).toEqual([{ channel: 'conversation:set-color', args: [ONE_TO_ONE.id, '#cfe2ff'] }]));
  });

  it('clears the history only once the user confirms', async () => {
    const { user, intents } = setup(ONE_TO_ONE, { 'conversation:clear': ok });
    const details = await openDetails(user);
    const clear = within(details).getByRole('button', { name: 'Clear history' });

    await user.click(clear);
    let confirm = screen.getByRole('dialog', { name: 'Clear history of Bob Brown?' });
    expect(within(confirm).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(intents()).toEqual([]);
    expect(clear).toHaveFocus();

    await user.click(clear);
    confirm = screen.getByRole('dialog', { name: 'Clear history of Bob Brown?' });
    await user.click(within(confirm).getByRole('button', { name: 'Clear history' }));
    await waitFor(() => expect(intents()).toEqual([{ channel: 'conversation:clear', args: [ONE_TO_ONE.id] }]));
    expect(await within(details).findByRole('status')).toHaveTextContent('History cleared.');
  });

  it('says why a change was refused and shows the state the conversation still has', async () => {
    const { user } = setup(ONE_TO_ONE, {
      'conversation:set-favorite': () => ({ ok: false, error: { code: 'not-signed-in', message: 'Sign in again to change this.' } }),
    });
    const details = await openDetails(user);
    const favorite = within(details).getByRole('switch', { name: 'Favorite' });
    await user.click(favorite);
    expect(await within(details).findByRole('alert')).toHaveTextContent('Sign in again to change this.');
    expect(favorite).not.toBeChecked();
  });
});
