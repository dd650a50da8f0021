import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PreferencesPatch, SettingsView } from '../../app/ipc/views.js';
import { account, conversation, installBridge, PROFILE, snapshot, type Handlers } from '../test/fake-bridge.js';
import App from './App.svelte';
import { applyAppearance } from './lib/desktop/appearance.js';
import { forgetSounds } from './lib/desktop/sounds.js';
import { settings } from './lib/settings/settings-state.svelte.js';

// The desktop around the window: Settings, the appearance applied app-wide, the zoom keys, sounds,
// browser notifications and the title's unread count. The parts on their own are in lib/desktop/.

type Appearance = SettingsView['preferences']['appearance'];

function settingsView(appearance: Partial<Appearance> = {}, host: 'desktop' | 'browser' = 'browser', spelling = true): SettingsView {
  return {
    preferences: {
      notifications: {
        enabled: true,
        sound: true,
        soundName: 'chime',
        content: 'text',
        quietHours: { enabled: false, days: [0, 1, 2, 3, 4, 5, 6], start: 1320, end: 420 },
        favouritesBreakThrough: false,
        followSystemDnd: true,
      },
      appearance: { theme: 'system', zoom: 100, compact: false, ...appearance },
      startup: { atLogin: false, inTray: false, onClose: 'tray' },
      spelling: { enabled: spelling, languages: [] },
    },
    features: { host, startup: host === 'desktop', spellLanguages: null, systemDnd: { readable: false, reason: 'not here' }, updates: { state: 'idle' } },
    silence: { kind: 'none' },
  };
}

const bob = conversation('a', 'Bob Brown', 200);
const carol = conversation('b', 'Carol Clark', 100);
const root = document.documentElement;

function setup(view: SettingsView = settingsView(), handlers: Handlers = {}) {
  let current = view;
  const ok = { ok: true as const, value: undefined };
  const bridge = installBridge({
    'state:snapshot': () => ({ ok: true, value: snapshot({ profile: PROFILE, connection: 'online', conversations: [bob, carol] }) }),
    'ui:conversation-opened': () => ok,
    'messages:latest': (id) => ({ ok: true, value: { conversationId: id, messages: [], hasOlder: false } }),
    'settings:get': () => ({ ok: true, value: current }),
    'settings:set': (patch: PreferencesPatch) => {
      current = { ...current, preferences: { ...current.preferences, appearance: { ...current.preferences.appearance, ...patch.appearance } } };
      return { ok: true, value: current };
    },
    ...handlers,
  });
  render(App);
  const calls = (channel: string) => bridge.calls.filter((c) => c.channel === channel).map((c) => c.args);
  return { bridge, calls, user: userEvent.setup() };
}

beforeEach(() => {
  // One settings state per window: each test's window starts without the last one's.
  settings.view = null;
  forgetSounds();
});

