import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SearchHit } from '../../../../app/ipc/views.js';
import { hitLabel, hitText, isSearchShortcut, NO_FILTERS, resultCommand, searchRequest, shortWhen } from './search.js';

const CONV = 'c'.repeat(32);
const BOB = 'b'.repeat(32);

function hit(over: Partial<SearchHit> = {}): SearchHit {
  return {
    conversationId: CONV,
    messageId: '00000000-0000-4000-8000-000000000001',
    from: BOB,
    fromName: 'Bob Brown',
    mine: false,
    created: new Date(2025, 2, 9, 14, 5).getTime(),
    segments: [
      { text: 'see you at the ', match: false },
      { text: 'café', match: true },
      { text: '!', match: false },
    ],
    ...over,
  };
}

const keys = (key: string, over: Partial<KeyboardEvent> = {}) => ({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...over });

afterEach(() => vi.unstubAllGlobals());

describe('searchRequest', () => {
  it('is null for nothing but spaces, and trims what was typed', () => {
    expect(searchRequest('   ', NO_FILTERS)).toBeNull();
    expect(searchRequest('  café  ', NO_FILTERS)).toEqual({ text: 'café', limit: 100 });
  });

  it('takes the filters that are set, the dates as local midnights, "until" as the midnight after its day', () => {
    const request = searchRequest('café', { conversationId: CONV, sender: BOB, from: '2025-03-01', until: '2025-03-09' });
    expect(request).toEqual({
      text: 'café',
      limit: 100,
      conversationId: CONV,
      sender: BOB,
      from: new Date(2025, 2, 1).getTime(),
      until: new Date(2025, 2, 10).getTime(),
    });
    // The last day of a month and of a year roll over.
    expect(searchRequest('x', { ...NO_FILTERS, until: '2024-12-31' })?.until).toBe(new Date(2025, 0, 1).getTime());
    expect(searchRequest('x', { ...NO_FILTERS, from: 'not a date' })).toEqual({ text: 'x', limit: 100 });
  });

  it('cuts what was typed to what the contract takes', () => {
    expect(searchRequest('a'.repeat(250), NO_FILTERS)?.text).toHaveLength(200);
  });
});

describe('result words', () => {
  it('names a result by what it shows (sender, time, whole text), then its conversation and full date', () => {
    expect(hitText(hit())).toBe('see you at the café!');
    const label = hitLabel('Bob and me', hit(), Date.now(), 'en-GB');
    expect(label).toMatch(/^Bob Brown .+ see you at the café!, in Bob and me, /);
    expect(label).toContain('2025');
  });

  it('dates a result short: the time today, "Yesterday", the day this year, with the year before', () => {
    const now = new Date(2025, 2, 10, 18).getTime();
    expect(shortWhen(new Date(2025, 2, 10, 9, 30).getTime(), now, 'en-GB')).toBe('9:30');
    expect(shortWhen(new Date(2025, 2, 9, 9, 30).getTime(), now, 'en-GB')).toBe('Yesterday');
    expect(shortWhen(new Date(2025, 0, 4).getTime(), now, 'en-GB')).toBe('4 Jan');
    expect(shortWhen(new Date(2023, 0, 4).getTime(), now, 'en-GB')).toBe('4 Jan 2023');
  });
});

describe('result keys', () => {
  it('moves with the arrows, Home and End, opens with Enter, and goes back up from the first', () => {
    expect(resultCommand(keys('ArrowDown'), -1, 3)).toEqual({ kind: 'move', index: 0 });
    expect(resultCommand(keys('ArrowDown'), 2, 3)).toEqual({ kind: 'move', index: 2 });
    expect(resultCommand(keys('ArrowUp'), 2, 3)).toEqual({ kind: 'move', index: 1 });
    expect(resultCommand(keys('ArrowUp'), 0, 3)).toEqual({ kind: 'back' });
    expect(resultCommand(keys('End'), 0, 3)).toEqual({ kind: 'move', index: 2 });
    expect(resultCommand(keys('Enter'), 1, 3)).toEqual({ kind: 'open' });
    expect(resultCommand(keys('Enter'), -1, 3)).toBeNull();
    expect(resultCommand(keys('ArrowDown', { ctrlKey: true }), 0, 3)).toBeNull();
    expect(resultCommand(keys('a'), 0, 3)).toBeNull();
  });
});

describe('isSearchShortcut', () => {
  it('is Ctrl+Shift+F on Windows and Linux', () => {
    vi.stubGlobal('navigator', { platform: 'Win32' });
    expect(isSearchShortcut(keys('F', { ctrlKey: true, shiftKey: true }))).toBe(true);
    expect(isSearchShortcut(keys('f', { ctrlKey: true }))).toBe(false); // Ctrl+F: the list's name filter
    expect(isSearchShortcut(keys('F', { metaKey: true, shiftKey: true }))).toBe(false);
    expect(isSearchShortcut(keys('F', { ctrlKey: true, shiftKey: true, altKey: true }))).toBe(false);
  });

  it('is ⌘⇧F on macOS', () => {
    vi.stubGlobal('navigator', { platform: 'MacIntel' });
    expect(isSearchShortcut(keys('f', { metaKey: true, shiftKey: true }))).toBe(true);
    expect(isSearchShortcut(keys('F', { ctrlKey: true, shiftKey: true }))).toBe(false);
  });
});
