import { render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
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
    expect(
      within(list)
        .getAllByRole('option')
        .map((o) => o.textContent?.trim()),
    ).toEqual(['Bob Brown', 'Carol Clark']);
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
