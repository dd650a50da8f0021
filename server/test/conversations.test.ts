/**
 * Conversation/List, the per-user settings (favourite, mute, colour, hide), Blocklist and the
 * profile's `create`, against a real reference server seeded with Alice, Bob and Carol.
 */
import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DecryptionError,
  decodeResponse,
  newGroupConversationId,
  newConversationKey,
  openText,
  publicKeyFromBase64,
  sealText,
  unlockPrivateKey,
  unwrapConversationKey,
  wrapConversationKey,
} from '../../protocol/index.js';
import { addUser, makeFriends } from '../src/admin.js';
import type { DemoAccount } from '../src/seed.js';
import { createPayload, signInAll, startTestServer, TestClient, type Reply, type TestServer } from './harness.js';
import { expectRefused } from './refused.js';

let t: TestServer;
let alice: TestClient;
let bob: TestClient;
let carol: TestClient;

beforeAll(async () => {
  t = await startTestServer();
  [alice, bob, carol] = (await signInAll(t)) as [TestClient, TestClient, TestClient];
});
afterAll(() => t.stop({ remove: true }));

// ------------------------------------------------------------------------------------ helpers

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/** The documented 1:1 id: MD5 of the two user ids, sorted ascending, joined by ";". */
const oneToOneId = (a: string, b: string): string => md5([a, b].sort().join(';'));

/** A user's own public key, derived from the private key they unlock at login, as a client would. */
function ownPublicKey(client: TestClient): string {
  const privateKey = unlockPrivateKey(client.login.rsakey, client.account.password);
  return (createPublicKey(privateKey).export({ type: 'spki', format: 'der' }) as Buffer).toString('base64');
}

/** `{userid, publickey}` for the caller and the named friends, from Friends/List. */
async function keysFor(caller: TestClient, others: readonly string[]): Promise<{ userid: string; publickey: string }[]> {
  const reply = await caller.call('friendsList', {});
  expect(reply.http).toBe(200);
  const friends = reply.json.availabilities as { friendid: string; publickey: string }[];
  return others.map((id) => {
    if (id === caller.userid) return { userid: id, publickey: ownPublicKey(caller) };
    const f = friends.find((x) => x.friendid === id);
    if (!f) throw new Error(`${id} is not a friend of ${caller.userid}`);
    return { userid: id, publickey: f.publickey };
  });
}

async function find(client: TestClient, conversationId: string): Promise<any> {
  const found = (await client.conversations()).find((c) => c.id === conversationId);
  if (!found) throw new Error(`${client.account.nick} does not list ${conversationId}`);
  return found;
}

/** The caller's one properties entry, checking that it is the only one and that it is theirs. */
function mine(client: TestClient, conversation: any): any {
  expect(conversation.properties).toHaveLength(1);
  expect(conversation.properties[0].userid).toBe(client.userid);
  return conversation.properties[0];
}

function expectOkConversation(reply: Reply, name: 'favorite' | 'unfavorite' | 'mute' | 'unmute' | 'setColor' | 'hide' | 'unhide' | 'create'): any {
  expect(reply.http, reply.text).toBe(200);
  expect(decodeResponse(name, reply.json).ok).toBe(true);
  return reply.json.conversation;
}

async function blocked(client: TestClient): Promise<string[]> {
  const reply = await client.call('blocklist', {});
  expect(reply.http).toBe(200);
  expect(decodeResponse('blocklist', reply.json).ok).toBe(true);
  expect(reply.json.blockedusers).toEqual([]);
  return reply.json.blockedconversations;
}

/** Signs in a freshly created account (made with admin addUser). */
async function signInNew(nick: string, opts: { friendsWith?: string[] } = {}): Promise<TestClient> {
  const email = `${nick.toLowerCase()}-${randomBytes(3).toString('hex')}@demo.ozeki.chat`;
  const password = `${nick.toLowerCase()}-${randomBytes(6).toString('hex')}`;
  const { userid, apikey } = await addUser(t.server.store, { email, nick, fullname: `${nick} Test`, password });
  for (const friend of opts.friendsWith ?? []) makeFriends(t.server.store, userid, friend);
  const account: DemoAccount = { email, userid, apikey, password, nick, fullname: `${nick} Test` };
  return new TestClient(t.server.url, account).signIn();
}

