import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN, contentSecurityPolicy, isAppUrl, resolveAppFile, resolveAppRequest, responseHeaders, START_URL } from './app-scheme.js';

const ROOT = resolve('/srv/ozeki/out/renderer');

describe('app:// requests', () => {
  it('serve index.html for the start page and the bare origin', () => {
    expect(resolveAppRequest(START_URL, ROOT)).toEqual({ ok: true, file: join(ROOT, 'index.html') });
    expect(resolveAppRequest(`${APP_ORIGIN}/`, ROOT)).toEqual({ ok: true, file: join(ROOT, 'index.html') });
  });

  it('serve files under the renderer folder, ignoring query and fragment', () => {
    expect(resolveAppRequest(`${APP_ORIGIN}/assets/index-abc.js?v=1#x`, ROOT)).toEqual({ ok: true, file: join(ROOT, 'assets', 'index-abc.js') });
  });

  it('decode a name once, so a double-encoded dot-dot stays a harmless literal file name', () => {
    expect(resolveAppRequest(`${APP_ORIGIN}/assets/%252e%252e/x`, ROOT)).toEqual({ ok: true, file: join(ROOT, 'assets', '%2e%2e', 'x') });
    expect(resolveAppRequest(`${APP_ORIGIN}/a%20b.png`, ROOT)).toEqual({ ok: true, file: join(ROOT, 'a b.png') });
  });

  it('fold plain and %2e-encoded dot-dot segments the way URLs do, so they end inside the folder', () => {
    const folded = {
      [`${APP_ORIGIN}/../../etc/passwd`]: 'etc/passwd',
      [`${APP_ORIGIN}/assets/../../secret`]: 'secret',
      [`${APP_ORIGIN}/%2e%2e/%2e%2e/etc/passwd`]: 'etc/passwd',
      [`${APP_ORIGIN}/%2E%2E/secret`]: 'secret',
      [`${APP_ORIGIN}/assets/.%2e/.%2e/secret`]: 'secret',
    };
    for (const [url, inside] of Object.entries(folded)) {
      expect(resolveAppRequest(url, ROOT), url).toEqual({ ok: true, file: join(ROOT, inside) });
    }
  });

  it('refuse dot-dot that survives URL parsing: behind encoded slashes or (encoded) backslashes', () => {
    for (const url of [
      `${APP_ORIGIN}/assets/%2e%2e%2f%2e%2e%2fsecret`,
      `${APP_ORIGIN}/..%5c..%5csecret`,
      `${APP_ORIGIN}/assets\\..\\..\\secret`,
      `${APP_ORIGIN}/assets/%2e%2e%5csecret`,
    ]) {
      expect(resolveAppRequest(url, ROOT), url).toEqual({ ok: false, status: 404 });
    }
  });

  it('refuse absolute paths and drive letters smuggled into the path', () => {
    expect(resolveAppRequest(`${APP_ORIGIN}/%2fetc%2fpasswd`, ROOT)).toEqual({ ok: false, status: 404 });
    expect(resolveAppRequest(`${APP_ORIGIN}//etc/passwd`, ROOT)).toEqual({ ok: false, status: 404 });
    expect(resolveAppRequest(`${APP_ORIGIN}/C:/Windows/win.ini`, ROOT)).toEqual({ ok: false, status: 404 });
    expect(resolveAppRequest(`${APP_ORIGIN}/%5cwindows%5cwin.ini`, ROOT)).toEqual({ ok: false, status: 404 });
  });

  it('refuse NUL bytes and broken escapes as bad requests', () => {
    expect(resolveAppRequest(`${APP_ORIGIN}/index.html%00.png`, ROOT)).toEqual({ ok: false, status: 400 });
    expect(resolveAppRequest(`${APP_ORIGIN}/%E0%A4%A`, ROOT)).toEqual({ ok: false, status: 400 });
    expect(resolveAppRequest('not a url', ROOT)).toEqual({ ok: false, status: 400 });
  });

  it('answer only our own host on our own scheme', () => {
    for (const url of [
      'app://evil/index.html',
      'app://chat.evil/index.html',
      'file:///srv/ozeki/out/renderer/index.html',
      'https://chat/index.html',
      'app://user:pw@chat/index.html',
    ]) {
      expect(resolveAppRequest(url, ROOT), url).toEqual({ ok: false, status: 404 });
    }
  });
});

