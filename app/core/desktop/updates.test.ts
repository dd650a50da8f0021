import { describe, expect, it } from 'vitest';
import type { UpdateStatus } from '../../ipc/views.js';
import {
  answerUpdate,
  askDialog,
  CANNOT_UPDATE_ITSELF_REASON,
  checkRequested,
  checkReply,
  feedUrlOf,
  initialUpdateStatus,
  linuxInstallOf,
  NOT_CONFIGURED_REASON,
  NOT_PACKAGED_REASON,
  PACKAGE_MANAGER_REASON,
  UNSUPPORTED_SYSTEM_REASON,
  updateErrorMessage,
  updateStep,
  type UpdaterEvent,
} from './updates.js';

const packaged = { packaged: true, configured: true };

describe('whether this copy looks for updates', () => {
  it('looks on Windows (NSIS), macOS and from an AppImage, when the build names an update server', () => {
    expect(initialUpdateStatus({ ...packaged, platform: 'win32' })).toEqual({ state: 'idle' });
    expect(initialUpdateStatus({ ...packaged, platform: 'darwin' })).toEqual({ state: 'idle' });
    expect(initialUpdateStatus({ ...packaged, platform: 'linux', linuxInstall: 'appimage' })).toEqual({ state: 'idle' });
  });

  it('says so, and does not look, when the build has no update server', () => {
    for (const platform of ['win32', 'darwin']) {
      expect(initialUpdateStatus({ packaged: true, configured: false, platform })).toEqual({ state: 'unavailable', reason: NOT_CONFIGURED_REASON });
    }
    expect(NOT_CONFIGURED_REASON).toBe('This build has no update server configured, so it does not look for updates.');
  });

  it('leaves a deb, rpm, pacman, snap or flatpak install to the package manager', () => {
    for (const linuxInstall of ['deb', 'rpm', 'pacman', 'snap', 'flatpak'] as const) {
      expect(initialUpdateStatus({ ...packaged, platform: 'linux', linuxInstall })).toEqual({ state: 'unavailable', reason: PACKAGE_MANAGER_REASON });
    }
  });

  it('does not look from a checkout, from an unpacked Linux folder or on other systems', () => {
    expect(initialUpdateStatus({ packaged: false, configured: true, platform: 'win32' })).toEqual({ state: 'unavailable', reason: NOT_PACKAGED_REASON });
    expect(initialUpdateStatus({ ...packaged, platform: 'linux', linuxInstall: 'unknown' })).toEqual({
      state: 'unavailable',
      reason: CANNOT_UPDATE_ITSELF_REASON,
    });
    expect(initialUpdateStatus({ ...packaged, platform: 'linux' })).toEqual({ state: 'unavailable', reason: CANNOT_UPDATE_ITSELF_REASON });
    expect(initialUpdateStatus({ ...packaged, platform: 'freebsd' })).toEqual({ state: 'unavailable', reason: UNSUPPORTED_SYSTEM_REASON });
  });

  it('tells the Linux install as electron-updater does', () => {
    expect(linuxInstallOf({ env: { APPIMAGE: '/home/a/App.AppImage' }, packageType: null })).toBe('appimage');
    expect(linuxInstallOf({ env: {}, packageType: 'deb\n' })).toBe('deb');
    expect(linuxInstallOf({ env: {}, packageType: 'rpm' })).toBe('rpm');
    expect(linuxInstallOf({ env: {}, packageType: 'pacman' })).toBe('pacman');
    expect(linuxInstallOf({ env: { SNAP: '/snap/x/1' }, packageType: null })).toBe('snap');
    expect(linuxInstallOf({ env: { FLATPAK_ID: 'chat.ozeki.desktop' }, packageType: null })).toBe('flatpak');
    expect(linuxInstallOf({ env: {}, packageType: null })).toBe('unknown');
    expect(linuxInstallOf({ env: {}, packageType: 'tar.gz' })).toBe('unknown');
  });
});

