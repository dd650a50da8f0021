/**
 * The Settings screen's words: what a silence, an update state or the system's Do not disturb is
 * in a sentence, the names of sounds, weekdays, zoom steps and spell-checker languages. Pure
 * functions of their inputs (`now` and an optional locale are passed in), so they are easy to test.
 */
import type { AccountView, Silence, SystemDndStatus, UpdateStatus } from '../../../../app/ipc/views.js';
import { ZOOM_STEPS, type NotificationSound } from '../../../../app/shared/preferences-rules.js';
import { DAY_MS } from '../pane/time.js';

export const SOUND_LABELS: Record<NotificationSound, string> = { chime: 'Chime', pop: 'Pop', bell: 'Bell', knock: 'Knock' };

/** The schema (app/ipc/preferences.ts) takes at most this many spell-checker languages. */
export const MAX_LANGUAGES = 5;

/**
 * A quiet period that runs on longer than this never ends (every day, the whole day): the core
 * gives it an `until` past this, and it is shown without a time (QUIET_ALWAYS_MS in the core).
 */
const QUIET_ALWAYS_MS = 7 * DAY_MS;

/** Minutes after midnight as an `<input type="time">` value: 420 → "07:00". */
export function minutesToTime(minutes: number): string {
  const m = Math.min(Math.max(Math.trunc(minutes), 0), 1439);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** An `<input type="time">` value as minutes after midnight; null for an empty or broken one. */
export function timeToMinutes(value: string): number | null {
  const match = /^(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(value);
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 23 || minutes > 59) return null;
  return hours * 60 + minutes;
}

/** The week from Monday, each day with its number (0 is Sunday, as the preferences count) and its name in the locale. */
export function weekdays(locale?: string): { day: number; name: string }[] {
  const format = new Intl.DateTimeFormat(locale, { weekday: 'long' });
  // 7 January 2024 was a Sunday: day n of the week is 7 + n January.
  return [1, 2, 3, 4, 5, 6, 0].map((day) => ({ day, name: format.format(new Date(2024, 0, 7 + day)) }));
}

/** Calendar days from `now`'s local day to `ms`'s (daylight-saving safe: noon to noon, rounded). */
function daysBetween(now: number, ms: number): number {
  const noon = (t: number): number => {
    const d = new Date(t);
    return new Date(d.getFullYear(), d.getMonth(), d.getDate(), 12).getTime();
  };
  return Math.round((noon(ms) - noon(now)) / DAY_MS);
}

/** "14:35", "tomorrow 08:00" or "Mon 08:00": when a time is, seen from `now` (as the tray says it). */
export function formatUntil(until: number, now: number, locale?: string): string {
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(until);
  const days = daysBetween(now, until);
  if (days <= 0) return time;
  if (days === 1) return `tomorrow ${time}`;
  return `${new Intl.DateTimeFormat(locale, { weekday: 'short' }).format(until)} ${time}`;
}

/** When something happened: the time today, or the date and time before today. */
export function formatWhen(ms: number, now: number, locale?: string): string {
  if (daysBetween(now, ms) === 0) return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(ms);
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

/** What holds notifications back now, in one line (the tray's words). */
export function silenceText(silence: Silence, now: number, locale?: string): string {
  switch (silence.kind) {
    case 'none':
      return 'Notifications are on';
    case 'off':
      return 'Notifications are off';
    case 'dnd':
      return `Do not disturb until ${formatUntil(silence.until, now, locale)}`;
    case 'system':
      return "The system's Do not disturb is on";
    case 'quiet-hours': {
      const when = silence.until - now > QUIET_ALWAYS_MS ? 'Quiet hours are on' : `Quiet hours until ${formatUntil(silence.until, now, locale)}`;
      return silence.favouritesNotify ? `${when} (favorites still notify)` : when;
    }
  }
}

/** Whether the system's Do not disturb is on, or why the app cannot tell (so it cannot follow it). */
export function systemDndText(status: SystemDndStatus): string {
  if (status.readable) return `The system's Do not disturb is ${status.on ? 'on' : 'off'}.`;
  return `The app cannot read the system's Do not disturb here, so it cannot follow it: ${status.reason}`;
}

/** Where updates stand, in a sentence. */
export function updateText(status: UpdateStatus, now: number, locale?: string): string {
  switch (status.state) {
    case 'unavailable':
      return status.reason;
    case 'idle':
      return 'Updates have not been checked for yet.';
    case 'checking':
      return 'Checking for updates…';
    case 'up-to-date':
      return `Ozeki Chat is up to date. Checked at ${formatWhen(status.checkedAt, now, locale)}.`;
    case 'available':
      return `Version ${status.version} is available.`;
    case 'downloading':
      return `Downloading version ${status.version}: ${new Intl.NumberFormat(locale, { style: 'percent' }).format(status.percent / 100)}`;
    case 'ready':
      return `Version ${status.version} is downloaded and is installed when Ozeki Chat restarts.`;
    case 'failed':
      return `Updates could not be checked: ${status.message}`;
  }
}

/** "125 %" as the locale writes a percentage. */
export function zoomLabel(zoom: number, locale?: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent' }).format(zoom / 100);
}

/** The zoom steps to choose from, with the saved zoom among them when it is between two steps. */
export function zoomChoices(current: number): number[] {
  const steps: number[] = [...ZOOM_STEPS];
  return steps.includes(current) ? steps : [...steps, current].sort((a, b) => a - b);
}

/** A language tag's name in the locale ("en-GB" → "British English"), or the tag when the locale has none. */
export function languageName(tag: string, locale?: string): string {
  try {
    return new Intl.DisplayNames(locale, { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/**
 * The languages to tick, by name: those the spell checker offers and any chosen before that it no
 * longer lists (so they can still be unticked).
 */
export function languageChoices(offered: readonly string[], chosen: readonly string[], locale?: string): { tag: string; name: string }[] {
  const tags = [...new Set([...offered, ...chosen])];
  return tags.map((tag) => ({ tag, name: languageName(tag, locale) })).sort((a, b) => a.name.localeCompare(b.name, locale));
}

/** "3 changes could not be sent yet and will be lost". */
export function unsentText(unsent: number): string {
  return unsent === 1 ? '1 change could not be sent yet and will be lost' : `${unsent} changes could not be sent yet and will be lost`;
}

/** An account by name and e-mail address ("Alice Andersen (alice@example.com)"), or the address alone. */
export function accountName(account: AccountView): string {
  return account.name && account.name !== account.email ? `${account.name} (${account.email})` : account.email;
}
