/**
 * Ozeki (documented): the JSON shapes of the 19 documented calls, with their exact field names and
 * quirks (`friendavailabilitesof`, capitalised message keys, `message` as a JSON string in `add`,
 * `registration` as a string, `status: "OK"` with a non-empty `errormessage`, Download with no
 * `status`). Value formats are only as strict as every documented example allows: the examples elide
 * ciphertext with `...`, so ciphertext fields are plain strings here.
 *
 * Request schemas drop unknown keys (the profile's `nonce`, future fields); response schemas keep
 * them, so a cache can store what the server really said.
 */
import { z } from 'zod';
import { isTimestamp } from './timestamp.js';

export const timestampSchema = z.string().refine(isTimestamp, { message: 'expected a UTC time as yyyy-MM-dd HH:mm:ss' });
/** Cursor dates may be empty on a first call. */
export const optionalTimestampSchema = z.union([z.literal(''), timestampSchema]);
export const hexIdSchema = z.string().regex(/^[0-9a-f]{32}$/, 'expected 32 lower-case hex characters');
export const uuidSchema = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'expected a UUID');
export const instanceSchema = z.string().regex(/^[A-Za-z0-9]{1,64}$/, 'expected an instance code');

// ---------------------------------------------------------------------------------------------
// Objects
// ---------------------------------------------------------------------------------------------

export const conversationPropertiesSchema = z.looseObject({
  userid: z.string(),
  ismuted: z.boolean(),
  isfavorite: z.boolean(),
  hideid: z.string(),
  listitembackgroundcolor: z.string(),
});

export const participantSchema = z.looseObject({
  userid: z.string(),
  username: z.string(),
});

export const conversationSchema = z.looseObject({
  id: z.string(),
  isgroup: z.boolean(),
  participantids: z.array(z.string()),
  participants: z.array(participantSchema),
  displayname: z.string(),
  lastmessageid: z.string(),
  lastreportid: z.string(),
  lastaccess: z.number().int(),
  secret: z.string(),
  instance: z.string(),
  mutedby: z.array(z.string()),
  favoriteby: z.array(z.string()),
  hiddenby: z.array(z.string()),
  properties: z.array(conversationPropertiesSchema),
});

/** A message as it comes down in `messages[]`. */
export const messageSchema = z.looseObject({
  ID: z.string(),
  Type: z.string(),
  Created: timestampSchema,
  ValidUntil: timestampSchema,
  Data: z.string(),
});

/** The message inside the `add` request's `message` string. */
export const outgoingMessageSchema = z.object({
  ID: uuidSchema,
  Type: z.string().min(1).max(64),
  Created: timestampSchema,
  ValidUntil: timestampSchema,
  Data: z.string().min(1),
});

/** The `add` response echoes the stored message without `Data`. */
export const messageReceiptSchema = z.looseObject({
  ID: z.string(),
  Type: z.string(),
  Created: timestampSchema,
  ValidUntil: timestampSchema,
});

/** Reports are only partly documented (`ID`, `Type`, `Created`, then an elision). */
export const reportSchema = z.looseObject({
  ID: z.string(),
  Type: z.string(),
  Created: timestampSchema,
});

export const availabilityEntrySchema = z.looseObject({
  friendid: z.string(),
  friendname: z.string(),
  publickey: z.string(),
  availability: z.string(),
});

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/** Fields every call but login and workspace registration carries. */
const common = {
  clientversioncode: z.number().int().min(0),
  timestamp: timestampSchema,
};
const conversationRef = { conversationid: hexIdSchema };

