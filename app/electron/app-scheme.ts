/**
 * The `app://` scheme the chat window is served from, as plain functions: which file a request
 * names, and the headers every answer carries. No electron import, so it is tested under Node;
 * app-protocol.ts wires it into Electron.
 *
 * A custom scheme rather than file://: file:// pages share one opaque origin with every file on
 * the disk, while app://chat is an origin of its own that the CSP, the IPC sender check and the
 * navigation policy can name.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'chat';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const START_URL = `${APP_ORIGIN}/index.html`;

/**
 * The headers of every app:// answer. The CSP: the renderer only runs its own bundled scripts and
 * talks to the main process over IPC, so it needs no network at all (`connect-src 'none'`); inline
 * styles stay allowed because Svelte's transitions set them. Compare app/browser-host/security.ts,
 * which must also allow its loopback WebSocket. The policy is one literal so that electronegativity
 * (npm run lint:electron) finds it and evaluates it. Its one remark, "'self' can be problematic if
 * you host JSONP, Angular or user uploaded files", does not apply: app://chat serves only the files
 * of our own build, and nothing from a server is ever served there (hence the annotation).
 */
export function responseHeaders(): Record<string, string> {
  const headers: Record<string, string> = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    // The files change with every build; the check is cheap and stale chunks break the page.
    'Cache-Control': 'no-cache',
  };
  // One line: electronegativity reads its eng-disable annotation on the line the statement starts.
  // prettier-ignore
  headers['Content-Security-Policy'] = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'none'; media-src 'self'; object-src 'none'; worker-src 'none'; frame-src 'none'; child-src 'none'; manifest-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"; // eng-disable CSP_GLOBAL_CHECK
  return headers;
}

export function contentSecurityPolicy(): string {
  return responseHeaders()['Content-Security-Policy']!;
}

/** True for a URL on our own origin (any path). */
export function isAppUrl(raw: string | undefined | null): boolean {
  if (typeof raw !== 'string') return false;
  try {
    const url = new URL(raw);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

export type AppRequest = { ok: true; file: string } | { ok: false; status: 400 | 404 };

const inside = (root: string, path: string): boolean => path.startsWith(root.endsWith(sep) ? root : root + sep);

/**
 * The file under `root` (absolute) that an app:// request URL names, or why not: 400 for what
 * cannot be a file name at all, 404 for everything else, so probing learns nothing. The path is
 * decoded exactly once, so `%252e%252e` stays a literal name; `..` segments (whether written,
 * percent-encoded or behind a backslash), NULs, drive letters and absolute paths are refused, and
 * the result must still lie under `root`.
 */
export function resolveAppRequest(raw: string, root: string): AppRequest {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, status: 400 };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username !== '' || url.password !== '') {
    return { ok: false, status: 404 };
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (decoded.includes('\0')) return { ok: false, status: 400 };
  if (!decoded.startsWith('/')) return { ok: false, status: 400 };

  const relative = decoded === '/' ? 'index.html' : decoded.slice(1);
  const segments = relative.split(/[\\/]/);
  if (isAbsolute(relative) || /^[\\/]/.test(relative) || /^[a-zA-Z]:/.test(relative) || segments.includes('..') || segments.includes('.')) {
    return { ok: false, status: 404 };
  }
  const file = resolve(root, relative);
  if (!inside(resolve(root), file)) return { ok: false, status: 404 };
  return { ok: true, file };
}

/** What the disk says when a name is simply not a file we have: answered 404, not logged. */
const NOT_THERE = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG', 'EISDIR']);

/**
 * resolveAppRequest, then the disk: the file must exist, be a regular file, and still lie under
 * `root` once symbolic links are resolved (in the root's own path too), so a link inside the
 * renderer folder cannot lead out of it; compare app/browser-host/static-files.ts. Gives the real
 * path, so what is read is what was checked. Throws only for an unexpected disk error (EACCES,
 * EIO, ...), which the caller logs.
 */
export async function resolveAppFile(raw: string, root: string): Promise<AppRequest> {
  const found = resolveAppRequest(raw, root);
  if (!found.ok) return found;
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(found.file)]);
    if (!inside(realRoot, realFile)) return { ok: false, status: 404 };
    if (!(await stat(realFile)).isFile()) return { ok: false, status: 404 };
    return { ok: true, file: realFile };
  } catch (err) {
    if (NOT_THERE.has(String((err as NodeJS.ErrnoException).code))) return { ok: false, status: 404 };
    throw err;
  }
}
