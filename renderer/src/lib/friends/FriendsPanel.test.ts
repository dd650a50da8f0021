import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { FriendView } from '../../../../app/ipc/views.js';
import { conversation, deferred, installBridge } from '../../../test/fake-bridge.js';
import FriendsPanel from './FriendsPanel.svelte';
import { presenceLabel } from './presence.js';

const friend = (c: string, name: string, availability: string): FriendView => ({ userid: c.repeat(32), name, availability });
const FRIENDS = [
  friend('e', 'Eve Evans', 'offline'),
  friend('d', 'Dave Doe', 'busy'),
  friend('b', 'Bob Brown', 'available'),
  friend('c', 'Carol Clark', 'away'),
];

const names = (): string[] =>
  within(screen.getByRole('list', { name: 'Friends' }))
    .getAllByRole('listitem')
    .map((li) => li.querySelector('.name')!.textContent!);
const control = (): HTMLSelectElement => screen.getByRole('combobox', { name: 'Availability' });

function item(name: string): HTMLElement {
  return within(screen.getByRole('list', { name: 'Friends' }))
    .getByText(name)
    .closest('li')!;
}

describe('FriendsPanel', () => {
  it('lists each friend with presence as text and as a labelled dot', () => {
    installBridge();
    render(FriendsPanel, { friends: FRIENDS, availability: 'available', onopen: vi.fn() });
    const list = screen.getByRole('list', { name: 'Friends' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(4);
    for (const [name, label] of [
      ['Bob Brown', 'Available'],
      ['Carol Clark', 'Away'],
      ['Dave Doe', 'Busy'],
      ['Eve Evans', 'Offline'],
    ] as const) {
      expect(within(item(name)).getByRole('img', { name: label })).toBeInTheDocument();
      expect(within(item(name)).getByText(label)).toBeInTheDocument();
      expect(within(item(name)).getByRole('button', { name: `Message ${name}` })).toHaveTextContent('Message');
    }
  });

  it('keeps the list current from friends:changed', async () => {
    const bridge = installBridge();
    render(FriendsPanel, { friends: FRIENDS, availability: 'available', onopen: vi.fn() });
    bridge.emit('friends:changed', { friends: [friend('b', 'Bob Brown', 'busy'), friend('f', 'Frank Fox', 'available')] });
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'Friends' })).getAllByRole('listitem')).toHaveLength(2));
    expect(within(item('Bob Brown')).getByRole('img', { name: 'Busy' })).toBeInTheDocument();
    expect(within(item('Frank Fox')).getByRole('img', { name: 'Available' })).toBeInTheDocument();
    expect(screen.queryByText('Carol Clark')).not.toBeInTheDocument();
  });

  it('"Message" starts the conversation and hands it to onopen', async () => {
    const started = conversation('b', 'Bob Brown', 0);
    const bridge = installBridge({ 'conversation:start': () => ({ ok: true, value: started }) });
    const onopen = vi.fn();
    const user = userEvent.setup();
    render(FriendsPanel, { friends: FRIENDS, availability: 'available', onopen });
    await user.click(screen.getByRole('button', { name: 'Message Bob Brown' }));
    expect(bridge.calls).toEqual([{ channel: 'conversation:start', args: ['b'.repeat(32)] }]);
    await waitFor(() => expect(onopen).toHaveBeenCalledWith(started));
  });

  it('shows why a conversation could not be started', async () => {
    installBridge({ 'conversation:start': () => ({ ok: false, error: { code: 'not-found', message: 'That person is not in your friends list.' } }) });
    const onopen = vi.fn();
    const user = userEvent.setup();
    render(FriendsPanel, { friends: FRIENDS, availability: 'available', onopen });
    await user.click(screen.getByRole('button', { name: 'Message Dave Doe' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That person is not in your friends list.');
    expect(onopen).not.toHaveBeenCalled();
  });

  it('says so when there are no friends, and reads unknown availability as Offline', () => {
    installBridge();
    render(FriendsPanel, { friends: [], availability: 'available', onopen: vi.fn() });
    expect(screen.getByText('No friends yet.')).toBeInTheDocument();
    expect(presenceLabel('Available')).toBe('Available');
    expect(presenceLabel('invisible')).toBe('Offline');
  });

  it('sorts available people first, then away, busy and offline, and keeps it so after friends:changed', async () => {
    const bridge = installBridge();
    render(FriendsPanel, { friends: FRIENDS, availability: 'available', onopen: vi.fn() });
    expect(names()).toEqual(['Bob Brown', 'Carol Clark', 'Dave Doe', 'Eve Evans']);
    bridge.emit('friends:changed', { friends: [...FRIENDS, friend('a', 'Anna Alder', 'busy'), friend('f', 'Frank Fox', 'available')] });
    await waitFor(() => expect(names()).toEqual(['Bob Brown', 'Frank Fox', 'Carol Clark', 'Anna Alder', 'Dave Doe', 'Eve Evans']));
  });

  it('shows my own availability from the snapshot as the "Availability" control', () => {
    installBridge();
    render(FriendsPanel, { friends: FRIENDS, availability: 'busy', onopen: vi.fn() });
    expect(control()).toHaveValue('busy');
    expect(
      within(control())
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Available', 'Away', 'Busy', 'Appear offline']);
    expect(control()).toBeEnabled();
  });

  it('choosing a value asks presence:set for it, with the control disabled until the answer', async () => {
    const answer = deferred<{ ok: true; value: void }>();
    const bridge = installBridge({ 'presence:set': () => answer.promise });
    const user = userEvent.setup();
    render(FriendsPanel, { friends: FRIENDS, availability: 'available', onopen: vi.fn() });
    await user.selectOptions(control(), 'Away');
    expect(bridge.calls).toEqual([{ channel: 'presence:set', args: ['away'] }]);
    expect(control()).toBeDisabled();
    expect(control()).toHaveValue('away');
    answer.resolve({ ok: true, value: undefined });
    await waitFor(() => expect(control()).toBeEnabled());
    expect(control()).toHaveValue('away');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('goes back to the previous value and says why when presence:set is refused (offline)', async () => {
    installBridge({
      'presence:set': () => ({
        ok: false,
        error: { code: 'network', message: 'You are offline: your availability can be changed once the app is connected again.' },
      }),
    });
    const user = userEvent.setup();
    render(FriendsPanel, { friends: FRIENDS, availability: 'away', onopen: vi.fn() });
    await user.selectOptions(control(), 'Busy');
    expect(await screen.findByRole('alert')).toHaveTextContent('You are offline: your availability can be changed once the app is connected again.');
    expect(control()).toHaveValue('away');
    expect(control()).toBeEnabled();
  });

  it('follows presence:changed (a choice made in the tray)', async () => {
    const bridge = installBridge();
    render(FriendsPanel, { friends: FRIENDS, availability: 'available', onopen: vi.fn() });
    bridge.emit('presence:changed', { availability: 'offline' });
    await waitFor(() => expect(control()).toHaveValue('offline'));
    expect(bridge.calls).toEqual([]);
  });
});
