import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { describe, expect, it, vi } from 'vitest';
import { installBridge } from '../../../test/fake-bridge.js';
import { ALICE, BOB, renderSettings, settingsView } from '../../../test/settings-fixtures.js';
import { settings } from './settings-state.svelte.js';
import SettingsScreen from './SettingsScreen.svelte';

const SECTIONS = ['Notifications', 'Appearance', 'Startup and window', 'Spelling', 'Privacy', 'Accounts', 'About and updates'];

describe('SettingsScreen', () => {
  it('is a region named Settings with its heading focused, and a nav of every section', async () => {
    await renderSettings();
    const region = screen.getByRole('region', { name: 'Settings' });
    expect(within(region).getByRole('heading', { name: 'Settings' })).toHaveFocus();
    const nav = within(region).getByRole('navigation', { name: 'Settings sections' });
    expect(
      within(nav)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(SECTIONS);
    for (const title of SECTIONS) expect(within(region).getByRole('region', { name: title })).toBeInTheDocument();
  });

  it('moves focus to the chosen section, so the next Tab reaches its first control', async () => {
    await renderSettings();
    const user = userEvent.setup();
    const nav = screen.getByRole('navigation', { name: 'Settings sections' });
    await user.click(within(nav).getByRole('button', { name: 'Spelling' }));
    expect(screen.getByRole('heading', { name: 'Spelling' })).toHaveFocus();
    await user.tab();
    expect(screen.getByRole('switch', { name: 'Check spelling as you type' })).toHaveFocus();

    await user.click(within(nav).getByRole('button', { name: 'About and updates' }));
    expect(screen.getByRole('heading', { name: 'About and updates' })).toHaveFocus();
  });

  it('closes with the Close button and with Escape from anywhere on the screen', async () => {
    const { onclose } = await renderSettings();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Close settings' }));
    expect(onclose).toHaveBeenCalledTimes(1);

    screen.getByRole('radio', { name: 'Dark' }).focus();
    await user.keyboard('{Escape}');
    expect(onclose).toHaveBeenCalledTimes(2);
    document.body.focus();
    await user.keyboard('{Escape}');
    expect(onclose).toHaveBeenCalledTimes(3);
  });

  it('lets Escape in a confirmation close only the confirmation, with focus back on its button', async () => {
    const { onclose } = await renderSettings();
    const user = userEvent.setup();
    const signOut = screen.getByRole('button', { name: 'Sign out Bob Brown (bob@example.com)' });
    await user.click(signOut);
    expect(screen.getByRole('dialog', { name: 'Sign out Bob Brown (bob@example.com)?' })).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(signOut).toHaveFocus();
    expect(onclose).not.toHaveBeenCalled();
  });

  it('shows a change made elsewhere (the tray, another window) as it arrives', async () => {
    const { bridge } = await renderSettings();
    const off = settings.follow();
    try {
      bridge.emit('settings:changed', settingsView({ silence: { kind: 'off' } }));
      expect(await screen.findByText('Notifications are off')).toBeInTheDocument();
    } finally {
      off();
    }
  });

  it('says why when the settings cannot be read, keeps Privacy and Accounts, and tries again', async () => {
    settings.view = null;
    settings.loadError = null;
    let fail = true;
    installBridge({
      'settings:get': () =>
        fail ? { ok: false, error: { code: 'internal', message: 'The settings file could not be read.' } } : { ok: true, value: settingsView() },
    });
    render(SettingsScreen, { accounts: [ALICE], activeAccountId: ALICE.id, onclose: vi.fn(), oncleared: vi.fn() });
    expect(await screen.findByRole('alert')).toHaveTextContent('The settings file could not be read.');
    const nav = screen.getByRole('navigation', { name: 'Settings sections' });
    expect(
      within(nav)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Privacy', 'Accounts']);
    expect(screen.getByRole('region', { name: 'Accounts' })).toBeInTheDocument();

    fail = false;
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('region', { name: 'Notifications' })).toBeInTheDocument();
  });

  it('has no accessibility findings (axe-core), in a browser host with every note showing', async () => {
    await renderSettings({
      view: settingsView({
        features: { host: 'browser', startup: false, spellLanguages: null, systemDnd: { readable: false, reason: 'Not on this system.' } },
        silence: { kind: 'quiet-hours', until: Date.now() + 3_600_000, favouritesNotify: true },
      }),
      accounts: [ALICE, BOB],
    });
    // jsdom lays nothing out, so colour contrast is the end-to-end suite's to check; the page's
    // one h1 is the window's header, outside this screen.
    const { violations } = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false }, 'page-has-heading-one': { enabled: false } } });
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });

  it("has no accessibility findings with the desktop app's languages and a confirmation open (axe-core)", async () => {
    await renderSettings();
    await userEvent.setup().click(screen.getByRole('button', { name: "Clear this device's data for Alice Andersen (alice@demo.ozeki.chat)" }));
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    const { violations } = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false }, 'page-has-heading-one': { enabled: false } } });
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
});
