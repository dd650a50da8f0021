/**
 * Start at login, decided: what the Electron shell hands to `app.setLoginItemSettings` on Windows
 * and macOS, or the XDG autostart entry it writes on Linux (and the other freedesktop systems),
 * from the Startup preferences and where the app runs from. Starting in the tray is the `--hidden`
 * flag (app/electron/launch-options.ts) where a login item can carry arguments, i.e. on Windows and
 * Linux. macOS login items take none (Electron 45 has no `openAsHidden` any more: macOS 13's login
 * items cannot ask for it), and there the app reads `startup.inTray` itself at every launch, which
 * it does everywhere anyway.
 */
import { isAbsolute, posix } from 'node:path';

export const HIDDEN_FLAG = '--hidden';
export const AUTOSTART_FILE = 'ozeki-chat-desktop.desktop';
/**
 * A checkout's entry has a name of its own (the autostart file, the Run key's value), so that
 * running one, or its tests, never changes or removes the installed app's.
 */
export const CHECKOUT_AUTOSTART_FILE = 'ozeki-chat-desktop-checkout.desktop';
export const CHECKOUT_LOGIN_ITEM_NAME = 'Ozeki Chat Desktop (checkout)';
const PRODUCT = 'Ozeki Chat Desktop';
/** The name electron-builder installs the deb's icons under (the package's executable name). */
const ICON_NAME = 'ozeki-chat-desktop';

export type LoginItemInput = {
  platform: string;
  atLogin: boolean;
  inTray: boolean;
  /** `process.execPath`: the app's executable, or electron's in a checkout. */
  execPath: string;
  /** A checkout's app folder (`app.getAppPath()`), which electron needs as its first argument. */
  appPath?: string;
  packaged: boolean;
  /** The user's home folder, for `~/.config` (Linux). */
  home: string;
  /**
   * XDG_CONFIG_HOME, where autostart entries go; and APPIMAGE, the AppImage file itself, which
   * AppImage sets because `execPath` is inside a mount point that changes with every launch.
   */
  env: { XDG_CONFIG_HOME?: string | undefined; APPIMAGE?: string | undefined };
};

/** What Electron's `app.setLoginItemSettings` takes (`path`, `args` and `name` are Windows-only there). */
export type LoginItemSettings = { openAtLogin: boolean; path?: string; args?: string[]; name?: string };

export type LoginItemPlan =
  | { kind: 'electron'; settings: LoginItemSettings }
  /** `contents` null: remove the file. */
  | { kind: 'xdg'; file: string; contents: string | null }
  /** Nothing can be registered from here; `reason` says why (only worth telling when atLogin is on). */
  | { kind: 'unsupported'; reason: string };

export function loginItemPlan(input: LoginItemInput): LoginItemPlan {
  const checkout = !input.packaged;
  if (checkout && !input.appPath) return { kind: 'unsupported', reason: 'A checkout needs its app folder to start at login, and none was given.' };
  const appArgs = checkout && input.appPath ? [input.appPath] : [];
  const flags = input.inTray ? [HIDDEN_FLAG] : [];

  if (input.platform === 'darwin') {
    // A login item on macOS opens an app bundle without arguments: in a checkout that would be
    // Electron's own default app, not this one.
    if (checkout) return { kind: 'unsupported', reason: 'On macOS only the installed app can start at login, not a checkout.' };
    return { kind: 'electron', settings: { openAtLogin: input.atLogin } };
  }
  if (input.platform === 'win32') {
    // Electron quotes `path` and joins `args` with spaces into the Run key's command line, so
    // each argument is quoted here. The same path and args turn it off: they are how Electron
    // recognises its entry.
    const settings: LoginItemSettings = { openAtLogin: input.atLogin, path: input.execPath, args: [...appArgs, ...flags].map(windowsArg) };
    return { kind: 'electron', settings: checkout ? { ...settings, name: CHECKOUT_LOGIN_ITEM_NAME } : settings };
  }

  const file = posix.join(xdgConfigHome(input), 'autostart', checkout ? CHECKOUT_AUTOSTART_FILE : AUTOSTART_FILE);
  if (!input.atLogin) return { kind: 'xdg', file, contents: null };
  const executable = input.packaged && input.env.APPIMAGE && isAbsolute(input.env.APPIMAGE) ? input.env.APPIMAGE : input.execPath;
  const command = [executable, ...appArgs, ...flags];
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (command.some((part) => /[\u0000-\u001f\u007f]/.test(part))) {
    return { kind: 'unsupported', reason: 'The app’s folder has a control character in its name, which a desktop entry cannot hold.' };
  }
  return { kind: 'xdg', file, contents: autostartEntry(command, input.packaged) };
}

/** `$XDG_CONFIG_HOME`, or `~/.config` when it is unset or relative (the Base Directory spec ignores a relative one). */
function xdgConfigHome(input: LoginItemInput): string {
  const configured = input.env.XDG_CONFIG_HOME;
  return configured && posix.isAbsolute(configured) ? configured : posix.join(input.home, '.config');
}

/**
 * The autostart entry. It is visible (no NoDisplay or Hidden), so the desktop's own list of
 * startup applications shows it and can switch it off too; X-GNOME-Autostart-enabled is what that
 * switch writes on GNOME. The icon is the installed one; where none is installed (an AppImage, a
 * checkout) the desktop shows its generic icon, which is all a wrong name would cost.
 */
export function autostartEntry(command: readonly string[], withIcon: boolean): string {
  const lines = [
    '[Desktop Entry]',
    `# Written by ${PRODUCT} (Settings, Startup, "Start at login"). Turning that off removes this file.`,
    'Type=Application',
    'Version=1.0',
    `Name=${PRODUCT}`,
    `Comment=Starts ${PRODUCT} when you log in`,
    `Exec=${escapeDesktopString(command.map(quoteExecArg).join(' '))}`,
    ...(withIcon ? [`Icon=${ICON_NAME}`] : []),
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
  ];
  return `${lines.join('\n')}\n`;
}

/** The characters that make the Desktop Entry spec's Exec key need an argument quoted. */
const EXEC_RESERVED = /[ \t\n"'\\><~|&;$*?#()`]/;

/**
 * One argument of an Exec key, per the Desktop Entry spec: quoted in double quotes when it holds a
 * reserved character (with `"`, `` ` ``, `$` and `\` backslash-escaped inside), and every `%`
 * doubled, since `%` starts a field code even inside quotes.
 */
export function quoteExecArg(arg: string): string {
  const quoted = arg === '' || EXEC_RESERVED.test(arg) ? `"${arg.replace(/["`$\\]/g, '\\$&')}"` : arg;
  return quoted.replace(/%/g, '%%');
}

/**
 * A value of type string in a desktop file: the general escape rule (`\\` for a backslash) is
 * undone before the Exec quoting, so a backslash quoted above ends up as four. Control characters
 * never get here (loginItemPlan refuses them).
 */
function escapeDesktopString(value: string): string {
  return value.replace(/\\/g, '\\\\');
}

/**
 * One argument of a Windows command line as CommandLineToArgvW reads it back: quoted when it has a
 * space or a quote, backslashes doubled where they come before a quote (including the closing one).
 */
export function windowsArg(arg: string): string {
  if (arg !== '' && !/[ \t\n\v"]/.test(arg)) return arg;
  let out = '"';
  let slashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      slashes++;
      continue;
    }
    out += ch === '"' ? '\\'.repeat(slashes * 2 + 1) + '"' : '\\'.repeat(slashes) + ch;
    slashes = 0;
  }
  return `${out}${'\\'.repeat(slashes * 2)}"`;
}
