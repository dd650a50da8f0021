/**
 * Which call a body addresses, and its fields, by how the call's body travels (CallSpec.wire): a
 * JSON object for every call but one, and for the profile's file chunk one line of JSON, `\n`, then
 * the chunk's bytes, sent as `application/octet-stream`. The Content-Type says which framing to
 * read; a body framed one way for a call that takes the other is refused with a sentence saying
 * how to send it, never read the wrong way.
 */
import { CHUNK_CONTENT_TYPE, MAX_CHUNK_HEADER_BYTES, API, decodeChunkBody, findCall, type CallSpec } from '../../../protocol/index.js';
import { badRequest, notFound } from '../api-error.js';

export type FramedRequest = {
  spec: CallSpec;
  /** The JSON object: the whole body, or a chunk's header line. What is signed is always the whole body. */
  fields: Record<string, unknown>;
  /** A chunk's bytes after its header line; null for a JSON body. */
  chunk: Buffer | null;
};

const KNOWN_APIS = new Set<string>(Object.values(API));

const HOW_TO_SEND_A_CHUNK =
  `A file chunk is sent with Content-Type: ${CHUNK_CONTENT_TYPE}: one line of JSON (at most ${MAX_CHUNK_HEADER_BYTES} bytes), ` +
  "a newline, then the chunk's bytes.";

function isChunkFraming(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === CHUNK_CONTENT_TYPE;
}

/** Parses `text` as a JSON object; `what` names it in the refusal ("The request body"). */
function jsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest(`${what} is not valid JSON.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest(`${what} must be a JSON object.`);
  return value as Record<string, unknown>;
}

function callFor(srv: string, api: string, fields: Record<string, unknown>): CallSpec {
  if (typeof fields.action !== 'string') throw badRequest('The field "action" is missing.');
  const spec = findCall(srv, api, fields.action);
  if (spec) return spec;
  if (!KNOWN_APIS.has(api) || (srv !== 'chatserver' && srv !== 'chatowner')) {
    throw notFound(`This server does not offer srv=${srv}&api=${api}.`);
  }
  const action = fields.action.length > 64 ? `${fields.action.slice(0, 64)}…` : fields.action;
  throw badRequest(`The action "${action}" is not known for api=${api}.`);
}

/** A chunk body sent without its Content-Type: worth saying so rather than "not valid JSON". */
function looksLikeChunk(raw: Buffer, srv: string, api: string): boolean {
  const split = decodeChunkBody(raw);
  if (!split) return false;
  try {
    const header: unknown = JSON.parse(split.header);
    const action = (header as { action?: unknown } | null)?.action;
    return typeof action === 'string' && findCall(srv, api, action)?.wire.request === 'chunk';
  } catch {
    return false;
  }
}

export function readRequest(raw: Buffer, contentType: string | undefined, srv: string, api: string): FramedRequest {
  if (isChunkFraming(contentType)) {
    const split = decodeChunkBody(raw);
    if (!split) throw badRequest(`This body has no header line. ${HOW_TO_SEND_A_CHUNK}`);
    const fields = jsonObject(split.header, 'The first line of a chunk body');
    const spec = callFor(srv, api, fields);
    if (spec.wire.request !== 'chunk') {
      throw badRequest(`The action "${spec.action}" takes a JSON body: send it with Content-Type: application/json, not ${CHUNK_CONTENT_TYPE}.`);
    }
    return { spec, fields, chunk: split.bytes };
  }
  let fields: Record<string, unknown>;
  try {
    fields = jsonObject(raw.toString('utf8'), 'The request body');
  } catch (err) {
    if (looksLikeChunk(raw, srv, api)) throw badRequest(HOW_TO_SEND_A_CHUNK);
    throw err;
  }
  const spec = callFor(srv, api, fields);
  if (spec.wire.request === 'chunk') throw badRequest(HOW_TO_SEND_A_CHUNK);
  return { spec, fields, chunk: null };
}