// -------------------------------------------------------------------------------------- list

describe('Conversation/List', () => {
  it('shows each user only the conversations they take part in', async () => {
    const aliceList = await alice.conversations();
    const bobCarol = oneToOneId(bob.userid, carol.userid);
    expect(aliceList.map((c) => c.id).sort()).toEqual([oneToOneId(alice.userid, bob.userid), oneToOneId(alice.userid, carol.userid)].sort());
    expect(aliceList.map((c) => c.id)).not.toContain(bobCarol);
    for (const c of aliceList) expect(c.participantids).toContain(alice.userid);
    expect((await carol.conversations()).map((c) => c.id)).toContain(bobCarol);
  });

  it('answers in the documented shape, with only the caller in properties, favoriteby and mutedby', async () => {
    for (const client of [alice, bob, carol]) {
      const reply = await client.call('conversationList', {});
      expect(reply.http).toBe(200);
      expect(decodeResponse('conversationList', reply.json).ok).toBe(true);
      for (const c of reply.json.conversations) {
        const props = mine(client, c);
        expect(props).toEqual({ userid: client.userid, ismuted: false, isfavorite: false, hideid: '', listitembackgroundcolor: '#ffffff' });
        expect(c.favoriteby).toEqual([]);
        expect(c.mutedby).toEqual([]);
        expect(c.hiddenby).toEqual([]);
        expect(c.isgroup).toBe(false);
        expect(c.instance).toMatch(/^[A-Za-z0-9]{10}$/);
        expect(c.participants.map((p: { userid: string }) => p.userid)).toEqual(c.participantids);
      }
    }
  });

  it('gives each participant their own wrapped secret, which unwraps to the same key with their own password', async () => {
    const ofAlice = await alice.conversationWith(bob);
    const ofBob = await bob.conversationWith(alice);
    expect(ofAlice.id).toBe(ofBob.id);
    expect(ofAlice.secret).not.toBe(ofBob.secret);
    const keyA = alice.conversationKey(ofAlice);
    const keyB = bob.conversationKey(ofBob);
    expect(keyA.equals(keyB)).toBe(true);
    expect(openText(keyA, ofAlice.displayname)).toBe('Alice and Bob');
    expect(openText(keyB, ofBob.displayname)).toBe('Alice and Bob');
    // Alice's copy is of no use to Bob's private key.
    expect(() => bob.conversationKey(ofAlice)).toThrow(DecryptionError);
  });
});

// --------------------------------------------------------------------------- per-user settings

