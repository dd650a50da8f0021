/**
 * Updates, decided: whether this copy of the app looks for updates at all, how electron-updater's
 * events move the status the Settings screen shows, and when to ask the user. Nothing is ever
 * downloaded or installed without a yes: an update found asks to download, a download finished asks
 * to restart, and "Not now" leaves it there to be asked again (Check for Updates…, Settings).
 *
 * Who updates: electron-updater can replace an NSIS install (Windows), an app from the mac zip
 * (Squirrel.Mac; the DMG only installs it the first time) and an AppImage. It can also install a
 * deb, rpm or pacman package with administrator rights, but such an install belongs to the
 * system's package manager, which the user (or an administrator) updates it with: the app does not
 * ask for those rights to install a file it downloaded behind that manager's back. Snap and Flatpak
 * update themselves from their stores.
 */
import type { UpdateStatus } from '../../ipc/views.js';

export const NOT_PACKAGED_REASON = 'This is a development build (a checkout): it does not look for updates.';
export const NOT_CONFIGURED_REASON = 'This build has no update server configured, so it does not look for updates.';
export const PACKAGE_MANAGER_REASON = 'Updates are installed by the package manager on this system.';
export const CANNOT_UPDATE_ITSELF_REASON = 'This copy cannot update itself: install the AppImage, or the package for your system, to get updates.';
export const UNSUPPORTED_SYSTEM_REASON = 'Updates are not offered for this system.';

/** How a Linux copy was installed, as electron-updater would tell (linuxInstallOf). */
export type LinuxInstall = 'appimage' | 'deb' | 'rpm' | 'pacman' | 'snap' | 'flatpak' | 'unknown';

export type UpdateEnvironment = {
  packaged: boolean;
  /** resources/app-update.yml exists and names an update server (feedUrlOf). */
  configured: boolean;
  platform: string;
  /** Linux only. */
  linuxInstall?: LinuxInstall;
};

/**
 * The Linux install from what electron-updater reads: APPIMAGE (set by the AppImage runtime),
 * SNAP and FLATPAK_ID (set by their sandboxes), and resources/package-type, which electron-builder
 * writes into deb, rpm and pacman packages.
 */
export function linuxInstallOf(opts: {
  env: { APPIMAGE?: string | undefined; SNAP?: string | undefined; FLATPAK_ID?: string | undefined };
  packageType: string | null;
}): LinuxInstall {
  if (opts.env.SNAP) return 'snap';
  if (opts.env.FLATPAK_ID) return 'flatpak';
  if (opts.env.APPIMAGE) return 'appimage';
  const type = opts.packageType?.trim();
  return type === 'deb' || type === 'rpm' || type === 'pacman' ? type : 'unknown';
}

/**
 * The update server app-update.yml names, or null. electron-builder writes that file from
 * `publish`; a build without OZEKI_UPDATE_URL gets no usable URL, and only an https one is used
 * (the files are checked against their sha512, which an attacker in the middle could replace too).
 */
