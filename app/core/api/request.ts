/**
 * Preparing one attempt of a call: the body encoded and signed for this moment (each attempt gets
 * a new timestamp and nonce, so the server's replay check never sees a repeat), and on the first
 * attempt the body checked against the request schema, so a malformed request is refused here with
 * the field named instead of reaching the server.
 */
import { CALLS, encodeRequest, type CallName, type Credentials, type PayloadOf } from '../../../protocol/index.js';
import { CoreError } from '../errors.js';

export type EncodedRequest = { body: string; headers: Record<string, string> };

/** Encodes (and signs) one attempt at `now()`; with `check`, also validates it against the request schema. */
export function encodeAttempt<N extends CallName>(name: N, payload: PayloadOf<N>, credentials: Credentials, now: () => number, check: boolean): EncodedRequest {
  let encoded: EncodedRequest;
  try {
    encoded = encodeRequest(name, payload, credentials, now());
  } catch {
    throw new CoreError('invalid-argument', `The ${name} request could not be prepared: the sign-in details are incomplete. Sign in again.`);
  }
  if (check) {
    const parsed = CALLS[name].request.safeParse(JSON.parse(encoded.body));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length ? ` field ${issue.path.join('.')}` : '';
      throw new CoreError(
        'invalid-argument',
        `The ${name} request was not sent: its${where || ' content'} is not valid (${issue?.message ?? 'unexpected shape'}).`,
      );
    }
  }
  return encoded;
}
