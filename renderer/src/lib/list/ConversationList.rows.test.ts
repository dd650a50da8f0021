import { render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { Availability, ConversationView, LastMessage } from '../../../../app/ipc/views.js';
import { conversation, installBridge } from '../../../test/fake-bridge.js';
import ConversationList from './ConversationList.svelte';
import { listTime } from './row-display.js';

// What a two-line row shows (avatar, name and time, preview and marks) and what it says to screen
// readers. The list's behaviour (order, keys, actions) is in ConversationList.test.ts.

const now = new Date(2025, 2, 12, 15, 0).getTime();
const sent = new Date(2025, 2, 12, 14, 52).getTime();
const last = (over: Partial<LastMessage> = {}): LastMessage => ({ fromName: 'Bob', mine: false, text: 'see you at 8', created: sent, ...over });
const chat = (id: string, name: string, over: Partial<ConversationView> = {}): ConversationView => ({
  ...conversation(id, name, 100),
  last: null,
  timer: 0,
  ...over,
});

const climbing = chat('a', 'Climbing', { isGroup: true, last: last(), unread: 150 });
const alice = chat('b', 'Alice Andersen', { last: last({ mine: true, fromName: 'Me', text: 'on my way' }), muted: true });
const carol = chat('c', 'Carol Clark', { last: last({ text: null, fromName: '' }) });

function setup(list: ConversationView[], presenceOf?: (c: ConversationView) => Availability | null) {
  installBridge();
  render(ConversationList, { conversations: list, now, presenceOf });
  const listbox = screen.getByRole('listbox', { name: 'Conversations' });
  return { listbox, option: (name: string) => within(listbox).getByRole('option', { name }) };
}

describe('ConversationList rows', () => {
  it("starts a group's preview with the sender, and one's own messages with You", () => {
    const { option } = setup([climbing, alice]);
    expect(option('Climbing')).toHaveTextContent('Bob: see you at 8');
    expect(option('Alice Andersen')).toHaveTextContent('You: on my way');
  });

  it('shows the time of the newest message, and no time without one', () => {
    const { option } = setup([climbing, chat('d', 'Dora Day')]);
    expect(option('Climbing')).toHaveTextContent(listTime(sent, now));
    expect(option('Dora Day')).toHaveTextContent('No messages yet');
    expect(option('Dora Day').querySelector('.time')).toBeNull();
  });

  it('says when the newest message cannot be decrypted', () => {
    const { option } = setup([carol]);
    expect(within(option('Carol Clark')).getByText('Message cannot be decrypted')).toHaveClass('quiet');
  });

  it('caps the unread badge at 99+ while the description says the real count', () => {
    const { option } = setup([climbing]);
    expect(option('Climbing')).toHaveTextContent('99+');
    expect(option('Climbing')).not.toHaveTextContent('150');
    expect(option('Climbing')).toHaveAccessibleDescription(`150 unread. Bob: see you at 8. ${listTime(sent, now)}`);
  });

  it("names an option by the conversation's name alone, and describes it as the row reads", () => {
    const { option } = setup([climbing, alice], (c) => (c.id === alice.id ? 'away' : null));
    expect(option('Alice Andersen')).toHaveAccessibleName('Alice Andersen');
    expect(option('Alice Andersen')).toHaveAccessibleDescription(`You: on my way. ${listTime(sent, now)}. Away. Muted`);
  });

  it('puts a presence dot on an avatar only when the presence is known, and never on a group', () => {
    const { option } = setup([climbing, alice, carol], (c) => (c.id === alice.id ? 'available' : c.id === climbing.id ? 'busy' : null));
    expect(option('Alice Andersen').querySelector('[data-presence]')).toHaveAttribute('data-presence', 'available');
    expect(option('Carol Clark').querySelector('[data-presence]')).toBeNull();
    expect(option('Climbing').querySelector('[data-presence]')).toBeNull();
  });

  it('shows a compact row on one line, name, marks and time beside a smaller avatar, its preview only in the description', () => {
    installBridge();
    render(ConversationList, { conversations: [climbing, alice], now, compact: true });
    const row = within(screen.getByRole('listbox', { name: 'Conversations' })).getByRole('option', { name: 'Climbing' });
    expect(row).toHaveClass('compact');
    expect(row).not.toHaveTextContent('see you at 8');
    expect(row).toHaveTextContent(`Climbing 99+ ${listTime(sent, now)}`);
    expect(row).toHaveAccessibleDescription(`150 unread. Bob: see you at 8. ${listTime(sent, now)}`);
    expect(row.querySelector('.avatar')).toHaveClass('small');
    expect((row.parentElement?.closest('.window') as HTMLElement).style.getPropertyValue('--row-height')).toBe('40px');
  });

  it('shows initials on the avatar of a 1:1 and people on the avatar of a group, out of the accessibility tree', () => {
    const { option } = setup([climbing, alice]);
    const avatar = (name: string) => option(name).querySelector('.avatar');
    expect(avatar('Alice Andersen')).toHaveTextContent('AA');
    expect(avatar('Alice Andersen')).toHaveAttribute('aria-hidden', 'true');
    expect(avatar('Climbing')?.querySelector('svg')).not.toBeNull();
    expect(avatar('Climbing')).toHaveTextContent('');
  });
});
