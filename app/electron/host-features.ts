/**
 * What the desktop app can do, for the core's Settings view (HostFeaturesPort): start at login and
 * close to the tray work here, the spell checker's languages are the session's (none to choose on
 * macOS, whose own spell checker picks them), and updates are the updater's.
 */
import { session } from 'electron';
import type { HostFeaturesPort } from '../core/settings/host-features.js';
import type { Updater } from './updater.js';

/** Call after `ready`: the session exists from then on. */
export function electronHostFeatures(updater: Updater): HostFeaturesPort {
  return {
    host: 'desktop',
    startup: true,
    spellLanguages: () => (process.platform === 'darwin' ? null : [...session.defaultSession.availableSpellCheckerLanguages]),
    updates: () => updater.status(),
    checkForUpdates: () => updater.check('settings'),
    onChange: (listener) => updater.onChange(listener),
  };
}
