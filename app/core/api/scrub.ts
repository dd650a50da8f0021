/**
 * Keeping secrets out of errors: the API key and the request signatures must never appear in an
 * error message or anywhere in an error's cause, since errors are shown to the user and logged.
 * Whatever the server says is shown only after any copy of them has been blanked out, and clipped
 * to one tidy line.
 */
import { CoreError } from '../errors.js';
import { CancelledError } from './transport.js';

/** `text` on one line without control characters, cut to `max` characters. */
export function clip(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** `text` with every copy of a secret (any case) replaced by '[hidden]'. Short strings are not secrets. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 8) continue;
    out = out.replace(new RegExp(secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), '[hidden]');
  }
  return out;
}

function containsSecret(text: string, secrets: readonly string[]): boolean {
  const lower = text.toLowerCase();
  return secrets.some((s) => s.length >= 8 && lower.includes(s.toLowerCase()));
}

/**
 * Makes sure an error leaving the client carries no secret: the message is scrubbed, and a cause
 * that mentions one anywhere is dropped.
 */
export function scrubError(err: unknown, secrets: readonly string[]): unknown {
  if (!(err instanceof CoreError)) {
    return new CoreError('internal', 'Something went wrong inside the app while talking to the server. Try again; if it keeps happening, restart the app.');
  }
  let text = err.message;
  let causeText: string;
  try {
    causeText = err.cause === undefined ? '' : describe(err.cause);
  } catch {
    causeText = '';
  }
  if (!containsSecret(text, secrets) && !containsSecret(causeText, secrets)) return err;
  text = scrub(text, secrets);
  const cleaned =
    err instanceof CancelledError
      ? Object.assign(new CancelledError(), { message: text })
      : new CoreError(err.code, text, { transient: err.transient, ...(err.httpStatus === undefined ? {} : { httpStatus: err.httpStatus }) });
  return cleaned;
}

/** All the text in a value (messages, stacks, nested properties), to search for secrets. */
function describe(value: unknown, depth = 0): string {
  if (depth > 4 || value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value !== 'object') return String(value);
  const parts: string[] = [];
  if (value instanceof Error) parts.push(value.message, value.stack ?? '');
  for (const key of Object.getOwnPropertyNames(value)) {
    if (key === 'stack' || key === 'message') continue;
    try {
      parts.push(describe((value as Record<string, unknown>)[key], depth + 1));
    } catch {
      // getters that throw are not secrets
    }
  }
  return parts.join(' ');
}
