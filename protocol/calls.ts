/**
 * The catalogue of calls: the 19 documented Ozeki calls plus the profile's extensions, each with
 * where it goes, how it authenticates, and the schemas of its request and response. Both the
 * client (app/core) and the reference server (server/) work from this one table.
 */
import type { z } from 'zod';
import { API, CLIENT_VERSION_CODE, HEADER, SERVICE, type UrlKey } from './ozeki/endpoints.js';
import * as s from './ozeki/schemas.js';
import { formatTimestamp } from './ozeki/timestamp.js';
import * as f from './profile/files.js';
import { createConversationRequestSchema, createConversationResponseSchema, setAvailabilityRequestSchema } from './profile/extensions.js';
import { newNonce } from './profile/identity.js';
import { signBody } from './profile/signing.js';

/**
 * - `apikey`: Login; the apikey is in the body, the station in a header, no signature.
 * - `signed`: station, user and signature headers.
 * - `station`: Notification; the station alone is enough, a user + signature are checked if sent.
 * - `user`: workspace registration; user and signature, no station (as documented).
 */
export type AuthMode = 'apikey' | 'signed' | 'station' | 'user';

export type CallSpec = {
  /** A stable name for the call. */
  name: string;
  origin: 'ozeki' | 'profile';
  service: string;
  urlKey: UrlKey;
  action: string;
  auth: AuthMode;
  request: z.ZodObject;
  response: z.ZodType;
  /**
   * How the body and the answer travel. `json` both ways for every Ozeki call. Profile file calls:
   * `chunk` is a JSON line, `\n`, then bytes; a `bytes` answer is `application/octet-stream`.
   */
  wire: { request: 'json' | 'chunk'; response: 'json' | 'bytes' };
};

const chat = SERVICE.chat;

function call<const N extends string, Req extends z.ZodObject, Res extends z.ZodType>(
  name: N,
  spec: {
    origin?: 'ozeki' | 'profile';
    service?: string;
    urlKey: UrlKey;
    auth?: AuthMode;
    request: Req;
    response: Res;
    wire?: { request: 'json' | 'chunk'; response: 'json' | 'bytes' };
  },
) {
  const action = (spec.request.shape as { action: z.ZodLiteral<string> }).action.value;
  return {
    name,
    origin: spec.origin ?? 'ozeki',
    service: spec.service ?? chat,
    urlKey: spec.urlKey,
    action,
    auth: spec.auth ?? 'signed',
    request: spec.request,
    response: spec.response,
    wire: spec.wire ?? { request: 'json', response: 'json' },
  } as const satisfies CallSpec;
}

