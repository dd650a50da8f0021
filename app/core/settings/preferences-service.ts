/**
 * The Settings screen's side of the core: reads and changes the preferences (kept in the settings
 * store, so they survive a restart), and tells whoever follows them (the window, the desktop
 * integration) once per change. What the host can do and what holds notifications back now come
 * along, so the screen can say it.
 *
 * The silence (Do not disturb, quiet hours, the system's) also changes with the clock: a timer
 * set for its next change tells the window then too.
 */
import type { PreferencesPatch, SettingsView } from '../../ipc/views.js';
import { applyPreferencesPatch, PreferencesPatchError, type Preferences } from '../../ipc/preferences.js';
import { nextSilenceCheck, silenceAt } from '../desktop/quiet-hours.js';
import { systemZone, type Zone } from '../desktop/local-time.js';
import { CoreError } from '../errors.js';
import { isDeepStrictEqual } from 'node:util';
import type { Settings, SettingsStore } from './settings.js';
import { browserFeatures, UNWATCHED_SYSTEM_DND, type HostFeaturesPort, type SystemDndSource } from './host-features.js';

export type PreferencesListener = (next: Preferences, previous: Preferences) => void;

/** A timer further out than this is set again when it fires (long timeouts overflow, and sleep skews them). */
const MAX_TIMER_MS = 60 * 60_000;

export type PreferencesServiceOptions = {
  features?: HostFeaturesPort;
  systemDnd?: SystemDndSource;
  now?: () => number;
  zone?: Zone;
  timers?: { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void };
};

export class PreferencesService {
  readonly features: HostFeaturesPort;
  private readonly systemDnd: SystemDndSource;
  private readonly now: () => number;
  private readonly zone: Zone;
  private readonly timers: NonNullable<PreferencesServiceOptions['timers']>;
  private readonly preferenceListeners = new Set<PreferencesListener>();
  private readonly viewListeners = new Set<(view: SettingsView) => void>();
  private readonly off: (() => void)[] = [];
  private silenceTimer: unknown = null;
  private lastView: SettingsView | null = null;

  constructor(
    private readonly settings: SettingsStore,
    opts: PreferencesServiceOptions = {},
  ) {
    this.features = opts.features ?? browserFeatures();
    this.systemDnd = opts.systemDnd ?? UNWATCHED_SYSTEM_DND;
    this.now = opts.now ?? Date.now;
    this.zone = opts.zone ?? systemZone;
    this.timers = opts.timers ?? {
      set: (fn, ms) => setTimeout(fn, ms).unref(),
      clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
    this.off.push(
      settings.onChange((next, previous) => this.settingsChanged(next, previous)),
      this.features.onChange(() => this.tellView()),
      this.systemDnd.onChange(() => this.tellView()),
    );
    this.scheduleSilenceCheck();
  }

  get(): Preferences {
    return this.settings.get().preferences;
  }

  view(): SettingsView {
    const settings = this.settings.get();
    const systemDnd = this.systemDnd.status();
    return {
      preferences: settings.preferences,
      features: {
        host: this.features.host,
        startup: this.features.startup,
        spellLanguages: this.features.spellLanguages(),
        systemDnd,
        updates: this.features.updates(),
      },
      silence: silenceAt({
        notifications: settings.preferences.notifications,
        dndUntil: settings.desktop.dndUntil,
        systemDnd,
        now: this.now(),
        zone: this.zone,
      }),
    };
  }

  /** Applies the window's change and keeps it; CoreError('invalid-argument') for a value the schema refuses. */
  set(patch: PreferencesPatch): SettingsView {
    let next: Preferences;
    try {
      next = applyPreferencesPatch(this.get(), patch);
    } catch (err) {
      if (err instanceof PreferencesPatchError) throw new CoreError('invalid-argument', err.message);
      throw err;
    }
    // The store tells the listeners (settingsChanged) once it is written.
    this.settings.update({ preferences: next });
    return this.view();
  }

  /** Hears each change of the preferences (not of the rest of the settings). */
  onChange(listener: PreferencesListener): () => void {
    this.preferenceListeners.add(listener);
    return () => this.preferenceListeners.delete(listener);
  }

  /** Hears each change of what the Settings screen shows: the preferences, the host's features, the silence. */
  onViewChange(listener: (view: SettingsView) => void): () => void {
    this.viewListeners.add(listener);
    return () => this.viewListeners.delete(listener);
  }

  dispose(): void {
    for (const off of this.off.splice(0)) off();
    if (this.silenceTimer !== null) this.timers.clear(this.silenceTimer);
    this.silenceTimer = null;
    this.preferenceListeners.clear();
    this.viewListeners.clear();
  }

  private settingsChanged(next: Settings, previous: Settings): void {
    const preferencesChanged = !isDeepStrictEqual(next.preferences, previous.preferences);
    if (preferencesChanged) {
      for (const listener of [...this.preferenceListeners]) {
        try {
          listener(next.preferences, previous.preferences);
        } catch {
          // One follower failing (a login item that could not be written) does not keep the others from hearing.
        }
      }
    }
    if (preferencesChanged || next.desktop.dndUntil !== previous.desktop.dndUntil) this.tellView();
  }

  /** Tells the view's listeners when it shows differently, and sets the timer for the next silence change. */
  private tellView(): void {
    this.scheduleSilenceCheck();
    const view = this.view();
    if (this.lastView && isDeepStrictEqual(view, this.lastView)) return;
    this.lastView = view;
    for (const listener of [...this.viewListeners]) {
      try {
        listener(view);
      } catch {
        // As above.
      }
    }
  }

  private scheduleSilenceCheck(): void {
    if (this.silenceTimer !== null) this.timers.clear(this.silenceTimer);
    this.silenceTimer = null;
    const settings = this.settings.get();
    const at = nextSilenceCheck({
      notifications: settings.preferences.notifications,
      dndUntil: settings.desktop.dndUntil,
      systemDnd: this.systemDnd.status(),
      now: this.now(),
      zone: this.zone,
    });
    if (at === null) return;
    this.silenceTimer = this.timers.set(
      () => {
        this.silenceTimer = null;
        this.tellView();
      },
      Math.min(Math.max(0, at - this.now()), MAX_TIMER_MS),
    );
  }
}
