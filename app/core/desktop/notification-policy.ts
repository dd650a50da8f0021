/**
 * Which new messages become native notifications, and how many notifications they make.
 *
 * A message is shown only when all of these hold:
 * - it reached this device as it came in (ChatService's "messages-arrived" signal: fetched forward
 *   after a change, never a page of history the user scrolled to or the window asked for);
 * - it was created after this session began (less {@link CLOCK_SLACK_MS}: the server stamps the time
 *   with its clock, ours may differ): what piled up while the app was closed or signed out is history
 *   the list shows as unread, not news;
 * - it is not the user's own (sent from another device), and has not expired;
 * - its conversation is known, not muted and not hidden;
 * - nothing holds notifications back (the {@link Silence} of quiet-hours.ts: notifications off, Do not
 *   disturb, the system's Do not disturb), or only quiet hours do, the conversation is a favourite
 *   and favourites may break through;
 * - it is not in the conversation on screen while the window has focus (the user is reading it).
 *
 * With `content: 'sender'` a notification says who and where, never what: "New message" or
 * "3 new messages" under the sender's or the conversation's name (someone may be looking at the screen).
 *
 * Coalescing: one notification per conversation, however many messages it got ("3 new messages"
 * with the newest one), and when more than {@link MAX_SEPARATE} conversations have news at once (a
 * sync after a long time offline) a single summary instead. The caller gathers arrivals for a moment
 * before asking, so a burst of events makes one decision.
 */
import type { ConversationView, MessageView, Silence } from '../../ipc/views.js';
import { APP_NAME, displayText } from './tray-menu.js';

/** Messages that reached the device for one conversation (ChatService's messages-arrived signal). */
export type Arrival = { conversationId: string; messages: readonly MessageView[] };

export type NotificationContext = {
  now: number;
  /** When the session began: older messages are history. */
  sessionStart: number;
  /** What holds notifications back now (silenceAt in quiet-hours.ts). */
  silence: Silence;
  /** Show the message's text, or only who it is from. */
  content: 'text' | 'sender';
  conversation(id: string): ConversationView | undefined;
  openConversationId: string | null;
  windowFocused: boolean;
};

export type PlannedNotification = {
  /** Identifies what it is about, to replace an older notification for the same thing. */
  key: string;
  title: string;
  body: string;
  /** Opened on click; null for the summary, which opens the window as it was. */
  conversationId: string | null;
  /** The account it is about (the desktop controller sets it; a click opens that account). */
  accountId?: string;
};

export type Verdict =
  'notify' | 'mine' | 'history' | 'expired' | 'unknown-conversation' | 'muted' | 'hidden' | 'off' | 'dnd' | 'system-dnd' | 'quiet-hours' | 'on-screen';

/** Server and client clocks may disagree by this much (the API refuses requests further apart). */
export const CLOCK_SLACK_MS = 5 * 60_000;
/** More conversations with news than this at once make one summary notification. */
export const MAX_SEPARATE = 3;
/** Notification bodies are cut here; the window shows the rest. */
export const MAX_BODY_CHARS = 200;

/** Why a message is or is not shown (the first reason that applies, in the order of the rules). */
export function verdict(message: MessageView, ctx: NotificationContext): Verdict {
  if (message.mine) return 'mine';
  if (message.created < ctx.sessionStart - CLOCK_SLACK_MS) return 'history';
  if (message.validUntil && message.validUntil <= ctx.now) return 'expired';
  const conversation = ctx.conversation(message.conversationId);
  if (!conversation) return 'unknown-conversation';
  if (conversation.muted) return 'muted';
  if (conversation.hidden) return 'hidden';
  const held = silenced(ctx.silence, conversation);
  if (held) return held;
  if (ctx.windowFocused && ctx.openConversationId === message.conversationId) return 'on-screen';
  return 'notify';
}

function silenced(silence: Silence, conversation: ConversationView): Verdict | null {
  switch (silence.kind) {
    case 'none':
      return null;
    case 'off':
      return 'off';
    case 'dnd':
      return 'dnd';
    case 'system':
      return 'system-dnd';
    case 'quiet-hours':
      return silence.favouritesNotify && conversation.favorite ? null : 'quiet-hours';
  }
}

/** The notifications a batch of arrivals makes, most recent conversation first. */
export function planNotifications(arrivals: readonly Arrival[], ctx: NotificationContext): PlannedNotification[] {
  const seen = new Set<string>();
  const byConversation = new Map<string, MessageView[]>();
  for (const arrival of arrivals) {
    for (const message of arrival.messages) {
      // The same message may come in twice (a push and a poll racing): it counts once.
      if (seen.has(message.id) || verdict(message, ctx) !== 'notify') continue;
      seen.add(message.id);
      const list = byConversation.get(message.conversationId) ?? [];
      list.push(message);
      byConversation.set(message.conversationId, list);
    }
  }
  const groups = [...byConversation.entries()].map(([id, messages]) => ({
    conversation: ctx.conversation(id)!,
    messages: messages.sort((a, b) => a.created - b.created),
  }));
  if (!groups.length) return [];
  groups.sort((a, b) => b.messages.at(-1)!.created - a.messages.at(-1)!.created);

  if (groups.length > MAX_SEPARATE) {
    const total = groups.reduce((n, g) => n + g.messages.length, 0);
    return [{ key: 'summary', title: APP_NAME, body: `${total} new messages in ${groups.length} conversations`, conversationId: null }];
  }
  return groups.map(({ conversation, messages }) => conversationNotification(conversation, messages, ctx.content));
}

function conversationNotification(
  conversation: ConversationView,
  messages: readonly MessageView[],
  content: NotificationContext['content'],
): PlannedNotification {
  const newest = messages.at(-1)!;
  const sender = displayText(newest.fromName || 'Someone');
  const name = displayText(conversation.name);
  const text = newest.text === null ? 'New message (it could not be decrypted)' : displayText(newest.text, MAX_BODY_CHARS);
  if (messages.length === 1) {
    return {
      key: `conversation:${conversation.id}`,
      // In a one-to-one conversation the sender says it all; in a group, say where too.
      title: conversation.isGroup ? `${sender} in ${name}` : sender,
      body: content === 'text' ? text : 'New message',
      conversationId: conversation.id,
    };
  }
  return {
    key: `conversation:${conversation.id}`,
    title: name,
    body: content === 'text' ? `${messages.length} new messages\n${sender}: ${text}` : `${messages.length} new messages`,
    conversationId: conversation.id,
  };
}
