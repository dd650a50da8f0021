import { fireEvent, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { tick } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import type { Handlers } from '../../../test/fake-bridge.js';
import { conversation, installBridge } from '../../../test/fake-bridge.js';
import ConversationList from './ConversationList.svelte';
import { COMPACT_ROW_HEIGHT, ROW_HEIGHT } from './list-navigation.js';

const ok = () => ({ ok: true as const, value: undefined });
const ACTIONS: Handlers = {
  'conversation:set-favorite': ok,
  'conversation:set-muted': ok,
  'conversation:set-hidden': ok,
  'conversation:set-color': ok,
  'conversation:clear': ok,
};

const bob = conversation('a', 'Bob Brown', 200);
const carol = { ...conversation('b', 'Carol Clark', 100), favorite: true };
const dave = { ...conversation('c', 'Dave Doe', 300), muted: true, unread: 3, pending: true, color: '#1e3a8a' };
const erin = { ...conversation('d', 'Erin Evans', 400), hidden: true };

function setup(list = [bob, carol, dave, erin], handlers: Handlers = ACTIONS) {
  const bridge = installBridge({ ...handlers });
  const user = userEvent.setup();
  const onselect = vi.fn();
  const view = render(ConversationList, { conversations: list, onselect });
  const listbox = screen.getByRole('listbox', { name: 'Conversations' });
  return { bridge, user, onselect, listbox, view };
}

/** The options under `root` are exactly these, in this order, by accessible name. */
function expectOptions(root: HTMLElement, expected: string[]): void {
  const options = within(root).getAllByRole('option');
  expect(options).toHaveLength(expected.length);
  expected.forEach((name, i) => expect(options[i]).toHaveAccessibleName(name));
}
const invoked = (bridge: ReturnType<typeof installBridge>) => bridge.calls.map((c) => [c.channel, ...c.args]);

describe('ConversationList', () => {
  it('puts favourites first in a Favorites group, then the rest by last activity, and leaves hidden ones out', () => {
    const { listbox } = setup();
    expectOptions(listbox, ['Carol Clark', 'Dave Doe', 'Bob Brown']);
    const favorites = within(listbox).getByRole('group', { name: 'Favorites' });
    expectOptions(favorites, ['Carol Clark']);
    expect(within(listbox).getByRole('option', { name: 'Bob Brown' })).toBeInTheDocument();
    expect(within(listbox).queryByRole('option', { name: 'Erin Evans' })).not.toBeInTheDocument();
  });

  it('shows muted, unread and pending marks, and readable text on the row colour', () => {
    const { listbox } = setup();
    const row = within(listbox).getByRole('option', { name: 'Dave Doe' });
    expect(row).toHaveAccessibleDescription('3 unread. No messages yet. Muted. Waiting to sync');
    expect(row).toHaveTextContent('3');
    expect(row.style.backgroundColor).toBe('rgb(30, 58, 138)');
    expect(row.style.color).toBe('rgb(255, 255, 255)');
    const plain = within(listbox).getByRole('option', { name: 'Bob Brown' });
    expect(plain).toHaveAccessibleDescription('No messages yet');
    // White is the server's "no colour": the row follows the light or dark theme instead.
    expect(plain.style.backgroundColor).toBe('');
    expect(plain.style.color).toBe('');
  });

  it('filters by name', async () => {
    const { listbox, user } = setup();
    await user.type(screen.getByLabelText('Filter conversations'), 'do');
    expectOptions(listbox, ['Dave Doe']);
    await user.clear(screen.getByLabelText('Filter conversations'));
    await user.type(screen.getByLabelText('Filter conversations'), 'zzz');
    expect(within(listbox).queryAllByRole('option')).toHaveLength(0);
    expect(screen.getByText(/No conversations match/)).toBeInTheDocument();
  });

  it('renders only the rows in view for 10,000 conversations, and the others as it scrolls', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => conversation(i.toString(16).padStart(32, '0'), `Person ${i}`, 10_000 - i));
    const { listbox } = setup(many);
    expect(listbox.querySelectorAll('[role="option"]').length).toBeLessThan(300);
    expect(within(listbox).getByRole('option', { name: 'Person 0' })).toBeInTheDocument();
    listbox.scrollTop = ROW_HEIGHT * 5000;
    await fireEvent.scroll(listbox);
    expect(within(listbox).getByRole('option', { name: 'Person 5000' })).toBeInTheDocument();
    expect(within(listbox).queryByRole('option', { name: 'Person 0' })).not.toBeInTheDocument();
    expect(listbox.querySelectorAll('[role="option"]').length).toBeLessThan(300);
  });

  it('places compact rows by their own height, keeps the line at the top when the layout changes, and pages by more of them', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => conversation(i.toString(16).padStart(32, '0'), `Person ${i}`, 1000 - i));
    installBridge();
    const view = render(ConversationList, { conversations: many, compact: true });
    const listbox = screen.getByRole('listbox', { name: 'Conversations' });
    expect((listbox.firstElementChild as HTMLElement).style.height).toBe(`${1000 * COMPACT_ROW_HEIGHT}px`);
    listbox.scrollTop = COMPACT_ROW_HEIGHT * 500;
    await fireEvent.scroll(listbox);
    expect(within(listbox).getByRole('option', { name: 'Person 500' })).toBeInTheDocument();
    expect(within(listbox).queryByRole('option', { name: 'Person 480' })).not.toBeInTheDocument();

    // Back to two-line rows: the same conversation is at the top, not the same pixel offset.
    await view.rerender({ conversations: many, compact: false });
    await tick();
    expect(listbox.scrollTop).toBe(ROW_HEIGHT * 500);
    expect(within(listbox).getByRole('option', { name: 'Person 500' })).toBeInTheDocument();

    // A page is as many compact rows as fit (in jsdom's assumed 640 px): 15, not 9.
    await view.rerender({ conversations: many, compact: true });
    listbox.scrollTop = 0;
    await fireEvent.scroll(listbox);
    listbox.focus();
    await tick();
    await userEvent.setup().keyboard('{PageDown}');
    expect(document.getElementById(listbox.getAttribute('aria-activedescendant') ?? '')).toHaveAccessibleName('Person 15');
  });

  it('moves the active option with arrows/Home/End, keeps it rendered, and selects with Enter', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => conversation(i.toString(16).padStart(32, '0'), `Person ${i}`, 1000 - i));
    const { listbox, user, onselect } = setup(many);
    listbox.focus();
    await tick();
    const active = () => document.getElementById(listbox.getAttribute('aria-activedescendant') ?? '');
    expect(active()).toHaveAccessibleName('Person 0');
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(active()).toHaveAccessibleName('Person 2');
    await user.keyboard('{ArrowUp}');
    expect(active()).toHaveAccessibleName('Person 1');
    await user.keyboard('{End}');
    expect(active()).toHaveAccessibleName('Person 999');
    await user.keyboard('{Home}');
    expect(active()).toHaveAccessibleName('Person 0');
    await user.keyboard('{ArrowDown}{Enter}');
    expect(onselect).toHaveBeenCalledWith(many[1]?.id);
  });

  it('selects a row on click', async () => {
    const { listbox, user, onselect } = setup();
    await user.click(within(listbox).getByText('Bob Brown'));
    expect(onselect).toHaveBeenCalledWith(bob.id);
  });

  it('offers the row actions in a context menu and invokes them', async () => {
    const { listbox, bridge, user } = setup();
    await user.pointer({ keys: '[MouseRight]', target: within(listbox).getByText('Bob Brown') });
    const menu = screen.getByRole('menu');
    expect(
      within(menu)
        .getAllByRole('menuitem')
        .map((m) => m.textContent?.replace(/(F|M|H|Delete)$/, '').trim()),
    ).toEqual(['Favorite', 'Mute', 'Hide', 'Change color', 'Clear history']);
    expect(within(menu).getByRole('menuitem', { name: /^Favorite/ })).toHaveFocus();
    await user.click(within(menu).getByRole('menuitem', { name: /^Favorite/ }));
    expect(invoked(bridge)).toEqual([['conversation:set-favorite', bob.id, true]]);
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();

    await user.pointer({ keys: '[MouseRight]', target: within(listbox).getByText('Bob Brown') });
    await user.click(screen.getByRole('menuitem', { name: /^Mute/ }));
    await user.pointer({ keys: '[MouseRight]', target: within(listbox).getByText('Bob Brown') });
    await user.click(screen.getByRole('menuitem', { name: /^Hide/ }));
    expect(invoked(bridge).slice(1)).toEqual([
      ['conversation:set-muted', bob.id, true],
      ['conversation:set-hidden', bob.id, true],
    ]);
  });

  it('says Unfavorite and Unmute when already set, from the More actions button', async () => {
    const both = { ...dave, favorite: true };
    const { listbox, bridge, user } = setup([both]);
    await user.hover(within(listbox).getByRole('option', { name: 'Dave Doe' }));
    await user.click(screen.getByRole('button', { name: 'More actions for Dave Doe' }));
    const menu = screen.getByRole('menu');
    expect(within(menu).getByRole('menuitem', { name: /^Unfavorite/ })).toBeInTheDocument();
    expect(within(menu).getByRole('menuitem', { name: /^Unmute/ })).toBeInTheDocument();
    expect(within(menu).queryByRole('menuitem', { name: /^Favorite/ })).not.toBeInTheDocument();
    await user.click(within(menu).getByRole('menuitem', { name: /^Unmute/ }));
    expect(invoked(bridge)).toEqual([['conversation:set-muted', dave.id, false]]);
  });

  it('keeps "More actions" out of the options, on the active row while the list has focus, one Tab away', async () => {
    const { listbox, user } = setup();
    expect(screen.queryByRole('button', { name: /^More actions/ })).not.toBeInTheDocument();
    for (const option of within(listbox).getAllByRole('option')) expect(within(option).queryByRole('button')).toBeNull();
    await user.tab(); // the filter box
    await user.tab(); // "Hidden conversations"
    await user.tab();
    expect(listbox).toHaveFocus();
    expect(screen.getByRole('button', { name: 'More actions for Carol Clark' })).toBeInTheDocument();
    await user.keyboard('{ArrowDown}');
    const more = screen.getByRole('button', { name: 'More actions for Dave Doe' });
    await user.tab();
    expect(more).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(screen.getByRole('menu', { name: 'Actions for Dave Doe' })).toBeInTheDocument();
  });

  it('finds a conversation by name from the keyboard: Ctrl+F or / to the filter, Enter opens the match, Escape clears', async () => {
    const { listbox, onselect, user } = setup();
    listbox.focus();
    await user.keyboard('/');
    const filter = screen.getByRole('searchbox', { name: 'Filter conversations' });
    expect(filter).toHaveFocus();
    await user.keyboard('dav{Enter}');
    expect(onselect).toHaveBeenCalledWith(dave.id);
    expect(listbox).toHaveFocus();

    await user.keyboard('{Control>}f{/Control}');
    expect(filter).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(filter).toHaveValue('');
    expectOptions(listbox, ['Carol Clark', 'Dave Doe', 'Bob Brown']);
  });

  it('opens the menu with Shift+F10, moves with arrows, and Escape closes it and gives focus back', async () => {
    const { listbox, user } = setup();
    listbox.focus();
    await user.keyboard('{Shift>}{F10}{/Shift}');
    const items = within(screen.getByRole('menu', { name: 'Actions for Carol Clark' })).getAllByRole('menuitem');
    expect(items[0]).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    expect(items[1]).toHaveFocus();
    await user.keyboard('{ArrowUp}{ArrowUp}');
    expect(items[4]).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();
    expect(listbox).toHaveFocus();
    await user.keyboard('{ContextMenu}');
    expect(screen.getByRole('menu')).toBeInTheDocument();
  });

  it('runs keyboard shortcuts on the active row', async () => {
    const { listbox, bridge, user } = setup();
    listbox.focus(); // Carol Clark, a favourite
    expect(listbox).toHaveAttribute('aria-keyshortcuts', expect.stringContaining('Delete'));
    await user.keyboard('f');
    await user.keyboard('m');
    await user.keyboard('{ArrowDown}'); // Dave Doe, muted
    await user.keyboard('m');
    await user.keyboard('h');
    expect(invoked(bridge)).toEqual([
      ['conversation:set-favorite', carol.id, false],
      ['conversation:set-muted', carol.id, true],
      ['conversation:set-muted', dave.id, false],
      ['conversation:set-hidden', dave.id, true],
    ]);
    await user.keyboard('{Delete}');
    expect(screen.getByRole('dialog', { name: /Clear history/ })).toBeInTheDocument();
  });

  it('offers Undo after Hide and Favorite, which asks for the opposite state on the same channel', async () => {
    const { listbox, bridge, user } = setup();
    await user.pointer({ keys: '[MouseRight]', target: within(listbox).getByText('Bob Brown') });
    await user.click(screen.getByRole('menuitem', { name: /^Hide/ }));
    await user.click(await screen.findByRole('button', { name: 'Undo' }));
    expect(invoked(bridge)).toEqual([
      ['conversation:set-hidden', bob.id, true],
      ['conversation:set-hidden', bob.id, false],
    ]);
    expect(screen.queryByRole('button', { name: 'Undo' })).not.toBeInTheDocument();

    listbox.focus();
    await user.keyboard('f'); // Dave Doe: the active row moved to the neighbour of the hidden one
    expect(await screen.findByRole('status')).toHaveTextContent('Added to favorites: Dave Doe');
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(invoked(bridge).slice(2)).toEqual([
      ['conversation:set-favorite', dave.id, true],
      ['conversation:set-favorite', dave.id, false],
    ]);
  });

  it('changes the colour from the palette or the custom picker', async () => {
    const { listbox, bridge, user } = setup();
    await user.pointer({ keys: '[MouseRight]', target: within(listbox).getByText('Bob Brown') });
    await user.click(screen.getByRole('menuitem', { name: 'Change color' }));
    const dialog = screen.getByRole('dialog', { name: 'Change color of Bob Brown' });
    const presets = within(dialog)
      .getAllByRole('button')
      .filter((b) => b.hasAttribute('aria-pressed'));
    expect(presets.length).toBeGreaterThanOrEqual(8);
    expect(within(dialog).getByRole('button', { name: 'White' })).toHaveAttribute('aria-pressed', 'true');
    await user.click(within(dialog).getByRole('button', { name: 'Light blue' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();

    await user.pointer({ keys: '[MouseRight]', target: within(listbox).getByText('Bob Brown') });
    await user.click(screen.getByRole('menuitem', { name: 'Change color' }));
    const custom = screen.getByLabelText('Custom color');
    expect(custom).toHaveAttribute('type', 'color');
    await fireEvent.change(custom, { target: { value: '#123abc' } });
    expect(invoked(bridge)).toEqual([
      ['conversation:set-color', bob.id, '#cfe2ff'],
      ['conversation:set-color', bob.id, '#123abc'],
    ]);
  });

  it('asks before clearing the history', async () => {
    const { listbox, bridge, user } = setup();
    await user.pointer({ keys: '[MouseRight]', target: within(listbox).getByText('Bob Brown') });
    await user.click(screen.getByRole('menuitem', { name: /^Clear history/ }));
    let dialog = screen.getByRole('dialog', { name: 'Clear history of Bob Brown?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(bridge.calls).toHaveLength(0);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();

    await user.pointer({ keys: '[MouseRight]', target: within(listbox).getByText('Bob Brown') });
    await user.click(screen.getByRole('menuitem', { name: /^Clear history/ }));
    dialog = screen.getByRole('dialog', { name: 'Clear history of Bob Brown?' });
    await user.click(within(dialog).getByRole('button', { name: 'Clear history' }));
    expect(invoked(bridge)).toEqual([['conversation:clear', bob.id]]);
  });

  it('lists the hidden conversations with Unhide', async () => {
    const { bridge, user } = setup(undefined, { ...ACTIONS, 'conversations:hidden': () => ({ ok: true, value: [erin] }) });
    await user.click(screen.getByRole('button', { name: 'Hidden conversations' }));
    const dialog = screen.getByRole('dialog', { name: 'Hidden conversations' });
    expect(await within(dialog).findByText('Erin Evans')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Unhide' }));
    expect(invoked(bridge)).toEqual([['conversations:hidden'], ['conversation:set-hidden', erin.id, false]]);
    expect(await within(dialog).findByText('No hidden conversations.')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Hidden conversations' })).toHaveFocus();
  });
});
