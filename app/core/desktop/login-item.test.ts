import { describe, expect, it } from 'vitest';
import {
  AUTOSTART_FILE,
  autostartEntry,
  CHECKOUT_AUTOSTART_FILE,
  CHECKOUT_LOGIN_ITEM_NAME,
  loginItemPlan,
  quoteExecArg,
  windowsArg,
  type LoginItemInput,
} from './login-item.js';

/** The Exec key read back as the Desktop Entry spec says a launcher reads it: string escapes, then quoting, then field codes. */
function readExec(value: string): string[] {
  let s = '';
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== '\\') {
      s += value[i];
      continue;
    }
    const next = value[++i];
    const map: Record<string, string> = { s: ' ', n: '\n', t: '\t', r: '\r', '\\': '\\' };
    if (next === undefined || !(next in map)) throw new Error(`bad string escape \\${next}`);
    s += map[next];
  }
  const args: string[] = [];
  let current: string | null = null;
  for (let i = 0; i < s.length;) {
    const c = s[i]!;
    if (c === ' ') {
      if (current !== null) args.push(current);
      current = null;
      i++;
    } else if (c === '"') {
      current ??= '';
      i++;
      for (;;) {
        if (i >= s.length) throw new Error('unterminated quote');
        if (s[i] === '"') break;
        if (s[i] === '\\') {
          if (!'"`$\\'.includes(s[i + 1] ?? '')) throw new Error('a backslash inside quotes escapes only " ` $ \\');
          current += s[i + 1];
          i += 2;
        } else current += s[i++];
      }
      i++;
    } else {
      if (/[\t\n"'\\><~|&;$*?#()`]/.test(c)) throw new Error(`reserved character ${JSON.stringify(c)} outside quotes`);
      current = (current ?? '') + c;
      i++;
    }
  }
  if (current !== null) args.push(current);
  return args.map((arg) =>
    arg.replace(/%(.?)/g, (_m, code: string) => {
      if (code === '%') return '%';
      throw new Error(`field code %${code}`);
    }),
  );
}

/** CommandLineToArgvW's rules, for the arguments Electron joins into the Run key. */
function readWindowsArgs(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (i >= line.length) break;
    let arg = '';
    let quoted = false;
    while (i < line.length) {
      const c = line[i]!;
      if (c === '\\') {
        let n = 0;
        while (line[i + n] === '\\') n++;
        if (line[i + n] === '"') {
          arg += '\\'.repeat(Math.floor(n / 2));
          if (n % 2 === 1) {
            arg += '"';
            i += n + 1;
          } else i += n;
        } else {
          arg += '\\'.repeat(n);
          i += n;
        }
      } else if (c === '"') {
        quoted = !quoted;
        i++;
      } else if ((c === ' ' || c === '\t') && !quoted) break;
      else {
        arg += c;
        i++;
      }
    }
    args.push(arg);
  }
  return args;
}

const execLine = (contents: string | null) => {
  const line = contents?.split('\n').find((l) => l.startsWith('Exec='));
  if (!line) throw new Error('no Exec line');
  return readExec(line.slice('Exec='.length));
};

const contentsOf = (planOrInput: ReturnType<typeof loginItemPlan> | LoginItemInput): string | null => {
  const plan = 'kind' in planOrInput ? planOrInput : loginItemPlan(planOrInput);
  if (plan.kind !== 'xdg') throw new Error(`not an autostart entry: ${plan.kind}`);
  return plan.contents;
};

const base: LoginItemInput = {
  platform: 'linux',
  atLogin: true,
  inTray: false,
  execPath: '/opt/Ozeki Chat Desktop/ozeki-chat-desktop',
  packaged: true,
  home: '/home/ann',
  env: {},
};

