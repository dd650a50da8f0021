import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SettingsView } from '../../../../app/ipc/views.js';
import { account, installBridge } from '../../../test/fake-bridge.js';
import indexHtml from '../../../index.html?raw';
import { applyAppearance, pageZoom, ZoomKeys, zoomDirection } from './appearance.js';
import { followSounds, forgetSounds, playSound } from './sounds.js';
import { APP_TITLE, showUnreadInTitle, unreadTitle } from './title-badge.js';
import { followWebNotifications } from './web-notifications.js';

function view(appearance: Partial<SettingsView['preferences']['appearance']> = {}, host: 'desktop' | 'browser' = 'browser'): SettingsView {
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
      spelling: { enabled: true, languages: [] },
    },
    features: { host, startup: host === 'desktop', spellLanguages: null, systemDnd: { readable: false, reason: 'not here' }, updates: { state: 'idle' } },
    silence: { kind: 'none' },
  };
}

const key = (init: KeyboardEventInit) => new KeyboardEvent('keydown', { cancelable: true, ...init });
const root = document.documentElement;

afterEach(() => {
  applyAppearance(null);
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('applyAppearance', () => {
  it('puts an explicit theme on <html> and none for System', () => {
    applyAppearance(view({ theme: 'dark' }));
    expect(root.dataset.theme).toBe('dark');
    applyAppearance(view({ theme: 'light' }));
    expect(root.dataset.theme).toBe('light');
    applyAppearance(view({ theme: 'system' }));
    expect(root.hasAttribute('data-theme')).toBe(false);
  });

  it('zooms the page itself in the browser host, and the shell divides the window height by the same factor', () => {
    applyAppearance(view({ zoom: 150 }, 'browser'));
    expect(root.style.getPropertyValue('zoom')).toBe('1.5');
    expect(root.style.getPropertyValue('--zoom')).toBe('1.5');
    expect(pageZoom()).toBe(1.5);
    applyAppearance(view({ zoom: 100 }, 'browser'));
    expect(root.style.getPropertyValue('zoom')).toBe('');
    expect(pageZoom()).toBe(1);
  });

  it('never zooms the page in the desktop app, whose main process zooms it', () => {
    applyAppearance(view({ zoom: 200 }, 'browser'));
    applyAppearance(view({ zoom: 200 }, 'desktop'));
    expect(root.style.getPropertyValue('zoom')).toBe('');
    expect(root.style.getPropertyValue('--zoom')).toBe('');
    expect(pageZoom()).toBe(1);
  });
});

describe('zoom keys', () => {
  it('reads Ctrl with =, +, the keypad + and -, and 0 as in, out and reset, and nothing else', () => {
    expect(zoomDirection(key({ key: '=', code: 'Equal', ctrlKey: true }))).toBe('in');
    expect(zoomDirection(key({ key: '+', code: 'Equal', ctrlKey: true, shiftKey: true }))).toBe('in');
    expect(zoomDirection(key({ key: '+', code: 'NumpadAdd', ctrlKey: true }))).toBe('in');
    expect(zoomDirection(key({ key: '-', code: 'Minus', ctrlKey: true }))).toBe('out');
    expect(zoomDirection(key({ key: '-', code: 'NumpadSubtract', ctrlKey: true }))).toBe('out');
    expect(zoomDirection(key({ key: '0', code: 'Digit0', ctrlKey: true }))).toBe('reset');
    expect(zoomDirection(key({ key: '0', code: 'Numpad0', ctrlKey: true }))).toBe('reset');
    expect(zoomDirection(key({ key: '=', code: 'Equal' }))).toBeNull();
    expect(zoomDirection(key({ key: '=', code: 'Equal', ctrlKey: true, altKey: true }))).toBeNull();
    expect(zoomDirection(key({ key: '=', code: 'Equal', metaKey: true }))).toBeNull();
    expect(zoomDirection(key({ key: '1', code: 'Digit1', ctrlKey: true }))).toBeNull();
  });

  it('uses Cmd on macOS', () => {
    vi.stubGlobal('navigator', { platform: 'MacIntel' });
    expect(zoomDirection(key({ key: '=', code: 'Equal', metaKey: true }))).toBe('in');
    expect(zoomDirection(key({ key: '=', code: 'Equal', ctrlKey: true }))).toBeNull();
  });

  function zoomState(zoom: number) {
    const state = { view: view({ zoom }) as SettingsView | null, set: vi.fn((_patch: unknown) => new Promise<string | null>(() => {})) };
    return { state, keys: new ZoomKeys(state) };
  }

  it('asks for the next step and keeps the browser from zooming too', () => {
    const { state, keys } = zoomState(100);
    const event = key({ key: '=', ctrlKey: true });
    expect(keys.keydown(event)).toBe(true);
    expect(event.defaultPrevented).toBe(true);
    expect(state.set).toHaveBeenCalledWith({ appearance: { zoom: 110 } });
  });

  it('moves a step per press while the answers are on their way', () => {
    const { state, keys } = zoomState(100);
    keys.keydown(key({ key: '=', ctrlKey: true }));
    keys.keydown(key({ key: '=', ctrlKey: true }));
    keys.keydown(key({ key: '-', ctrlKey: true }));
    expect(state.set.mock.calls.map(([patch]) => patch)).toEqual([{ appearance: { zoom: 110 } }, { appearance: { zoom: 125 } }, { appearance: { zoom: 110 } }]);
  });

  it('asks for nothing at the end of the range, and leaves the keys alone before the settings are known', () => {
    const { state, keys } = zoomState(200);
    const atEnd = key({ key: '=', ctrlKey: true });
    expect(keys.keydown(atEnd)).toBe(true);
    expect(atEnd.defaultPrevented).toBe(true);
    expect(state.set).not.toHaveBeenCalled();

    state.view = null;
    const early = key({ key: '0', ctrlKey: true });
    expect(keys.keydown(early)).toBe(false);
    expect(early.defaultPrevented).toBe(false);
  });
});

describe('sounds', () => {
  beforeEach(() => forgetSounds());

  it('plays the sound a desktop:sound event names, from sounds/<name>.wav beside the page', async () => {
    const play = vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
    const bridge = installBridge();
    const off = followSounds();
    bridge.emit('desktop:sound', { sound: 'bell' });
    expect(play).toHaveBeenCalledTimes(1);
    const audio = play.mock.contexts[0] as HTMLAudioElement;
    expect(new URL(audio.src).pathname).toMatch(/\/sounds\/bell\.wav$/);
    off();
    bridge.emit('desktop:sound', { sound: 'bell' });
    expect(play).toHaveBeenCalledTimes(1);
  });

  it('reuses one audio element per sound and restarts it rather than playing another copy over it', () => {
    const play = vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
    playSound('chime');
    const first = play.mock.contexts[0] as HTMLAudioElement;
    first.currentTime = 0.4;
    playSound('chime');
    expect(play.mock.contexts[1]).toBe(first);
    expect(first.currentTime).toBe(0);
  });

  it('stops another sound that is still playing', () => {
    vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
    const pause = vi.spyOn(HTMLMediaElement.prototype, 'pause').mockImplementation(() => {});
    vi.spyOn(HTMLMediaElement.prototype, 'paused', 'get').mockReturnValue(false);
    playSound('chime');
    playSound('pop');
    expect(pause).toHaveBeenCalledTimes(1);
  });

  it('ignores a refusal to play (the browser blocks sound before the user has interacted)', async () => {
    const play = vi.spyOn(HTMLMediaElement.prototype, 'play').mockRejectedValue(new DOMException('blocked', 'NotAllowedError'));
    // An unhandled rejection would fail the run.
    expect(() => playSound('knock')).not.toThrow();
    await new Promise((r) => setTimeout(r, 10));
    expect(play).toHaveBeenCalled();
  });

  it('plays nothing for a name that is not a bundled sound', () => {
    const play = vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
    playSound('../../etc/passwd' as never);
    expect(play).not.toHaveBeenCalled();
  });
});

describe('the title', () => {
  it('counts the unread messages of every account, and is the plain title at none', () => {
    expect(unreadTitle([account('a', 'a@x', { unread: 2 }), account('b', 'b@x', { unread: 1 })])).toBe('(3) Ozeki Chat');
    expect(unreadTitle([account('a', 'a@x')])).toBe('Ozeki Chat');
    expect(unreadTitle([])).toBe('Ozeki Chat');
  });

  it('counts in the browser host only (the desktop app has its own badge)', () => {
    showUnreadInTitle([account('a', 'a@x', { unread: 5 })], 'browser');
    expect(document.title).toBe('(5) Ozeki Chat');
    showUnreadInTitle([account('a', 'a@x', { unread: 5 })], 'desktop');
    expect(document.title).toBe('Ozeki Chat');
  });

  it("is the page's own title", () => {
    expect(indexHtml).toContain(`<title>${APP_TITLE}</title>`);
  });
});

describe('browser notifications', () => {
  type Shown = { title: string; options: NotificationOptions; close: ReturnType<typeof vi.fn>; onclick: (() => void) | null };

  function fakeNotifications(permission: NotificationPermission) {
    const shown: Shown[] = [];
    class FakeNotification {
      static permission = permission;
      close = vi.fn();
      onclick: (() => void) | null = null;
      onclose: (() => void) | null = null;
      constructor(
        public title: string,
        public options: NotificationOptions,
      ) {
        shown.push(this as unknown as Shown);
      }
    }
    vi.stubGlobal('Notification', FakeNotification);
    return shown;
  }

  const payload = { key: 'c1', title: 'Bob Brown', body: 'see you at 8', conversationId: 'c'.repeat(32), accountId: 'b'.repeat(16) };

  function setup(host: 'desktop' | 'browser', permission: NotificationPermission, focused: boolean) {
    const shown = fakeNotifications(permission);
    vi.spyOn(document, 'hasFocus').mockReturnValue(focused);
    const bridge = installBridge();
    const onopen = vi.fn();
    const off = followWebNotifications(() => host, onopen);
    return { shown, bridge, onopen, off };
  }

  it('shows one with the title, the text and its key as the tag while the window is not focused', () => {
    const { shown, bridge } = setup('browser', 'granted', false);
    bridge.emit('desktop:notification', payload);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ title: 'Bob Brown', options: { body: 'see you at 8', tag: 'c1' } });
  });

  it('shows none while the user looks at the window, without permission, or in the desktop app', () => {
    for (const [host, permission, focused] of [
      ['browser', 'granted', true],
      ['browser', 'default', false],
      ['browser', 'denied', false],
      ['desktop', 'granted', false],
    ] as const) {
      const { shown, bridge, off } = setup(host, permission, focused);
      bridge.emit('desktop:notification', payload);
      expect(shown, `${host} ${permission} ${focused}`).toHaveLength(0);
      off();
    }
  });

  it('replaces an older one with the same key', () => {
    const { shown, bridge } = setup('browser', 'granted', false);
    bridge.emit('desktop:notification', payload);
    bridge.emit('desktop:notification', { ...payload, body: '2 new messages' });
    bridge.emit('desktop:notification', { ...payload, key: 'c2' });
    expect(shown.map((n) => n.options.tag)).toEqual(['c1', 'c1', 'c2']);
    expect(shown[0]!.close).toHaveBeenCalled();
    expect(shown[1]!.close).not.toHaveBeenCalled();
  });

  it('brings the window forward on a click and opens its conversation in its account', () => {
    const focus = vi.spyOn(window, 'focus').mockImplementation(() => {});
    const { shown, bridge, onopen } = setup('browser', 'granted', false);
    bridge.emit('desktop:notification', payload);
    shown[0]!.onclick!();
    expect(focus).toHaveBeenCalled();
    expect(shown[0]!.close).toHaveBeenCalled();
    expect(onopen).toHaveBeenCalledWith({ conversationId: payload.conversationId, accountId: payload.accountId });
  });

  it('closes what it showed when it stops', () => {
    const { shown, bridge, off } = setup('browser', 'granted', false);
    bridge.emit('desktop:notification', payload);
    off();
    expect(shown[0]!.close).toHaveBeenCalled();
    bridge.emit('desktop:notification', { ...payload, key: 'c3' });
    expect(shown).toHaveLength(1);
  });
});
