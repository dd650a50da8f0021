/** Shared test data for the store's tests and the durability child. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AvailabilityEntry, Conversation, Message, OutgoingMessage, Report } from '../../../../protocol/index.js';
import type { Action } from '../../../../app/core/sync/actions.js';

export const ME = 'a'.repeat(32);
export const OTHER = 'b'.repeat(32);

/** A 32-hex conversation id from a number. */
export const cid = (n: number): string => n.toString(16).padStart(32, '0');

/** The conversation the durability child keeps recolouring. */
export const SHARED = cid(0xffff);

/** A UUID from a number (send actions need one as the message ID). */
export const uuid = (n: number): string => {
  const hex = n.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

export const conversation = (id: string, over: Partial<Conversation> = {}): Conversation => ({
  id,
  isgroup: false,
  participantids: [ME, OTHER],
  participants: [
    { userid: ME, username: 'sealed:me' },
    { userid: OTHER, username: 'sealed:other' },
  ],
  displayname: `sealed:${id}`,
  lastmessageid: '',
  lastreportid: '',
  lastaccess: 1_790_000_000,
  secret: 'wrapped-key',
  instance: 'Inst000001',
  mutedby: [],
  favoriteby: [],
  hiddenby: [],
  properties: [{ userid: ME, ismuted: false, isfavorite: false, hideid: '', listitembackgroundcolor: '#ffffff' }],
  ...over,
});

export const message = (id: string, created: string, validUntil = '2099-01-01 00:00:00', data = `sealed:${id}`): Message => ({
  ID: id,
  Type: 'Message',
  Created: created,
  ValidUntil: validUntil,
  Data: data,
});

export const report = (id: string, created: string): Report => ({ ID: id, Type: 'Viewed', Created: created, messageids: ['m1'] });

export const friend = (id: string, name: string): AvailabilityEntry => ({ friendid: id, friendname: name, publickey: `pem:${id}`, availability: 'available' });

export const outgoing = (n: number, data = 'sealed'): OutgoingMessage => ({
  ID: uuid(n),
  Type: 'Message',
  Created: '2026-11-21 10:00:00',
  ValidUntil: '2026-11-28 10:00:00',
  Data: data,
});

export const send = (conversationId: string, n: number, data?: string): Extract<Action, { kind: 'send' }> => ({
  kind: 'send',
  conversationId,
  instance: 'Inst000001',
  message: outgoing(n, data),
});

export function tempDir(prefix = 'ozeki-store-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
