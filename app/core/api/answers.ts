/**
 * Turning one HTTP answer into the call's validated response, or into the `CoreError` that says
 * what went wrong in words a person can act on: the profile's JSON error (refused, unauthorized,
 * stale instance), a redirect, a proxy's or portal's web page, a cut-off or empty body, or an
 * answer that does not match the protocol's schema. Whether it is worth retrying is decided here.
 */
import { STATUS_CODES } from 'node:http';
import { decodeResponse, type CallName, type ResponseOf } from '../../../protocol/index.js';
import { CoreError } from '../errors.js';
import { clip, scrub } from './scrub.js';
import type { TransportResponse } from './transport.js';

/** The longest server error message shown. */
const MAX_SERVER_MESSAGE = 400;

/** 'HTTP 502 (Bad Gateway)'. */
function statusLabel(status: number): string {
  const text = STATUS_CODES[status];
  return text ? `HTTP ${status} (${text})` : `HTTP ${status}`;
}

/**
 * Statuses that say the server (or a proxy) is having trouble, not that the request is wrong. 507
 * with the profile's error is the file service's "over your quota": waiting will not change it.
 */
const isTransientStatus = (status: number, profileError: boolean): boolean =>
  status === 408 || status === 429 || (status >= 500 && status <= 599 && !(status === 507 && profileError));

/** Calls whose 409 means a stale conversation instance (the file service's 409 is a plain refusal). */
const instanceCall = (name: CallName): boolean => name !== 'workspaceRegister' && !name.startsWith('file');

/** Turns one HTTP answer into the call's validated response, or throws the matching `CoreError`. */
export function interpret<N extends CallName>(name: N, res: TransportResponse, host: string, secrets: string[]): ResponseOf<N> {
  const { status } = res;
  let json: unknown;
  let isJson: boolean;
  try {
    json = JSON.parse(res.text);
    isJson = true;
  } catch {
    isJson = false;
  }
  const errorMessage = isJson ? serverErrorMessage(json, secrets) : undefined;
  const opts = (transient: boolean) => ({ transient, httpStatus: status });

  if (status >= 200 && status <= 299) {
    if (!isJson) throw notJson(res, host);
    const decoded = decodeResponse(name, json);
    if (decoded.ok) return decoded.value;
    if (decoded.kind === 'refused') {
      throw new CoreError('refused', scrub(decoded.message, secrets), opts(false));
    }
    throw new CoreError(
      'invalid-response',
      `${scrub(decoded.message, secrets).replace(/\.$/, '')} (from ${host}, ${name}). The server may run a version this app does not support.`,
      opts(false),
    );
  }

  if (status >= 300 && status <= 399) {
    const where = res.location ? ` to ${clip(scrub(res.location, secrets), 200)}` : '';
    throw new CoreError(
      'http-status',
      `The server at ${host} redirected the request${where} (${statusLabel(status)}). Use the address it points to as the server address.`,
      opts(false),
    );
  }

  if (status === 401 && errorMessage !== undefined) {
    if (name === 'login') {
      throw new CoreError(
        'unauthorized',
        `The server did not accept this API key. Check that you copied the whole key, or ask your administrator for a new one. (The server at ${host} said: ${errorMessage})`,
        opts(false),
      );
    }
    throw new CoreError('unauthorized', `The server at ${host} no longer accepts this sign-in: ${errorMessage} Sign in again if it persists.`, opts(false));
  }

  if (status === 409 && errorMessage !== undefined && instanceCall(name)) {
    throw new CoreError('stale-instance', errorMessage, opts(false));
  }

  if (isTransientStatus(status, errorMessage !== undefined)) {
    if (errorMessage !== undefined) throw new CoreError('refused', errorMessage, opts(true));
    throw new CoreError(
      'http-status',
      `The server at ${host} answered with ${statusLabel(status)}. The server, or a proxy in front of it, is having trouble; try again later.`,
      opts(true),
    );
  }

  if (((status >= 400 && status <= 499) || status === 507) && errorMessage !== undefined) {
    throw new CoreError('refused', errorMessage, opts(false));
  }

  throw new CoreError(
    'http-status',
    `The server at ${host} answered with ${statusLabel(status)} instead of an API answer. Check the server address (it usually ends in /ozeki/index.php).`,
    opts(false),
  );
}

/** The profile's error body `{status: "<not OK>", errormessage}`: the sentence to show, or undefined. */
function serverErrorMessage(json: unknown, secrets: string[]): string | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const { status, errormessage } = json as { status?: unknown; errormessage?: unknown };
  if (typeof status !== 'string' || status === 'OK') return undefined;
  const text = typeof errormessage === 'string' ? clip(scrub(errormessage, secrets), MAX_SERVER_MESSAGE) : '';
  if (!text) return `The server refused the request (status ${clip(JSON.stringify(scrub(status, secrets)), 40)}).`;
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** The error for a 2xx answer whose body is not JSON: empty, a web page, or cut off. */
function notJson(res: TransportResponse, host: string): CoreError {
  const opts = { transient: true, httpStatus: res.status };
  if (res.text.trim() === '') {
    return new CoreError('invalid-response', `The server at ${host} sent an empty answer. Try again; if it keeps happening, check the server address.`, opts);
  }
  if (/html/i.test(res.contentType) || /^\s*</.test(res.text)) {
    return new CoreError(
      'invalid-response',
      `The server at ${host} answered with a web page instead of an API answer. Check the server address (it usually ends in /ozeki/index.php).`,
      opts,
    );
  }
  return new CoreError('invalid-response', `The answer from ${host} is not valid JSON; it may have been cut off. Try again.`, opts);
}