export const CALLS = {
  login: call('login', { urlKey: 'login', auth: 'apikey', request: s.loginRequestSchema, response: s.loginResponseSchema }),
  availability: call('availability', { urlKey: 'availability', request: s.availabilityRequestSchema, response: s.plainOkResponseSchema }),
  friendsList: call('friendsList', { urlKey: 'friends', request: s.friendsListRequestSchema, response: s.friendsListResponseSchema }),
  viewedReport: call('viewedReport', { urlKey: 'reports', request: s.viewedReportRequestSchema, response: s.plainOkResponseSchema }),
  notification: call('notification', { urlKey: 'notification', auth: 'station', request: s.notificationRequestSchema, response: s.notificationResponseSchema }),
  conversationList: call('conversationList', { urlKey: 'conversation', request: s.conversationListRequestSchema, response: s.conversationListResponseSchema }),
  downloadPartial: call('downloadPartial', { urlKey: 'conversation', request: s.downloadPartialRequestSchema, response: s.downloadPartialResponseSchema }),
  add: call('add', { urlKey: 'conversation', request: s.addRequestSchema, response: s.addResponseSchema }),
  clear: call('clear', { urlKey: 'conversation', request: s.clearRequestSchema, response: s.conversationResponseSchema }),
  favorite: call('favorite', { urlKey: 'conversation', request: s.favoriteRequestSchema, response: s.conversationResponseSchema }),
  unfavorite: call('unfavorite', { urlKey: 'conversation', request: s.unfavoriteRequestSchema, response: s.conversationResponseSchema }),
  setColor: call('setColor', { urlKey: 'conversation', request: s.setColorRequestSchema, response: s.conversationResponseSchema }),
  download: call('download', { urlKey: 'conversation', request: s.downloadRequestSchema, response: s.downloadResponseSchema }),
  mute: call('mute', { urlKey: 'conversation', request: s.muteRequestSchema, response: s.conversationResponseSchema }),
  unmute: call('unmute', { urlKey: 'conversation', request: s.unmuteRequestSchema, response: s.conversationResponseSchema }),
  hide: call('hide', { urlKey: 'conversation', request: s.hideRequestSchema, response: s.conversationResponseSchema }),
  unhide: call('unhide', { urlKey: 'conversation', request: s.unhideRequestSchema, response: s.conversationResponseSchema }),
  blocklist: call('blocklist', { urlKey: 'blocklist', request: s.blocklistRequestSchema, response: s.blocklistResponseSchema }),
  workspaceRegister: call('workspaceRegister', {
    service: SERVICE.owner,
    urlKey: 'workspace',
    auth: 'user',
    request: s.workspaceRegisterRequestSchema,
    response: s.plainOkResponseSchema,
  }),
  // PROFILE extensions.
  create: call('create', { origin: 'profile', urlKey: 'conversation', request: createConversationRequestSchema, response: createConversationResponseSchema }),
  setAvailability: call('setAvailability', {
    origin: 'profile',
    urlKey: 'availability',
    request: setAvailabilityRequestSchema,
    response: s.plainOkResponseSchema,
  }),
  // PROFILE: the file service (profile/files.ts).
  fileBegin: call('fileBegin', { origin: 'profile', urlKey: 'fileserver', request: f.fileBeginRequestSchema, response: f.fileBeginResponseSchema }),
  fileChunk: call('fileChunk', {
    origin: 'profile',
    urlKey: 'fileserver',
    request: f.fileChunkRequestSchema,
    response: f.fileChunkResponseSchema,
    wire: { request: 'chunk', response: 'json' },
  }),
  fileFinish: call('fileFinish', { origin: 'profile', urlKey: 'fileserver', request: f.fileFinishRequestSchema, response: f.fileFinishResponseSchema }),
  fileCancel: call('fileCancel', { origin: 'profile', urlKey: 'fileserver', request: f.fileCancelRequestSchema, response: f.fileCancelResponseSchema }),
  fileDownload: call('fileDownload', {
    origin: 'profile',
    urlKey: 'fileserver',
    request: f.fileDownloadRequestSchema,
    response: f.fileBytesResponseSchema,
    wire: { request: 'json', response: 'bytes' },
  }),
} as const;

export type CallName = keyof typeof CALLS;
export type Call<N extends CallName = CallName> = (typeof CALLS)[N];
export type RequestOf<N extends CallName> = z.infer<Call<N>['request']>;
export type ResponseOf<N extends CallName> = z.infer<Call<N>['response']>;
/** What a caller supplies: the request minus the fields the encoder fills in. */
export type PayloadOf<N extends CallName> = Omit<z.input<Call<N>['request']>, 'action' | 'clientversioncode' | 'timestamp'>;

export const DOCUMENTED_CALL_NAMES = (Object.keys(CALLS) as CallName[]).filter((n) => CALLS[n].origin === 'ozeki');

/** Finds the call a request addresses, by its `api` query value and body `action`. */
export function findCall(service: string, api: string, action: string): CallSpec | undefined {
  for (const spec of Object.values(CALLS) as CallSpec[]) {
    if (spec.service === service && API[spec.urlKey] === api && spec.action === action) return spec;
  }
  return undefined;
}

export type Credentials = { station?: string; user?: string; apikey?: string };

/**
 * Builds the body and headers of a request exactly as the profile says: the common fields, a nonce
 * on signed bodies, and the headers of the call's authentication mode.
 */
