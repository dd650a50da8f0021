/**
 * Reading JSON columns back without trusting them. Everything in the local database was written by
 * this app, but a disk, a crash or an older/newer version can leave a row that no longer reads; such
 * a row is skipped and reported, never a crash.
 */
import {
  availabilityEntrySchema,
  conversationSchema,
  messageSchema,
  outgoingMessageSchema,
  reportSchema,
  type AvailabilityEntry,
  type Conversation,
  type Message,
  type Report,
} from '../../../protocol/index.js';
import type { Action, ActionKind } from '../sync/actions.js';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

export function parseJson(text: unknown): Decoded<unknown> {
  if (typeof text !== 'string') return { ok: false, reason: 'the column is not text' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: 'the column is not valid JSON' };
  }
}

type SafeParser<T> = {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { message: string; path: readonly PropertyKey[] }[] } };
};

function decodeWith<T>(schema: SafeParser<T>, what: string, text: unknown): Decoded<T> {
  const json = parseJson(text);
  if (!json.ok) return json;
  const parsed = schema.safeParse(json.value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : '';
  return { ok: false, reason: `not a ${what}${issue ? `: ${issue.message}${where}` : ''}` };
}

export const decodeConversation = (text: unknown): Decoded<Conversation> => decodeWith(conversationSchema, 'conversation', text);
export const decodeMessage = (text: unknown): Decoded<Message> => decodeWith(messageSchema, 'message', text);
export const decodeReport = (text: unknown): Decoded<Report> => decodeWith(reportSchema, 'report', text);
export const decodeFriend = (text: unknown): Decoded<AvailabilityEntry> => decodeWith(availabilityEntrySchema, 'friend entry', text);

export const ACTION_KINDS: readonly ActionKind[] = ['favorite', 'unfavorite', 'mute', 'unmute', 'hide', 'unhide', 'color', 'clear', 'send', 'viewed', 'create'];

const isString = (v: unknown): v is string => typeof v === 'string';
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const isFileRef = (v: unknown): boolean =>
  isRecord(v) && isString(v.id) && /^[0-9a-f]{32}$/.test(v.id) && typeof v.bytes === 'number' && Number.isSafeInteger(v.bytes) && v.bytes > 0;

/** Whether a value is an `Action` this version understands, field by field. */
export function isAction(value: unknown): value is Action {
  if (!isRecord(value) || !isString(value.kind) || !isString(value.conversationId) || value.conversationId === '') return false;
  switch (value.kind as ActionKind) {
    case 'favorite':
    case 'unfavorite':
    case 'mute':
    case 'unmute':
    case 'hide':
    case 'unhide':
      return true;
    case 'color':
      return isString(value.color);
    case 'clear':
      return isString(value.instance);
    case 'send':
      return isString(value.instance) && outgoingMessageSchema.safeParse(value.message).success && (value.file === undefined || isFileRef(value.file));
    case 'viewed':
      return isString(value.instance) && isStringArray(value.messageIds) && isString(value.first) && isString(value.last);
    case 'create':
      return (
        isStringArray(value.participantIds) &&
        typeof value.isgroup === 'boolean' &&
        isString(value.displayname) &&
        isRecord(value.secrets) &&
        Object.values(value.secrets).every(isString)
      );
    default:
      return false;
  }
}

export function decodeAction(text: unknown): Decoded<Action> {
  const json = parseJson(text);
  if (!json.ok) return json;
  const kind = isRecord(json.value) ? json.value.kind : undefined;
  if (!isString(kind) || !(ACTION_KINDS as readonly string[]).includes(kind))
    return { ok: false, reason: `unknown action kind ${JSON.stringify(kind ?? null)}` };
  return isAction(json.value) ? { ok: true, value: json.value } : { ok: false, reason: `a "${kind}" action with missing or malformed fields` };
}

export function decodeStringRecord(text: unknown): Decoded<Record<string, string>> {
  const json = parseJson(text);
  if (!json.ok) return json;
  if (!isRecord(json.value) || !Object.values(json.value).every(isString)) return { ok: false, reason: 'not an object of strings' };
  return { ok: true, value: json.value as Record<string, string> };
}
