import { describe, expect, it } from 'vitest';
import { parseTimestamp, type Conversation, type OutgoingMessage } from '../../../protocol/index.js';
import { stampLifetime } from './outbox-sender.js';
import { applyAction, coalesce, conversationFromCreate, rebaseOnInstance, toApiCall, type Action, type PendingAction } from './actions.js';

const ME = 'a'.repeat(32);
const OTHER = 'b'.repeat(32);
const C1 = '1'.repeat(32);
const C2 = '2'.repeat(32);

const conversation = (over: Partial<Conversation> = {}): Conversation => ({
  id: C1,
  isgroup: false,
  participantids: [ME, OTHER],
  participants: [
    { userid: ME, username: 'Me' },
    { userid: OTHER, username: 'Other' },
  ],
  displayname: 'sealed',
  lastmessageid: 'm0',
  lastreportid: '',
  lastaccess: 1000,
  secret: 'wrapped',
  instance: 'Inst000001',
  mutedby: [],
  favoriteby: [],
  hiddenby: [],
  properties: [{ userid: ME, ismuted: false, isfavorite: false, hideid: '', listitembackgroundcolor: '#ffffff' }],
  ...over,
});

const message = (id: string): OutgoingMessage => ({
  ID: id,
  Type: 'Message',
  Created: '2026-11-21 10:00:00',
  ValidUntil: '2026-11-28 10:00:00',
  Data: 'sealed',
});

let seq = 0;
const pending = (action: Action, inFlight = false): PendingAction => ({ seq: ++seq, action, inFlight });

describe('coalescing a new action with what is waiting', () => {
  it('cancels favorite then unfavorite: nothing is sent', () => {
    const fav = pending({ kind: 'favorite', conversationId: C1 });
    expect(coalesce([fav], { kind: 'unfavorite', conversationId: C1 })).toEqual({ remove: [fav.seq], keep: false });
  });

  it('cancels mute/unmute and hide/unhide the same way', () => {
    const mute = pending({ kind: 'mute', conversationId: C1 });
    const hide = pending({ kind: 'hide', conversationId: C1 });
    expect(coalesce([mute, hide], { kind: 'unmute', conversationId: C1 })).toEqual({ remove: [mute.seq], keep: false });
    expect(coalesce([mute, hide], { kind: 'unhide', conversationId: C1 })).toEqual({ remove: [hide.seq], keep: false });
  });

  it('keeps one entry for the same toggle twice', () => {
    const fav = pending({ kind: 'favorite', conversationId: C1 });
    expect(coalesce([fav], { kind: 'favorite', conversationId: C1 })).toEqual({ remove: [], keep: false });
  });

  it('keeps one entry for the same toggle twice when the first is being sent', () => {
    const fav = pending({ kind: 'favorite', conversationId: C1 }, true);
    expect(coalesce([fav], { kind: 'favorite', conversationId: C1 })).toEqual({ remove: [], keep: false });
  });

  it('never touches an entry that is being sent: its outcome is the server’s', () => {
    const fav = pending({ kind: 'favorite', conversationId: C1 }, true);
    expect(coalesce([fav], { kind: 'unfavorite', conversationId: C1 })).toEqual({ remove: [], keep: true });
  });

  it('decides by the most recent toggle only: favorite (sending), unfavorite, favorite = only the favorite in flight remains', () => {
    const fav = pending({ kind: 'favorite', conversationId: C1 }, true);
    const unfav = pending({ kind: 'unfavorite', conversationId: C1 });
    expect(coalesce([fav, unfav], { kind: 'favorite', conversationId: C1 })).toEqual({ remove: [unfav.seq], keep: false });
  });

  it('lets the last colour win over colours not yet sent', () => {
    const red = pending({ kind: 'color', conversationId: C1, color: '#ff0000' });
    const sending = pending({ kind: 'color', conversationId: C1, color: '#00ff00' }, true);
    const blue = pending({ kind: 'color', conversationId: C1, color: '#0000ff' });
    expect(coalesce([red, sending, blue], { kind: 'color', conversationId: C1, color: '#123456' })).toEqual({ remove: [red.seq, blue.seq], keep: true });
  });

  it('keeps other conversations, sends, clears and reports apart', () => {
    const fav = pending({ kind: 'favorite', conversationId: C2 });
    expect(coalesce([fav], { kind: 'unfavorite', conversationId: C1 })).toEqual({ remove: [], keep: true });
    const send = pending({ kind: 'send', conversationId: C1, instance: 'i', message: message('x') });
    expect(coalesce([send], { kind: 'send', conversationId: C1, instance: 'i', message: message('x') })).toEqual({ remove: [], keep: true });
    expect(coalesce([send], { kind: 'clear', conversationId: C1, instance: 'i' })).toEqual({ remove: [], keep: true });
  });
});