afterEach(() => {
  applyAppearance(null);
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('App appearance', () => {
  it('puts the chosen theme on <html>, and none once it is System again', async () => {
    const { bridge } = setup(settingsView({ theme: 'dark' }));
    await screen.findByRole('listbox', { name: 'Conversations' });
    await expect.poll(() => root.dataset.theme).toBe('dark');
    bridge.emit('settings:changed', settingsView({ theme: 'light' }));
    await expect.poll(() => root.dataset.theme).toBe('light');
    bridge.emit('settings:changed', settingsView({ theme: 'system' }));
    await expect.poll(() => root.hasAttribute('data-theme')).toBe(false);
  });

  it('applies the theme on the sign-in screen too', async () => {
    installBridge({ 'state:snapshot': () => ({ ok: true, value: snapshot() }), 'settings:get': () => ({ ok: true, value: settingsView({ theme: 'dark' }) }) });
    render(App);
    await screen.findByRole('button', { name: 'Sign in' });
    await expect.poll(() => root.dataset.theme).toBe('dark');
  });

  it('zooms with Ctrl + and Ctrl -, and back with Ctrl 0, keeping the browser from zooming as well', async () => {
    const { calls, user } = setup(settingsView({ zoom: 100 }, 'browser'));
    await screen.findByRole('listbox', { name: 'Conversations' });
    await expect.poll(() => settings.view).not.toBeNull();
    const prevented: string[] = [];
    const listen = (event: KeyboardEvent) => event.key !== 'Control' && prevented.push(`${event.key} ${event.defaultPrevented}`);
    window.addEventListener('keydown', listen);

    await user.keyboard('{Control>}={/Control}');
    await expect.poll(() => root.style.getPropertyValue('zoom')).toBe('1.1');
    await user.keyboard('{Control>}-{/Control}{Control>}-{/Control}');
    await expect.poll(() => root.style.getPropertyValue('zoom')).toBe('0.9');
    await user.keyboard('{Control>}0{/Control}');
    await expect.poll(() => root.style.getPropertyValue('zoom')).toBe('');
    expect(calls('settings:set')).toEqual([
      [{ appearance: { zoom: 110 } }],
      [{ appearance: { zoom: 100 } }],
      [{ appearance: { zoom: 90 } }],
      [{ appearance: { zoom: 100 } }],
    ]);
    window.removeEventListener('keydown', listen);
    expect(prevented).toEqual(['= true', '- true', '- true', '0 true']);
  });

  it('asks for the zoom in the desktop app too, but leaves zooming the page to its main process', async () => {
    const { calls, bridge, user } = setup(settingsView({ zoom: 100 }, 'desktop'));
    await screen.findByRole('listbox', { name: 'Conversations' });
    await expect.poll(() => settings.view).not.toBeNull();
    await user.keyboard('{Control>}={/Control}');
    await expect.poll(() => calls('settings:set')).toEqual([[{ appearance: { zoom: 110 } }]]);
    bridge.emit('settings:changed', settingsView({ zoom: 150 }, 'desktop'));
    await expect.poll(() => settings.view?.preferences.appearance.zoom).toBe(150);
    expect(root.style.getPropertyValue('zoom')).toBe('');
    expect(root.style.getPropertyValue('--zoom')).toBe('');
  });

  it('shows compact rows when the setting asks for them', async () => {
    const { bridge } = setup(settingsView({ compact: false }));
    const list = await screen.findByRole('listbox', { name: 'Conversations' });
    expect(within(list).getByRole('option', { name: 'Bob Brown' })).not.toHaveClass('compact');
    bridge.emit('settings:changed', settingsView({ compact: true }));
    await expect.poll(() => within(list).getByRole('option', { name: 'Bob Brown' }).classList.contains('compact')).toBe(true);
  });

  it('spell-checks the composer as the setting says', async () => {
    const { bridge, user } = setup(settingsView({}, 'browser', false));
    const list = await screen.findByRole('listbox', { name: 'Conversations' });
    await expect.poll(() => settings.view).not.toBeNull();
    await user.click(within(list).getByText('Bob Brown'));
    const field = await screen.findByRole('textbox', { name: 'Message' });
    expect(field).toHaveAttribute('spellcheck', 'false');
    bridge.emit('settings:changed', settingsView({}, 'browser', true));
    await expect.poll(() => field.getAttribute('spellcheck')).toBe('true');
  });
});

describe('App Settings screen', () => {
  it('opens from the header button in place of the list and the pane, and Close gives focus back to the button', async () => {
    const { user } = setup();
    await screen.findByRole('listbox', { name: 'Conversations' });
    const button = screen.getByRole('button', { name: 'Settings' });
    expect(button).toHaveAttribute('title', 'Settings (Ctrl+,)');
    await user.click(button);
    const heading = await screen.findByRole('heading', { level: 2, name: 'Settings' });
    await expect.poll(() => document.activeElement).toBe(heading);
    expect(button).toHaveAttribute('aria-expanded', 'true');
    // Underneath, as they were, out of reach.
    const nav = screen.getByRole('navigation', { name: 'Conversation list', hidden: true }) as HTMLElement & { inert?: boolean };
    expect(nav.inert || nav.hasAttribute('inert')).toBe(true);
    expect(screen.getByRole('banner')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Close settings' }));
    expect(screen.queryByRole('heading', { name: 'Settings' })).not.toBeInTheDocument();
    await expect.poll(() => document.activeElement).toBe(button);
    expect(nav.inert || nav.hasAttribute('inert')).toBe(false);
  });

  it('opens with Ctrl+, and closes with Escape, back to the Settings button', async () => {
    const { user } = setup();
    const list = await screen.findByRole('listbox', { name: 'Conversations' });
    await user.click(within(list).getByText('Bob Brown'));
    await user.keyboard('{Control>},{/Control}');
    expect(await screen.findByRole('heading', { level: 2, name: 'Settings' })).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('heading', { name: 'Settings' })).not.toBeInTheDocument();
    await expect.poll(() => document.activeElement).toBe(screen.getByRole('button', { name: 'Settings' }));
    // Where the user was: the conversation is still open.
    expect(screen.getByRole('heading', { level: 2, name: 'Bob Brown' })).toBeInTheDocument();
  });

  it('opens with Cmd+, on macOS', async () => {
    vi.stubGlobal('navigator', { ...navigator, platform: 'MacIntel' });
    const { user } = setup();
    await screen.findByRole('listbox', { name: 'Conversations' });
    await user.keyboard('{Control>},{/Control}');
    expect(screen.queryByRole('heading', { name: 'Settings' })).not.toBeInTheDocument();
    await user.keyboard('{Meta>},{/Meta}');
    expect(await screen.findByRole('heading', { level: 2, name: 'Settings' })).toBeInTheDocument();
  });

  it("opens when the app menu asks (ui:open-settings), and gives way to a conversation's notification", async () => {
    const { bridge } = setup();
    await screen.findByRole('listbox', { name: 'Conversations' });
    bridge.emit('ui:open-settings', {});
    expect(await screen.findByRole('heading', { level: 2, name: 'Settings' })).toBeInTheDocument();
    bridge.emit('ui:open-conversation', { conversationId: carol.id });
    expect(await screen.findByRole('heading', { level: 2, name: 'Carol Clark' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Settings' })).not.toBeInTheDocument();
  });

  it('is not there before signing in', async () => {
    const bridge = installBridge({ 'state:snapshot': () => ({ ok: true, value: snapshot() }) });
    render(App);
    await screen.findByRole('button', { name: 'Sign in' });
    bridge.emit('ui:open-settings', {});
    await userEvent.setup().keyboard('{Control>},{/Control}');
    expect(screen.queryByRole('heading', { name: 'Settings' })).not.toBeInTheDocument();
  });
});

describe('App around the window', () => {
  it("counts every account's unread messages in the title in the browser host", async () => {
    installBridge({
      'state:snapshot': () => ({
        ok: true,
        value: snapshot({
          profile: PROFILE,
          accounts: [account('a', PROFILE.email, { unread: 2 }), account('b', 'bob@x', { unread: 1 })],
          activeAccountId: 'a'.padEnd(16, '0'),
        }),
      }),
      'settings:get': () => ({ ok: true, value: settingsView() }),
    });
    const bridge = window.ozeki as ReturnType<typeof installBridge>;
    render(App);
    await expect.poll(() => document.title).toBe('(3) Ozeki Chat');
    bridge.emit('accounts:changed', { accounts: [account('a', PROFILE.email), account('b', 'bob@x')], activeAccountId: 'a'.padEnd(16, '0') });
    await expect.poll(() => document.title).toBe('Ozeki Chat');
  });

  it('plays the sound a desktop:sound event names', async () => {
    const play = vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
    const { bridge } = setup();
    await screen.findByRole('listbox', { name: 'Conversations' });
    bridge.emit('desktop:sound', { sound: 'pop' });
    expect(play).toHaveBeenCalledTimes(1);
    expect((play.mock.contexts[0] as HTMLAudioElement).src).toMatch(/\/sounds\/pop\.wav$/);
  });

  it('tells the main process that no conversation is on screen while the page is hidden', async () => {
    const { calls, user } = setup();
    const list = await screen.findByRole('listbox', { name: 'Conversations' });
    await user.click(within(list).getByText('Bob Brown'));
    await expect.poll(() => calls('ui:conversation-opened').at(-1)).toEqual([bob.id]);
    vi.spyOn(document, 'hidden', 'get').mockReturnValue(true);
    document.dispatchEvent(new Event('visibilitychange'));
    await expect.poll(() => calls('ui:conversation-opened').at(-1)).toEqual([null]);
  });

  describe('browser notifications', () => {
    function stubNotifications(permission: NotificationPermission) {
      const shown: { title: string; onclick: (() => void) | null }[] = [];
      const requestPermission = vi.fn(async () => 'granted' as NotificationPermission);
      class FakeNotification {
        static permission = permission;
        static requestPermission = requestPermission;
        onclick: (() => void) | null = null;
        onclose: (() => void) | null = null;
        close = vi.fn();
        constructor(public title: string) {
          shown.push(this);
        }
      }
      vi.stubGlobal('Notification', FakeNotification);
      return { shown, requestPermission, set: (p: NotificationPermission) => (FakeNotification.permission = p) };
    }

    it("opens a clicked notification's conversation, switching to its account first", async () => {
      const { shown } = stubNotifications('granted');
      vi.spyOn(document, 'hasFocus').mockReturnValue(false);
      vi.spyOn(window, 'focus').mockImplementation(() => {});
      const other = account('b', 'bob@x');
      const dave = conversation('d', 'Dave Doe', 50);
      let onScreen = 'a'.padEnd(16, '0');
      const accounts = () => [account('a', PROFILE.email), other];
      const { bridge, calls } = setup(settingsView(), {
        'state:snapshot': () => ({
          ok: true,
          value: snapshot({ profile: PROFILE, accounts: accounts(), activeAccountId: onScreen, conversations: onScreen === other.id ? [dave] : [bob, carol] }),
        }),
        'accounts:switch': (id) => {
          onScreen = id;
          queueMicrotask(() => bridge.emit('accounts:changed', { accounts: accounts(), activeAccountId: id }));
          return { ok: true, value: undefined };
        },
      });
      await screen.findByRole('listbox', { name: 'Conversations' });
      await expect.poll(() => settings.view).not.toBeNull();

      bridge.emit('desktop:notification', { key: dave.id, title: 'Dave Doe', body: 'hi', conversationId: dave.id, accountId: other.id });
      expect(shown.map((n) => n.title)).toEqual(['Dave Doe']);
      shown[0]!.onclick!();
      expect(await screen.findByRole('heading', { level: 2, name: 'Dave Doe' })).toBeInTheDocument();
      expect(calls('accounts:switch')).toEqual([[other.id]]);
    });

    it('offers to allow notifications in the browser host until asked', async () => {
      const { requestPermission, set } = stubNotifications('default');
      requestPermission.mockImplementation(async () => {
        set('granted');
        return 'granted';
      });
      const { user } = setup();
      await screen.findByRole('listbox', { name: 'Conversations' });
      const offer = await screen.findByRole('button', { name: 'Allow notifications in this browser' });
      await user.click(offer);
      expect(requestPermission).toHaveBeenCalledTimes(1);
      await expect.poll(() => screen.queryByRole('button', { name: 'Allow notifications in this browser' })).toBeNull();
    });

    it('lets the offer be dismissed for as long as the page is open', async () => {
      stubNotifications('default');
      const { user } = setup();
      await screen.findByRole('button', { name: 'Allow notifications in this browser' });
      await user.click(screen.getByRole('button', { name: 'Not now' }));
      expect(screen.queryByRole('button', { name: 'Allow notifications in this browser' })).not.toBeInTheDocument();
      // The header is made anew (another account, back from "Add account"): still no offer.
      await user.click(screen.getByRole('button', { name: /Add account/ }));
      await user.click(await screen.findByRole('button', { name: 'Cancel' }));
      await screen.findByRole('listbox', { name: 'Conversations' });
      expect(screen.queryByRole('button', { name: 'Allow notifications in this browser' })).not.toBeInTheDocument();
    });

    it('offers nothing in the desktop app, whose notifications are its own', async () => {
      stubNotifications('default');
      setup(settingsView({}, 'desktop'));
      await screen.findByRole('listbox', { name: 'Conversations' });
      await expect.poll(() => settings.view).not.toBeNull();
      expect(screen.queryByRole('button', { name: 'Allow notifications in this browser' })).not.toBeInTheDocument();
    });
  });
});