export function encodeRequest<N extends CallName>(
  name: N,
  payload: PayloadOf<N>,
  credentials: Credentials,
  now: number = Date.now(),
): { body: string; headers: Record<string, string> } {
  const spec: CallSpec = CALLS[name];
  const headers: Record<string, string> = { [HEADER.contentType]: 'application/json' };
  let fields: Record<string, unknown>;
  if (spec.auth === 'apikey') {
    fields = { action: spec.action, ...payload };
  } else if (spec.auth === 'user') {
    fields = { action: spec.action, ...payload, timestamp: formatTimestamp(now), nonce: newNonce() };
  } else {
    fields = { action: spec.action, ...payload, clientversioncode: CLIENT_VERSION_CODE, timestamp: formatTimestamp(now), nonce: newNonce() };
  }
  const body = JSON.stringify(fields);
  if (spec.auth !== 'user') {
    if (!credentials.station) throw new Error(`${name}: a station id is required`);
    headers[HEADER.station] = credentials.station;
  }
  const mustSign = spec.auth === 'signed' || spec.auth === 'user';
  if (mustSign || (spec.auth === 'station' && credentials.user && credentials.apikey)) {
    if (!credentials.user || !credentials.apikey) throw new Error(`${name}: a user id and API key are required to sign`);
    headers[HEADER.user] = credentials.user;
    headers[HEADER.signature] = signBody(body, credentials.apikey);
  }
  return { body, headers };
}

/**
 * PROFILE: a `fileChunk` request. The signed JSON line, `\n`, the chunk's ciphertext; the signature
 * covers the whole body, as for every other call.
 */
export function encodeChunkRequest(
  payload: { fileid: string; index: number },
  bytes: Uint8Array,
  credentials: Credentials,
  now: number = Date.now(),
  /** Where to build the body, when it fits (a sender reusing one buffer per chunk in flight). */
  scratch?: Buffer,
): { body: Buffer; headers: Record<string, string> } {
  if (!credentials.station || !credentials.user || !credentials.apikey) throw new Error('fileChunk: a station, user id and API key are required');
  const fields = {
    action: CALLS.fileChunk.action,
    ...payload,
    clientversioncode: CLIENT_VERSION_CODE,
    timestamp: formatTimestamp(now),
    nonce: newNonce(),
  };
  const body = f.encodeChunkBody(JSON.stringify(fields), bytes, scratch);
  return {
    body,
    headers: {
      [HEADER.contentType]: f.CHUNK_CONTENT_TYPE,
      [HEADER.station]: credentials.station,
      [HEADER.user]: credentials.user,
      [HEADER.signature]: signBody(body, credentials.apikey),
    },
  };
}

export type DecodedResponse<T> = { ok: true; value: T } | { ok: false; kind: 'refused'; message: string } | { ok: false; kind: 'invalid'; message: string };

/**
 * Reads a parsed JSON response: any `status` but "OK" is a refusal; a missing `status` is accepted
 * only for the Download shape (documented quirk); everything else must match the call's schema.
 */
export function decodeResponse<N extends CallName>(name: N, json: unknown): DecodedResponse<ResponseOf<N>> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, kind: 'invalid', message: 'The server answered with something that is not a JSON object.' };
  }
  const status = (json as { status?: unknown }).status;
  if (status !== undefined && typeof status !== 'string') {
    return { ok: false, kind: 'invalid', message: 'The server answer has a status that is not text.' };
  }
  if (status !== undefined && status !== 'OK') {
    const msg = (json as { errormessage?: unknown }).errormessage;
    return {
      ok: false,
      kind: 'refused',
      message: typeof msg === 'string' && msg.trim() ? msg : `The server refused the request (status ${JSON.stringify(status)}).`,
    };
  }
  if (status === undefined && name !== 'download') {
    return { ok: false, kind: 'invalid', message: 'The server answer has no status.' };
  }
  const parsed = CALLS[name].response.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length ? ` at ${issue.path.join('.')}` : '';
    return { ok: false, kind: 'invalid', message: `The server answer is not valid${where}: ${issue?.message ?? 'unexpected shape'}.` };
  }
  return { ok: true, value: parsed.data as ResponseOf<N> };
}
