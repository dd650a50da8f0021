/**
 * What keeps other web pages and other local users' browsers away from the host: a random token
 * that only the printed URL carries, compared in constant time, and the headers every response gets.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(given)) && given.length === expected.length;
}

/** The origin the renderer's page has, and the only one allowed to open the IPC socket. */
export const originFor = (port: number) => `http://127.0.0.1:${port}`;

/**
 * Whether a request's `Host` header names this host: `127.0.0.1:<port>` exactly. Any other name that
 * resolves to 127.0.0.1 (DNS rebinding: `evil.example:<port>`), `localhost`, or another port is
 * refused, for pages and for the IPC socket alike.
 */
export function hostMatches(given: string | undefined, port: number): boolean {
  return given === `127.0.0.1:${port}`;
}

export function securityHeaders(port: number): Record<string, string> {
  return {
    // The page may only run our own scripts and talk to this host; inline styles are allowed
    // because Svelte's transitions set them.
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      `connect-src 'self' ws://127.0.0.1:${port}`,
      "img-src 'self' data: blob:",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    // The first page load carries the token in its URL: never hand it on.
    'Referrer-Policy': 'no-referrer',
  };
}
