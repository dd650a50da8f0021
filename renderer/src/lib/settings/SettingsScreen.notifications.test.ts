import { fireEvent, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { previewSound } from './preview-sound.js';
import { defaultPreferences, renderSettings, settingsView } from '../../../test/settings-fixtures.js';

vi.mock('./preview-sound.js', () => ({ previewSound: vi.fn() }));

const section = () => screen.getByRole('region', { name: 'Notifications' });
const quiet = () => within(section()).getByRole('group', { name: 'Quiet hours' });

describe('SettingsScreen: Notifications', () => {
  it('turns notifications and their sound off and on, showing the saved value', async () => {
    const { patches } = await renderSettings();
    const user = userEvent.setup();
    const enabled = within(section()).getByRole('switch', { name: 'Show notifications' });
    expect(enabled).toBeChecked();
    await user.click(enabled);
    expect(patches()).toEqual([{ notifications: { enabled: false } }]);
    expect(enabled).not.toBeChecked();

    await user.click(within(section()).getByRole('switch', { name: 'Play a sound' }));
    expect(patches().at(-1)).toEqual({ notifications: { sound: false } });
    expect(within(section()).getByRole('switch', { name: 'Play a sound' })).not.toBeChecked();
  });

  it('snaps a refused change back and says why', async () => {
    await renderSettings({ refuse: () => 'The settings file could not be written.' });
    const user = userEvent.setup();
    const enabled = within(section()).getByRole('switch', { name: 'Show notifications' });
    await user.click(enabled);
    expect(enabled).toBeChecked();
    expect(within(section()).getByRole('alert')).toHaveTextContent('The settings file could not be written.');

    const content = within(section()).getByRole('radio', { name: 'Only the sender' });
    await user.click(content);
    expect(content).not.toBeChecked();
    expect(within(section()).getByRole('radio', { name: 'The sender and the message text' })).toBeChecked();
  });

  it('chooses the sound by name and plays the chosen one on "Play"', async () => {
    const { patches } = await renderSettings();
    const user = userEvent.setup();
    const sound = within(section()).getByRole('combobox', { name: 'Sound' });
    expect(
      within(sound)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Chime', 'Pop', 'Bell', 'Knock']);
    await user.selectOptions(sound, 'Bell');
    expect(patches()).toEqual([{ notifications: { soundName: 'bell' } }]);
    expect(sound).toHaveValue('bell');
    await user.click(within(section()).getByRole('button', { name: 'Play Bell' }));
    expect(previewSound).toHaveBeenCalledWith('bell');
  });

  it('shows the message text or only the sender', async () => {
    const { patches } = await renderSettings();
    await userEvent.setup().click(within(section()).getByRole('radio', { name: 'Only the sender' }));
    expect(patches()).toEqual([{ notifications: { content: 'sender' } }]);
    expect(within(section()).getByRole('radio', { name: 'Only the sender' })).toBeChecked();
  });

  it('sets quiet hours: on, the days from Monday by name, from and to as minutes after midnight, favourites', async () => {
    const preferences = defaultPreferences();
    preferences.notifications.quietHours.days = [1, 2, 3, 4, 5];
    const { patches } = await renderSettings({ view: settingsView({ preferences }) });
    const user = userEvent.setup();

    await user.click(within(quiet()).getByRole('switch', { name: 'Keep quiet at set hours' }));
    expect(patches().at(-1)).toEqual({ notifications: { quietHours: { enabled: true } } });

    const days = within(quiet()).getByRole('group', { name: 'Days' });
    const boxes = within(days).getAllByRole('checkbox');
    expect(boxes.map((b) => b.parentElement?.textContent?.trim())).toEqual(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']);
    expect(boxes.map((b) => (b as HTMLInputElement).checked)).toEqual([true, true, true, true, true, false, false]);
    await user.click(within(days).getByRole('checkbox', { name: 'Sunday' }));
    expect(patches().at(-1)).toEqual({ notifications: { quietHours: { days: [0, 1, 2, 3, 4, 5] } } });
    expect(within(days).getByRole('checkbox', { name: 'Sunday' })).toBeChecked();
    await user.click(within(days).getByRole('checkbox', { name: 'Monday' }));
    expect(patches().at(-1)).toEqual({ notifications: { quietHours: { days: [0, 2, 3, 4, 5] } } });
    expect(within(days).getByRole('checkbox', { name: 'Monday' })).not.toBeChecked();

    const from = within(quiet()).getByLabelText('From');
    const to = within(quiet()).getByLabelText('To');
    expect(from).toHaveValue('22:00');
    expect(to).toHaveValue('07:00');
    await fireEvent.change(from, { target: { value: '23:30' } });
    await vi.waitFor(() => expect(patches().at(-1)).toEqual({ notifications: { quietHours: { start: 23 * 60 + 30 } } }));
    await fireEvent.change(to, { target: { value: '06:15' } });
    await vi.waitFor(() => expect(patches().at(-1)).toEqual({ notifications: { quietHours: { end: 6 * 60 + 15 } } }));
    expect(to).toHaveValue('06:15');

    const count = patches().length;
    await fireEvent.change(to, { target: { value: '' } });
    expect(patches()).toHaveLength(count);
    await vi.waitFor(() => expect(to).toHaveValue('06:15'));

    await user.click(within(quiet()).getByRole('switch', { name: 'Favorites still notify during quiet hours' }));
    expect(patches().at(-1)).toEqual({ notifications: { favouritesBreakThrough: true } });
  });

  it('says a refused quiet-hours change beside quiet hours', async () => {
    await renderSettings({ refuse: (patch) => (patch.notifications?.quietHours ? 'The setting notifications.quietHours.days is not valid.' : null) });
    await userEvent.setup().click(within(quiet()).getByRole('checkbox', { name: 'Friday' }));
    expect(within(quiet()).getByRole('alert')).toHaveTextContent('The setting notifications.quietHours.days is not valid.');
    expect(within(quiet()).getByRole('checkbox', { name: 'Friday' })).toBeChecked();
  });

  it("follows the system's Do not disturb, saying whether it is on", async () => {
    const { patches } = await renderSettings({ view: settingsView({ features: { systemDnd: { readable: true, on: true } } }) });
    const follow = within(section()).getByRole('switch', { name: "Follow the system's Do not disturb" });
    expect(follow).toHaveAccessibleDescription("The system's Do not disturb is on.");
    await userEvent.setup().click(follow);
    expect(patches()).toEqual([{ notifications: { followSystemDnd: false } }]);
  });

  it("gives the reason when the system's Do not disturb cannot be read", async () => {
    await renderSettings({ view: settingsView({ features: { systemDnd: { readable: false, reason: 'Linux desktops do not tell apps.' } } }) });
    expect(within(section()).getByRole('switch', { name: "Follow the system's Do not disturb" })).toHaveAccessibleDescription(
      "The app cannot read the system's Do not disturb here, so it cannot follow it: Linux desktops do not tell apps.",
    );
  });

  it('says what holds notifications back now', async () => {
    const until = new Date();
    until.setHours(23, 59, 0, 0);
    const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(until);
    await renderSettings({ view: settingsView({ silence: { kind: 'dnd', until: until.getTime() } }) });
    expect(within(section()).getByText(`Do not disturb until ${time}`)).toBeInTheDocument();
    expect(within(section()).getByRole('switch', { name: 'Show notifications' })).toHaveAccessibleDescription(`Do not disturb until ${time}`);
  });
});
