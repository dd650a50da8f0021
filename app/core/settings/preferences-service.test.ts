import { describe, expect, it } from 'vitest';
import type { SettingsView, UpdateStatus } from '../../ipc/views.js';
import { FakeSystemDnd, ManualTime, START, zone } from '../../../test/support/core/desktop-harness.js';
import { isCoreError } from '../errors.js';
import type { HostFeaturesPort } from './host-features.js';
import { PreferencesService } from './preferences-service.js';
import { memorySettings } from './settings.js';

const HOUR = 3_600_000;

/** Minutes after local midnight of the test clock's day, START being 14:00 there. */
const at = (hour: number, minute = 0) => hour * 60 + minute;

function setup(features?: HostFeaturesPort) {
  const settings = memorySettings();
  const time = new ManualTime();
  const systemDnd = new FakeSystemDnd();
  const service = new PreferencesService(settings, { now: () => time.now, zone, timers: time, systemDnd, ...(features ? { features } : {}) });
  const told: SettingsView[] = [];
  service.onViewChange((view) => told.push(view));
  return { settings, time, systemDnd, service, told };
}

describe('the preferences service', () => {
  it('tells the window once per change, with what the screen shows, and nothing for a change of something else', () => {
    const { service, settings, told } = setup();
    const heard: number[] = [];
    service.onChange((next, previous) => heard.push(next.appearance.zoom, previous.appearance.zoom));
    service.set({ appearance: { zoom: 125 } });
    settings.update({ serverUrl: 'https://chat.example.test' });
    expect(heard).toEqual([125, 100]);
    expect(told.map((v) => v.preferences.appearance.zoom)).toEqual([125]);
  });

  it('refuses a value the schema refuses, as invalid-argument, and keeps what it had', () => {
    const { service, told } = setup();
    let refused: unknown;
    try {
      service.set({ appearance: { zoom: 250 } });
    } catch (err) {
      refused = err;
    }
    expect(isCoreError(refused, 'invalid-argument')).toBe(true);
    expect(service.get().appearance.zoom).toBe(100);
    expect(told).toEqual([]);
  });

  it('says when quiet hours begin and end by the clock alone, without being asked', () => {
    const { service, time, told } = setup();
    service.set({ notifications: { quietHours: { enabled: true, start: at(15), end: at(16) } } });
    expect(told.at(-1)!.silence).toEqual({ kind: 'none' });
    time.advance(HOUR + 1);
    expect(told.at(-1)!.silence).toMatchObject({ kind: 'quiet-hours', until: START + 2 * HOUR });
    time.advance(HOUR);
    expect(told.at(-1)!.silence).toEqual({ kind: 'none' });
  });

  it('follows Do not disturb chosen in the tray and the system’s own', () => {
    const { service, settings, systemDnd, told } = setup();
    settings.update({ desktop: { ...settings.get().desktop, dndUntil: START + HOUR } });
    expect(told.at(-1)!.silence).toEqual({ kind: 'dnd', until: START + HOUR });
    settings.update({ desktop: { ...settings.get().desktop, dndUntil: null } });
    systemDnd.set(true);
    expect(told.at(-1)!.silence).toEqual({ kind: 'system' });
    expect(told.at(-1)!.features.systemDnd).toEqual({ readable: true, on: true });
    service.set({ notifications: { followSystemDnd: false } });
    expect(told.at(-1)!.silence).toEqual({ kind: 'none' });
  });

  it('passes on an update found by the host by itself', () => {
    let status: UpdateStatus = { state: 'idle' };
    let changed = () => {};
    const features: HostFeaturesPort = {
      host: 'desktop',
      startup: true,
      spellLanguages: () => ['en-US', 'de'],
      updates: () => status,
      checkForUpdates: async () => status,
      onChange: (listener) => ((changed = listener), () => {}),
    };
    const { told, service } = setup(features);
    expect(service.view().features).toMatchObject({ host: 'desktop', startup: true, spellLanguages: ['en-US', 'de'] });
    status = { state: 'available', version: '0.2.0' };
    changed();
    expect(told.at(-1)!.features.updates).toEqual({ state: 'available', version: '0.2.0' });
  });

  it('stops following and leaves no timer once disposed', () => {
    const { service, time, systemDnd, told } = setup();
    service.set({ notifications: { quietHours: { enabled: true, start: at(15), end: at(16) } } });
    const before = told.length;
    service.dispose();
    expect(time.count).toBe(0);
    expect(systemDnd.listening).toBe(0);
    time.advance(2 * HOUR);
    expect(told).toHaveLength(before);
  });
});
