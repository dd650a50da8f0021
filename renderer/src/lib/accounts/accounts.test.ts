import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { account, conversation, installBridge, PROFILE, snapshot } from '../../../test/fake-bridge.js';
import App from '../../App.svelte';
import { accountForShortcut, accountLabel, secondLine } from './accounts.js';

const work = account('a', 'alice@demo.ozeki.chat', { name: 'Alice Andersen', unread: 3 });
const home = account('b', 'alice@home.example', { name: 'Alice at home', connection: 'offline' });
const bob = account('c', 'bob@demo.ozeki.chat', { name: 'Bob Brown' });
const BOB_PROFILE = { ...PROFILE, userid: 'b'.repeat(32), email: 'bob@demo.ozeki.chat', fullname: 'Bob Brown', nick: 'Bob' };

describe('an account in the switcher', () => {
  it('shows its server beside the address only when another account has the same address', () => {
    const twin = account('e', 'alice@demo.ozeki.chat', { serverUrl: 'https://chat.example.com:8443/ozeki' });
    expect(secondLine(work, [work, home])).toBe('alice@demo.ozeki.chat');
    expect(secondLine(twin, [work, twin])).toBe('alice@demo.ozeki.chat · chat.example.com:8443');
  });

  it('is named with its e-mail address, its unread count and trouble with its connection', () => {
    expect(accountLabel(work)).toBe('Alice Andersen, alice@demo.ozeki.chat, 3 unread');
    expect(accountLabel(home)).toBe('Alice at home, alice@home.example, offline');
    expect(accountLabel(account('d', 'dave@x.example'))).toBe('dave@x.example');
  });

  it('is reached with Ctrl+1..9 and nothing else', () => {
    const key = (k: string, over: Partial<KeyboardEvent> = {}) => ({ key: k, ctrlKey: true, metaKey: false, altKey: false, shiftKey: false, ...over });
    expect(accountForShortcut(key('2'), [work, home, bob])).toBe(home.id);
    expect(accountForShortcut(key('4'), [work, home, bob])).toBeNull();
    expect(accountForShortcut(key('2', { ctrlKey: false }), [work, home, bob])).toBeNull();
    expect(accountForShortcut(key('2', { shiftKey: true }), [work, home, bob])).toBeNull();
    expect(accountForShortcut(key('0'), [work, home, bob])).toBeNull();
  });
});

/** A main process with three accounts: the snapshot follows the one on screen. */
function threeAccounts() {
  let active = work.id;
  const lists: Record<string, ReturnType<typeof snapshot>> = {
    [work.id]: snapshot({ profile: PROFILE, connection: 'online', conversations: [conversation('w', 'Work chat', 10)] }),
    [home.id]: snapshot({
      profile: { ...PROFILE, email: 'alice@home.example', fullname: 'Alice at home' },
      connection: 'offline',
      conversations: [conversation('h', 'Home chat', 10)],
    }),
    [bob.id]: snapshot({ profile: BOB_PROFILE, connection: 'online', conversations: [conversation('b', 'Bob chat', 10)] }),
  };
  const view = () => ({ accounts: [work, home, bob], activeAccountId: active });
  const bridge = installBridge({
    'state:snapshot': () => ({ ok: true, value: { ...lists[active]!, ...view() } }),
    'accounts:switch': (id: string) => {
      active = id;
      queueMicrotask(() => bridge.emit('accounts:changed', view()));
      return { ok: true, value: undefined };
    },
    'session:demo': () => ({ ok: true, value: null }),
    'ui:conversation-opened': () => ({ ok: true, value: undefined }),
    'drafts:get': () => ({ ok: true, value: {} }),
  });
  return { bridge, setActive: (id: string) => (active = id), view };
}

describe('several accounts in the window', () => {
  it('shows one tab per account, with its e-mail and unread count, and switches on a click', async () => {
    threeAccounts();
    render(App);
    const tabs = await screen.findByRole('tablist', { name: 'Accounts' });
    const items = within(tabs).getAllByRole('tab');
    expect(items[0]).toHaveAccessibleName(/^Alice Andersen\s+alice@demo\.ozeki\.chat\s+3\s*unread$/);
    expect(items[1]).toHaveAccessibleName(/^Alice at home\s+alice@home\.example\s*, offline$/);
    expect(items[2]).toHaveAccessibleName(/^Bob Brown\s+bob@demo\.ozeki\.chat$/);
    expect(within(tabs).getByRole('tab', { name: /alice@demo\.ozeki\.chat/ })).toHaveAttribute('aria-selected', 'true');
    expect(within(items[0]!).getByText('3')).toBeInTheDocument();
    expect(await screen.findByRole('option', { name: 'Work chat' })).toBeInTheDocument();

    await userEvent.click(within(tabs).getByRole('tab', { name: /bob@demo\.ozeki\.chat/ }));
    expect(await screen.findByRole('option', { name: 'Bob chat' })).toBeInTheDocument();
    expect(screen.queryByRole('option', { name: 'Work chat' })).not.toBeInTheDocument();
    expect(within(tabs).getByRole('tab', { name: /bob@demo/ })).toHaveAttribute('aria-selected', 'true');
  });

  it('switches with Ctrl+2 and with the arrow keys on the tabs', async () => {
    const { bridge } = threeAccounts();
    render(App);
    await screen.findByRole('option', { name: 'Work chat' });
    await userEvent.keyboard('{Control>}2{/Control}');
    expect(await screen.findByRole('option', { name: 'Home chat' })).toBeInTheDocument();
    screen.getByRole('tab', { name: /alice@home/ }).focus();
    await userEvent.keyboard('{ArrowRight}');
    expect(await screen.findByRole('option', { name: 'Bob chat' })).toBeInTheDocument();
    expect(bridge.calls.filter((c) => c.channel === 'accounts:switch').map((c) => c.args[0])).toEqual([home.id, bob.id]);
  });

  it('"Add account" opens the sign-in form over the accounts, and Cancel goes back to them', async () => {
    threeAccounts();
    render(App);
    await screen.findByRole('option', { name: 'Work chat' });
    await userEvent.click(screen.getByRole('button', { name: 'Add account' }));
    expect(screen.getByRole('heading', { name: 'Add an account' })).toBeInTheDocument();
    expect(screen.getByLabelText('Server URL')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(await screen.findByRole('option', { name: 'Work chat' })).toBeInTheDocument();
    // Escape does the same.
    await userEvent.click(screen.getByRole('button', { name: 'Add account' }));
    await userEvent.type(screen.getByLabelText('Email'), 'x{Escape}');
    expect(await screen.findByRole('option', { name: 'Work chat' })).toBeInTheDocument();
  });

  it('follows the main process when it puts another account on screen (a notification for it was clicked)', async () => {
    const { bridge, setActive, view } = threeAccounts();
    render(App);
    await screen.findByRole('option', { name: 'Work chat' });
    setActive(bob.id);
    bridge.emit('accounts:changed', view());
    bridge.emit('ui:open-conversation', { conversationId: conversation('b', '', 0).id });
    expect(await screen.findByRole('heading', { name: 'Bob chat' })).toBeInTheDocument();
  });
});