describe('per-user settings', () => {
  it("favorite and unfavorite return the updated conversation, persist, and change only the caller's view", async () => {
    const id = oneToOneId(alice.userid, bob.userid);
    const bobBefore = await find(bob, id);

    const fav = expectOkConversation(await alice.call('favorite', { conversationid: id }), 'favorite');
    expect(fav.id).toBe(id);
    expect(mine(alice, fav).isfavorite).toBe(true);
    expect(fav.favoriteby).toEqual([alice.userid]);
    expect(mine(alice, await find(alice, id)).isfavorite).toBe(true);
    expect((await find(alice, id)).favoriteby).toEqual([alice.userid]);
    expect(await find(bob, id)).toEqual(bobBefore);

    const unfav = expectOkConversation(await alice.call('unfavorite', { conversationid: id }), 'unfavorite');
    expect(mine(alice, unfav).isfavorite).toBe(false);
    expect(unfav.favoriteby).toEqual([]);
    expect(mine(alice, await find(alice, id)).isfavorite).toBe(false);
    expect(await find(bob, id)).toEqual(bobBefore);
  });

  it("Bob's favourite is his own: Alice neither sees it in favoriteby nor loses her own setting", async () => {
    const id = oneToOneId(alice.userid, bob.userid);
    expectOkConversation(await alice.call('favorite', { conversationid: id }), 'favorite');
    const bobFav = expectOkConversation(await bob.call('favorite', { conversationid: id }), 'favorite');
    expect(bobFav.favoriteby).toEqual([bob.userid]);
    const bobUnfav = expectOkConversation(await bob.call('unfavorite', { conversationid: id }), 'unfavorite');
    expect(bobUnfav.favoriteby).toEqual([]);
    const ofAlice = await find(alice, id);
    expect(ofAlice.favoriteby).toEqual([alice.userid]);
    expect(mine(alice, ofAlice).isfavorite).toBe(true);
    expectOkConversation(await alice.call('unfavorite', { conversationid: id }), 'unfavorite');
  });

  it("mute and unmute return the updated conversation, persist, and change only the caller's view", async () => {
    const id = oneToOneId(alice.userid, bob.userid);
    const bobBefore = await find(bob, id);

    const muted = expectOkConversation(await alice.call('mute', { conversationid: id }), 'mute');
    expect(mine(alice, muted).ismuted).toBe(true);
    expect(muted.mutedby).toEqual([alice.userid]);
    const listed = await find(alice, id);
    expect(mine(alice, listed).ismuted).toBe(true);
    expect(listed.mutedby).toEqual([alice.userid]);
    expect(await find(bob, id)).toEqual(bobBefore);

    const unmuted = expectOkConversation(await alice.call('unmute', { conversationid: id }), 'unmute');
    expect(mine(alice, unmuted).ismuted).toBe(false);
    expect(unmuted.mutedby).toEqual([]);
    expect(mine(alice, await find(alice, id)).ismuted).toBe(false);
    expect(await find(bob, id)).toEqual(bobBefore);
  });

  it('setlistitembackgroundcolor stores the colour in lower case, persists it, only for the caller', async () => {
    const id = oneToOneId(alice.userid, bob.userid);
    const bobBefore = await find(bob, id);

    const coloured = expectOkConversation(await alice.call('setColor', { conversationid: id, color: '#BAE1FF' }), 'setColor');
    expect(mine(alice, coloured).listitembackgroundcolor).toBe('#bae1ff');
    expect(mine(alice, await find(alice, id)).listitembackgroundcolor).toBe('#bae1ff');
    expect(await find(bob, id)).toEqual(bobBefore);

    // The other settings are untouched by a colour change, and a colour change by the others.
    const fav = expectOkConversation(await alice.call('favorite', { conversationid: id }), 'favorite');
    expect(mine(alice, fav)).toMatchObject({ isfavorite: true, listitembackgroundcolor: '#bae1ff' });
    const back = expectOkConversation(await alice.call('setColor', { conversationid: id, color: '#ffffff' }), 'setColor');
    expect(mine(alice, back)).toMatchObject({ isfavorite: true, listitembackgroundcolor: '#ffffff' });
    expectOkConversation(await alice.call('unfavorite', { conversationid: id }), 'unfavorite');
  });

  it('refuses a colour that is not #rrggbb and keeps the old one', async () => {
    const id = oneToOneId(alice.userid, bob.userid);
    expectOkConversation(await alice.call('setColor', { conversationid: id, color: '#a0b0c0' }), 'setColor');
    for (const color of ['red', '#abc', '#12345g', 'bae1ff', '#bae1ff00', '']) {
      expectRefused(await alice.call('setColor', { conversationid: id, color }), 400);
    }
    expect(mine(alice, await find(alice, id)).listitembackgroundcolor).toBe('#a0b0c0');
    expectOkConversation(await alice.call('setColor', { conversationid: id, color: '#ffffff' }), 'setColor');
  });

  it('refuses settings on a conversation the caller is not part of (403) or that does not exist (404)', async () => {
    const bobCarol = oneToOneId(bob.userid, carol.userid);
    const before = await find(bob, bobCarol);
    expectRefused(await alice.call('favorite', { conversationid: bobCarol }), 403);
    expectRefused(await alice.call('hide', { conversationid: bobCarol, hideid: `${before.instance};` }), 403);
    expect(await find(bob, bobCarol)).toEqual(before);
    expectRefused(await alice.call('mute', { conversationid: randomBytes(16).toString('hex') }), 404);
  });

  it('hide stores "<instance>;" for the caller and lists the conversation in the blocklist; unhide removes it', async () => {
    const id = oneToOneId(alice.userid, bob.userid);
    const bobBefore = await find(bob, id);
    const { instance } = await find(alice, id);
    expect(await blocked(alice)).toEqual([]);

    const hidden = expectOkConversation(await alice.call('hide', { conversationid: id, hideid: `${instance};` }), 'hide');
    expect(mine(alice, hidden).hideid).toBe(`${instance};`);
    expect(hidden.hiddenby).toEqual([]);
    expect(mine(alice, await find(alice, id)).hideid).toBe(`${instance};`);
    expect(await blocked(alice)).toEqual([id]);
    expect(await blocked(bob)).toEqual([]);
    expect(await find(bob, id)).toEqual(bobBefore);

    const shown = expectOkConversation(await alice.call('unhide', { conversationid: id }), 'unhide');
    expect(mine(alice, shown).hideid).toBe('');
    expect(mine(alice, await find(alice, id)).hideid).toBe('');
    expect(await blocked(alice)).toEqual([]);
  });

  it('refuses a hideid that is not an instance followed by ";"', async () => {
    const id = oneToOneId(alice.userid, bob.userid);
    const { instance } = await find(alice, id);
    for (const hideid of [instance, 'has space;', ';', `${instance};;`]) {
      expectRefused(await alice.call('hide', { conversationid: id, hideid }), 400);
    }
    expect(mine(alice, await find(alice, id)).hideid).toBe('');
  });

  it('after a clear starts a new instance, a conversation hidden at the old one is no longer hidden (hideid kept)', async () => {
    const id = oneToOneId(alice.userid, carol.userid);
    const { instance } = await find(alice, id);
    expectOkConversation(await alice.call('hide', { conversationid: id, hideid: `${instance};` }), 'hide');
    expect(await blocked(alice)).toContain(id);

    const cleared = await carol.call('clear', { conversationid: id, instance });
    expect(cleared.http, cleared.text).toBe(200);
    const fresh = cleared.json.conversation.instance as string;
    expect(fresh).not.toBe(instance);

    const listed = await find(alice, id);
    expect(listed.instance).toBe(fresh);
    expect(mine(alice, listed).hideid).toBe(`${instance};`);
    expect(await blocked(alice)).not.toContain(id);

    // Hiding again at the new instance hides it again.
    expectOkConversation(await alice.call('hide', { conversationid: id, hideid: `${fresh};` }), 'hide');
    expect(await blocked(alice)).toContain(id);
    expectOkConversation(await alice.call('unhide', { conversationid: id }), 'unhide');
    expect(await blocked(alice)).not.toContain(id);
  });
});

