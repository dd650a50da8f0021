import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyAutostart } from './xdg-autostart.js';

const ENTRY = '[Desktop Entry]\nType=Application\nName=Ozeki Chat Desktop\nExec=/opt/app\n';
const isPosix = process.platform !== 'win32';

describe('the XDG autostart entry on disk', () => {
  let root: string;
  let file: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ozeki-autostart-'));
    file = join(root, 'config', 'autostart', 'ozeki-chat-desktop.desktop');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is written into a new autostart folder, readable by the user only, and nothing else is left there', () => {
    expect(applyAutostart({ file, contents: ENTRY })).toEqual({ ok: true, changed: true });
    expect(readFileSync(file, 'utf8')).toBe(ENTRY);
    expect(readdirSync(join(root, 'config', 'autostart'))).toEqual(['ozeki-chat-desktop.desktop']);
    if (isPosix) {
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(root, 'config', 'autostart')).mode & 0o077).toBe(0);
    }
  });

  it('is left alone when it already says the same, and replaced when it does not', () => {
    applyAutostart({ file, contents: ENTRY });
    const before = statSync(file).ino;
    expect(applyAutostart({ file, contents: ENTRY })).toEqual({ ok: true, changed: false });
    expect(statSync(file).ino).toBe(before);
    const moved = ENTRY.replace('/opt/app', '/home/ann/Apps/app');
    expect(applyAutostart({ file, contents: moved })).toEqual({ ok: true, changed: true });
    expect(readFileSync(file, 'utf8')).toBe(moved);
  });

  it.runIf(isPosix)('is made private again when someone widened it', () => {
    applyAutostart({ file, contents: ENTRY });
    chmodSync(file, 0o644);
    applyAutostart({ file, contents: ENTRY });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it.runIf(isPosix)('replaces a user-edited file with the mode of a new one', () => {
    mkdirSync(join(root, 'config', 'autostart'), { recursive: true });
    writeFileSync(file, 'edited by hand', { mode: 0o666 });
    chmodSync(file, 0o666);
    applyAutostart({ file, contents: ENTRY });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('is removed when start at login is turned off, and removing it twice is no error', () => {
    applyAutostart({ file, contents: ENTRY });
    expect(applyAutostart({ file, contents: null })).toEqual({ ok: true, changed: true });
    expect(existsSync(file)).toBe(false);
    expect(applyAutostart({ file, contents: null })).toEqual({ ok: true, changed: false });
  });

  it('reports a folder it cannot create as a sentence naming the file, and leaves no temporary file', () => {
    writeFileSync(join(root, 'config'), 'a file where the folder should be');
    const result = applyAutostart({ file, contents: ENTRY });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(
      /^Start at login could not be turned on: .*ozeki-chat-desktop\.desktop could not be written \((ENOTDIR|EEXIST)\)\.$/,
    );
    expect(readdirSync(root)).toEqual(['config']);
  });

  it('reports what it cannot remove', () => {
    mkdirSync(file, { recursive: true }); // a folder in the entry's place
    writeFileSync(join(file, 'inside'), 'x');
    const result = applyAutostart({ file, contents: null });
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/^Start at login could not be turned off: .* could not be removed \(.+\)\.$/) });
  });
});
