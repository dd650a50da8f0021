/**
 * The documented Ozeki examples against the protocol module: a client must accept every documented
 * response (odd ones included) and every documented request must satisfy the request schemas.
 */
import { describe, expect, it } from 'vitest';
import { CALLS, DOCUMENTED_CALL_NAMES, decodeResponse, type CallName, type CallSpec } from '../calls.js';
import { outgoingMessageSchema } from '../ozeki/schemas.js';
import { OZEKI_RESPONSE_EXAMPLES, type OzekiExample } from './fixtures/ozeki-examples.js';
import { OZEKI_REQUEST_EXAMPLES } from './fixtures/ozeki-requests.js';

const ALL_CALL_NAMES = Object.keys(CALLS) as CallName[];

function responseExample(call: CallName): Record<string, unknown> {
  const example = OZEKI_RESPONSE_EXAMPLES.find((e) => e.call === call);
  if (!example) throw new Error(`no documented response example for ${call}`);
  return structuredClone(example.json);
}

function requestExample(call: CallName): Record<string, unknown> {
  const example = OZEKI_REQUEST_EXAMPLES.find((e) => e.call === call);
  if (!example) throw new Error(`no documented request example for ${call}`);
  return structuredClone(example.json);
}

const FILE_ID = '0123456789abcdef0123456789abcdef';

/** A well-formed OK JSON response for any call with a JSON answer, including the profile's extensions and file calls. */
function okResponseFor(call: CallName): Record<string, unknown> {
  if (call === 'create') return responseExample('clear');
  if (call === 'setAvailability') return responseExample('availability');
  if (call === 'fileBegin') return { status: 'OK', errormessage: '', fileid: FILE_ID, chunks: 2, received: [0], complete: false };
  if (call === 'fileChunk') return { status: 'OK', errormessage: '', received: 2 };
  if (call === 'fileFinish') return { status: 'OK', errormessage: '', fileid: FILE_ID, bytes: 1_048_608 };
  if (call === 'fileCancel') return responseExample('availability');
  return responseExample(call);
}

/** Reads `path` (dot-separated, numeric segments index arrays) inside a JSON value. */
function at(json: unknown, path: string): Record<string, unknown> {
  let node: unknown = json;
  for (const key of path.split('.')) node = (node as Record<string, unknown>)[key];
  return node as Record<string, unknown>;
}

const label = (e: OzekiExample): string => `${e.call} (§${e.section})`;

describe('the example fixtures', () => {
  it('hold one response and one request example for each of the 19 documented calls', () => {
    expect(DOCUMENTED_CALL_NAMES).toHaveLength(19);
    expect(OZEKI_RESPONSE_EXAMPLES.map((e) => e.call).sort()).toEqual([...DOCUMENTED_CALL_NAMES].sort());
    expect(OZEKI_REQUEST_EXAMPLES.map((e) => e.call).sort()).toEqual([...DOCUMENTED_CALL_NAMES].sort());
  });

  it('pair each request with its response by section', () => {
    for (const request of OZEKI_REQUEST_EXAMPLES) {
      expect(OZEKI_RESPONSE_EXAMPLES.find((r) => r.call === request.call)?.section).toBe(request.section);
    }
  });

  it('carry the action of the call they belong to', () => {
    for (const request of OZEKI_REQUEST_EXAMPLES) {
      expect(request.json.action, label(request)).toBe(CALLS[request.call].action);
    }
  });
});