// -------------------------------------------------------------------------------------- create

describe('create (profile extension)', () => {
  it('creates a 1:1 conversation between friends with the documented id, and returns the existing one when asked again', async () => {
    const eve = await signInNew('Eve', { friendsWith: [alice.userid] });
    const payload = createPayload(alice, await keysFor(alice, [eve.userid, alice.userid]), 'Alice and Eve', false);
    const { key, ...request } = payload;
    const created = expectOkConversation(await alice.call('create', request), 'create');

    expect(created.id).toBe(oneToOneId(alice.userid, eve.userid));
    expect(created.id).toBe(md5([alice.userid, eve.userid].sort().join(';')));
    expect(created.isgroup).toBe(false);
    expect(created.participantids).toEqual([alice.userid, eve.userid].sort());
    expect(created.instance).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(created.lastmessageid).toBe('');
    expect(created.lastreportid).toBe('');
    expect(created.secret).toBe(request.secrets[alice.userid]);
    expect(mine(alice, created)).toEqual({ userid: alice.userid, ismuted: false, isfavorite: false, hideid: '', listitembackgroundcolor: '#ffffff' });
    expect(alice.conversationKey(created).equals(key)).toBe(true);

    // Eve sees it with her own secret and reads the name.
    const ofEve = await find(eve, created.id);
    expect(ofEve.secret).toBe(request.secrets[eve.userid]);
    expect(openText(eve.conversationKey(ofEve), ofEve.displayname)).toBe('Alice and Eve');

    // Asked again (by either of them, with a new key): the existing conversation, unchanged.
    const again = createPayload(alice, await keysFor(alice, [alice.userid, eve.userid]), 'Second try', false);
    const { key: _unused, ...againRequest } = again;
    const existing = expectOkConversation(await alice.call('create', againRequest), 'create');
    expect(existing.id).toBe(created.id);
    expect(existing.instance).toBe(created.instance);
    expect(existing.secret).toBe(created.secret);
    expect(existing.displayname).toBe(created.displayname);
    const byEve = createPayload(eve, await keysFor(eve, [eve.userid, alice.userid]), 'Eve again', false);
    const { key: _unused2, ...byEveRequest } = byEve;
    const existingForEve = expectOkConversation(await eve.call('create', byEveRequest), 'create');
    expect(existingForEve.id).toBe(created.id);
    expect(existingForEve.instance).toBe(created.instance);
    expect(existingForEve.secret).toBe(ofEve.secret);
    expect((await alice.conversations()).filter((c) => c.id === created.id)).toHaveLength(1);
  });

  it('returns the seeded Alice–Bob conversation when Alice "creates" it again', async () => {
    const before = await alice.conversationWith(bob);
    const { key: _unused, ...request } = createPayload(alice, await keysFor(alice, [alice.userid, bob.userid]), 'Duplicate', false);
    const again = expectOkConversation(await alice.call('create', request), 'create');
    expect(again.id).toBe(before.id);
    expect(again.instance).toBe(before.instance);
    expect(again.secret).toBe(before.secret);
    expect(openText(alice.conversationKey(again), again.displayname)).toBe('Alice and Bob');
  });

  it('creates a group with a random 32-hex id that every participant can unwrap and read', async () => {
    const ids = [alice.userid, bob.userid, carol.userid];
    const { key, ...request } = createPayload(alice, await keysFor(alice, ids), 'Project Falcon', true);
    const group = expectOkConversation(await alice.call('create', request), 'create');
    expect(group.id).toMatch(/^[0-9a-f]{32}$/);
    expect(group.isgroup).toBe(true);
    expect([...group.participantids].sort()).toEqual([...ids].sort());
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) expect(group.id).not.toBe(oneToOneId(ids[i]!, ids[j]!));
    }
    for (const client of [alice, bob, carol]) {
      const seen = await find(client, group.id);
      expect(seen.secret).toBe(request.secrets[client.userid]);
      const unwrapped = client.conversationKey(seen);
      expect(unwrapped.equals(key)).toBe(true);
      expect(openText(unwrapped, seen.displayname)).toBe('Project Falcon');
      mine(client, seen);
    }

    // The same people again make a second, different group.
    const { key: _unused, ...second } = createPayload(alice, await keysFor(alice, ids), 'Project Falcon', true);
    const other = expectOkConversation(await alice.call('create', second), 'create');
    expect(other.id).toMatch(/^[0-9a-f]{32}$/);
    expect(other.id).not.toBe(group.id);
  });

  it('creates a group under the id its creator chose, and the same create again returns that group (profile)', async () => {
    const ids = [alice.userid, bob.userid, carol.userid];
    const chosen = newGroupConversationId();
    const { key: _unused, ...request } = createPayload(alice, await keysFor(alice, ids), 'Trio', true);
    const group = expectOkConversation(await alice.call('create', { ...request, conversationid: chosen }), 'create');
    expect(group.id).toBe(chosen);
    // A retry whose answer was lost: one group, not two.
    const before = (await alice.conversations()).length;
    const again = expectOkConversation(await alice.call('create', { ...request, conversationid: chosen }), 'create');
    expect(again.id).toBe(chosen);
    expect(again.instance).toBe(group.instance);
    expect((await alice.conversations()).length).toBe(before);
    expect((await find(carol, chosen)).participantids.sort()).toEqual([...ids].sort());
  });

  it('refuses a chosen group id that another conversation the caller is not in already has (409)', async () => {
    const chosen = newGroupConversationId();
    const { key: _a, ...bobs } = createPayload(bob, await keysFor(bob, [bob.userid, carol.userid]), 'Bob and Carol', true);
    expectOkConversation(await bob.call('create', { ...bobs, conversationid: chosen }), 'create');
    const { key: _b, ...alices } = createPayload(alice, await keysFor(alice, [alice.userid, carol.userid]), 'Mine', true);
    expectRefused(await alice.call('create', { ...alices, conversationid: chosen }), 409);
  });

  describe('refuses', () => {
    async function listIds(): Promise<string[]> {
      return (await alice.conversations()).map((c) => c.id).sort();
    }

    it('a conversation the caller is not part of', async () => {
      const before = await listIds();
      const { key: _unused, ...request } = createPayload(alice, await keysFor(alice, [bob.userid, carol.userid]), 'Not mine', true);
      expectRefused(await alice.call('create', request), 400);
      expect(await listIds()).toEqual(before);
    });

    it('an unknown participant', async () => {
      const ghost = randomBytes(16).toString('hex');
      const key = newConversationKey();
      const mineKey = ownPublicKey(alice);
      const request = {
        participantids: [alice.userid, bob.userid, ghost],
        isgroup: true,
        displayname: sealText(key, 'With a ghost'),
        secrets: {
          [alice.userid]: wrapConversationKey(key, publicKeyFromBase64(mineKey)),
          [bob.userid]: wrapConversationKey(key, publicKeyFromBase64(mineKey)),
          [ghost]: wrapConversationKey(key, publicKeyFromBase64(mineKey)),
        },
      };
      const before = await listIds();
      const reply = await alice.call('create', request);
      expectRefused(reply, 400);
      expect(reply.json.errormessage).toContain(ghost);
      expect(await listIds()).toEqual(before);
    });

    it('secrets that miss a participant, or name someone who is not one', async () => {
      const before = await listIds();
      const { key: _unused, ...request } = createPayload(alice, await keysFor(alice, [alice.userid, bob.userid, carol.userid]), 'Missing', true);
      const { [carol.userid]: _carol, ...missing } = request.secrets;
      expectRefused(await alice.call('create', { ...request, secrets: missing }), 400);
      expectRefused(await alice.call('create', { ...request, participantids: [alice.userid, bob.userid] }), 400);
      expect(await listIds()).toEqual(before);
    });

    it('a one-to-one conversation with three participants', async () => {
      const before = await listIds();
      const { key: _unused, ...request } = createPayload(alice, await keysFor(alice, [alice.userid, bob.userid, carol.userid]), 'Three', false);
      expectRefused(await alice.call('create', request), 400);
      expect(await listIds()).toEqual(before);
    });

    it('a participant who is not a friend of the caller', async () => {
      const dave = await addUser(t.server.store, {
        email: `dave-${randomBytes(3).toString('hex')}@demo.ozeki.chat`,
        nick: 'Dave',
        fullname: 'Dave Stranger',
        password: `dave-${randomBytes(6).toString('hex')}`,
      });
      const davePublic = t.server.store.users.get(dave.userid)!.publickey;
      const participants = [
        { userid: alice.userid, publickey: ownPublicKey(alice) },
        { userid: dave.userid, publickey: davePublic },
      ];
      const before = await listIds();
      const { key: _unused, ...oneToOne } = createPayload(alice, participants, 'Alice and Dave', false);
      expectRefused(await alice.call('create', oneToOne), 403);
      const { key: _unused2, ...group } = createPayload(alice, [...participants, ...(await keysFor(alice, [bob.userid]))], 'With Dave', true);
      expectRefused(await alice.call('create', group), 403);
      expect(await listIds()).toEqual(before);
      expect(t.server.store.conversations.get(oneToOneId(alice.userid, dave.userid))).toBeUndefined();
    });
  });
});

// Keep the unwrapping helper honest: a key wrapped for Bob cannot be opened with Alice's key.
describe('wrapped secrets', () => {
  it("are bound to the recipient's key pair", async () => {
    const key = newConversationKey();
    const [bobKey] = await keysFor(alice, [bob.userid]);
    const forBob = wrapConversationKey(key, publicKeyFromBase64(bobKey!.publickey));
    const alicePrivate = unlockPrivateKey(alice.login.rsakey, alice.account.password);
    expect(() => unwrapConversationKey(forBob, alicePrivate)).toThrow(DecryptionError);
    expect(bob.conversationKey({ secret: forBob }).equals(key)).toBe(true);
  });
});
