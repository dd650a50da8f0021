/**
 * For the Settings screen's tests: a SettingsView with the default preferences, and a fake main
 * process that keeps one, applies `settings:set` patches to it (or refuses them) and answers with
 * it, as the core does. Written out by hand: the renderer may not import the zod schema.
 */
import { render, screen } from '@testing-library/svelte';
import { vi } from 'vitest';
import type { HostFeatures, Preferences, PreferencesPatch, SettingsView, Silence } from '../../app/ipc/views.js';
import { account, installBridge, type Handlers } from './fake-bridge.js';
import { settings } from '../src/lib/settings/settings-state.svelte.js';
import SettingsScreen from '../src/lib/settings/SettingsScreen.svelte';

export function defaultPreferences(): Preferences {
  return {
    notifications: {
      enabled: true,
      sound: true,
      soundName: 'chime',
      content: 'text',
      quietHours: { enabled: false, days: [0, 1, 2, 3, 4, 5, 6], start: 22 * 60, end: 7 * 60 },
      favouritesBreakThrough: false,
      followSystemDnd: true,
    },
    appearance: { theme: 'system', zoom: 100, compact: false },
    startup: { atLogin: false, inTray: false, onClose: 'tray' },
    spelling: { enabled: true, languages: [] },
  };
}

export const DESKTOP: HostFeatures = {
  host: 'desktop',
  startup: true,
  spellLanguages: ['en-US', 'en-GB', 'de', 'fr', 'es', 'it', 'nl'],
  systemDnd: { readable: true, on: false },
  updates: { state: 'idle' },
};

export function settingsView(over: { preferences?: Preferences; features?: Partial<HostFeatures>; silence?: Silence } = {}): SettingsView {
  return {
    preferences: over.preferences ?? defaultPreferences(),
    features: { ...DESKTOP, ...over.features },
    silence: over.silence ?? { kind: 'none' },
  };
}

/** The patch applied as the core applies it (each part merged, days in week order). */
export function applyPatch(p: Preferences, patch: PreferencesPatch): Preferences {
  const next: Preferences = {
    notifications: { ...p.notifications, ...patch.notifications, quietHours: { ...p.notifications.quietHours, ...patch.notifications?.quietHours } },
    appearance: { ...p.appearance, ...patch.appearance },
    startup: { ...p.startup, ...patch.startup },
    spelling: { ...p.spelling, ...patch.spelling },
  } as Preferences;
  next.notifications.quietHours.days = [...next.notifications.quietHours.days].sort((a, b) => a - b);
  return next;
}

export const ALICE = account('a', 'alice@demo.ozeki.chat', { name: 'Alice Andersen' });
export const BOB = account('b', 'bob@example.com', { name: 'Bob Brown', serverUrl: 'https://chat.example.com/ozeki/index.php' });

type Options = {
  view?: SettingsView;
  /** A refusal's message for `settings:set`, or null to accept every change. */
  refuse?: (patch: PreferencesPatch) => string | null;
  handlers?: Handlers;
  accounts?: (typeof ALICE)[];
};

/** Renders the screen against a fake main process and waits for the settings to show. */
export async function renderSettings(opts: Options = {}) {
  let current = opts.view ?? settingsView();
  settings.view = null;
  settings.loadError = null;
  const bridge = installBridge({
    'settings:get': () => ({ ok: true, value: current }),
    'settings:set': (patch) => {
      const refusal = opts.refuse?.(patch) ?? null;
      if (refusal) return { ok: false, error: { code: 'invalid-argument', message: refusal } };
      current = { ...current, preferences: applyPatch(current.preferences, patch) };
      return { ok: true, value: current };
    },
    ...opts.handlers,
  });
  const onclose = vi.fn();
  const oncleared = vi.fn();
  const accounts = opts.accounts ?? [ALICE, BOB];
  const result = render(SettingsScreen, { accounts, activeAccountId: accounts[0]?.id ?? null, onclose, oncleared });
  await screen.findByRole('heading', { name: 'Notifications' });
  const patches = (): PreferencesPatch[] => bridge.calls.filter((c) => c.channel === 'settings:set').map((c) => c.args[0] as PreferencesPatch);
  return { ...result, bridge, onclose, oncleared, patches, saved: () => current };
}