describe('documented response examples', () => {
  it.each(OZEKI_RESPONSE_EXAMPLES.map((e) => [label(e), e] as const))('%s decodes as OK', (_name, example) => {
    const decoded = decodeResponse(example.call, structuredClone(example.json));
    expect(decoded).toEqual({ ok: true, value: example.json });
  });

  it('accepts status "OK" with a non-empty errormessage (Conversation/List and Blocklist)', () => {
    for (const call of ['conversationList', 'blocklist'] as const) {
      const json = responseExample(call);
      expect(json.errormessage).toBe('File does not exist');
      expect(decodeResponse(call, json).ok).toBe(true);
    }
  });

  it('keeps the login quirks: registration is the string "true" and rsakey has CRLF line breaks', () => {
    const decoded = decodeResponse('login', responseExample('login'));
    if (!decoded.ok) throw new Error(decoded.message);
    expect(decoded.value.registration).toBe('true');
    expect(decoded.value.rsakey).toContain('\r\nProc-Type: 4,ENCRYPTED\r\n');
    expect(decoded.value.urls.notification).toBe('…(cut off in the published example)…');
  });

  it('accepts the Download response without status or errormessage', () => {
    const json = responseExample('download');
    expect(json).not.toHaveProperty('status');
    expect(json).not.toHaveProperty('errormessage');
    expect(decodeResponse('download', json).ok).toBe(true);
  });

  it('keeps fields it does not know about', () => {
    const json = { ...responseExample('availability'), futurefield: { a: 1 } };
    const decoded = decodeResponse('availability', json);
    expect(decoded).toEqual({ ok: true, value: json });
  });

  it('marks every reconstructed example with a note', () => {
    const reconstructed = ['favorite', 'unfavorite', 'setColor', 'mute', 'unmute', 'hide', 'unhide', 'downloadPartial', 'download'];
    for (const call of reconstructed) {
      expect(OZEKI_RESPONSE_EXAMPLES.find((e) => e.call === call)?.note, call).toMatch(/reconstructed|cut off/i);
    }
  });
});

describe('documented request examples', () => {
  it.each(OZEKI_REQUEST_EXAMPLES.map((e) => [label(e), e] as const))('%s parses with its request schema', (_name, example) => {
    const spec: CallSpec = CALLS[example.call];
    const parsed = spec.request.safeParse(example.json);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data).toEqual(example.json);
  });

  it("the add request's message string is a valid outgoing message once JSON-parsed", () => {
    const { message } = requestExample('add');
    expect(typeof message).toBe('string');
    const parsed = outgoingMessageSchema.safeParse(JSON.parse(message as string));
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data).toEqual({
      ID: 'fc2515cb-e483-4f64-936b-98f680565c96',
      Type: 'Message',
      Created: '2024-03-08 14:12:48',
      ValidUntil: '2024-03-15 14:12:48',
      Data: 'lAfhx6hm...yRvIa28=',
    });
  });

  it('the add request is refused when message is a nested object instead of a JSON string', () => {
    const json = requestExample('add');
    json.message = JSON.parse(json.message as string);
    expect(CALLS.add.request.safeParse(json).success).toBe(false);
  });

  it('a request with an invalid timestamp is refused', () => {
    const json = { ...requestExample('availability'), timestamp: '2024-02-30 13:55:47' };
    expect(CALLS.availability.request.safeParse(json).success).toBe(false);
  });

  it('a request for a different action is refused', () => {
    expect(CALLS.friendsList.request.safeParse(requestExample('availability')).success).toBe(false);
  });
});

describe('refusals', () => {
  it.each(ALL_CALL_NAMES)('a %s response with status "ERROR" is a refusal carrying the errormessage', (call) => {
    const json = { status: 'ERROR', errormessage: 'The conversation has been cleared; reload it and try again.' };
    expect(decodeResponse(call, json)).toEqual({
      ok: false,
      kind: 'refused',
      message: 'The conversation has been cleared; reload it and try again.',
    });
  });

  it('a refusal with an empty errormessage still gets a readable message naming the status', () => {
    const decoded = decodeResponse('favorite', { status: 'DENIED', errormessage: '  ' });
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.kind).toBe('refused');
    expect(decoded.message).toContain('"DENIED"');
  });

  it('any status other than "OK" is a refusal, even with an otherwise complete body', () => {
    const json = { ...responseExample('conversationList'), status: 'ok' };
    const decoded = decodeResponse('conversationList', json);
    expect(decoded).toMatchObject({ ok: false, kind: 'refused' });
  });
});

describe('missing status', () => {
  // fileDownload answers with bytes, never with a JSON object, when it succeeds (CallSpec.wire).
  const jsonAnswered = ALL_CALL_NAMES.filter((c) => c !== 'download' && CALLS[c].wire.response === 'json');
  it.each(jsonAnswered)('a %s response without status is invalid', (call) => {
    const json = okResponseFor(call);
    expect(decodeResponse(call, json).ok).toBe(true);
    delete json.status;
    const decoded = decodeResponse(call, json);
    expect(decoded).toMatchObject({ ok: false, kind: 'invalid' });
    if (!decoded.ok) expect(decoded.message).toMatch(/no status/);
  });

  it('a download response without status is accepted (documented quirk)', () => {
    const json = responseExample('download');
    delete json.status;
    expect(decodeResponse('download', json).ok).toBe(true);
  });

  it('a download response with status "OK" is accepted too', () => {
    const json = { status: 'OK', errormessage: '', ...responseExample('download') };
    expect(decodeResponse('download', json).ok).toBe(true);
  });
});