describe('the update server in app-update.yml', () => {
  it.each([
    ['provider: generic\nurl: https://updates.example.com/ozeki\nupdaterCacheDirName: x\n', 'https://updates.example.com/ozeki'],
    ["provider: generic\nurl: 'https://updates.example.com/a b'\n", 'https://updates.example.com/a%20b'],
    ['url: "https://u.example.com/"\r\n', 'https://u.example.com/'],
  ])('is read from %j', (yml, url) => {
    expect(feedUrlOf(yml)).toBe(url);
  });

  it.each([
    [null],
    ['provider: generic\nupdaterCacheDirName: x\n'],
    ['provider: generic\nurl: \n'],
    ["provider: generic\nurl: ''\n"],
    ['provider: generic\nurl: ${env.OZEKI_UPDATE_URL}\n'],
    ['provider: generic\nurl: http://updates.example.com/\n'],
    ['provider: generic\nurl: https://user:pw@updates.example.com/\n'],
    ['provider: generic\nurl: file:///tmp/updates\n'],
  ])('is none in %j', (yml) => {
    expect(feedUrlOf(yml)).toBeNull();
  });
});

describe('the update status through electron-updater’s events', () => {
  const run = (from: UpdateStatus, ...events: UpdaterEvent[]) => {
    let status = from;
    const asks: string[] = [];
    for (const event of events) {
      const step = updateStep(status, event);
      status = step.status;
      if (step.ask) asks.push(step.ask);
    }
    return { status, asks };
  };

  it('goes from checking to up to date', () => {
    expect(run({ state: 'idle' }, { type: 'checking' }, { type: 'not-available', at: 5 })).toEqual({ status: { state: 'up-to-date', checkedAt: 5 }, asks: [] });
  });

  it('asks to download an update found, and to restart once it is downloaded, each once', () => {
    const found = run({ state: 'idle' }, { type: 'checking' }, { type: 'available', version: '1.2.0' });
    expect(found).toEqual({ status: { state: 'available', version: '1.2.0' }, asks: ['download'] });
    const accepted = answerUpdate(found.status, { ask: 'download', yes: true });
    expect(accepted).toEqual({ status: { state: 'downloading', version: '1.2.0', percent: 0 }, effect: 'download' });
    const done = run(
      accepted.status,
      { type: 'download-progress', percent: 41.7 },
      { type: 'download-progress', percent: 100 },
      { type: 'downloaded', version: '1.2.0' },
      { type: 'downloaded', version: '1.2.0' },
    );
    expect(done).toEqual({ status: { state: 'ready', version: '1.2.0' }, asks: ['restart'] });
    expect(answerUpdate(done.status, { ask: 'restart', yes: true })).toEqual({ status: done.status, effect: 'install' });
  });

  it('shows the download’s progress in whole percent, within 0 and 100', () => {
    const from: UpdateStatus = { state: 'downloading', version: '2', percent: 0 };
    expect(updateStep(from, { type: 'download-progress', percent: 41.7 }).status).toEqual({ state: 'downloading', version: '2', percent: 41 });
    expect(updateStep(from, { type: 'download-progress', percent: 140 }).status).toEqual({ state: 'downloading', version: '2', percent: 100 });
    expect(updateStep(from, { type: 'download-progress', percent: Number.NaN }).status).toEqual({ state: 'downloading', version: '2', percent: 0 });
  });

  it('never downloads or installs on a no', () => {
    const available: UpdateStatus = { state: 'available', version: '3' };
    const ready: UpdateStatus = { state: 'ready', version: '3' };
    expect(answerUpdate(available, { ask: 'download', yes: false })).toEqual({ status: available, effect: null });
    expect(answerUpdate(ready, { ask: 'restart', yes: false })).toEqual({ status: ready, effect: null });
    // An answer to a question that no longer fits does nothing either.
    expect(answerUpdate({ state: 'idle' }, { ask: 'download', yes: true }).effect).toBeNull();
    expect(answerUpdate(available, { ask: 'restart', yes: true }).effect).toBeNull();
  });

  it('keeps a download under way or finished through a later check, and a finished one through an error', () => {
    const downloading: UpdateStatus = { state: 'downloading', version: '4', percent: 10 };
    const ready: UpdateStatus = { state: 'ready', version: '4' };
    for (const from of [downloading, ready]) {
      expect(run(from, { type: 'checking' }, { type: 'available', version: '4' }, { type: 'not-available', at: 1 })).toEqual({ status: from, asks: [] });
    }
    expect(run(ready, { type: 'error', message: 'x' })).toEqual({ status: ready, asks: [] });
    expect(run(downloading, { type: 'error', message: 'connect ETIMEDOUT 1.2.3.4:443' }).status).toEqual({
      state: 'failed',
      message: 'The update server could not be reached. Check your connection and try again.',
    });
  });

  it('ignores progress without a download', () => {
    expect(run({ state: 'idle' }, { type: 'download-progress', percent: 50 }).status).toEqual({ state: 'idle' });
  });

  it('stays unavailable whatever happens', () => {
    const off: UpdateStatus = { state: 'unavailable', reason: NOT_CONFIGURED_REASON };
    expect(run(off, { type: 'checking' }, { type: 'available', version: '9' }, { type: 'downloaded', version: '9' }, { type: 'error', message: 'x' })).toEqual({
      status: off,
      asks: [],
    });
  });
});