// Windows lets only administrators (or developer mode) make symbolic links.
describe.skipIf(process.platform === 'win32')('app:// requests on the disk (symbolic links resolved)', () => {
  // A real renderer folder in a temporary one, with a secret beside it and links in it.
  let base: string;
  let root: string;
  beforeAll(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'ozeki-app-scheme-')));
    root = join(base, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html>');
    writeFileSync(join(root, 'assets', 'app.js'), 'export {};');
    writeFileSync(join(base, 'secret.txt'), 'outside the renderer folder');
    mkdirSync(join(base, 'elsewhere'));
    writeFileSync(join(base, 'elsewhere', 'x.js'), 'outside too');
    symlinkSync(join(base, 'secret.txt'), join(root, 'leak.txt')); // a file link out
    symlinkSync(join(base, 'elsewhere'), join(root, 'out-dir')); // a folder link out
    symlinkSync('../secret.txt', join(root, 'assets', 'relative-leak.txt')); // relative, out
    symlinkSync(join(root, 'assets', 'app.js'), join(root, 'alias.js')); // a link that stays in
    symlinkSync('assets', join(root, 'linked-assets')); // a folder link that stays in
    symlinkSync(root, join(base, 'renderer-link')); // the root itself reached through a link
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('refuse a link that leads outside the renderer folder, as a plain 404', async () => {
    for (const path of ['leak.txt', 'out-dir/x.js', 'assets/relative-leak.txt']) {
      expect(await resolveAppFile(`${APP_ORIGIN}/${path}`, root), path).toEqual({ ok: false, status: 404 });
    }
  });

  it('serve a link that stays inside, as the real file it names', async () => {
    const real = join(root, 'assets', 'app.js');
    expect(await resolveAppFile(`${APP_ORIGIN}/alias.js`, root)).toEqual({ ok: true, file: real });
    expect(await resolveAppFile(`${APP_ORIGIN}/linked-assets/app.js`, root)).toEqual({ ok: true, file: real });
    expect(await resolveAppFile(`${APP_ORIGIN}/assets/app.js`, root)).toEqual({ ok: true, file: real });
  });

  it('work when the renderer folder itself is reached through a link', async () => {
    const linked = join(base, 'renderer-link');
    expect(await resolveAppFile(START_URL, linked)).toEqual({ ok: true, file: join(root, 'index.html') });
    expect(await resolveAppFile(`${APP_ORIGIN}/leak.txt`, linked)).toEqual({ ok: false, status: 404 });
  });

  it('answer 404 for a missing file or a folder, and keep the checks made before the disk', async () => {
    expect(await resolveAppFile(`${APP_ORIGIN}/nothing.js`, root)).toEqual({ ok: false, status: 404 });
    expect(await resolveAppFile(`${APP_ORIGIN}/assets`, root)).toEqual({ ok: false, status: 404 });
    expect(await resolveAppFile(`${APP_ORIGIN}/assets/app.js/x`, root)).toEqual({ ok: false, status: 404 });
    expect(await resolveAppFile(`${APP_ORIGIN}/..%5csecret.txt`, root)).toEqual({ ok: false, status: 404 });
    expect(await resolveAppFile(`${APP_ORIGIN}/index.html%00.png`, root)).toEqual({ ok: false, status: 400 });
  });
});

describe('the Content-Security-Policy of app://', () => {
  const directives = new Map(
    contentSecurityPolicy()
      .split('; ')
      .map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
  );

  it('denies by default and allows scripts only from our own origin, never eval or inline', () => {
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(contentSecurityPolicy()).not.toMatch(/unsafe-eval|wasm-unsafe-eval|\*|https?:|ws:/);
  });

  it('lets the page connect nowhere: it talks to the main process over IPC only', () => {
    expect(directives.get('connect-src')).toBe("'none'");
  });

  it('keeps plugins, frames, forms, base URLs and embedding out', () => {
    for (const name of ['object-src', 'frame-src', 'form-action', 'base-uri', 'frame-ancestors', 'worker-src']) {
      expect(directives.get(name), name).toBe("'none'");
    }
  });

  it('is sent with every answer, with nosniff and no referrer', () => {
    expect(responseHeaders()).toMatchObject({
      'Content-Security-Policy': contentSecurityPolicy(),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
  });
});

describe('isAppUrl', () => {
  it('is true for our origin only', () => {
    expect(isAppUrl(START_URL)).toBe(true);
    expect(isAppUrl(`${APP_ORIGIN}/assets/x.js`)).toBe(true);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isAppUrl('https://chat/index.html')).toBe(false);
    expect(isAppUrl('about:blank')).toBe(false);
    expect(isAppUrl('')).toBe(false);
    expect(isAppUrl(undefined)).toBe(false);
  });
});