describe('malformed responses', () => {
  const cases: Array<{ what: string; call: CallName; path: string; mutate: (json: Record<string, unknown>) => void }> = [
    {
      what: 'lastaccess as a string',
      call: 'conversationList',
      path: 'conversations.0.lastaccess',
      mutate: (j) => void (at(j, 'conversations.0').lastaccess = '1709898645'),
    },
    {
      what: 'isgroup as the string "false"',
      call: 'clear',
      path: 'conversation.isgroup',
      mutate: (j) => void (at(j, 'conversation').isgroup = 'false'),
    },
    {
      what: 'a fractional lastaccess',
      call: 'mute',
      path: 'conversation.lastaccess',
      mutate: (j) => void (at(j, 'conversation').lastaccess = 1710142205.5),
    },
    {
      what: 'no secret',
      call: 'favorite',
      path: 'conversation.secret',
      mutate: (j) => void delete at(j, 'conversation').secret,
    },
    {
      what: 'ismuted as a string in properties',
      call: 'hide',
      path: 'conversation.properties.0.ismuted',
      mutate: (j) => void (at(j, 'conversation.properties.0').ismuted = 'false'),
    },
    {
      what: 'no rsakey',
      call: 'login',
      path: 'rsakey',
      mutate: (j) => void delete j.rsakey,
    },
    {
      what: 'registration as a boolean',
      call: 'login',
      path: 'registration',
      mutate: (j) => void (j.registration = true),
    },
    {
      what: 'no listeners.ws',
      call: 'login',
      path: 'listeners.ws',
      mutate: (j) => void delete at(j, 'listeners').ws,
    },
    {
      what: 'friendavailabilitesof spelled correctly (friendavailabilitiesof)',
      call: 'notification',
      path: 'friendavailabilitesof',
      mutate: (j) => {
        j.friendavailabilitiesof = j.friendavailabilitesof;
        delete j.friendavailabilitesof;
      },
    },
    {
      what: 'no publickey for a friend',
      call: 'friendsList',
      path: 'availabilities.0.publickey',
      mutate: (j) => void delete at(j, 'availabilities.0').publickey,
    },
    {
      what: 'a message Created not in the Ozeki format',
      call: 'download',
      path: 'messages.2.Created',
      mutate: (j) => void (at(j, 'messages.2').Created = '2024-03-11T07:29:55Z'),
    },
    {
      what: 'lower-case message keys',
      call: 'downloadPartial',
      path: 'messages.0.ID',
      mutate: (j) => {
        const m = at(j, 'messages.0');
        m.id = m.ID;
        delete m.ID;
      },
    },
    {
      what: 'no reports',
      call: 'download',
      path: 'reports',
      mutate: (j) => void delete j.reports,
    },
    {
      what: 'an add receipt without ValidUntil',
      call: 'add',
      path: 'message.ValidUntil',
      mutate: (j) => void delete at(j, 'message').ValidUntil,
    },
    {
      what: 'blockedusers as an object',
      call: 'blocklist',
      path: 'blockedusers',
      mutate: (j) => void (j.blockedusers = {}),
    },
    {
      what: 'errormessage missing',
      call: 'availability',
      path: 'errormessage',
      mutate: (j) => void delete j.errormessage,
    },
  ];

  it.each(cases.map((c) => [c.call, c.what, c] as const))('a %s response with %s is invalid and names the field', (_call, _what, c) => {
    const json = responseExample(c.call);
    c.mutate(json);
    const decoded = decodeResponse(c.call, json);
    expect(decoded).toMatchObject({ ok: false, kind: 'invalid' });
    if (decoded.ok) return;
    expect(decoded.message).toContain(` at ${c.path}:`);
  });

  it.each([null, 'OK', 42, [{ status: 'OK' }]])('a response that is not a JSON object (%j) is invalid', (json) => {
    expect(decodeResponse('availability', json)).toMatchObject({ ok: false, kind: 'invalid' });
  });
});
