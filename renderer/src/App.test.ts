import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../app/ipc/views.js';
import { conversation, installBridge, PROFILE, snapshot } from '../test/fake-bridge.js';
import App from './App.svelte';

describe('App', () => {
  it('shows sign-in when nobody is signed in', async () => {
    installBridge({ 'state:snapshot': () => ({ ok: true, value: snapshot() }) });
    render(App);
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
  });

  it('lists the conversations of the snapshot and adds the ones a conversations:changed event brings', async () => {
    const bridge = installBridge({
      'state:snapshot': () => ({
        ok: true,
        value: snapshot({
          profile: PROFILE,
          connection: 'online',
          conversations: [conversation('a', 'Bob Brown', 200), conversation('b', 'Carol Clark', 100)],
        }),
      }),
    });
    render(App);
    const list = await screen.findByRole('listbox', { name: 'Conversations' });
    // In list order, each named by its conversation's name alone (the preview and time are its description).
    const options = within(list).getAllByRole('option');
    expect(options.map((o) => o.dataset.conversation)).toEqual(['a'.padEnd(32, '0'), 'b'.padEnd(32, '0')]);
    expect(within(list).getByRole('option', { name: 'Carol Clark' })).toBe(options[1]);
    expect(within(list).getByRole('option', { name: 'Bob Brown' })).toBeInTheDocument();

    bridge.emit('conversations:changed', { upserted: [conversation('c', 'Dave Doe', 300)], removed: [] });
    expect(await within(list).findByRole('option', { name: 'Dave Doe' })).toBeInTheDocument();
    expect(within(list).getAllByRole('option')).toHaveLength(3);

    bridge.emit('conversations:changed', { upserted: [], removed: [conversation('b', '', 0).id] });
    await expect.poll(() => within(list).queryByRole('option', { name: 'Carol Clark' })).toBeNull();
  });

  it('shows the first screen of a long list at once, then asks for the whole list', async () => {
    const all = Array.from({ length: 5 }, (_, i) => conversation(`c${i}`, `Person ${i}`, 100 - i));
    const bridge = installBridge({
      'state:snapshot': (opts?: { first?: number }) => ({
        ok: true,
        value: opts?.first
          ? snapshot({ profile: PROFILE, connection: 'online', conversations: all.slice(0, 2), complete: false })
          : snapshot({ profile: PROFILE, connection: 'online', conversations: all }),
      }),
    });
    render(App);
    const list = await screen.findByRole('listbox', { name: 'Conversations' });
    expect(bridge.calls.filter((c) => c.channel === 'state:snapshot')[0]!.args).toEqual([{ first: 100 }]);
    // A change the main process makes meanwhile: the event, and the state the whole list is read from.
    all[4] = { ...all[4]!, lastActivity: 1000, name: 'Person 4, active' };
    bridge.emit('conversations:changed', { upserted: [all[4]], removed: [] });
    await expect.poll(() => within(list).queryAllByRole('option').length).toBe(5);
    expect(bridge.calls.filter((c) => c.channel === 'state:snapshot').map((c) => c.args)).toEqual([[{ first: 100 }], []]);
    expect(within(list).getAllByRole('option')[0]).toHaveAccessibleName('Person 4, active');
  });

  it('shows the chosen conversation as a heading in the pane, the connection banner and the notices', async () => {
    const bridge = installBridge({
      'state:snapshot': () => ({
        ok: true,
        value: snapshot({
          profile: PROFILE,
          connection: 'offline',
          pendingCount: 3,
          conversations: [conversation('a', 'Bob Brown', 200)],
          notices: [{ id: 'n1', level: 'warning', message: 'The local cache was rebuilt.', retryable: false }],
        }),
      }),
    });
    render(App);
    const list = await screen.findByRole('listbox', { name: 'Conversations' });
    expect(screen.getByText('Choose a conversation.')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Offline — 3 changes waiting to sync');
    expect(screen.getByRole('alert')).toHaveTextContent('The local cache was rebuilt.');
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();

    within(list).getByText('Bob Brown').click();
    expect(await screen.findByRole('heading', { name: 'Bob Brown' })).toBeInTheDocument();
    expect(screen.queryByText('Choose a conversation.')).not.toBeInTheDocument();

    bridge.emit('connection:changed', { state: 'online', pendingCount: 0 });
    await expect.poll(() => screen.queryByRole('status')).toBeNull();
  });

  it('goes back to sign-in when session:changed says nobody is signed in', async () => {
    const bridge = installBridge({
      'state:snapshot': () => ({ ok: true, value: snapshot({ profile: PROFILE, conversations: [conversation('a', 'Bob Brown', 1)] }) }),
    });
    render(App);
    await screen.findByRole('listbox', { name: 'Conversations' });
    bridge.emit('session:changed', { profile: null, keychain: { persistent: true, reason: null } });
    expect(await screen.findByLabelText('Server URL')).toBeInTheDocument();
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
  });

  it('tells the main process which conversation is on screen, and that none is once it is hidden', async () => {
    const bob = conversation('a', 'Bob Brown', 200);
    const bridge = installBridge({
      'state:snapshot': () => ({
        ok: true,
        value: snapshot({ profile: PROFILE, connection: 'online', conversations: [bob, conversation('b', 'Carol Clark', 100)] }),
      }),
      'ui:conversation-opened': () => ({ ok: true, value: undefined }),
    });
    const opened = () => bridge.calls.filter((c) => c.channel === 'ui:conversation-opened').map((c) => c.args);
    render(App);
    const list = await screen.findByRole('listbox', { name: 'Conversations' });
    expect(opened()).toEqual([[null]]);

    within(list).getByText('Bob Brown').click();
    await expect.poll(opened).toEqual([[null], [bob.id]]);
    bridge.emit('conversations:changed', { upserted: [{ ...bob, hidden: true }], removed: [] });
    await expect.poll(opened).toEqual([[null], [bob.id], [null]]);
  });

  it('opens the conversation the main process asks for (a notification or tray click)', async () => {
    const carol = conversation('b', 'Carol Clark', 100);
    const bridge = installBridge({
      'state:snapshot': () => ({
        ok: true,
        value: snapshot({ profile: PROFILE, connection: 'online', conversations: [conversation('a', 'Bob Brown', 200), carol] }),
      }),
    });
    render(App);
    await screen.findByRole('listbox', { name: 'Conversations' });
    expect(screen.getByText('Choose a conversation.')).toBeInTheDocument();

    bridge.emit('ui:open-conversation', { conversationId: carol.id });
    expect(await screen.findByRole('heading', { name: 'Carol Clark' })).toBeInTheDocument();
    // Without a reply from the main process the window still works.
    expect(bridge.calls.filter((c) => c.channel === 'ui:conversation-opened').at(-1)?.args).toEqual([carol.id]);
  });

  it('shows the snapshot failure with a Retry button', async () => {
    installBridge({ 'state:snapshot': () => ({ ok: false, error: { code: 'storage', message: 'The local database could not be read.' } }) });
    render(App);
    expect(await screen.findByRole('alert')).toHaveTextContent('The local database could not be read.');
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });
});

describe('App message search', () => {
  const bob = conversation('a', 'Bob Brown', 200);
  const carol = conversation('b', 'Carol Clark', 100);
  const found = '00000000-0000-4000-8000-000000000005';
  const message = (id: string, text: string): MessageView => ({
    id,
    conversationId: carol.id,
    from: 'c'.repeat(32),
    fromName: 'Carol Clark',
    mine: false,
    text,
    created: Date.now() - 60_000,
    validUntil: Date.now() + 86_400_000,
    state: 'sent',
    replyTo: null,
    reactions: [],
    editedAt: 0,
    deleted: false,
    file: null,
  });

  function setup() {
    const ok = { ok: true as const, value: undefined };
    const bridge = installBridge({
      'state:snapshot': () => ({ ok: true, value: snapshot({ profile: PROFILE, connection: 'online', conversations: [bob, carol] }) }),
      'ui:conversation-opened': () => ok,
      'messages:mark-viewed': () => ok,
      'search:messages': (req) => ({
        ok: true,
        value: {
          text: req.text,
          groups: [
            {
              conversationId: carol.id,
              conversationName: 'Carol Clark',
              hits: [
                {
                  conversationId: carol.id,
                  messageId: found,
                  from: 'c'.repeat(32),
                  fromName: 'Carol Clark',
                  mine: false,
                  created: Date.now(),
                  segments: [{ text: 'lunch at noon', match: true }],
                },
              ],
            },
          ],
          more: false,
          waiting: 0,
        },
      }),
      'messages:around': (id, messageId) => ({
        ok: true,
        value: { conversationId: id, anchorId: messageId, messages: [message(messageId, 'lunch at noon')], hasOlder: false, hasNewer: true },
      }),
      'messages:latest': (id) => ({ ok: true, value: { conversationId: id, messages: [], hasOlder: false } }),
    });
    render(App);
    const channel = (name: string) => bridge.calls.filter((c) => c.channel === name).map((c) => c.args);
    return { bridge, channel, user: userEvent.setup() };
  }

  it('opens with Ctrl+Shift+F over the list, opens a result in its conversation at that message, and closes with Escape', async () => {
    const { channel, user } = setup();
    const list = await screen.findByRole('listbox', { name: 'Conversations' });
    await user.keyboard('{Control>}{Shift>}F{/Shift}{/Control}');
    const input = await screen.findByRole('searchbox', { name: 'Search messages' });
    expect(input).toHaveFocus();
    // Under the panel, the list is out of reach (Svelte sets the property; jsdom does not reflect it).
    const nav = screen.getByRole('navigation', { name: 'Conversation list' }) as HTMLElement & { inert?: boolean };
    expect(nav.inert || nav.hasAttribute('inert')).toBe(true);
    expect(screen.getByRole('button', { name: 'Search' })).toHaveAttribute('aria-expanded', 'true');

    await user.type(input, 'lunch');
    await user.click(await screen.findByRole('option', { name: /^Carol Clark .* lunch at noon, in Carol Clark, / }));
    expect(await screen.findByRole('heading', { level: 2, name: 'Carol Clark' })).toBeInTheDocument();
    const log = await screen.findByRole('log', { name: 'Messages' });
    expect((await within(log).findByText('lunch at noon')).closest('li')).toHaveAttribute('aria-current', 'true');
    expect(channel('messages:around')).toEqual([[carol.id, found]]);
    expect(channel('messages:latest')).toEqual([]);
    // The results stay beside the conversation, the one open selected.
    expect(screen.getByRole('option', { name: /, in Carol Clark, /, selected: true })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Jump to latest' })).toBeInTheDocument();

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('searchbox', { name: 'Search messages' })).not.toBeInTheDocument();
    expect(nav.inert || nav.hasAttribute('inert')).toBe(false);
    // Nothing had focus before: it goes to the conversation the result opened.
    await expect.poll(() => document.activeElement).toBe(log);

    // Another conversation and back: the result is done with, the latest page shows.
    await user.click(within(list).getByText('Bob Brown'));
    await screen.findByRole('heading', { level: 2, name: 'Bob Brown' });
    await user.click(within(list).getByText('Carol Clark'));
    await screen.findByRole('heading', { level: 2, name: 'Carol Clark' });
    await expect.poll(() => channel('messages:latest')).toEqual([[bob.id], [carol.id]]);
    expect(channel('messages:around')).toHaveLength(1);
  });

  it('opens from the header button, keeps the query for next time, gives focus back on Escape, and yields to Ctrl+F', async () => {
    const { user } = setup();
    await screen.findByRole('listbox', { name: 'Conversations' });
    const button = screen.getByRole('button', { name: 'Search' });
    expect(button).toHaveAttribute('title', 'Search messages (Ctrl+Shift+F)');
    await user.click(button);
    await user.type(screen.getByRole('searchbox', { name: 'Search messages' }), 'lunch');
    await user.keyboard('{Escape}');
    await expect.poll(() => document.activeElement).toBe(button);

    await user.click(button);
    expect(screen.getByRole('searchbox', { name: 'Search messages' })).toHaveValue('lunch');
    expect(await screen.findByRole('option', { name: /, in Carol Clark, / })).toBeInTheDocument();
    await user.keyboard('{Control>}f{/Control}');
    expect(screen.queryByRole('searchbox', { name: 'Search messages' })).not.toBeInTheDocument();
    expect(screen.getByRole('searchbox', { name: 'Filter conversations' })).toHaveFocus();
  });

  it('gives the friends panel my own availability from the snapshot', async () => {
    installBridge({ 'state:snapshot': () => ({ ok: true, value: snapshot({ profile: PROFILE, connection: 'online', availability: 'busy' }) }) });
    render(App);
    expect(await screen.findByRole('combobox', { name: 'Availability' })).toHaveValue('busy');
  });
});
