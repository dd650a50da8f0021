/**
 * app://chat/: the built renderer (out/renderer), served by the main process with the CSP on every
 * answer. The decisions are in app-scheme.ts; this file only talks to Electron and the disk.
 */
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { contentTypeOf } from '../browser-host/static-files.js';
import { APP_SCHEME, resolveAppFile, responseHeaders } from './app-scheme.js';

/** Must run before the app is ready: privileges are fixed at startup. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      // standard: a real origin ('self' in the CSP, relative URLs); secure: a secure context like
      // https; supportFetchAPI + corsEnabled: the bundle loads as <script type=module crossorigin>.
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
    },
  ]);
}

/** Call once the app is ready. `rendererDir` is the absolute path of out/renderer. */
export function serveAppScheme(rendererDir: string, log: (line: string) => void): void {
  const headers = responseHeaders();
  const answer = (status: number, extra: Record<string, string> = {}, body: Uint8Array | null = null) =>
    new Response(body, { status, headers: { ...headers, ...extra } });

  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(405, { Allow: 'GET, HEAD' });
    let file: string;
    let body: Buffer;
    try {
      // Symbolic links resolved: a link in the renderer folder cannot lead out of it.
      const found = await resolveAppFile(request.url, rendererDir);
      if (!found.ok) return answer(found.status);
      file = found.file;
      body = await readFile(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Gone between the check and the read (a rebuild) is not worth a line; anything else is.
      if (code !== 'ENOENT' && code !== 'EISDIR' && code !== 'ENOTDIR') log(`app:// could not read ${request.url}: ${String(code ?? err)}`);
      return answer(404);
    }
    return answer(200, { 'Content-Type': contentTypeOf(file) }, request.method === 'HEAD' ? null : new Uint8Array(body));
  });
}
