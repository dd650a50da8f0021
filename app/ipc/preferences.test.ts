import { describe, expect, it } from 'vitest';
import { nextZoom, ZOOM_STEPS } from '../shared/preferences-rules.js';
import {
  applyPreferencesPatch,
  defaultPreferences,
  PreferencesPatchError,
  preferencesPatchSchema,
  sanitizePreferences,
  type Preferences,
} from './preferences.js';

/** Preferences that differ from the defaults everywhere, so a patch that resets a neighbour shows. */
function unusual(): Preferences {
  return {
    notifications: {
      enabled: false,
      sound: false,
      soundName: 'knock',
      content: 'sender',
      quietHours: { enabled: true, days: [1, 3], start: 30, end: 90 },
      favouritesBreakThrough: true,
      followSystemDnd: false,
    },
    appearance: { theme: 'dark', zoom: 175, compact: true },
    startup: { atLogin: true, inTray: true, onClose: 'quit' },
    spelling: { enabled: false, languages: ['de', 'en-GB'] },
  };
}

describe('a preferences patch', () => {
  it('changes what it names and leaves every other preference as it was', () => {
    const before = unusual();
    const after = applyPreferencesPatch(before, { notifications: { sound: true, quietHours: { end: 120 } } });
    expect(after).toEqual({
      ...before,
      notifications: { ...before.notifications, sound: true, quietHours: { ...before.notifications.quietHours, end: 120 } },
    });
  });

  it('keeps the quiet days in week order and once each', () => {
    expect(applyPreferencesPatch(defaultPreferences(), { notifications: { quietHours: { days: [5, 0, 3] } } }).notifications.quietHours.days).toEqual([
      0, 3, 5,
    ]);
    expect(() => applyPreferencesPatch(defaultPreferences(), { notifications: { quietHours: { days: [2, 2] } } })).toThrow(PreferencesPatchError);
  });

  it.each([
    ['a zoom below 80 %', { appearance: { zoom: 79 } }, /appearance\.zoom/],
    ['a zoom above 200 %', { appearance: { zoom: 201 } }, /appearance\.zoom/],
    ['a fractional zoom', { appearance: { zoom: 100.5 } }, /appearance\.zoom/],
    ['a sound not bundled', { notifications: { soundName: '../../etc/passwd' } }, /notifications\.soundName/],
    ['a time past midnight', { notifications: { quietHours: { start: 1440 } } }, /quietHours\.start/],
    ['a day that is not one', { notifications: { quietHours: { days: [7] } } }, /quietHours\.days/],
    ['a language that is not a tag', { spelling: { languages: ['en_US; rm -rf'] } }, /spelling\.languages/],
    ['six languages', { spelling: { languages: ['en', 'de', 'fr', 'it', 'es', 'nl'] } }, /spelling\.languages/],
    ['an unknown section', { telemetry: { on: true } }, /settings/],
    ['an unknown field', { startup: { openDevTools: true } }, /startup/],
    ['a value of the wrong type', { startup: { onClose: 'minimise' } }, /startup\.onClose/],
  ])('refuses %s, naming it', (_what, patch, where) => {
    expect(preferencesPatchSchema.safeParse(patch).success).toBe(false);
    expect(() => applyPreferencesPatch(defaultPreferences(), patch)).toThrow(where);
  });
});

describe('preferences from the settings file', () => {
  it('are the defaults when there are none', () => {
    expect(sanitizePreferences(undefined)).toEqual({ preferences: defaultPreferences(), reset: [] });
  });

  it('keep every valid value, reset each invalid one alone, and drop unknown keys', () => {
    const stored = unusual();
    const { preferences, reset } = sanitizePreferences({
      ...stored,
      notifications: { ...stored.notifications, soundName: 'siren', quietHours: 'always' },
      appearance: { ...stored.appearance, extra: 1 },
      plugins: ['x'],
    });
    expect(reset).toEqual(['preferences.notifications.soundName', 'preferences.notifications.quietHours']);
    expect(preferences).toEqual({
      ...stored,
      notifications: { ...stored.notifications, soundName: 'chime', quietHours: defaultPreferences().notifications.quietHours },
    });
  });

  it('take the theme and compact list from the older ui settings only when there are no preferences yet', () => {
    expect(sanitizePreferences(undefined, { theme: 'light', compactList: true }).preferences.appearance).toEqual({ theme: 'light', zoom: 100, compact: true });
    expect(sanitizePreferences(unusual(), { theme: 'light', compactList: false }).preferences.appearance.theme).toBe('dark');
    expect(sanitizePreferences(undefined, { theme: 'neon' }).preferences.appearance.theme).toBe('system');
  });
});

describe('the zoom keys', () => {
  it('step through the zoom steps and stop at the ends', () => {
    expect(nextZoom(100, 'in')).toBe(110);
    expect(nextZoom(100, 'out')).toBe(90);
    expect(nextZoom(200, 'in')).toBe(200);
    expect(nextZoom(80, 'out')).toBe(80);
    expect(nextZoom(175, 'reset')).toBe(100);
    // A zoom between two steps goes to the nearer one in that direction.
    expect(nextZoom(115, 'in')).toBe(125);
    expect(nextZoom(115, 'out')).toBe(110);
    let zoom = 80;
    const seen = [zoom];
    while (zoom < 200) seen.push((zoom = nextZoom(zoom, 'in')));
    expect(seen).toEqual([...ZOOM_STEPS]);
  });
});
