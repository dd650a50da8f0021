import { screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Reply } from '../../../../app/ipc/contract.js';
import { deferred } from '../../../test/fake-bridge.js';
import { ALICE, BOB, renderSettings, settingsView } from '../../../test/settings-fixtures.js';

const region = (name: string) => screen.getByRole('region', { name });
const CLEAR_BOB = "Clear this device's data for Bob Brown (bob@example.com)";
type ClearReply = Reply<'accounts:clear-local-data'>;

describe('SettingsScreen: Privacy', () => {
  it('asks first, saying what goes and what stays, and Cancel clears nothing', async () => {
    const { bridge } = await renderSettings();
    const user = userEvent.setup();
    await user.click(within(region('Privacy')).getByRole('button', { name: CLEAR_BOB }));
    const dialog = screen.getByRole('dialog', { name: "Clear this device's data for Bob Brown (bob@example.com)?" });
    expect(
      within(dialog)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['the messages kept on this device', 'the search index', 'downloaded files', 'drafts']);
    expect(dialog).toHaveTextContent('Kept: the sign-in, and everything on the server.');
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(bridge.calls.some((c) => c.channel === 'accounts:clear-local-data')).toBe(false);
  });

  it('shows its progress, then clears and says so', async () => {
    const answer = deferred<ClearReply>();
    const { bridge, oncleared } = await renderSettings({ handlers: { 'accounts:clear-local-data': () => answer.promise } });
    const user = userEvent.setup();
    const button = within(region('Privacy')).getByRole('button', { name: CLEAR_BOB });
    await user.click(button);
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Clear data' }));
    expect(bridge.calls.filter((c) => c.channel === 'accounts:clear-local-data').map((c) => c.args)).toEqual([[BOB.id]]);
    const status = within(region('Privacy')).getByRole('status');
    expect(status).toHaveTextContent("Clearing this device's data for Bob Brown (bob@example.com)…");
    expect(button).toHaveAttribute('aria-busy', 'true');
    expect(button).toHaveFocus();

    answer.resolve({ ok: true, value: { cleared: true } });
    await expect.poll(() => status.textContent).toBe("This device's data for Bob Brown (bob@example.com) was cleared. It downloads again from the server.");
    expect(oncleared).toHaveBeenCalledWith(BOB.id);
    expect(button).toHaveAttribute('aria-busy', 'false');
  });

  it('asks again when changes cannot be sent, and "Clear anyway" drops them', async () => {
    const { bridge, oncleared } = await renderSettings({
      handlers: { 'accounts:clear-local-data': (_id, opts) => ({ ok: true, value: opts?.discardUnsent ? { cleared: true } : { cleared: false, unsent: 3 } }) },
    });
    const user = userEvent.setup();
    await user.click(within(region('Privacy')).getByRole('button', { name: CLEAR_BOB }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Clear data' }));

    const second = await screen.findByRole('dialog', { name: 'Some changes are not sent yet' });
    expect(second).toHaveTextContent('3 changes could not be sent yet and will be lost');
    expect(oncleared).not.toHaveBeenCalled();
    await user.click(within(second).getByRole('button', { name: 'Clear anyway' }));

    expect(bridge.calls.filter((c) => c.channel === 'accounts:clear-local-data').map((c) => c.args)).toEqual([[BOB.id], [BOB.id, { discardUnsent: true }]]);
    await expect.poll(() => oncleared.mock.calls).toEqual([[BOB.id]]);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('keeps the unsent changes when the second question is cancelled', async () => {
    const { bridge, oncleared } = await renderSettings({
      handlers: { 'accounts:clear-local-data': () => ({ ok: true, value: { cleared: false, unsent: 1 } }) },
    });
    const user = userEvent.setup();
    await user.click(within(region('Privacy')).getByRole('button', { name: CLEAR_BOB }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Clear data' }));
    const second = await screen.findByRole('dialog', { name: 'Some changes are not sent yet' });
    expect(second).toHaveTextContent('1 change could not be sent yet and will be lost');
    await user.click(within(second).getByRole('button', { name: 'Cancel' }));
    expect(bridge.calls.filter((c) => c.channel === 'accounts:clear-local-data')).toHaveLength(1);
    expect(oncleared).not.toHaveBeenCalled();
  });

  it('says why when clearing fails', async () => {
    const { oncleared } = await renderSettings({
      handlers: { 'accounts:clear-local-data': () => ({ ok: false, error: { code: 'internal', message: 'The local database is in use.' } }) },
    });
    const user = userEvent.setup();
    await user.click(within(region('Privacy')).getByRole('button', { name: CLEAR_BOB }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Clear data' }));
    expect(await within(region('Privacy')).findByRole('alert')).toHaveTextContent('The local database is in use.');
    expect(oncleared).not.toHaveBeenCalled();
  });
});

describe('SettingsScreen: Accounts', () => {
  it('lists every account, the one on screen and one kept for this run only marked', async () => {
    await renderSettings({ accounts: [ALICE, { ...BOB, persistent: false, connection: 'offline' }] });
    const items = within(region('Accounts')).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent('Alice Andersen');
    expect(items[0]).toHaveTextContent('alice@demo.ozeki.chat');
    expect(items[0]).toHaveTextContent('On screen');
    expect(items[1]).toHaveTextContent('Bob Brown');
    expect(items[1]).toHaveTextContent('Offline · Kept for this run only: add it again next launch');
    expect(items[1]).not.toHaveTextContent('On screen');
  });

  it('signs out the named account after asking, and Cancel signs out nobody', async () => {
    const { bridge } = await renderSettings({ handlers: { 'session:sign-out': () => ({ ok: true, value: undefined }) } });
    const user = userEvent.setup();
    const signOut = within(region('Accounts')).getByRole('button', { name: 'Sign out Bob Brown (bob@example.com)' });
    await user.click(signOut);
    await user.click(within(screen.getByRole('dialog', { name: 'Sign out Bob Brown (bob@example.com)?' })).getByRole('button', { name: 'Cancel' }));
    expect(bridge.calls.some((c) => c.channel === 'session:sign-out')).toBe(false);

    await user.click(signOut);
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Sign out' }));
    expect(bridge.calls.filter((c) => c.channel === 'session:sign-out').map((c) => c.args)).toEqual([[BOB.id]]);
    await expect.poll(() => within(region('Accounts')).getByRole('status').textContent).toBe('Bob Brown (bob@example.com) is signed out.');
    expect(screen.getByRole('heading', { name: 'Accounts' })).toHaveFocus();
  });

  it('says why when signing out fails', async () => {
    await renderSettings({ handlers: { 'session:sign-out': () => ({ ok: false, error: { code: 'internal', message: 'The keychain is locked.' } }) } });
    const user = userEvent.setup();
    await user.click(within(region('Accounts')).getByRole('button', { name: 'Sign out Alice Andersen (alice@demo.ozeki.chat)' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Sign out' }));
    expect(await within(region('Accounts')).findByRole('alert')).toHaveTextContent('The keychain is locked.');
  });
});

describe('SettingsScreen: About and updates', () => {
  it('disables "Check for updates" and gives the reason when updates are unavailable', async () => {
    await renderSettings({ view: settingsView({ features: { updates: { state: 'unavailable', reason: 'This build has no update server.' } } }) });
    const about = region('About and updates');
    expect(within(about).getByRole('button', { name: 'Check for updates' })).toBeDisabled();
    expect(within(about).getByRole('status')).toHaveTextContent('This build has no update server.');
  });

  it('checks for updates and shows the answer, then what the main process says next', async () => {
    const answer = deferred<Reply<'updates:check'>>();
    const { bridge } = await renderSettings({ handlers: { 'updates:check': () => answer.promise } });
    const user = userEvent.setup();
    const about = region('About and updates');
    expect(within(about).getByRole('status')).toHaveTextContent('Updates have not been checked for yet.');
    await user.click(within(about).getByRole('button', { name: 'Check for updates' }));
    expect(within(about).getByRole('status')).toHaveTextContent('Checking for updates…');
    expect(within(about).getByRole('button', { name: 'Check for updates' })).toHaveAttribute('aria-busy', 'true');

    answer.resolve({ ok: true, value: { state: 'available', version: '1.4.0' } });
    await expect.poll(() => within(about).getByRole('status').textContent).toBe('Version 1.4.0 is available.');
    expect(bridge.calls.filter((c) => c.channel === 'updates:check')).toHaveLength(1);
  });

  it('shows a download with its progress', async () => {
    await renderSettings({ view: settingsView({ features: { updates: { state: 'downloading', version: '1.4.0', percent: 40 } } }) });
    const about = region('About and updates');
    expect(within(about).getByRole('status')).toHaveTextContent(/^Downloading version 1\.4\.0: 40\s?%$/);
    expect(within(about).getByRole('progressbar', { name: 'Downloading version 1.4.0' })).toHaveAttribute('value', '40');
  });
});
