import { describe, expect, it } from 'vitest';
import {
  accountName,
  formatUntil,
  languageChoices,
  minutesToTime,
  silenceText,
  systemDndText,
  timeToMinutes,
  unsentText,
  updateText,
  weekdays,
  zoomChoices,
} from './settings-text.js';
import { ALICE } from '../../../test/settings-fixtures.js';

// Tuesday 11 March 2025, 14:05 local time.
const NOW = new Date(2025, 2, 11, 14, 5).getTime();
const at = (day: number, hours: number, minutes = 0): number => new Date(2025, 2, day, hours, minutes).getTime();

describe('settings wording', () => {
  it('turns minutes after midnight into a time input value and back', () => {
    expect(minutesToTime(0)).toBe('00:00');
    expect(minutesToTime(7 * 60)).toBe('07:00');
    expect(minutesToTime(1439)).toBe('23:59');
    expect(timeToMinutes('22:30')).toBe(22 * 60 + 30);
    expect(timeToMinutes('06:15:00')).toBe(6 * 60 + 15);
    expect(timeToMinutes('')).toBeNull();
    expect(timeToMinutes('24:00')).toBeNull();
  });

  it('names the weekdays in the locale from Monday, numbered from Sunday as the preferences count', () => {
    expect(weekdays('en-GB')).toEqual([
      { day: 1, name: 'Monday' },
      { day: 2, name: 'Tuesday' },
      { day: 3, name: 'Wednesday' },
      { day: 4, name: 'Thursday' },
      { day: 5, name: 'Friday' },
      { day: 6, name: 'Saturday' },
      { day: 0, name: 'Sunday' },
    ]);
    expect(weekdays('de')[0]?.name).toBe('Montag');
  });

  it('says until when as the tray does: a time today, "tomorrow", or the weekday', () => {
    expect(formatUntil(at(11, 23, 30), NOW, 'en-GB')).toBe('23:30');
    expect(formatUntil(at(12, 7), NOW, 'en-GB')).toBe('tomorrow 07:00');
    expect(formatUntil(at(14, 8), NOW, 'en-GB')).toBe('Fri 08:00');
  });

  it('says what holds notifications back in one line', () => {
    expect(silenceText({ kind: 'none' }, NOW, 'en-GB')).toBe('Notifications are on');
    expect(silenceText({ kind: 'off' }, NOW, 'en-GB')).toBe('Notifications are off');
    expect(silenceText({ kind: 'system' }, NOW, 'en-GB')).toBe("The system's Do not disturb is on");
    expect(silenceText({ kind: 'dnd', until: at(11, 14, 35) }, NOW, 'en-GB')).toBe('Do not disturb until 14:35');
    expect(silenceText({ kind: 'quiet-hours', until: at(12, 7), favouritesNotify: false }, NOW, 'en-GB')).toBe('Quiet hours until tomorrow 07:00');
    expect(silenceText({ kind: 'quiet-hours', until: at(11, 18), favouritesNotify: true }, NOW, 'en-GB')).toBe(
      'Quiet hours until 18:00 (favorites still notify)',
    );
    // Every day, the whole day: no end to name.
    expect(silenceText({ kind: 'quiet-hours', until: at(20, 0), favouritesNotify: false }, NOW, 'en-GB')).toBe('Quiet hours are on');
  });

  it("says whether the system's Do not disturb is on, or why it cannot be read", () => {
    expect(systemDndText({ readable: true, on: false })).toBe("The system's Do not disturb is off.");
    expect(systemDndText({ readable: false, reason: 'Not on Linux.' })).toBe(
      "The app cannot read the system's Do not disturb here, so it cannot follow it: Not on Linux.",
    );
  });

  it('says where updates stand in a sentence per state', () => {
    expect(updateText({ state: 'unavailable', reason: 'Updates come with the browser host.' }, NOW, 'en-GB')).toBe('Updates come with the browser host.');
    expect(updateText({ state: 'checking' }, NOW, 'en-GB')).toBe('Checking for updates…');
    expect(updateText({ state: 'up-to-date', checkedAt: at(11, 9, 41) }, NOW, 'en-GB')).toBe('Ozeki Chat is up to date. Checked at 09:41.');
    expect(updateText({ state: 'up-to-date', checkedAt: at(9, 9, 41) }, NOW, 'en-GB')).toBe('Ozeki Chat is up to date. Checked at 9 Mar 2025, 09:41.');
    expect(updateText({ state: 'available', version: '1.4.0' }, NOW, 'en-GB')).toBe('Version 1.4.0 is available.');
    expect(updateText({ state: 'downloading', version: '1.4.0', percent: 55 }, NOW, 'en-GB')).toBe('Downloading version 1.4.0: 55%');
    expect(updateText({ state: 'ready', version: '1.4.0' }, NOW, 'en-GB')).toBe('Version 1.4.0 is downloaded and is installed when Ozeki Chat restarts.');
    expect(updateText({ state: 'failed', message: 'The server did not answer.' }, NOW, 'en-GB')).toBe(
      'Updates could not be checked: The server did not answer.',
    );
  });

  it('offers the zoom steps, and a saved zoom between two of them in its place', () => {
    expect(zoomChoices(100)).toEqual([80, 90, 100, 110, 125, 150, 175, 200]);
    expect(zoomChoices(133)).toEqual([80, 90, 100, 110, 125, 133, 150, 175, 200]);
  });

  it('names the languages, sorted by name, keeping a chosen one the spell checker no longer offers', () => {
    expect(languageChoices(['fr', 'de', 'en-GB'], ['pt-BR'], 'en')).toEqual([
      { tag: 'pt-BR', name: 'Brazilian Portuguese' },
      { tag: 'en-GB', name: 'British English' },
      { tag: 'fr', name: 'French' },
      { tag: 'de', name: 'German' },
    ]);
  });

  it('counts the changes that would be lost, and names an account with its address', () => {
    expect(unsentText(1)).toBe('1 change could not be sent yet and will be lost');
    expect(unsentText(4)).toBe('4 changes could not be sent yet and will be lost');
    expect(accountName(ALICE)).toBe('Alice Andersen (alice@demo.ozeki.chat)');
    expect(accountName({ ...ALICE, name: ALICE.email })).toBe('alice@demo.ozeki.chat');
  });
});