describe('Check for Updates…', () => {
  it.each<[UpdateStatus, string]>([
    [{ state: 'idle' }, 'check'],
    [{ state: 'up-to-date', checkedAt: 1 }, 'check'],
    [{ state: 'failed', message: 'x' }, 'check'],
    // A "Not now" to the download is asked again by looking again.
    [{ state: 'available', version: '1' }, 'check'],
    [{ state: 'ready', version: '1' }, 'ask-restart'],
    [{ state: 'checking' }, 'nothing'],
    [{ state: 'downloading', version: '1', percent: 3 }, 'nothing'],
    [{ state: 'unavailable', reason: 'r' }, 'nothing'],
  ])('from %j does %s', (status, action) => {
    expect(checkRequested(status)).toBe(action);
  });

  it('answers from the menu when there is nothing to ask', () => {
    expect(checkReply({ state: 'up-to-date', checkedAt: 1 }, 'Ozeki Chat Desktop', '0.1.0')).toEqual({
      message: 'Ozeki Chat Desktop is up to date.',
      detail: 'Version 0.1.0 is the newest version.',
    });
    expect(checkReply({ state: 'unavailable', reason: NOT_CONFIGURED_REASON }, 'P', '1')?.detail).toBe(NOT_CONFIGURED_REASON);
    expect(checkReply({ state: 'failed', message: 'm' }, 'P', '1')?.detail).toBe('m');
    expect(checkReply({ state: 'downloading', version: '2', percent: 30 }, 'P', '1')?.detail).toMatch(/30%/);
    expect(checkReply({ state: 'available', version: '2' }, 'P', '1')).toBeNull();
    expect(checkReply({ state: 'ready', version: '2' }, 'P', '1')).toBeNull();
  });

  it('asks with the version and a way to say no', () => {
    expect(askDialog('download', '1.2.0', 'Ozeki Chat Desktop')).toMatchObject({
      message: 'Ozeki Chat Desktop 1.2.0 is available.',
      buttons: ['Download', 'Not Now'],
    });
    expect(askDialog('restart', '1.2.0', 'Ozeki Chat Desktop')).toMatchObject({
      message: 'Ozeki Chat Desktop 1.2.0 is ready to install.',
      buttons: ['Restart Now', 'Later'],
    });
  });
});

describe('an update error', () => {
  it.each([
    ['getaddrinfo ENOTFOUND updates.example.com', /could not be reached/],
    ['net::ERR_INTERNET_DISCONNECTED', /could not be reached/],
    ['HttpError: 404 \n"method: GET url: https://u.example.com/latest.yml"\n\nData:\n <html>…', /no update for this system/],
    ['sha512 checksum mismatch, expected abc, got def', /damaged/],
    ['New version 1.2.0 is not signed by the application owner: publisherNames: Ozeki', /not signed/],
    ['Error: something odd\n    at Foo (/app/x.js:1:2)', /^The update failed: Error: something odd$/],
  ])('%j reads as one line a user understands', (raw, message) => {
    const readable = updateErrorMessage(raw);
    expect(readable).toMatch(message);
    expect(readable).not.toContain('\n');
  });

  it('is cut when it is long', () => {
    expect(updateErrorMessage(`x${'y'.repeat(1000)}`).length).toBeLessThanOrEqual(220);
  });
});
