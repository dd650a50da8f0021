/**
 * PROFILE (ours, not Ozeki's): what this project adds where the Ozeki documentation is silent.
 * Each item is a choice a real Ozeki server may make differently.
 */
import { z } from 'zod';
import { conversationSchema, hexIdSchema, timestampSchema } from '../ozeki/schemas.js';

/** Creating a conversation: `{"action":"create", ...}` on `api=chatconversation`. */
export const createConversationRequestSchema = z.object({
  action: z.literal('create'),
  participantids: z.array(hexIdSchema).min(2).max(256),
  isgroup: z.boolean(),
  /** Encrypted under the new conversation key. */
  displayname: z.string().min(1).max(4096),
  /** userid -> the conversation key wrapped under that participant's public key. */
  secrets: z.record(hexIdSchema, z.string().min(1).max(2048)),
  /**
   * Profile: a group's id, chosen by the creating client (32 random hex). Creating the same group
   * again (a retry whose answer was lost, or a group made offline and sent later) returns it
   * instead of making a second one. Without it the server picks one. Ignored for 1:1, whose id is
   * derived from the two user ids.
   */
  conversationid: hexIdSchema.optional(),
  clientversioncode: z.number().int().min(0),
  timestamp: timestampSchema,
});
export const createConversationResponseSchema = z.looseObject({
  status: z.literal('OK'),
  errormessage: z.string(),
  conversation: conversationSchema,
});

/**
 * Availability beyond the documented `useravailable`: `{"action":"setavailability","availability":..}`
 * on `api=chatavailability`. `offline` is also what friends see once a user has been silent for
 * the presence timeout.
 */
export const AVAILABILITY_STATES = ['available', 'away', 'busy', 'offline'] as const;
export type Availability = (typeof AVAILABILITY_STATES)[number];
export const setAvailabilityRequestSchema = z.object({
  action: z.literal('setavailability'),
  availability: z.enum(AVAILABILITY_STATES),
  clientversioncode: z.number().int().min(0),
  timestamp: timestampSchema,
});

/**
 * Reports: the documented `ID`, `Type`, `Created`, plus who reported (`UserID`) and which messages
 * (`MessageIDs`). `delivered` reports are made by the server the first time a participant other than
 * the sender downloads a message; `viewed` reports come from the Report call.
 */
export const REPORT_TYPES = ['delivered', 'viewed'] as const;
export const reportExtensionSchema = z.looseObject({
  ID: z.string(),
  Type: z.enum(REPORT_TYPES),
  Created: timestampSchema,
  UserID: z.string(),
  MessageIDs: z.array(z.string()),
});
export type FullReport = z.infer<typeof reportExtensionSchema>;

/*
 * Blocklist elements: `blockedconversations` holds the ids of conversations the caller has hidden
 * (at their current instance); `blockedusers` the ids of users the caller has blocked (the reference
 * server has no block action, so it stays empty).
 */

/*
 * Notification (`chatnotification` / `download`) drains the calling station's queue. Elements:
 * - `friendavailabilitesof`: user ids of friends whose availability changed;
 * - `conversationchangedof`: conversation ids whose content changed (messages, reports, clear);
 * - `conversationlistchangedof`: conversation ids whose list entry changed for this user
 *   (created, favourite, mute, hide, colour, name).
 * Changes a station makes itself are not queued for that station: it has the answer already.
 */

/** Login `listeners`: only `ws` is served; `udp` and `wss` are "" when not offered. */
export const PUSH_PATH = '/ozeki/ws';
/** The reference server answers on this path, and on `/` as an alias. */
export const API_PATH = '/ozeki/index.php';
/** Login `registration` is always the string "true" (meaning undocumented). */
export const REGISTRATION_VALUE = 'true';

// Push socket frames (JSON text frames).

/** First frame from the client: a signed `subscribe` body with the headers a signed request carries. */
export const pushAuthFrameSchema = z.object({
  type: z.literal('auth'),
  station: z.string(),
  user: z.string(),
  signature: z.string(),
  /** A JSON string: `{"action":"subscribe","clientversioncode":3,"timestamp":..,"nonce":..}`, signed like a request body. */
  body: z.string().max(4096),
});
export type PushAuthFrame = z.infer<typeof pushAuthFrameSchema>;
export const pushSubscribeBodySchema = z.object({
  action: z.literal('subscribe'),
  clientversioncode: z.number().int().min(0),
  timestamp: timestampSchema,
});

export const pushServerFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** Something a Notification pull would return is waiting. */
  z.object({ type: z.literal('changed') }),
  z.object({ type: z.literal('error'), errormessage: z.string() }),
]);
export type PushServerFrame = z.infer<typeof pushServerFrameSchema>;

export const PUSH_CLOSE = {
  authFailed: 4401,
  authTimeout: 4408,
  serverShutdown: 1001,
} as const;
