/** Which arriving messages make native notifications, and how a burst is coalesced. */
import { describe, expect, it } from 'vitest';
import type { ConversationView, MessageView, Silence } from '../../ipc/views.js';
import { conversationId, conversationView } from '../../../test/support/core/views.js';
import { CLOCK_SLACK_MS, MAX_SEPARATE, planNotifications, verdict, type Arrival, type NotificationContext } from './notification-policy.js';

const START = Date.UTC(2025, 5, 10, 9, 0);
const NOW = START + 3_600_000;
const cid = conversationId;

const conversation = (n: number, over: Partial<ConversationView> = {}): ConversationView => conversationView(n, { lastActivity: 0, unread: 1, ...over });

let nextId = 0;
function message(conversationN: number, over: Partial<MessageView> = {}): MessageView {
  const n = nextId++;
  return {
    id: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
    conversationId: cid(conversationN),
    from: 'b'.repeat(32),
    fromName: 'Bob',
    mine: false,
    text: `hello ${n}`,
    created: NOW - 1000 + n,
    validUntil: NOW + 86_400_000,
    state: 'sent',
    replyTo: null,
    reactions: [],
    editedAt: 0,
    deleted: false,
    file: null,
    ...over,
  };
}

function context(over: Partial<NotificationContext> & { conversations?: ConversationView[] } = {}): NotificationContext {
  const { conversations = [1, 2, 3, 4, 5].map((n) => conversation(n)), ...rest } = over;
  const byId = new Map(conversations.map((c) => [c.id, c]));
  return {
    now: NOW,
    sessionStart: START,
    silence: { kind: 'none' },
    content: 'text',
    conversation: (id) => byId.get(id),
    openConversationId: null,
    windowFocused: false,
    ...rest,
  };
}

const arrival = (...messages: MessageView[]): Arrival => ({ conversationId: messages[0]!.conversationId, messages });

describe('whether a message is shown', () => {
  it('shows a new message from someone else in an ordinary conversation', () => {
    expect(verdict(message(1), context())).toBe('notify');
  });

  it('never shows my own messages (sent from another device)', () => {
    expect(verdict(message(1, { mine: true }), context())).toBe('mine');
  });

  it('never shows messages from before the session began: they are history, shown as unread in the list', () => {
    expect(verdict(message(1, { created: START - CLOCK_SLACK_MS - 1 }), context())).toBe('history');
    // The server's clock may be a little behind ours.
    expect(verdict(message(1, { created: START - CLOCK_SLACK_MS + 1 }), context())).toBe('notify');
  });

  it('does not show messages that have already expired', () => {
    expect(verdict(message(1, { validUntil: NOW }), context())).toBe('expired');
  });

  it('does not show messages of muted or hidden conversations, or of one it does not know', () => {
    const ctx = context({ conversations: [conversation(1, { muted: true }), conversation(2, { hidden: true })] });
    expect(verdict(message(1), ctx)).toBe('muted');
    expect(verdict(message(2), ctx)).toBe('hidden');
    expect(verdict(message(3), ctx)).toBe('unknown-conversation');
  });

  it('shows nothing, favourites included, while notifications are off, Do not disturb is on, or the system says not to', () => {
    const ctx = (silence: Silence) => context({ silence, conversations: [conversation(1, { favorite: true }), conversation(2)] });
    for (const [silence, expected] of [
      [{ kind: 'off' }, 'off'],
      [{ kind: 'dnd', until: NOW + 1 }, 'dnd'],
      [{ kind: 'system' }, 'system-dnd'],
    ] as const) {
      expect([verdict(message(1), ctx(silence)), verdict(message(2), ctx(silence))], silence.kind).toEqual([expected, expected]);
    }
    expect(verdict(message(1), ctx({ kind: 'none' }))).toBe('notify');
  });

  it('during quiet hours shows only favourites, and only when they may break through', () => {
    const conversations = [conversation(1, { favorite: true }), conversation(2)];
    const quiet = (favouritesNotify: boolean) => context({ conversations, silence: { kind: 'quiet-hours', until: NOW + 60_000, favouritesNotify } });
    expect([verdict(message(1), quiet(true)), verdict(message(2), quiet(true))]).toEqual(['notify', 'quiet-hours']);
    expect([verdict(message(1), quiet(false)), verdict(message(2), quiet(false))]).toEqual(['quiet-hours', 'quiet-hours']);
  });

  it('keeps a muted favourite quiet even when favourites break through quiet hours', () => {
    const ctx = context({
      conversations: [conversation(1, { favorite: true, muted: true })],
      silence: { kind: 'quiet-hours', until: NOW + 1, favouritesNotify: true },
    });
    expect(verdict(message(1), ctx)).toBe('muted');
  });

  it('does not show a message in the conversation on screen while the window has focus, but does otherwise', () => {
    expect(verdict(message(1), context({ openConversationId: cid(1), windowFocused: true }))).toBe('on-screen');
    expect(verdict(message(1), context({ openConversationId: cid(1), windowFocused: false }))).toBe('notify');
    expect(verdict(message(1), context({ openConversationId: cid(2), windowFocused: true }))).toBe('notify');
  });
});

