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
  /**
   * Stale `instance`; also a name already taken by someone else, a file id already in use, and a
   * file call that does not fit the upload's state (finishing with chunks missing, a chunk for a
   * finished file, downloading an unfinished one).
   */
  conflict: 409,
  /** Body over the limit; also a file larger than the profile's MAX_FILE_BYTES. */
  payloadTooLarge: 413,
  /**
   * Files: the upload would take the user over their storage quota on the server (finished and
   * unfinished files count). The sentence says how much room is left; freeing room (cancelling an
   * upload, taking back a sent file) or a smaller file makes the same call succeed.
   */
  insufficientStorage: 507,
  /** The server failed; the message never carries internals. */
  internal: 500,
} as const;

export type ErrorBody = { status: typeof ERROR_STATUS; errormessage: string };

export function errorBody(errormessage: string): ErrorBody {
  return { status: ERROR_STATUS, errormessage };
}
