import { describe, expect, it } from 'vitest';
import type { FriendView } from '../../../../app/ipc/views.js';
import { conversationView } from '../../../../test/support/core/views.js';
import { memberCountLabel, membersOf, otherParticipant, subtitleOf, TIMER_CHOICES, timerLabel } from './details.js';

const ME = 'a'.repeat(32);
const BOB = 'b'.repeat(32);
const CAROL = 'c'.repeat(32);
const DAVE = 'd'.repeat(32);
const EVE = 'e'.repeat(32);

const friend = (userid: string, name: string, availability: string): FriendView => ({ userid, name, availability });
const person = (userid: string, name: string) => ({ userid, name });

describe('timerLabel', () => {
  it('names each disappearing-message choice in its largest whole unit', () => {
    expect(TIMER_CHOICES.map((c) => c.label)).toEqual(['Off', '1 minute', '1 hour', '1 day', '1 week', '4 weeks']);
    expect(TIMER_CHOICES.map((c) => c.seconds)).toEqual([0, 60, 3600, 86_400, 604_800, 2_419_200]);
  });

  it('reads other whole numbers of seconds the same way', () => {
    expect(timerLabel(7200)).toBe('2 hours');
    expect(timerLabel(90)).toBe('90 seconds');
    expect(timerLabel(1)).toBe('1 second');
    expect(timerLabel(-5)).toBe('Off');
  });
});

describe('memberCountLabel', () => {
  it('says "member" for one and "members" otherwise', () => {
    expect(memberCountLabel(1)).toBe('1 member');
    expect(memberCountLabel(3)).toBe('3 members');
    expect(memberCountLabel(0)).toBe('0 members');
  });
});

describe('subtitleOf', () => {
  const friends = [friend(BOB, 'Bob Brown', 'away'), friend(CAROL, 'Carol Clark', 'available')];

  it('gives the other person’s presence for a 1:1 with a friend', () => {
    const c = conversationView(1, { participants: [person(ME, 'Alice'), person(BOB, 'Bob Brown')] });
    expect(subtitleOf(c, friends, ME)).toEqual({ presence: 'away', members: null, timer: null });
  });

  it('gives no presence for a 1:1 with someone who is not a friend', () => {
    const c = conversationView(1, { participants: [person(ME, 'Alice'), person(EVE, 'Eve Evans')] });
    expect(subtitleOf(c, friends, ME).presence).toBeNull();
  });

  it('gives the member count, not a presence, for a group', () => {
    const c = conversationView(1, { isGroup: true, participants: [person(ME, 'Alice'), person(BOB, 'Bob Brown'), person(CAROL, 'Carol Clark')] });
    expect(subtitleOf(c, friends, ME)).toEqual({ presence: null, members: '3 members', timer: null });
  });

  it('adds the timer when it is set', () => {
    const c = conversationView(1, { timer: 3600, participants: [person(ME, 'Alice'), person(BOB, 'Bob Brown')] });
    expect(subtitleOf(c, friends, ME).timer).toBe('Disappearing messages: 1 hour');
  });
});

describe('otherParticipant', () => {
  it('without a known me, takes the participant who is a friend', () => {
    const c = conversationView(1, { participants: [person(ME, 'Alice'), person(BOB, 'Bob Brown')] });
    expect(otherParticipant(c, [friend(BOB, 'Bob Brown', 'busy')], '')?.userid).toBe(BOB);
  });
});

describe('membersOf', () => {
  it('lists me first as "You", then friends available first and by name, then people whose presence is not shared', () => {
    const c = conversationView(1, {
      isGroup: true,
      participants: [person(EVE, 'Eve Evans'), person(DAVE, 'Dave Doe'), person(BOB, 'Bob Brown'), person(ME, 'Alice'), person(CAROL, 'Carol Clark')],
    });
    const friends = [friend(BOB, 'Bob Brown', 'offline'), friend(CAROL, 'Carol Clark', 'available'), friend(DAVE, 'Dave Doe', 'available')];
    expect(membersOf(c, friends, ME).map((m) => [m.name, m.presence])).toEqual([
      ['You', null],
      ['Carol Clark', 'available'],
      ['Dave Doe', 'available'],
      ['Bob Brown', 'offline'],
      ['Eve Evans', null],
    ]);
  });
});