export function feedUrlOf(appUpdateYml: string | null): string | null {
  if (appUpdateYml === null) return null;
  const line = /^url:[ \t]*(.*?)[ \t]*$/m.exec(appUpdateYml)?.[1];
  const url = line?.replace(/^(['"])(.*)\1$/, '$2');
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && !parsed.username && !parsed.password ? parsed.href : null;
  } catch {
    return null;
  }
}

/** Where updates stand when the app starts: `idle` (it may look) or `unavailable` with why not. */
export function initialUpdateStatus(env: UpdateEnvironment): UpdateStatus {
  const unavailable = (reason: string): UpdateStatus => ({ state: 'unavailable', reason });
  if (!env.packaged) return unavailable(NOT_PACKAGED_REASON);
  if (env.platform === 'linux') {
    const install = env.linuxInstall ?? 'unknown';
    if (install === 'deb' || install === 'rpm' || install === 'pacman' || install === 'snap' || install === 'flatpak')
      return unavailable(PACKAGE_MANAGER_REASON);
    if (install === 'unknown') return unavailable(CANNOT_UPDATE_ITSELF_REASON);
  } else if (env.platform !== 'win32' && env.platform !== 'darwin') {
    return unavailable(UNSUPPORTED_SYSTEM_REASON);
  }
  if (!env.configured) return unavailable(NOT_CONFIGURED_REASON);
  return { state: 'idle' };
}

/** electron-updater's events, as plain data. */
export type UpdaterEvent =
  | { type: 'checking' }
  | { type: 'available'; version: string }
  | { type: 'not-available'; at: number }
  | { type: 'download-progress'; percent: number }
  | { type: 'downloaded'; version: string }
  | { type: 'error'; message: string };

/** What to ask the user now: to download the update found, or to restart into the one downloaded. */
export type UpdateAsk = 'download' | 'restart' | null;

const busy = (s: UpdateStatus) => s.state === 'downloading' || s.state === 'ready';

export function updateStep(current: UpdateStatus, event: UpdaterEvent): { status: UpdateStatus; ask: UpdateAsk } {
  const stay = { status: current, ask: null };
  if (current.state === 'unavailable') return stay;
  switch (event.type) {
    case 'checking':
      // A check while a download runs or waits to be installed must not hide it.
      return busy(current) ? stay : { status: { state: 'checking' }, ask: null };
    case 'available':
      return busy(current) ? stay : { status: { state: 'available', version: event.version }, ask: 'download' };
    case 'not-available':
      return busy(current) ? stay : { status: { state: 'up-to-date', checkedAt: event.at }, ask: null };
    case 'download-progress': {
      if (current.state !== 'available' && current.state !== 'downloading') return stay;
      const percent = Number.isFinite(event.percent) ? Math.min(100, Math.max(0, Math.floor(event.percent))) : 0;
      return { status: { state: 'downloading', version: current.version, percent }, ask: null };
    }
    case 'downloaded':
      if (current.state === 'ready' && current.version === event.version) return stay;
      return { status: { state: 'ready', version: event.version }, ask: 'restart' };
    case 'error':
      // The downloaded update is still there to install, whatever failed after it.
      return current.state === 'ready' ? stay : { status: { state: 'failed', message: updateErrorMessage(event.message) }, ask: null };
  }
}

export type UpdateAnswer = { ask: 'download' | 'restart'; yes: boolean };

/** The user's answer: `effect` is what the shell does now (start the download, quit and install). */
export function answerUpdate(current: UpdateStatus, answer: UpdateAnswer): { status: UpdateStatus; effect: 'download' | 'install' | null } {
  if (!answer.yes) return { status: current, effect: null };
  if (answer.ask === 'download' && current.state === 'available') {
    return { status: { state: 'downloading', version: current.version, percent: 0 }, effect: 'download' };
  }
  if (answer.ask === 'restart' && current.state === 'ready') return { status: current, effect: 'install' };
  return { status: current, effect: null };
}

/**
 * What "Check for Updates…" (the menu, Settings) does from here: look again, ask again to restart
 * into an update already downloaded, or nothing (no updates here, or already under way).
 */
export function checkRequested(current: UpdateStatus): 'check' | 'ask-restart' | 'nothing' {
  if (current.state === 'ready') return 'ask-restart';
  if (current.state === 'unavailable' || current.state === 'checking' || current.state === 'downloading') return 'nothing';
  return 'check';
}

/** electron-updater's errors carry HTTP bodies and stacks: one readable line. */
export function updateErrorMessage(raw: string): string {
  const text = String(raw ?? '');
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|net::ERR_/.test(text)) {
    return 'The update server could not be reached. Check your connection and try again.';
  }
  if (/\b404\b/.test(text)) return 'The update server has no update for this system.';
  if (/sha512 checksum mismatch/i.test(text)) return 'The downloaded update was damaged, so it was not kept. Try again.';
  if (/not signed|code signature|signature/i.test(text)) return 'The update is not signed by the app’s publisher, so it was not installed.';
  const first = (text.split('\n')[0] ?? '').trim() || 'unknown error';
  return `The update failed: ${first.length > 200 ? `${first.slice(0, 199)}…` : first}`;
}

export type UpdateDialog = { message: string; detail: string; buttons: [yes: string, no: string] };

/** The native question for an ask. */
export function askDialog(ask: 'download' | 'restart', version: string, product: string): UpdateDialog {
  return ask === 'download'
    ? {
        message: `${product} ${version} is available.`,
        detail: 'Download it now? Nothing is installed until you choose to restart.',
        buttons: ['Download', 'Not Now'],
      }
    : {
        message: `${product} ${version} is ready to install.`,
        detail: `Restart ${product} now to install it? Otherwise install it later from Check for Updates… or Settings.`,
        buttons: ['Restart Now', 'Later'],
      };
}

/** What a check the user asked for from the menu says when it asks nothing: up to date, why not, what failed. */
export function checkReply(status: UpdateStatus, product: string, version: string): { message: string; detail: string } | null {
  switch (status.state) {
    case 'up-to-date':
      return { message: `${product} is up to date.`, detail: `Version ${version} is the newest version.` };
    case 'unavailable':
      return { message: 'Updates are not available.', detail: status.reason };
    case 'failed':
      return { message: 'The update check failed.', detail: status.message };
    case 'downloading':
      return {
        message: `${product} ${status.version} is being downloaded.`,
        detail: `${status.percent}% done. You will be asked to restart when it is ready.`,
      };
    default:
      return null;
  }
}