describe('start at login on Windows', () => {
  it('registers the installed executable, with --hidden when it starts in the tray', () => {
    const exe = 'C:\\Users\\Ann\\AppData\\Local\\Programs\\Ozeki Chat Desktop\\Ozeki Chat Desktop.exe';
    expect(loginItemPlan({ ...base, platform: 'win32', execPath: exe })).toEqual({ kind: 'electron', settings: { openAtLogin: true, path: exe, args: [] } });
    expect(loginItemPlan({ ...base, platform: 'win32', execPath: exe, inTray: true })).toEqual({
      kind: 'electron',
      settings: { openAtLogin: true, path: exe, args: ['--hidden'] },
    });
  });

  it('turns it off with the same path and arguments, by which Electron finds its entry', () => {
    const on = loginItemPlan({ ...base, platform: 'win32', inTray: true });
    const off = loginItemPlan({ ...base, platform: 'win32', inTray: true, atLogin: false });
    expect(off).toEqual({ kind: 'electron', settings: { ...(on.kind === 'electron' ? on.settings : {}), openAtLogin: false } });
  });

  it('passes a checkout’s app folder first, quoted so that Windows reads it back whole', () => {
    const appPath = 'C:\\Users\\Ann Smith\\src\\ozeki chat\\';
    const plan = loginItemPlan({
      ...base,
      platform: 'win32',
      packaged: false,
      execPath: 'C:\\src\\node_modules\\electron\\dist\\electron.exe',
      appPath,
      inTray: true,
    });
    if (plan.kind !== 'electron') throw new Error(plan.kind);
    expect(readWindowsArgs(plan.settings.args!.join(' '))).toEqual([appPath, '--hidden']);
  });

  it('gives a checkout an entry of its own, so that it never touches the installed app’s', () => {
    const installed = loginItemPlan({ ...base, platform: 'win32', atLogin: false });
    const checkout = loginItemPlan({ ...base, platform: 'win32', atLogin: false, packaged: false, appPath: 'C:\\src' });
    expect(installed).toMatchObject({ settings: { openAtLogin: false } });
    expect(installed.kind === 'electron' && installed.settings.name).toBeUndefined();
    expect(checkout).toMatchObject({ settings: { openAtLogin: false, name: CHECKOUT_LOGIN_ITEM_NAME } });
  });

  it.each(['C:\\plain', 'C:\\with space', 'C:\\trailing\\', 'C:\\two trailing\\\\', 'a"quote', 'back\\"slash', ''])(
    'quotes %j so that CommandLineToArgvW reads it back',
    (arg) => {
      expect(readWindowsArgs(`exe ${windowsArg(arg)} next`)).toEqual(['exe', arg, 'next']);
    },
  );
});

describe('start at login on macOS', () => {
  it('is a login item of the app bundle, which takes no arguments', () => {
    expect(loginItemPlan({ ...base, platform: 'darwin', inTray: true })).toEqual({ kind: 'electron', settings: { openAtLogin: true } });
    expect(loginItemPlan({ ...base, platform: 'darwin', atLogin: false })).toEqual({ kind: 'electron', settings: { openAtLogin: false } });
  });

  it('is not offered from a checkout, which would start Electron’s default app instead', () => {
    expect(loginItemPlan({ ...base, platform: 'darwin', packaged: false, appPath: '/src/ozeki' })).toMatchObject({
      kind: 'unsupported',
      reason: expect.stringMatching(/macOS/),
    });
  });
});

