import { describe, expect, it } from 'vitest';
import type { Availability, ConversationView, LastMessage } from '../../../../app/ipc/views.js';
import { conversationView } from '../../../../test/support/core/views.js';
import { badgeText, listTime, previewOf, rowDescription, rowStyle } from './row-display.js';

/** Intl puts a narrow no-break space before "PM" in recent ICU versions; the words are what matter. */
const plain = (text: string) => text.replace(/[\u202f\u00a0]/g, ' ');
const at = (y: number, m: number, d: number, h = 12, min = 0) => new Date(y, m - 1, d, h, min).getTime();
const now = at(2025, 3, 12, 15, 0); // Wednesday 12 March 2025, local time

describe('listTime', () => {
  it('gives the time of day for a message sent today', () => {
    expect(plain(listTime(at(2025, 3, 12, 14, 52), now, 'en-US'))).toBe('2:52 PM');
    expect(plain(listTime(at(2025, 3, 12, 0, 0), now, 'en-US'))).toBe('12:00 AM');
    expect(listTime(at(2025, 3, 12, 14, 52), now, 'en-GB')).toBe('14:52');
  });

  it('gives the weekday for the six days before today, however close to midnight', () => {
    expect(listTime(at(2025, 3, 11, 23, 59), now, 'en-US')).toBe('Tue');
    expect(listTime(at(2025, 3, 6, 0, 1), now, 'en-US')).toBe('Thu');
  });

  it('gives the day and month earlier this year, and the date in other years', () => {
    expect(listTime(at(2025, 3, 5), now, 'en-US')).toBe('Mar 5');
    expect(listTime(at(2025, 3, 5), now, 'en-GB')).toBe('5 Mar');
    expect(listTime(at(2024, 12, 3), now, 'en-US')).toBe('12/03/24');
  });

  it('gives the date for a message dated after today (a clock that is behind)', () => {
    expect(listTime(at(2025, 3, 13), now, 'en-US')).toBe('03/13/25');
  });
});

const last = (over: Partial<LastMessage> = {}): LastMessage => ({
  fromName: 'Bob',
  mine: false,
  text: 'see you at 8',
  created: at(2025, 3, 12, 14, 52),
  ...over,
});
const oneToOne = (over: Partial<ConversationView> = {}) => conversationView(1, { name: 'Bob Brown', last: last(), ...over });
const group = (over: Partial<ConversationView> = {}) => conversationView(2, { name: 'Climbing', isGroup: true, last: last(), ...over });
const spoken = (c: ConversationView, presence: Availability | null = null) => plain(rowDescription(c, { now, presence, locale: 'en-US' }));

describe('previewOf', () => {
  it('names the sender in a group, says "You" for own messages, and no name for the other person of a 1:1', () => {
    expect(previewOf(group())).toEqual({ sender: 'Bob', text: 'see you at 8', kind: 'text' });
    expect(previewOf(group({ last: last({ mine: true, fromName: 'Alice' }) })).sender).toBe('You');
    expect(previewOf(oneToOne({ last: last({ mine: true }) })).sender).toBe('You');
    expect(previewOf(oneToOne()).sender).toBeNull();
  });

  it('says when the newest message cannot be decrypted, or there is none', () => {
    expect(previewOf(group({ last: last({ text: null, fromName: '' }) }))).toEqual({
      sender: null,
      text: 'Message cannot be decrypted',
      kind: 'undecryptable',
    });
    expect(previewOf(oneToOne({ last: null }))).toEqual({ sender: null, text: 'No messages yet', kind: 'empty' });
  });
});

describe('rowDescription', () => {
  it('reads like the row: unread count, sender and preview, time', () => {
    expect(spoken(group({ unread: 3 }))).toBe('3 unread. Bob: see you at 8. 2:52 PM');
    expect(spoken(group({ last: last({ mine: true }) }))).toBe('You: see you at 8. 2:52 PM');
  });

  it('leaves out an unread count of 0, and says the real count past 99', () => {
    expect(spoken(oneToOne())).toBe('see you at 8. 2:52 PM');
    expect(spoken(oneToOne({ unread: 120 }))).toBe('120 unread. see you at 8. 2:52 PM');
    expect(badgeText(120)).toBe('99+');
    expect(badgeText(99)).toBe('99');
  });

  it("adds the other person's presence in a 1:1 when known, then the marks", () => {
    expect(spoken(oneToOne({ muted: true, pending: true }), 'available')).toBe('see you at 8. 2:52 PM. Available. Muted. Waiting to sync');
    expect(spoken(oneToOne({ muted: true }))).toBe('see you at 8. 2:52 PM. Muted');
    expect(spoken(group(), 'busy')).toBe('Bob: see you at 8. 2:52 PM');
  });

  it('says there are no messages yet, without a time', () => {
    expect(spoken(oneToOne({ last: null }))).toBe('No messages yet');
  });

  it('does not double the full stop after a preview that ends a sentence', () => {
    expect(spoken(oneToOne({ last: last({ text: 'See you.' }) }))).toBe('See you. 2:52 PM');
    expect(spoken(oneToOne({ last: last({ text: 'Really?' }) }))).toBe('Really? 2:52 PM');
  });
});

describe('rowStyle', () => {
  it('colours a row with readable text, and leaves the default colour to the theme', () => {
    expect(rowStyle(oneToOne({ color: '#1e3a8a' }))).toBe('background-color: #1e3a8a; color: #ffffff; --row-bg: #1e3a8a;');
    expect(rowStyle(oneToOne({ color: '#ffffff' }))).toBe('');
  });
});
