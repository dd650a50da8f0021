export { openSettings, SETTINGS_FILE } from './conf-settings.js';
export {
  applyPatch,
  defaultSettings,
  memorySettings,
  sanitizeSettings,
  type DesktopSettings,
  type Settings,
  type SettingsStore,
  type Theme,
  type WindowState,
} from './settings.js';
