/**
 * PROFILE (ours, not Ozeki's): how identifiers are made. Ozeki documents only that `userid` is the
 * MD5 of the e-mail address; station ids, API keys, instances and the 1:1 conversation id formula
 * are this project's choices (the last one matches the documented example).
 */
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';

const md5Hex = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/** `userid` = lower-case hex MD5 of the lower-cased e-mail address. */
export function userIdFromEmail(email: string): string {
  return md5Hex(email.toLowerCase());
}

/** `Ozeki-Station`: 32 lower-case hex, minted by the client once per installation and account. */
export function newStationId(): string {
  return randomBytes(16).toString('hex');
}
export const STATION_ID_PATTERN = /^[0-9a-f]{32}$/;

/** `apikey`: 64 lower-case hex, minted by the server when an administrator creates the user. */
export function newApiKey(): string {
  return randomBytes(32).toString('hex');
}
export const API_KEY_PATTERN = /^[0-9a-f]{64}$/;

/** A 1:1 conversation's id: MD5 of the two user ids, sorted ascending, joined by `;`. */
export function oneToOneConversationId(userA: string, userB: string): string {
  return md5Hex([userA, userB].sort().join(';'));
}

/** Group conversation ids are random, in the same 32-hex shape. */
export function newGroupConversationId(): string {
  return randomBytes(16).toString('hex');
}

const INSTANCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A conversation `instance`: 10 alphanumeric characters, like the documented examples. */
export function newInstance(): string {
  let out = '';
  for (let i = 0; i < 10; i++) out += INSTANCE_ALPHABET[randomInt(INSTANCE_ALPHABET.length)];
  return out;
}

/** `hideid` marks the instance it hides: `<instance>;`. */
export function hideIdFor(instance: string): string {
  return `${instance};`;
}
export function isHiddenAt(hideid: string, instance: string): boolean {
  return hideid.split(';').includes(instance);
}

export function newMessageId(): string {
  return randomUUID();
}

/** Report ids are UUIDs (documented example); the conversation's `lastreportid` holds the newest one. */
export function newReportId(): string {
  return randomUUID();
}

/** The profile's body nonce: 32 random hex characters, so two calls in one second differ. */
export function newNonce(): string {
  return randomBytes(16).toString('hex');
}
