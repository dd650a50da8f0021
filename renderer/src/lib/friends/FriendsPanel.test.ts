import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { FriendView } from '../../../../app/ipc/views.js';
import { conversation, installBridge } from '../../../test/fake-bridge.js';
import FriendsPanel from './FriendsPanel.svelte';
import { presenceLabel } from './presence.js';

const friend = (c: string, name: string, availability: string): FriendView => ({ userid: c.repeat(32), name, availability });
const FRIENDS = [
  friend('b', 'Bob Brown', 'available'),
  friend('c', 'Carol Clark', 'away'),
  friend('d', 'Dave Doe', 'busy'),
  friend('e', 'Eve Evans', 'offline'),
];

function item(name: string): HTMLElement {
  return within(screen.getByRole('list', { name: 'Friends' }))
    .getByText(name)
    .closest('li')!;
}

describe('FriendsPanel', () => {
  it('lists each friend with presence as text and as a labelled dot', () => {
    installBridge();
    render(FriendsPanel, { friends: FRIENDS, onopen: vi.fn() });
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
    render(FriendsPanel, { friends: FRIENDS, onopen: vi.fn() });
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
    render(FriendsPanel, { friends: FRIENDS, onopen });
    await user.click(screen.getByRole('button', { name: 'Message Bob Brown' }));
    expect(bridge.calls).toEqual([{ channel: 'conversation:start', args: ['b'.repeat(32)] }]);
    await waitFor(() => expect(onopen).toHaveBeenCalledWith(started));
  });

  it('shows why a conversation could not be started', async () => {
    installBridge({ 'conversation:start': () => ({ ok: false, error: { code: 'not-found', message: 'That person is not in your friends list.' } }) });
    const onopen = vi.fn();
    const user = userEvent.setup();
    render(FriendsPanel, { friends: FRIENDS, onopen });
    await user.click(screen.getByRole('button', { name: 'Message Dave Doe' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That person is not in your friends list.');
    expect(onopen).not.toHaveBeenCalled();
  });

  it('says so when there are no friends, and reads unknown availability as Offline', () => {
    installBridge();
    render(FriendsPanel, { friends: [], onopen: vi.fn() });
    expect(screen.getByText('No friends yet.')).toBeInTheDocument();
    expect(presenceLabel('Available')).toBe('Available');
    expect(presenceLabel('invisible')).toBe('Offline');
  });
});
