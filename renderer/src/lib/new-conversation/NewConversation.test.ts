import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { describe, expect, it, vi } from 'vitest';
import type { Reply } from '../../../../app/ipc/contract.js';
import type { FriendView } from '../../../../app/ipc/views.js';
import { conversationView } from '../../../../test/support/core/views.js';
import { deferred, installBridge, type Handlers } from '../../../test/fake-bridge.js';
import NewConversationButton from './NewConversationButton.svelte';

const friend = (c: string, name: string, availability: string): FriendView => ({ userid: c.repeat(32), name, availability });
const BOB = friend('b', 'Bob Brown', 'away');
const CAROL = friend('c', 'Carol Clark', 'available');
const ELOISE = friend('e', 'Éloïse Martin', 'offline');
const DAVE = friend('d', 'Dave Doe', 'available');
const FRIENDS = [BOB, CAROL, ELOISE, DAVE];

function setup(handlers: Handlers = {}, friends = FRIENDS) {
  const bridge = installBridge(handlers);
  const onopen = vi.fn();
  render(NewConversationButton, { friends, onopen });
  return { bridge, onopen, user: userEvent.setup() };
}

const openButton = (): HTMLElement => screen.getByRole('button', { name: 'New conversation' });
const dialog = (): HTMLElement => screen.getByRole('dialog', { name: 'New conversation' });
const names = (): string[] =>
  within(dialog())
    .getAllByRole('checkbox')
    .map((box) => box.closest('label')!.textContent!.trim());

async function open(user: ReturnType<typeof userEvent.setup>): Promise<HTMLElement> {
  await user.click(openButton());
  return dialog();
}

describe('New conversation', () => {
  it('opens with focus in the filter box, friends available first and by name, and Escape cancels', async () => {
    const { user, bridge } = setup();
    const box = await open(user);
    expect(within(box).getByRole('searchbox', { name: 'Filter friends' })).toHaveFocus();
    expect(names()).toEqual(['Carol Clark', 'Dave Doe', 'Bob Brown', 'Éloïse Martin']);
    expect(within(box).getByRole('checkbox', { name: 'Bob Brown' })).toHaveAccessibleDescription('Away');
    expect(within(box).getByRole('button', { name: 'Open conversation' })).toBeDisabled();

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(openButton()).toHaveFocus();
    expect(bridge.calls).toEqual([]);
  });

  it('has no serious or critical accessibility findings with a group being named (axe-core)', async () => {
    const { user } = setup();
    const box = await open(user);
    await user.click(within(box).getByRole('checkbox', { name: 'Bob Brown' }));
    await user.click(within(box).getByRole('checkbox', { name: 'Carol Clark' }));
    // jsdom lays nothing out, so colour contrast is the end-to-end suite's to check.
    const { violations } = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  });

  it('filters by name ignoring case and accents, and keeps picks the filter hides', async () => {
    const { user } = setup();
    const box = await open(user);
    const filter = within(box).getByRole('searchbox', { name: 'Filter friends' });
    await user.click(within(box).getByRole('checkbox', { name: 'Bob Brown' }));

    await user.type(filter, 'ELO');
    expect(names()).toEqual(['Éloïse Martin']);
    await user.clear(filter);
    await user.type(filter, 'zz');
    expect(within(box).queryAllByRole('checkbox')).toEqual([]);
    expect(within(box).getByText(/No friend’s name contains/)).toBeInTheDocument();

    await user.clear(filter);
    expect(within(box).getByRole('checkbox', { name: 'Bob Brown' })).toBeChecked();
  });

  it('with one friend picked, opens the conversation with them and closes', async () => {
    const view = conversationView(1, { name: 'Bob Brown' });
    const { user, bridge, onopen } = setup({ 'conversation:start': () => ({ ok: true, value: view }) });
    const box = await open(user);
    await user.click(within(box).getByRole('checkbox', { name: 'Bob Brown' }));
    expect(within(box).queryByRole('textbox', { name: 'Group name' })).not.toBeInTheDocument();
    await user.click(within(box).getByRole('button', { name: 'Open conversation' }));

    await waitFor(() => expect(onopen).toHaveBeenCalledWith(view));
    expect(bridge.calls).toEqual([{ channel: 'conversation:start', args: [BOB.userid] }]);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('with two or more picked, wants a group name and creates the group with it (Enter submits)', async () => {
    const view = conversationView(2, { name: 'Book club', isGroup: true, pending: true });
    const { user, bridge, onopen } = setup({ 'conversation:create-group': () => ({ ok: true, value: view }) });
    const box = await open(user);
    await user.click(within(box).getByRole('checkbox', { name: 'Bob Brown' }));
    await user.click(within(box).getByRole('checkbox', { name: 'Carol Clark' }));
    const name = within(box).getByRole('textbox', { name: 'Group name' });
    expect(name).toBeRequired();
    expect(name).toHaveAttribute('placeholder');

    await user.click(within(box).getByRole('button', { name: 'Create group' }));
    expect(within(box).getByRole('alert')).toHaveTextContent('Give the group a name.');
    expect(name).toHaveFocus();
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(bridge.calls).toEqual([]);

    await user.type(name, '  Book club {Enter}');
    await waitFor(() => expect(onopen).toHaveBeenCalledWith(view));
    expect(bridge.calls).toEqual([{ channel: 'conversation:create-group', args: [{ name: 'Book club', memberIds: [BOB.userid, CAROL.userid] }] }]);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('shows progress while the group is being created, and a refusal with the picks and the name kept', async () => {
    const reply = deferred<Reply<'conversation:create-group'>>();
    const { user, onopen } = setup({ 'conversation:create-group': () => reply.promise });
    const box = await open(user);
    await user.click(within(box).getByRole('checkbox', { name: 'Carol Clark' }));
    await user.click(within(box).getByRole('checkbox', { name: 'Dave Doe' }));
    await user.type(within(box).getByRole('textbox', { name: 'Group name' }), 'Weekend');
    await user.click(within(box).getByRole('button', { name: 'Create group' }));

    const busy = within(box).getByRole('button', { name: 'Creating…' });
    expect(busy).toBeDisabled();
    reply.resolve({ ok: false, error: { code: 'invalid-argument', message: 'A group has at most 50 other members.' } });

    expect(await within(box).findByRole('alert')).toHaveTextContent('A group has at most 50 other members.');
    expect(within(box).getByRole('button', { name: 'Create group' })).toBeEnabled();
    expect(within(box).getByRole('checkbox', { name: 'Carol Clark' })).toBeChecked();
    expect(within(box).getByRole('checkbox', { name: 'Dave Doe' })).toBeChecked();
    expect(within(box).getByRole('textbox', { name: 'Group name' })).toHaveValue('Weekend');
    expect(onopen).not.toHaveBeenCalled();
    expect(dialog()).toBeInTheDocument();
  });

  it('explains an empty friends list', async () => {
    const { user } = setup({}, []);
    const box = await open(user);
    expect(within(box).getByText(/Your friends list is empty/)).toBeInTheDocument();
    await user.click(within(box).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(openButton()).toHaveFocus();
  });

  it('keeps the friends current from friends:changed', async () => {
    const { user, bridge } = setup();
    bridge.emit('friends:changed', { friends: [friend('f', 'Frank Fox', 'busy')] });
    await open(user);
    expect(names()).toEqual(['Frank Fox']);
  });
});