export const loginRequestSchema = z.object({ action: z.literal('login'), apikey: z.string().min(1).max(256) });
export const availabilityRequestSchema = z.object({ action: z.literal('useravailable'), ...common });
export const friendsListRequestSchema = z.object({ action: z.literal('list'), ...common });
export const viewedReportRequestSchema = z.object({
  action: z.literal('viewed'),
  ...conversationRef,
  instance: instanceSchema,
  firstmessagedate: timestampSchema,
  lastmessagedate: timestampSchema,
  messageids: z.array(uuidSchema).min(1).max(1000),
  ...common,
});
export const notificationRequestSchema = z.object({ action: z.literal('download'), ...common });
export const conversationListRequestSchema = z.object({ action: z.literal('list'), ...common });
export const downloadPartialRequestSchema = z.object({
  action: z.literal('downloadpartial'),
  ...conversationRef,
  instance: instanceSchema,
  lastmessagedate: optionalTimestampSchema,
  lastmessageid: z.string().max(64),
  lastreportdate: optionalTimestampSchema,
  lastreportid: z.string().max(64),
  limit: z.number().int().min(1),
  ...common,
});
export const addRequestSchema = z.object({
  action: z.literal('add'),
  ...conversationRef,
  instance: instanceSchema,
  /** A JSON-encoded message object, as a string (documented quirk). */
  message: z.string().min(2),
  ...common,
});
export const clearRequestSchema = z.object({ action: z.literal('clear'), ...conversationRef, instance: instanceSchema, ...common });
export const favoriteRequestSchema = z.object({ action: z.literal('favorite'), ...conversationRef, ...common });
export const unfavoriteRequestSchema = z.object({ action: z.literal('unfavorite'), ...conversationRef, ...common });
export const setColorRequestSchema = z.object({
  action: z.literal('setlistitembackgroundcolor'),
  ...conversationRef,
  color: z.string().max(64),
  ...common,
});
export const downloadRequestSchema = z.object({
  action: z.literal('download'),
  ...conversationRef,
  instance: instanceSchema,
  firstmessagedate: optionalTimestampSchema,
  firstmessageid: z.string().max(64),
  firstreportdate: optionalTimestampSchema,
  firstreportid: z.string().max(64),
  ...common,
});
export const muteRequestSchema = z.object({ action: z.literal('mute'), ...conversationRef, ...common });
export const unmuteRequestSchema = z.object({ action: z.literal('unmute'), ...conversationRef, ...common });
export const hideRequestSchema = z.object({
  action: z.literal('hide'),
  ...conversationRef,
  hideid: z.string().min(1).max(1024),
  ...common,
});
export const unhideRequestSchema = z.object({ action: z.literal('unhide'), ...conversationRef, ...common });
export const blocklistRequestSchema = z.object({ action: z.literal('blocklist'), ...common });
export const workspaceRegisterRequestSchema = z.object({
  action: z.literal('workspaceregister'),
  workspacename: z.string().min(1).max(253),
  // Not in the documented example; checked when present.
  timestamp: timestampSchema.optional(),
});

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

const ok = { status: z.literal('OK'), errormessage: z.string() };

export const plainOkResponseSchema = z.looseObject(ok);
export const loginResponseSchema = z.looseObject({
  ...ok,
  server: z.string(),
  listeners: z.looseObject({ udp: z.string(), ws: z.string(), wss: z.string() }),
  registration: z.string(),
  rsakey: z.string(),
  userid: z.string(),
  fullname: z.string(),
  nick: z.string(),
  urls: z.record(z.string(), z.string()),
});
export const friendsListResponseSchema = z.looseObject({
  ...ok,
  friends: z.record(z.string(), z.string()),
  availabilities: z.array(availabilityEntrySchema),
});
export const notificationResponseSchema = z.looseObject({
  ...ok,
  friendavailabilitesof: z.array(z.string()),
  conversationchangedof: z.array(z.string()),
  conversationlistchangedof: z.array(z.string()),
});
export const conversationListResponseSchema = z.looseObject({ ...ok, conversations: z.array(conversationSchema) });
export const downloadPartialResponseSchema = z.looseObject({
  ...ok,
  messages: z.array(messageSchema),
  reports: z.array(reportSchema),
});
export const addResponseSchema = z.looseObject({ ...ok, message: messageReceiptSchema });
export const conversationResponseSchema = z.looseObject({ ...ok, conversation: conversationSchema });
/** The documented Download response has no `status` and no `errormessage`. */
export const downloadResponseSchema = z.looseObject({
  status: z.literal('OK').optional(),
  errormessage: z.string().optional(),
  messages: z.array(messageSchema),
  reports: z.array(reportSchema),
});
export const blocklistResponseSchema = z.looseObject({
  ...ok,
  blockedusers: z.array(z.unknown()),
  blockedconversations: z.array(z.unknown()),
});
export const errorResponseSchema = z.looseObject({ status: z.string(), errormessage: z.string() });

export type Conversation = z.infer<typeof conversationSchema>;
export type ConversationProperties = z.infer<typeof conversationPropertiesSchema>;
export type Participant = z.infer<typeof participantSchema>;
export type Message = z.infer<typeof messageSchema>;
export type OutgoingMessage = z.infer<typeof outgoingMessageSchema>;
export type MessageReceipt = z.infer<typeof messageReceiptSchema>;
export type Report = z.infer<typeof reportSchema>;
export type AvailabilityEntry = z.infer<typeof availabilityEntrySchema>;
export type LoginResponse = z.infer<typeof loginResponseSchema>;
