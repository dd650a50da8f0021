/**
 * PROFILE (ours, not Ozeki's): errors. Ozeki documents only `status: "OK"` responses.
 * An error is `{"status":"ERROR","errormessage":"<a sentence a person can act on>"}` with these
 * HTTP status codes. A client treats any `status` but "OK" as an error, and a missing `status` as
 * OK only for the Download response shape.
 */

export const ERROR_STATUS = 'ERROR';

export const HTTP_STATUS = {
  ok: 200,
  /** Malformed JSON, a missing or ill-typed field, an unknown action, a bad colour. */
  badRequest: 400,
  /** Missing or bad signature, unknown apikey, unbound station, stale timestamp, replay. */
  unauthorized: 401,
  /** The caller is not a participant. */
  forbidden: 403,
  /** Unknown conversation (or path). */
  notFound: 404,
  /** Any method but POST. */
  methodNotAllowed: 405,
  /** Stale `instance`; also a name already taken by someone else. */
  conflict: 409,
  /** Body over the limit. */
  payloadTooLarge: 413,
  /** The server failed; the message never carries internals. */
  internal: 500,
} as const;

export type ErrorBody = { status: typeof ERROR_STATUS; errormessage: string };

export function errorBody(errormessage: string): ErrorBody {
  return { status: ERROR_STATUS, errormessage };
}
