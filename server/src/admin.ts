/**
 * What an administrator does outside the API: create users (the server mints the API key and the
 * key pair, encrypting the private key with the user's encryption password, which it then forgets),
 * make people friends, and start conversations between them.
 */
import {
  generateUserKeyPair,
  newApiKey,
  newConversationKey,
  newGroupConversationId,
  newInstance,
  oneToOneConversationId,
  publicKeyFromBase64,
  sealMessage,
  sealText,
  toUnixSeconds,
  formatTimestamp,
  userIdFromEmail,
  wrapConversationKey,
} from '../../protocol/index.js';
import { ChangeFeed } from './changes.js';
import type { Store } from './db/store.js';
import type { NewUser } from './db/users.js';

export class AdminError extends Error {}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type NewUserInput = { email: string; nick: string; fullname: string; password: string };

/** Validates the input and makes the user's keys and API key; nothing is stored yet. */
export async function prepareUser(input: NewUserInput): Promise<NewUser> {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email)) throw new AdminError(`"${input.email}" is not an e-mail address.`);
  if (!input.nick.trim()) throw new AdminError('A nick is required.');
  if (input.password.length < 8) throw new AdminError('The encryption password must be at least 8 characters long.');
  const keys = await generateUserKeyPair(input.password);
  return {
    id: userIdFromEmail(email),
    email,
    apikey: newApiKey(),
    nick: input.nick.trim(),
    fullname: input.fullname.trim() || input.nick.trim(),
    ...keys,
  };
}

export function insertUser(store: Store, user: NewUser): void {
  const taken = () => new AdminError(`A user with the e-mail ${user.email} already exists.`);
  if (store.users.findByEmail(user.email)) throw taken();
  try {
    store.users.add(user, Date.now());
  } catch (err) {
    // Another add-user for the same address won the race between our check and the insert.
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' || (err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw taken();
    throw err;
  }
}

export async function addUser(store: Store, input: NewUserInput): Promise<{ userid: string; apikey: string }> {
  if (store.users.findByEmail(input.email.trim())) throw new AdminError(`A user with the e-mail ${input.email.trim().toLowerCase()} already exists.`);
  const user = await prepareUser(input);
  insertUser(store, user);
  return { userid: user.id, apikey: user.apikey };
}

export function requireUserByEmail(store: Store, email: string): string {
  const user = store.users.findByEmail(email.trim());
  if (!user) throw new AdminError(`There is no user with the e-mail ${email}.`);
  return user.id;
}

export function makeFriends(store: Store, a: string, b: string): void {
  if (a === b) throw new AdminError('A user cannot be their own friend.');
  store.transaction(() => {
    store.users.befriend(a, b);
    const feed = new ChangeFeed(store, null);
    feed.availabilityOf(a);
    feed.availabilityOf(b);
  });
}

export type NewConversation = { participantIds: string[]; name: string; isgroup?: boolean; lastaccessMs?: number };

/**
 * Creates a conversation as a client would: a fresh key, wrapped for every participant, and an
 * encrypted name. Returns the key so the caller can add messages; it is not stored.
 */
export function addConversation(store: Store, input: NewConversation): { id: string; key: Buffer; instance: string } {
  const ids = [...new Set(input.participantIds)];
  if (ids.length < 2) throw new AdminError('A conversation needs at least two different participants.');
  const isgroup = input.isgroup ?? ids.length > 2;
  if (!isgroup && ids.length !== 2) throw new AdminError('A one-to-one conversation has exactly two participants.');
  const users = ids.map((id) => {
    const user = store.users.get(id);
    if (!user) throw new AdminError(`There is no user with id ${id}.`);
    return user;
  });
  const ordered = isgroup ? users : [...users].sort((x, y) => (x.id < y.id ? -1 : 1));
  const id = isgroup ? newGroupConversationId() : oneToOneConversationId(ordered[0]!.id, ordered[1]!.id);
  if (store.conversations.get(id)) throw new AdminError('These two people already have a one-to-one conversation.');
  const key = newConversationKey();
  const instance = newInstance();
  const now = input.lastaccessMs ?? Date.now();
  store.conversations.create(
    { id, isgroup: isgroup ? 1 : 0, displayname: sealText(key, input.name), instance, lastaccess: toUnixSeconds(now), created: now },
    ordered.map((u) => ({ userId: u.id, secret: wrapConversationKey(key, publicKeyFromBase64(u.publickey)) })),
  );
  new ChangeFeed(store, null).listEntry(
    id,
    ordered.map((u) => u.id),
  );
  return { id, key, instance };
}

/** Adds an encrypted message as its sender's client would have sent it (for demo data). */
export function addMessage(
  store: Store,
  conversation: { id: string; key: Buffer },
  input: { id: string; from: string; text: string; createdMs: number; validUntilMs: number },
): void {
  const createdMs = Math.floor(input.createdMs / 1000) * 1000;
  store.messages.add({
    conversation_id: conversation.id,
    id: input.id,
    sender_id: input.from,
    type: 'Message',
    created: formatTimestamp(createdMs),
    created_ms: createdMs,
    valid_until: formatTimestamp(input.validUntilMs),
    valid_until_ms: Math.floor(input.validUntilMs / 1000) * 1000,
    data: sealMessage(conversation.key, { from: input.from, text: input.text }),
  });
  store.conversations.noteMessage(conversation.id, input.id, toUnixSeconds(createdMs));
}
