/**
 * The built renderer, served from one folder and nothing outside it. A request path is decoded
 * exactly once (so `%252e%252e` stays a harmless literal), and refused when it holds a NUL, a `..`
 * segment or an absolute path, or resolves (symlinks followed) outside the folder.
 */
import { realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wav': 'audio/wav',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/** With `nosniff` the browser trusts this, so unknown files are opaque bytes, never script or HTML. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup = { ok: true; file: string } | { ok: false; status: 400 | 404 };

const inside = (root: string, path: string) => path.startsWith(root.endsWith(sep) ? root : root + sep);

/**
 * The file a request path names under `root` (an absolute, real path), or why not: 400 for a path
 * that cannot be a file name at all, 404 for anything else (so probing learns nothing).
 */
export async function lookupStatic(root: string, pathname: string): Promise<StaticLookup> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { ok: false, status: 400 }; // broken %-escapes
  }
  if (decoded.includes('\0')) return { ok: false, status: 400 };
  if (!decoded.startsWith('/')) return { ok: false, status: 400 };

  const relative = decoded === '/' ? 'index.html' : decoded.slice(1);
  // Both separators: on Windows `\` is one, and a request should mean the same on every OS.
  if (isAbsolute(relative) || /^[\\/]/.test(relative) || relative.split(/[\\/]/).includes('..')) return { ok: false, status: 404 };

  const candidate = resolve(root, relative);
  if (!inside(root, candidate)) return { ok: false, status: 404 };
  try {
    if (!(await stat(candidate)).isFile()) return { ok: false, status: 404 };
    // A symlink inside the folder must not lead out of it.
    if (!inside(root, await realpath(candidate))) return { ok: false, status: 404 };
  } catch {
    return { ok: false, status: 404 };
  }
  return { ok: true, file: candidate };
}
