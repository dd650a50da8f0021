/**
 * The system's own Do not disturb, read where the system lets an app read it, so notifications can
 * stay away while it is on (preferences.notifications.followSystemDnd).
 *
 * - Linux, GNOME (and desktops built on its shell): `gsettings get org.gnome.desktop.notifications
 *   show-banners`, which is `false` while Do not disturb is on.
 * - Linux, KDE Plasma: the notification server's `Inhibited` property over D-Bus (qdbus), true
 *   while Do not disturb is on (or an app such as a presentation holds notifications back).
 * - Any other desktop, macOS and Windows: not readable, with the reason, for the Settings screen to
 *   say rather than pretend. macOS keeps Focus to itself; Windows has no public way to ask whether
 *   Focus assist is on, and Electron exposes none.
 *
 * The commands run with execFile (no shell) and a short timeout, so a hung D-Bus never blocks the
 * app; the runner is injected, so tests need neither GNOME nor KDE.
 */
import { execFile } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import type { SystemDndStatus } from '../../ipc/views.js';
import type { SystemDndSource } from '../settings/host-features.js';
import type { Timers } from './timers.js';

/** Runs a program with arguments and resolves with what it printed; rejects when it fails, is missing, or takes too long. */
export type CommandRunner = (file: string, args: readonly string[], timeoutMs: number) => Promise<string>;

export const execRunner: CommandRunner = (file, args, timeoutMs) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: timeoutMs, windowsHide: true, encoding: 'utf8' }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });

/** A reading never takes longer than this: the answer is a local lookup, so a slow one is a stuck one. */
export const READ_TIMEOUT_MS = 2000;
export const POLL_MS = 60_000;

export const MACOS_REASON = 'macOS does not let apps read whether Focus or Do not disturb is on.';
export const WINDOWS_REASON = 'Windows does not tell apps whether Focus assist (Do not disturb) is on.';

type Reader = { label: string; file: string; args: readonly string[]; parse(stdout: string): boolean | null };

const GNOME: Reader = {
  label: 'GNOME',
  file: 'gsettings',
  args: ['get', 'org.gnome.desktop.notifications', 'show-banners'],
  // Banners hidden is Do not disturb.
  parse: (out) => (out.trim() === 'false' ? true : out.trim() === 'true' ? false : null),
};

const kdeReader = (file: string): Reader => ({
  label: 'KDE Plasma',
  file,
  args: [
    'org.freedesktop.Notifications',
    '/org/freedesktop/Notifications',
    'org.freedesktop.DBus.Properties.Get',
    'org.freedesktop.Notifications',
    'Inhibited',
  ],
  parse: (out) => (out.trim() === 'true' ? true : out.trim() === 'false' ? false : null),
});
/** Plasma 6 installs it as qdbus6 on some distributions, qdbus on others. */
const KDE: Reader[] = [kdeReader('qdbus'), kdeReader('qdbus6')];

/** The desktops XDG_CURRENT_DESKTOP names ("ubuntu:GNOME", "KDE"). */
function desktops(env: NodeJS.ProcessEnv): string[] {
  return (env.XDG_CURRENT_DESKTOP ?? '').split(':').map((d) => d.trim().toLowerCase());
}

/**
 * One reading, and whether trying again can change the answer: a missing program or an unsupported
 * system stays as it is; a command that failed or timed out may answer next time.
 */
export type SystemDndReading = { status: SystemDndStatus; final: boolean };

export async function readSystemDnd(platform: string, env: NodeJS.ProcessEnv, run: CommandRunner = execRunner): Promise<SystemDndReading> {
  if (platform === 'darwin') return unreadable(MACOS_REASON, true);
  if (platform === 'win32') return unreadable(WINDOWS_REASON, true);
  if (platform !== 'linux') return unreadable("The system's Do not disturb cannot be read on this system.", true);
  const names = desktops(env);
  const readers = names.includes('kde') ? KDE : names.some((d) => d === 'gnome' || d === 'unity') ? [GNOME] : [];
  if (!readers.length) {
    const which = env.XDG_CURRENT_DESKTOP ? `this desktop (${env.XDG_CURRENT_DESKTOP})` : 'this desktop';
    return unreadable(`Only GNOME's and KDE Plasma's Do not disturb can be read; ${which} is neither.`, true);
  }
  const missing: string[] = [];
  for (const reader of readers) {
    let stdout: string;
    try {
      stdout = await run(reader.file, reader.args, READ_TIMEOUT_MS);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        missing.push(reader.file);
        continue;
      }
      const timedOut = (err as { killed?: boolean }).killed === true;
      return unreadable(`${reader.label}'s Do not disturb could not be read: ${reader.file} ${timedOut ? 'did not answer in time' : 'failed'}.`, false);
    }
    const on = reader.parse(stdout);
    if (on === null) return unreadable(`${reader.label}'s Do not disturb could not be read: ${reader.file} answered something unexpected.`, false);
    return { status: { readable: true, on }, final: false };
  }
  const absent = missing.length > 1 ? `neither ${missing.join(' nor ')} is installed` : `${missing[0]} is not installed`;
  return unreadable(`${readers[0]!.label}'s Do not disturb cannot be read: ${absent}.`, true);
}

const unreadable = (reason: string, final: boolean): SystemDndReading => ({ status: { readable: false, reason }, final });

export type SystemDndWatcherOptions = {
  platform: string;
  env?: NodeJS.ProcessEnv;
  run?: CommandRunner;
  timers?: Timers;
  pollMs?: number;
  log?: (line: string) => void;
};

/** Until the first reading answers. */
export const NOT_READ_YET: SystemDndStatus = { readable: false, reason: "The system's Do not disturb has not been read yet." };

/**
 * Follows the system's Do not disturb: reads it at once, then every minute while it can be read
 * (no use asking again where the system or the program is missing), and tells its listeners of
 * each change. Nothing waits on it: `status()` is the last reading.
 */
export class SystemDndWatcher implements SystemDndSource {
  private current: SystemDndStatus = NOT_READ_YET;
  private readonly listeners = new Set<() => void>();
  private readonly timers: Timers;
  private timer: unknown = null;
  private reading = false;
  private disposed = false;
  /** The first reading (tests wait on it; the app need not). */
  readonly ready: Promise<void>;

  constructor(private readonly opts: SystemDndWatcherOptions) {
    this.timers = opts.timers ?? {
      // A poll alone must not keep the process alive (the browser host stops with Ctrl+C).
      set: (fn, ms) => setTimeout(fn, ms).unref(),
      clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
    this.ready = this.poll();
  }

  status(): SystemDndStatus {
    return this.current;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  private async poll(): Promise<void> {
    // A reading still under way (a slow D-Bus) is not doubled up.
    if (this.reading || this.disposed) return;
    this.reading = true;
    let reading: SystemDndReading;
    try {
      reading = await readSystemDnd(this.opts.platform, this.opts.env ?? process.env, this.opts.run);
    } catch (err) {
      reading = unreadable(`The system's Do not disturb could not be read: ${err instanceof Error ? err.message : String(err)}`, false);
    } finally {
      this.reading = false;
    }
    if (this.disposed) return;
    this.update(reading.status);
    if (reading.final) return;
    this.timer = this.timers.set(() => {
      this.timer = null;
      void this.poll();
    }, this.opts.pollMs ?? POLL_MS);
  }

  private update(next: SystemDndStatus): void {
    if (isDeepStrictEqual(next, this.current)) return;
    this.current = next;
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (err) {
        this.opts.log?.(`system Do not disturb listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
