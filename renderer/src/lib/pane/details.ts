/**
 * The wording of the pane's header and of "Conversation details": the timer's choices, the member
 * count, and who is in the conversation with their presence. Pure, so the words are tested once.
 */
import type { Availability, ConversationView, FriendView } from '../../../../app/ipc/views.js';
import { DISAPPEARING_TIMERS } from '../../../../app/shared/rules.js';
import { presenceOf } from '../friends/presence.js';

/** Largest first: a timer reads in the largest unit it is a whole number of. */
const UNITS: readonly [seconds: number, one: string, many: string][] = [
  [604_800, 'week', 'weeks'],
  [86_400, 'day', 'days'],
  [3600, 'hour', 'hours'],
  [60, 'minute', 'minutes'],
  [1, 'second', 'seconds'],
];

/** "Off", "1 minute", "1 hour", "1 day", "1 week", "4 weeks"; any other whole number of seconds reads the same way. */
export function timerLabel(seconds: number): string {
  if (seconds <= 0) return 'Off';
  for (const [size, one, many] of UNITS) {
    if (seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${n === 1 ? one : many}`;
    }
  }
  // Not reached for whole seconds; a fraction still says something sensible.
  return `${seconds} seconds`;
}

/** The choices of the "Disappearing messages" control, in the order the rules list them. */
export const TIMER_CHOICES: readonly { seconds: number; label: string }[] = DISAPPEARING_TIMERS.map((seconds) => ({ seconds, label: timerLabel(seconds) }));

export function memberCountLabel(count: number): string {
  return `${count} ${count === 1 ? 'member' : 'members'}`;
}

/** Presence is known only for friends: the server shares it with them alone. */
export type KnownPresence = Availability | null;

export function presenceIn(friends: readonly FriendView[], userid: string): KnownPresence {
  const friend = friends.find((f) => f.userid === userid);
  return friend ? presenceOf(friend.availability) : null;
}

/**
 * The other person of a 1:1. Without a known `me` (or when `me` is not listed), the participant
 * who is a friend is the best guess: the user is never their own friend.
 */
export function otherParticipant(
  conversation: ConversationView,
  friends: readonly FriendView[],
  me: string,
): ConversationView['participants'][number] | undefined {
  const others = conversation.participants.filter((p) => p.userid !== me);
  return others.find((p) => presenceIn(friends, p.userid) !== null) ?? others[0];
}

/** What the header says under the name; each part is shown only when there is something to say. */
export type Subtitle = {
  /** The other person's presence (1:1 with a friend only). */
  presence: KnownPresence;
  /** "3 members" (groups only). */
  members: string | null;
  /** "Disappearing messages: 1 hour", when the timer is on. */
  timer: string | null;
};

export function subtitleOf(conversation: ConversationView, friends: readonly FriendView[], me: string): Subtitle {
  const other = conversation.isGroup ? undefined : otherParticipant(conversation, friends, me);
  // `timer` may be missing from views made before it existed; treat that as off.
  const timer = conversation.timer ?? 0;
  return {
    presence: other ? presenceIn(friends, other.userid) : null,
    members: conversation.isGroup ? memberCountLabel(conversation.participants.length) : null,
    timer: timer > 0 ? `Disappearing messages: ${timerLabel(timer)}` : null,
  };
}

export type Member = { userid: string; name: string; isMe: boolean; presence: KnownPresence };

const RANK: Record<Availability, number> = { available: 0, away: 1, busy: 2, offline: 3 };

/**
 * The members as "Conversation details" lists them: the user first (as "You"), then friends by
 * presence (available first) and name, then the people whose presence is not shared, by name.
 */
export function membersOf(conversation: ConversationView, friends: readonly FriendView[], me: string): Member[] {
  const members = conversation.participants.map((p) => ({
    userid: p.userid,
    name: p.userid === me ? 'You' : p.name,
    isMe: p.userid === me,
    presence: p.userid === me ? null : presenceIn(friends, p.userid),
  }));
  const rank = (m: Member): number => (m.isMe ? -1 : m.presence ? RANK[m.presence] : 4);
  return members.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}
