/** Reading the system's Do not disturb with a stand-in for the commands, and following it over time. */
import { describe, expect, it } from 'vitest';
import { VirtualTimers } from '../../../test/support/core/virtual-timers.js';
import { execRunner, MACOS_REASON, POLL_MS, readSystemDnd, READ_TIMEOUT_MS, SystemDndWatcher, WINDOWS_REASON, type CommandRunner } from './system-dnd.js';

type Answer = string | Error | (() => Promise<string>);

/** Answers each program by name (the next of its answers each time, the last one from then on), and records the calls. */
function runner(answers: Record<string, Answer[]>) {
  const calls: { file: string; args: readonly string[]; timeoutMs: number }[] = [];
  const run: CommandRunner = async (file, args, timeoutMs) => {
    calls.push({ file, args, timeoutMs });
    const queue = answers[file];
    if (!queue) throw Object.assign(new Error(`spawn ${file} ENOENT`), { code: 'ENOENT' });
    const answer = queue.length > 1 ? queue.shift()! : queue[0]!;
    if (answer instanceof Error) throw answer;
    return typeof answer === 'function' ? answer() : answer;
  };
  return { run, calls };
}

const GNOME_ENV = { XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' };
const KDE_ENV = { XDG_CURRENT_DESKTOP: 'KDE' };

describe('reading it on GNOME', () => {
  it('asks gsettings whether banners show, quickly: hidden banners are Do not disturb', async () => {
    const { run, calls } = runner({ gsettings: ['false\n', 'true\n'] });
    expect(await readSystemDnd('linux', GNOME_ENV, run)).toEqual({ status: { readable: true, on: true }, final: false });
    expect(await readSystemDnd('linux', { XDG_CURRENT_DESKTOP: 'GNOME' }, run)).toEqual({ status: { readable: true, on: false }, final: false });
    expect(calls[0]).toEqual({ file: 'gsettings', args: ['get', 'org.gnome.desktop.notifications', 'show-banners'], timeoutMs: READ_TIMEOUT_MS });
  });

  it('says gsettings is missing, and that asking again will not help', async () => {
    expect(await readSystemDnd('linux', GNOME_ENV, runner({}).run)).toEqual({
      status: { readable: false, reason: "GNOME's Do not disturb cannot be read: gsettings is not installed." },
      final: true,
    });
  });

  it('says a command that hung or failed, or answered nonsense, could not be read, and may be asked again', async () => {
    const hung = Object.assign(new Error('Command failed'), { killed: true, signal: 'SIGTERM' });
    expect(await readSystemDnd('linux', GNOME_ENV, runner({ gsettings: [hung] }).run)).toEqual({
      status: { readable: false, reason: "GNOME's Do not disturb could not be read: gsettings did not answer in time." },
      final: false,
    });
    expect((await readSystemDnd('linux', GNOME_ENV, runner({ gsettings: [new Error('No such schema')] }).run)).status).toEqual({
      readable: false,
      reason: "GNOME's Do not disturb could not be read: gsettings failed.",
    });
    expect((await readSystemDnd('linux', GNOME_ENV, runner({ gsettings: ["'maybe'"] }).run)).status).toEqual({
      readable: false,
      reason: "GNOME's Do not disturb could not be read: gsettings answered something unexpected.",
    });
  });
});

describe('reading it on KDE Plasma', () => {
  it("reads the notification server's Inhibited property, with qdbus6 where there is no qdbus", async () => {
    const { run, calls } = runner({ qdbus: ['true\n'] });
    expect((await readSystemDnd('linux', KDE_ENV, run)).status).toEqual({ readable: true, on: true });
    expect(calls[0]!.args).toEqual([
      'org.freedesktop.Notifications',
      '/org/freedesktop/Notifications',
      'org.freedesktop.DBus.Properties.Get',
      'org.freedesktop.Notifications',
      'Inhibited',
    ]);
    const six = runner({ qdbus6: ['false\n'] });
    expect((await readSystemDnd('linux', KDE_ENV, six.run)).status).toEqual({ readable: true, on: false });
    expect(six.calls.map((c) => c.file)).toEqual(['qdbus', 'qdbus6']);
  });

  it('says neither program is installed when both are missing', async () => {
    expect(await readSystemDnd('linux', KDE_ENV, runner({}).run)).toEqual({
      status: { readable: false, reason: "KDE Plasma's Do not disturb cannot be read: neither qdbus nor qdbus6 is installed." },
      final: true,
    });
  });
});

describe('where it cannot be read', () => {
  it('says why on macOS, Windows and other desktops, without running anything', async () => {
    const { run, calls } = runner({ gsettings: ['false'], qdbus: ['true'] });
    expect(await readSystemDnd('darwin', {}, run)).toEqual({ status: { readable: false, reason: MACOS_REASON }, final: true });
    expect(await readSystemDnd('win32', {}, run)).toEqual({ status: { readable: false, reason: WINDOWS_REASON }, final: true });
    expect((await readSystemDnd('linux', { XDG_CURRENT_DESKTOP: 'XFCE' }, run)).status).toEqual({
      readable: false,
      reason: "Only GNOME's and KDE Plasma's Do not disturb can be read; this desktop (XFCE) is neither.",
    });
    expect((await readSystemDnd('linux', {}, run)).status).toMatchObject({ readable: false });
    expect((await readSystemDnd('freebsd', GNOME_ENV, run)).status).toMatchObject({ readable: false });
    expect(calls).toEqual([]);
  });
});

describe('the real command runner', () => {
  it('resolves with what the program printed, and rejects a missing program as ENOENT', async () => {
    expect(await execRunner(process.execPath, ['-e', 'process.stdout.write("false")'], 10_000)).toBe('false');
    await expect(execRunner('ozeki-no-such-program', [], 1000)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('stops a program that does not answer within the timeout', async () => {
    await expect(execRunner(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], 200)).rejects.toMatchObject({ killed: true });
  });
});

describe('the watcher', () => {
  it('reads at once, then every minute, and tells its listeners only when the answer changes', async () => {
    const timers = new VirtualTimers();
    const { run, calls } = runner({ gsettings: ['true', 'true', 'false'] });
    const watcher = new SystemDndWatcher({ platform: 'linux', env: GNOME_ENV, run, timers });
    let told = 0;
    watcher.onChange(() => told++);
    await watcher.ready;
    expect([watcher.status(), told]).toEqual([{ readable: true, on: false }, 1]);
    await timers.advance(POLL_MS);
    expect([calls.length, told]).toEqual([2, 1]);
    await timers.advance(POLL_MS - 1);
    expect(calls).toHaveLength(2);
    await timers.advance(1);
    expect([watcher.status(), told]).toEqual([{ readable: true, on: true }, 2]);
    watcher.dispose();
  });

  it('does not poll where asking again cannot help', async () => {
    const timers = new VirtualTimers();
    const mac = new SystemDndWatcher({ platform: 'darwin', run: runner({}).run, timers });
    await mac.ready;
    expect(mac.status()).toEqual({ readable: false, reason: MACOS_REASON });
    expect(timers.pending).toBe(0);
  });

  it('keeps polling after a reading that failed, and recovers', async () => {
    const timers = new VirtualTimers();
    const { run } = runner({ gsettings: [new Error('D-Bus is restarting'), 'false'] });
    const watcher = new SystemDndWatcher({ platform: 'linux', env: GNOME_ENV, run, timers });
    await watcher.ready;
    expect(watcher.status()).toMatchObject({ readable: false });
    await timers.advance(POLL_MS);
    expect(watcher.status()).toEqual({ readable: true, on: true });
    watcher.dispose();
  });

  it('never starts a second reading while one hangs', async () => {
    const timers = new VirtualTimers();
    const { run, calls } = runner({ gsettings: [() => new Promise<string>(() => {})] });
    const watcher = new SystemDndWatcher({ platform: 'linux', env: GNOME_ENV, run, timers });
    await timers.advance(10 * POLL_MS);
    expect(calls).toHaveLength(1);
    expect(watcher.status()).toMatchObject({ readable: false });
    watcher.dispose();
  });

  it('stops with dispose: no timer left, no listener told', async () => {
    const timers = new VirtualTimers();
    const { run, calls } = runner({ gsettings: ['true', 'false'] });
    const watcher = new SystemDndWatcher({ platform: 'linux', env: GNOME_ENV, run, timers });
    await watcher.ready;
    let told = 0;
    watcher.onChange(() => told++);
    watcher.dispose();
    expect(timers.pending).toBe(0);
    await timers.advance(5 * POLL_MS);
    expect([calls.length, told]).toEqual([1, 0]);
  });
});