describe('the notifications a batch makes', () => {
  it('one message: the sender as the title and the text as the body, opening its conversation', () => {
    const m = message(1, { text: 'Lunch at noon?' });
    expect(planNotifications([arrival(m)], context())).toEqual([
      { key: `conversation:${cid(1)}`, title: 'Bob', body: 'Lunch at noon?', conversationId: cid(1) },
    ]);
  });

  it('in a group, says where the message was written', () => {
    const ctx = context({ conversations: [conversation(1, { isGroup: true, name: 'Team' })] });
    expect(planNotifications([arrival(message(1))], ctx)[0]).toMatchObject({ title: 'Bob in Team' });
  });

  it('says a message could not be decrypted rather than showing nothing', () => {
    expect(planNotifications([arrival(message(1, { text: null }))], context())[0]!.body).toBe('New message (it could not be decrypted)');
  });

  it('one notification per conversation, however many messages: the count and the newest one', () => {
    const first = message(1, { text: 'one' });
    const second = message(1, { text: 'two', fromName: 'Carol' });
    const planned = planNotifications([arrival(first), arrival(second)], context());
    expect(planned).toEqual([{ key: `conversation:${cid(1)}`, title: 'Conversation 1', body: '2 new messages\nCarol: two', conversationId: cid(1) }]);
  });

  it('counts a message that came twice (a push and a poll racing) once', () => {
    const m = message(1);
    expect(planNotifications([arrival(m), arrival(m)], context())[0]!.body).toBe(m.text);
  });

  it(`shows up to ${MAX_SEPARATE} conversations separately, the most recent first`, () => {
    const planned = planNotifications([arrival(message(1)), arrival(message(2)), arrival(message(3))], context());
    expect(planned.map((p) => p.conversationId)).toEqual([cid(3), cid(2), cid(1)]);
  });

  it('makes a sync that brings 200 messages in 5 conversations one summary, not 200 notifications', () => {
    const arrivals = [1, 2, 3, 4, 5].map((n) => arrival(...Array.from({ length: 40 }, () => message(n))));
    expect(planNotifications(arrivals, context())).toEqual([
      { key: 'summary', title: 'Ozeki Chat', body: '200 new messages in 5 conversations', conversationId: null },
    ]);
  });

  it('leaves out what is not shown before counting, so a muted burst does not turn one message into a summary', () => {
    const ctx = context({ conversations: [conversation(1), ...[2, 3, 4, 5].map((n) => conversation(n, { muted: true }))] });
    const arrivals = [arrival(message(1)), ...[2, 3, 4, 5].map((n) => arrival(message(n), message(n)))];
    expect(planNotifications(arrivals, ctx)).toEqual([expect.objectContaining({ conversationId: cid(1), title: 'Bob' })]);
  });

  it('makes nothing of my own messages, history, or anything during Do not disturb', () => {
    expect(planNotifications([arrival(message(1, { mine: true }), message(1, { created: 0 }))], context())).toEqual([]);
    expect(planNotifications([arrival(message(1))], context({ silence: { kind: 'dnd', until: NOW + 60_000 } }))).toEqual([]);
    expect(planNotifications([], context())).toEqual([]);
  });

  it('showing only the sender, names who and where but never the text', () => {
    const ctx = context({ content: 'sender', conversations: [conversation(1), conversation(2, { isGroup: true, name: 'Team' })] });
    const planned = planNotifications(
      [
        arrival(message(1, { text: 'the door code is 4711' })),
        arrival(message(2, { text: 'secret one' }), message(2, { text: 'secret two', fromName: 'Carol' })),
      ],
      ctx,
    );
    expect(planned).toEqual([
      { key: `conversation:${cid(2)}`, title: 'Team', body: '2 new messages', conversationId: cid(2) },
      { key: `conversation:${cid(1)}`, title: 'Bob', body: 'New message', conversationId: cid(1) },
    ]);
    expect(planNotifications([arrival(message(2, { text: null }))], ctx)[0]).toMatchObject({ title: 'Bob in Team', body: 'New message' });
  });

  it('keeps the text to one clean line of reasonable length', () => {
    const body = planNotifications([arrival(message(1, { text: `line one\nline two\u202E ${'x'.repeat(500)}` }))], context())[0]!.body;
    expect(body.startsWith('line one line two x')).toBe(true);
    expect(body).not.toMatch(/[\n\u202E]/);
    expect([...body]).toHaveLength(200);
    expect(body.endsWith('…')).toBe(true);
  });
});
