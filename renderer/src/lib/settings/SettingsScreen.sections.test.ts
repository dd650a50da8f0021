import { screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultPreferences, renderSettings, settingsView } from '../../../test/settings-fixtures.js';
import { languageName } from './settings-text.js';

const region = (name: string) => screen.getByRole('region', { name });

afterEach(() => vi.unstubAllGlobals());

describe('SettingsScreen: Appearance', () => {
  it('chooses the theme and shows the saved one', async () => {
    const { patches } = await renderSettings();
    const appearance = region('Appearance');
    const theme = within(appearance).getByRole('group', { name: 'Theme' });
    expect(
      within(theme)
        .getAllByRole('radio')
        .map((r) => r.parentElement?.textContent?.trim()),
    ).toEqual(['System', 'Light', 'Dark']);
    expect(within(theme).getByRole('radio', { name: 'System' })).toBeChecked();
    await userEvent.setup().click(within(theme).getByRole('radio', { name: 'Dark' }));
    expect(patches()).toEqual([{ appearance: { theme: 'dark' } }]);
    expect(within(theme).getByRole('radio', { name: 'Dark' })).toBeChecked();
  });

  it('zooms in the steps from 80 to 200 %, with the keys that do it too', async () => {
    const { patches } = await renderSettings();
    const zoom = within(region('Appearance')).getByRole('combobox', { name: 'Zoom' });
    expect(
      within(zoom)
        .getAllByRole('option')
        .map((o) => o.getAttribute('value')),
    ).toEqual(['80', '90', '100', '110', '125', '150', '175', '200']);
    expect(zoom).toHaveValue('100');
    expect(zoom).toHaveAccessibleDescription(/^Ctrl \+ and Ctrl - zoom in and out too, and Ctrl 0 goes back to 100\s?%\.$/);
    await userEvent.setup().selectOptions(zoom, '125');
    expect(patches()).toEqual([{ appearance: { zoom: 125 } }]);
    expect(zoom).toHaveValue('125');
  });

  it('names Cmd for the zoom keys on macOS, and offers a saved zoom between two steps', async () => {
    vi.stubGlobal('navigator', { ...navigator, platform: 'MacIntel' });
    const preferences = defaultPreferences();
    preferences.appearance.zoom = 133;
    await renderSettings({ view: settingsView({ preferences }) });
    const zoom = within(region('Appearance')).getByRole('combobox', { name: 'Zoom' });
    expect(zoom).toHaveAccessibleDescription(/^Cmd \+ and Cmd - zoom in/);
    expect(zoom).toHaveValue('133');
    expect(within(zoom).getAllByRole('option')).toHaveLength(9);
  });

  it('makes the rows compact, and goes back to the saved zoom when a change is refused', async () => {
    const { patches } = await renderSettings({ refuse: (patch) => (patch.appearance?.zoom ? 'The setting appearance.zoom is not valid.' : null) });
    const user = userEvent.setup();
    await user.click(within(region('Appearance')).getByRole('switch', { name: 'Compact rows in the conversation list' }));
    expect(patches()).toEqual([{ appearance: { compact: true } }]);
    const zoom = within(region('Appearance')).getByRole('combobox', { name: 'Zoom' });
    await user.selectOptions(zoom, '200');
    expect(zoom).toHaveValue('100');
    expect(within(region('Appearance')).getByRole('alert')).toHaveTextContent('The setting appearance.zoom is not valid.');
  });
});

describe('SettingsScreen: Startup and window', () => {
  it('starts at login, in the tray, and chooses what closing the window does', async () => {
    const { patches } = await renderSettings();
    const user = userEvent.setup();
    const startup = region('Startup and window');
    expect(within(startup).queryByText(/runs in a browser/)).toBeNull();
    await user.click(within(startup).getByRole('switch', { name: 'Start Ozeki Chat when you log in' }));
    await user.click(within(startup).getByRole('switch', { name: 'Start in the tray, with the window hidden' }));
    const onClose = within(startup).getByRole('group', { name: 'When the window is closed' });
    expect(within(onClose).getByRole('radio', { name: 'Keep running in the tray' })).toBeChecked();
    await user.click(within(onClose).getByRole('radio', { name: 'Quit' }));
    expect(patches()).toEqual([{ startup: { atLogin: true } }, { startup: { inTray: true } }, { startup: { onClose: 'quit' } }]);
    expect(within(onClose).getByRole('radio', { name: 'Quit' })).toBeChecked();
  });

  it('says plainly in a browser that these are for the desktop app, and still keeps them', async () => {
    const { patches } = await renderSettings({ view: settingsView({ features: { host: 'browser', startup: false } }) });
    const startup = region('Startup and window');
    const atLogin = within(startup).getByRole('switch', { name: 'Start Ozeki Chat when you log in' });
    expect(atLogin).toHaveAccessibleDescription(/These apply to the desktop app\. This window runs in a browser/);
    expect(within(startup).getByRole('group', { name: 'When the window is closed' })).toHaveAccessibleDescription(/These apply to the desktop app/);
    await userEvent.setup().click(atLogin);
    expect(patches()).toEqual([{ startup: { atLogin: true } }]);
  });
});

describe('SettingsScreen: Spelling', () => {
  it('turns spell check off', async () => {
    const { patches } = await renderSettings();
    const check = within(region('Spelling')).getByRole('switch', { name: 'Check spelling as you type' });
    await userEvent.setup().click(check);
    expect(patches()).toEqual([{ spelling: { enabled: false } }]);
    expect(check).not.toBeChecked();
  });

  it('chooses up to five of the offered languages by name', async () => {
    const { patches } = await renderSettings();
    const user = userEvent.setup();
    const languages = within(region('Spelling')).getByRole('group', { name: 'Languages' });
    const german = within(languages).getByRole('checkbox', { name: languageName('de') });
    expect(languageName('de')).not.toBe('de');
    await user.click(german);
    expect(patches().at(-1)).toEqual({ spelling: { languages: ['de'] } });
    expect(german).toBeChecked();

    for (const tag of ['fr', 'es', 'it', 'nl']) await user.click(within(languages).getByRole('checkbox', { name: languageName(tag) }));
    expect(patches().at(-1)).toEqual({ spelling: { languages: ['de', 'fr', 'es', 'it', 'nl'] } });
    // Five is the most: the others cannot be ticked until one is unticked.
    expect(within(languages).getByRole('checkbox', { name: languageName('en-GB') })).toBeDisabled();
    await user.click(german);
    expect(patches().at(-1)).toEqual({ spelling: { languages: ['fr', 'es', 'it', 'nl'] } });
    expect(within(languages).getByRole('checkbox', { name: languageName('en-GB') })).toBeEnabled();
  });

  it("says that the browser's own spell checker decides the languages when the app cannot", async () => {
    await renderSettings({ view: settingsView({ features: { spellLanguages: null } }) });
    const spelling = region('Spelling');
    expect(within(spelling).queryByRole('group', { name: 'Languages' })).toBeNull();
    expect(within(spelling).getByText("The browser's own spell checker decides which languages it checks.")).toBeInTheDocument();
  });
});
