/**
 * PROFILE (ours, not Ozeki's): `Ozeki-Signature` and replay protection. Ozeki shows the header but
 * documents nothing about it.
 *
 * - Signature = lower-case hex HMAC-SHA256, key = the apikey's UTF-8 bytes, message = the exact
 *   bytes of the request body as sent.
 * - Required on every call except Login; Notification may come with `Ozeki-Station` alone.
 * - The body `timestamp` must be within 300 s of the server clock; a second request with the same
 *   (station, signature) inside that window is a replay and is refused.
 * - The client adds `"nonce"` (32 random hex) to every signed body, since two legitimate calls in
 *   the same second would otherwise be byte-identical.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_WINDOW_SECONDS = 300;

export function signBody(body: string | Uint8Array, apikey: string): string {
  return createHmac('sha256', Buffer.from(apikey, 'utf8')).update(body).digest('hex');
}

export function isValidSignature(body: string | Uint8Array, apikey: string, signature: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(signature)) return false;
  return timingSafeEqual(Buffer.from(signBody(body, apikey), 'hex'), Buffer.from(signature, 'hex'));
}

/** Whether a body timestamp (ms) is inside the window around `nowMs`. */
export function isWithinWindow(timestampMs: number, nowMs: number = Date.now()): boolean {
  return Math.abs(nowMs - timestampMs) <= TIMESTAMP_WINDOW_SECONDS * 1000;
}
