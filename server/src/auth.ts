/**
 * Who is calling: the profile's station binding, HMAC signatures, the timestamp window and replay
 * refusal. Used for HTTP requests and for the push socket's first frame alike.
 */
import { STATION_ID_PATTERN, TIMESTAMP_WINDOW_SECONDS, isValidSignature, isWithinWindow, parseTimestamp, type AuthMode } from '../../protocol/index.js';
import { badRequest, unauthorized } from './api-error.js';
import type { Store } from './db/store.js';
import type { UserRow } from './db/users.js';

export type AuthHeaders = { station?: string | undefined; user?: string | undefined; signature?: string | undefined };

export type Caller = { user: UserRow; stationId: string | null };

/** Signed bodies without a timestamp (documented for workspace registration) stay remembered this long. */
const UNTIMED_REPLAY_MS = 24 * 60 * 60 * 1000;

export function authenticate(
  store: Store,
  mode: AuthMode,
  headers: AuthHeaders,
  rawBody: Buffer | string,
  body: Record<string, unknown>,
  nowMs: number,
): Caller {
  switch (mode) {
    case 'apikey':
      return login(store, headers, body, nowMs);
    case 'signed': {
      const stationId = requireStation(headers);
      const user = verifySigned(store, headers, rawBody, body, nowMs, { timestampRequired: true });
      requireBoundTo(store, stationId, user.id);
      return { user, stationId };
    }
    case 'station': {
      const stationId = requireStation(headers);
      const owner = store.users.stationUser(stationId);
      if (!owner) throw unauthorized('This station is not signed in. Log in first.');
      if (headers.user !== undefined || headers.signature !== undefined) {
        const user = verifySigned(store, headers, rawBody, body, nowMs, { timestampRequired: true });
        if (user.id !== owner) throw unauthorized('This station is signed in to another account.');
      }
      return { user: store.users.get(owner)!, stationId };
    }
    case 'user': {
      const user = verifySigned(store, headers, rawBody, body, nowMs, { timestampRequired: false });
      return { user, stationId: null };
    }
  }
}

function login(store: Store, headers: AuthHeaders, body: Record<string, unknown>, nowMs: number): Caller {
  const stationId = requireStation(headers);
  if (typeof body.apikey !== 'string' || body.apikey === '') throw badRequest('The field "apikey" is missing.');
  const user = store.users.findByApiKey(body.apikey);
  if (!user) throw unauthorized('The API key is not known to this server. Check it, or ask your administrator for a new one.');
  const owner = store.users.stationUser(stationId);
  if (owner && owner !== user.id) {
    throw unauthorized('This station id is already signed in to another account. Use a new station id for this account.');
  }
  if (!owner) store.users.bind(stationId, user.id, nowMs);
  return { user, stationId };
}

function requireStation(headers: AuthHeaders): string {
  if (!headers.station) throw badRequest('The Ozeki-Station header is missing.');
  if (!STATION_ID_PATTERN.test(headers.station)) throw badRequest('The Ozeki-Station header must be 32 lower-case hex characters.');
  return headers.station;
}

function requireBoundTo(store: Store, stationId: string, userId: string): void {
  const owner = store.users.stationUser(stationId);
  if (!owner) throw unauthorized('This station is not signed in. Log in first.');
  if (owner !== userId) throw unauthorized('This station is signed in to another account.');
}

function verifySigned(
  store: Store,
  headers: AuthHeaders,
  rawBody: Buffer | string,
  body: Record<string, unknown>,
  nowMs: number,
  opts: { timestampRequired: boolean },
): UserRow {
  if (!headers.user) throw unauthorized('The Ozeki-User header is missing.');
  if (!headers.signature) throw unauthorized('The Ozeki-Signature header is missing.');
  const user = store.users.get(headers.user);
  // The same answer for an unknown user and a bad signature, so ids cannot be probed.
  if (!user || !isValidSignature(rawBody, user.apikey, headers.signature)) {
    throw unauthorized('The request signature is not valid. Check the API key and sign the exact body bytes.');
  }
  let expires = nowMs + UNTIMED_REPLAY_MS;
  if (body.timestamp !== undefined || opts.timestampRequired) {
    if (body.timestamp === undefined) throw badRequest('The field "timestamp" is missing.');
    const at = typeof body.timestamp === 'string' ? parseTimestamp(body.timestamp) : null;
    if (at === null) throw badRequest('The field "timestamp" must be a UTC time as yyyy-MM-dd HH:mm:ss.');
    if (!isWithinWindow(at, nowMs)) {
      throw unauthorized(`The request timestamp is more than ${TIMESTAMP_WINDOW_SECONDS} seconds away from the server clock. Check this computer's clock.`);
    }
    expires = at + TIMESTAMP_WINDOW_SECONDS * 1000;
  }
  // Remembered per user, not per station: the body does not name its station, so a body refused
  // on one station must be refused on every other station of the same user (and on the push socket).
  if (!store.seenSignatures.remember(user.id, headers.signature, expires, nowMs)) {
    throw unauthorized('This request was already received once (replay refused). Send a new request with a fresh nonce.');
  }
  return user;
}
