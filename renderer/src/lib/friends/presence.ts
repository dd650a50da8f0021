/** How a friend's availability is shown. The wire value is a free string; unknown ones read as offline. */
import type { Availability, ConversationView, FriendView } from '../../../../app/ipc/views.js';

export const PRESENCE_LABELS: Record<Availability, string> = {
  available: 'Available',
  away: 'Away',
  busy: 'Busy',
  offline: 'Offline',
};

export function presenceOf(availability: string): Availability {
  const key = availability.trim().toLowerCase();
  return key in PRESENCE_LABELS ? (key as Availability) : 'offline';
}

export function presenceLabel(availability: string): string {
  return PRESENCE_LABELS[presenceOf(availability)];
}

/** What the user can set as their own availability; "offline" is shown to others as offline. */
export const OWN_PRESENCE_LABELS: Record<Availability, string> = {
  available: 'Available',
  away: 'Away',
  busy: 'Busy',
  offline: 'Appear offline',
};

const RANK: Record<Availability, number> = { available: 0, away: 1, busy: 2, offline: 3 };

/** Available people first, then away, busy and offline; by name within each. A new array. */
export function sortFriends<T extends { name: string; availability: string }>(friends: readonly T[]): T[] {
  return [...friends].sort((a, b) => RANK[presenceOf(a.availability)] - RANK[presenceOf(b.availability)] || a.name.localeCompare(b.name));
}

/**
 * The availability of the other person in a 1:1 conversation, for the dot on its list avatar; null
 * for a group, or when that person is not a friend (the server shares presence with friends only).
 * When `me` is not among the participants (not known yet), a participant who is a friend is taken:
 * the user is never their own friend.
 */
export function peerPresence(conversation: ConversationView, me: string, friends: readonly FriendView[]): Availability | null {
  if (conversation.isGroup) return null;
  for (const p of conversation.participants) {
    if (p.userid === me) continue;
    const friend = friends.find((f) => f.userid === p.userid);
    if (friend) return presenceOf(friend.availability);
  }
  return null;
}
