/**
 * Every failure the app reports, as one error type with a code the UI can act on and a message a
 * person can read. The IPC boundary sends `{ code, message }` (ErrorInfo) and nothing else: the core
 * throws CoreError, the contract's dispatcher turns it into ErrorInfo, the renderer reads the code.
 *
 * Part of app/shared: it runs everywhere (Node, Electron, the browser) and imports nothing.
 */

export type ErrorCode =
  /** The server could not be reached (DNS, refused connection, reset). */
  | 'network'
  /** The server did not answer in time. */
  | 'timeout'
  /** An HTTP status without the profile's JSON error body (a proxy's 502 page, say). */
  | 'http-status'
  /** The server refused the request (`status: "ERROR"`), for a reason in the message. */
  | 'refused'
  /** The API key, station or signature was not accepted (401): sign in again. */
  | 'unauthorized'
  /** The conversation was cleared since it was loaded (409): refresh. */
  | 'stale-instance'
  /** The server's answer is not what the protocol says. */
  | 'invalid-response'
  /**
   * Signing in would send the API key unencrypted (plain http to a host that is not loopback); the
   * sign-in must be asked again with the user's explicit acceptance (`allowInsecure`).
   */
  | 'insecure-connection'
  /** The encryption password does not unlock the private key. */
  | 'wrong-password'
  /** The private key from the server is damaged or in a form we cannot read. */
  | 'unreadable-key'
  /** Ciphertext that does not open with the key we have. */
  | 'decryption'
  /** Nobody is signed in. */
  | 'not-signed-in'
  /** An argument from the renderer was not valid. */
  | 'invalid-argument'
  /** No such conversation, message or friend here. */
  | 'not-found'
  /** The OS keychain could not be used. */
  | 'keychain'
  /** The local database or settings could not be read or written. */
  | 'storage'
  /** A bug: something that should not happen. */
  | 'internal';

export class CoreError extends Error {
  readonly code: ErrorCode;
  /** Worth retrying later: the same request may succeed. */
  readonly transient: boolean;
  /** The HTTP status, when the failure came with one. */
  readonly httpStatus: number | undefined;

  constructor(code: ErrorCode, message: string, opts: { transient?: boolean; httpStatus?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'CoreError';
    this.code = code;
    this.transient = opts.transient ?? false;
    this.httpStatus = opts.httpStatus;
  }
}

export function isCoreError(err: unknown, code?: ErrorCode): err is CoreError {
  return err instanceof CoreError && (code === undefined || err.code === code);
}

/** The only shape of an error that crosses the IPC boundary. */
export type ErrorInfo = { code: ErrorCode; message: string };

export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof CoreError) return { code: err.code, message: err.message };
  // Anything else is a bug; its message may carry internals, so it stays in the main process log.
  return { code: 'internal', message: 'Something went wrong inside the app. Try again; if it keeps happening, restart the app.' };
}