describe('start at login on Linux', () => {
  it('writes an autostart entry in ~/.config/autostart, or in XDG_CONFIG_HOME when that is absolute', () => {
    expect(loginItemPlan(base)).toMatchObject({ kind: 'xdg', file: `/home/ann/.config/autostart/${AUTOSTART_FILE}` });
    expect(loginItemPlan({ ...base, env: { XDG_CONFIG_HOME: '/cfg' } })).toMatchObject({ file: `/cfg/autostart/${AUTOSTART_FILE}` });
    expect(loginItemPlan({ ...base, env: { XDG_CONFIG_HOME: 'relative/cfg' } })).toMatchObject({ file: `/home/ann/.config/autostart/${AUTOSTART_FILE}` });
  });

  it('removes the entry when start at login is off', () => {
    expect(loginItemPlan({ ...base, atLogin: false, env: { XDG_CONFIG_HOME: '/cfg' } })).toEqual({
      kind: 'xdg',
      file: `/cfg/autostart/${AUTOSTART_FILE}`,
      contents: null,
    });
  });

  it('is a visible Application entry that GNOME and KDE start at login', () => {
    const contents = contentsOf({ ...base, inTray: true })!;
    const lines = contents.split('\n');
    expect(lines[0]).toBe('[Desktop Entry]');
    expect(lines).toEqual(
      expect.arrayContaining(['Type=Application', 'Name=Ozeki Chat Desktop', 'Terminal=false', 'X-GNOME-Autostart-enabled=true', 'Icon=ozeki-chat-desktop']),
    );
    expect(contents).not.toMatch(/^(NoDisplay|Hidden)=true$/m);
    expect(contents.endsWith('\n')).toBe(true);
    // Keys are unique, and every line is a group, a comment or key=value.
    const keys = lines.filter((l) => l.includes('=') && !l.startsWith('#')).map((l) => l.split('=')[0]);
    expect(new Set(keys).size).toBe(keys.length);
    expect(lines.filter((l) => l !== '').every((l) => /^(\[Desktop Entry\]|#.*|[A-Za-z0-9-]+=.*)$/.test(l))).toBe(true);
  });

  it('starts the installed executable, with --hidden when it starts in the tray', () => {
    expect(execLine(contentsOf({ ...base, inTray: true }))).toEqual(['/opt/Ozeki Chat Desktop/ozeki-chat-desktop', '--hidden']);
    expect(execLine(contentsOf(base))).toEqual(['/opt/Ozeki Chat Desktop/ozeki-chat-desktop']);
  });

  it('starts the AppImage file, not the mount point that changes at every launch', () => {
    const plan = loginItemPlan({ ...base, execPath: '/tmp/.mount_OzekiXy12/ozeki-chat-desktop', env: { APPIMAGE: '/home/ann/Apps/Ozeki Chat.AppImage' } });
    expect(execLine(contentsOf(plan))).toEqual(['/home/ann/Apps/Ozeki Chat.AppImage']);
  });

  it('gives a checkout an autostart file of its own, so that it never removes the installed app’s', () => {
    expect(loginItemPlan({ ...base, packaged: false, appPath: '/src', atLogin: false })).toEqual({
      kind: 'xdg',
      file: `/home/ann/.config/autostart/${CHECKOUT_AUTOSTART_FILE}`,
      contents: null,
    });
    expect(CHECKOUT_AUTOSTART_FILE).not.toBe(AUTOSTART_FILE);
  });

  it('starts a checkout as electron with the app folder, and without the installed icon', () => {
    const plan = loginItemPlan({
      ...base,
      packaged: false,
      execPath: '/src/node_modules/electron/dist/electron',
      appPath: '/src/my ozeki',
      env: { APPIMAGE: '/x.AppImage' },
    });
    const contents = contentsOf(plan)!;
    expect(execLine(contents)).toEqual(['/src/node_modules/electron/dist/electron', '/src/my ozeki']);
    expect(contents).not.toMatch(/^Icon=/m);
  });

  it('refuses a checkout without its app folder, and a path with a control character', () => {
    expect(loginItemPlan({ ...base, packaged: false })).toMatchObject({ kind: 'unsupported' });
    expect(loginItemPlan({ ...base, execPath: '/opt/a\nb/app' })).toMatchObject({ kind: 'unsupported', reason: expect.stringMatching(/control character/) });
  });

  it.each([
    '/opt/plain/app',
    '/opt/with space/app',
    '/home/ann/$HOME/`whoami`/app',
    '/opt/100%/app',
    '/opt/%U %f/app',
    "/opt/o'brien/app",
    '/opt/back\\slash/app',
    '/opt/"quoted"/app',
    '/opt/a;b&c|d>e<f~g*h?i#j(k)l/app',
    '/opt/tab\there',
    '',
  ])('quotes the executable %j so that a launcher runs exactly it', (path) => {
    expect(readExec(autostartEntry([path, '--hidden'], false).match(/^Exec=(.*)$/m)![1]!)).toEqual([path, '--hidden']);
  });

  it('quotes a backslash in four, as the spec’s own example says', () => {
    expect(quoteExecArg('a\\b')).toBe('"a\\\\b"');
    expect(autostartEntry(['/a\\b'], false)).toContain('Exec="/a\\\\\\\\b"');
  });
});