describe('applying an action optimistically', () => {
  it('marks favourite and mute for the user in both properties and the by-lists', () => {
    const fav = applyAction(conversation(), { kind: 'favorite', conversationId: C1 }, ME, 2000);
    expect(fav.properties[0]).toMatchObject({ userid: ME, isfavorite: true });
    expect(fav.favoriteby).toEqual([ME]);
    const unfav = applyAction(fav, { kind: 'unfavorite', conversationId: C1 }, ME, 2000);
    expect(unfav.properties[0]?.isfavorite).toBe(false);
    expect(unfav.favoriteby).toEqual([]);
    const muted = applyAction(conversation(), { kind: 'mute', conversationId: C1 }, ME, 2000);
    expect(muted.properties[0]?.ismuted).toBe(true);
    expect(muted.mutedby).toEqual([ME]);
  });

  it('hides at the current instance and unhides', () => {
    const hidden = applyAction(conversation(), { kind: 'hide', conversationId: C1 }, ME, 2000);
    expect(hidden.properties[0]?.hideid).toBe('Inst000001;');
    expect(applyAction(hidden, { kind: 'unhide', conversationId: C1 }, ME, 2000).properties[0]?.hideid).toBe('');
  });

  it('sets the colour, clears the last ids, and moves a sent message to the top', () => {
    expect(applyAction(conversation(), { kind: 'color', conversationId: C1, color: '#bae1ff' }, ME, 2000).properties[0]?.listitembackgroundcolor).toBe(
      '#bae1ff',
    );
    expect(applyAction(conversation({ lastreportid: 'r' }), { kind: 'clear', conversationId: C1, instance: 'Inst000001' }, ME, 2000)).toMatchObject({
      lastmessageid: '',
      lastreportid: '',
    });
    const sent = applyAction(conversation(), { kind: 'send', conversationId: C1, instance: 'Inst000001', message: message('m1') }, ME, 2000);
    expect(sent).toMatchObject({ lastmessageid: 'm1', lastaccess: 2000 });
  });

  it('never changes the object it was given', () => {
    const original = conversation();
    const copy = structuredClone(original);
    applyAction(original, { kind: 'favorite', conversationId: C1 }, ME, 2000);
    applyAction(original, { kind: 'color', conversationId: C1, color: '#000000' }, ME, 2000);
    expect(original).toEqual(copy);
  });

  it('adds the user’s own properties entry when the server sent none', () => {
    const bare = conversation({ properties: [] });
    expect(applyAction(bare, { kind: 'mute', conversationId: C1 }, ME, 2000).properties).toEqual([
      { userid: ME, ismuted: true, isfavorite: false, hideid: '', listitembackgroundcolor: '#ffffff' },
    ]);
  });
});

describe('turning actions into API calls', () => {
  it('maps each kind to its documented call', () => {
    const current = conversation({ instance: 'NewInst001' });
    expect(toApiCall({ kind: 'favorite', conversationId: C1 }, current)).toEqual({ name: 'favorite', payload: { conversationid: C1 } });
    expect(toApiCall({ kind: 'color', conversationId: C1, color: '#bae1ff' }, current)).toEqual({
      name: 'setColor',
      payload: { conversationid: C1, color: '#bae1ff' },
    });
    expect(toApiCall({ kind: 'hide', conversationId: C1 }, current)).toEqual({ name: 'hide', payload: { conversationid: C1, hideid: 'NewInst001;' } });
    expect(toApiCall({ kind: 'clear', conversationId: C1, instance: 'Old' }, current)).toEqual({
      name: 'clear',
      payload: { conversationid: C1, instance: 'Old' },
    });
  });

  it('sends the message as a JSON string, as the API documents', () => {
    const call = toApiCall({ kind: 'send', conversationId: C1, instance: 'I', message: message('m1') }, undefined);
    expect(call.name).toBe('add');
    expect(JSON.parse((call.payload as { message: string }).message)).toEqual(message('m1'));
  });

  it("asks for a group under the id its creator chose, and leaves a 1:1's id to the server", () => {
    const create = { kind: 'create' as const, conversationId: C2, participantIds: [ME, OTHER, C1], displayname: 'sealed', secrets: {} };
    expect(toApiCall({ ...create, isgroup: true }, undefined).payload).toMatchObject({ conversationid: C2, isgroup: true });
    expect(toApiCall({ ...create, isgroup: false }, undefined).payload).not.toHaveProperty('conversationid');
  });

  it('gives a send with a disappearing timer its lifetime from when it leaves, not from when it was written', () => {
    const written = Date.parse('2026-12-03T10:00:00Z');
    const send: Action = { kind: 'send', conversationId: C1, instance: 'I', message: message('m1'), lifetimeSeconds: 60 };
    const leaves = written + 10 * 60_000;
    const stamped = stampLifetime(send, leaves) as Extract<Action, { kind: 'send' }>;
    expect(parseTimestamp(stamped.message.ValidUntil)).toBe(leaves + 60_000);
    // Everything else, the sealed text included, is unchanged; without a timer nothing changes.
    expect({ ...stamped.message, ValidUntil: '' }).toEqual({ ...send.message, ValidUntil: '' });
    const plain: Action = { kind: 'send', conversationId: C1, instance: 'I', message: message('m2') };
    expect(stampLifetime(plain, leaves)).toBe(plain);
  });

  it('re-bases sends and clears onto a new instance, and drops reports of a cleared instance', () => {
    const send: Action = { kind: 'send', conversationId: C1, instance: 'Old', message: message('m1') };
    expect(rebaseOnInstance(send, 'New')).toEqual({ ...send, instance: 'New' });
    expect(rebaseOnInstance({ kind: 'clear', conversationId: C1, instance: 'Old' }, 'New')).toEqual({ kind: 'clear', conversationId: C1, instance: 'New' });
    expect(rebaseOnInstance({ kind: 'viewed', conversationId: C1, instance: 'Old', messageIds: ['x'], first: 'a', last: 'b' }, 'New')).toBeNull();
  });

  it('stands a pending create in for the conversation until the server answers', () => {
    const c = conversationFromCreate(
      { kind: 'create', conversationId: C1, participantIds: [ME, OTHER], isgroup: false, displayname: 'sealed', secrets: { [ME]: 'mine', [OTHER]: 'theirs' } },
      ME,
      { [OTHER]: 'Other' },
      3000,
    );
    expect(c).toMatchObject({ id: C1, secret: 'mine', lastaccess: 3000, instance: '' });
    expect(c.participants).toEqual([
      { userid: ME, username: ME },
      { userid: OTHER, username: 'Other' },
    ]);
  });
});
