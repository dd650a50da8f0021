import { describe, expect, it } from 'vitest';
import { ME_ID, messageView } from '../../../test/message-views.js';
import { canAct, canChange, DELETED_TEXT, excerptOf, lastEditable, quoteButtonLabel, quotedSender, reactionLabel } from './message-labels.js';

const CONV = 'c'.repeat(32);
const mine = (n: number, over = {}) => messageView(CONV, n, n, { from: ME_ID, fromName: 'Alice', mine: true, ...over });
const theirs = (n: number, over = {}) => messageView(CONV, n, n, over);

describe('excerptOf', () => {
  it('puts the text on one line and cuts it short with an ellipsis', () => {
    expect(excerptOf('one\n  two\tthree')).toBe('one two three');
    expect(excerptOf('abcdefghij', 6)).toBe('abcde…');
    expect(excerptOf('abcdef', 6)).toBe('abcdef');
  });

  it('says a deleted text was deleted', () => {
    expect(excerptOf(null)).toBe(DELETED_TEXT);
  });
});

describe('which messages can be acted on', () => {
  it('allows replies and reactions to any readable message, edits and deletes on one’s own only', () => {
    expect([canAct(theirs(1)), canChange(theirs(1))]).toEqual([true, false]);
    expect([canAct(mine(1)), canChange(mine(1))]).toEqual([true, true]);
  });

  it('allows nothing on a deleted or undecryptable message', () => {
    expect(canAct(mine(1, { deleted: true, text: null }))).toBe(false);
    expect(canAct(theirs(1, { text: null }))).toBe(false);
    expect(canChange(mine(1, { text: null }))).toBe(false);
  });
});

describe('lastEditable', () => {
  it('finds the user’s newest message that is not deleted, past newer messages from others', () => {
    const list = [mine(1), mine(2), mine(3, { deleted: true, text: null }), theirs(4)];
    expect(lastEditable(list)?.id).toBe(mine(2).id);
  });

  it('passes over a file sent without a caption, but not one with a caption', () => {
    const file = { name: 'a.pdf', size: 1, type: 'application/pdf', image: null, state: 'ready' as const, local: true, progress: null, error: null };
    expect(lastEditable([mine(1), mine(2, { file, text: '' })])?.id).toBe(mine(1).id);
    expect(lastEditable([mine(1), mine(2, { file, text: 'the minutes' })])?.id).toBe(mine(2).id);
  });

  it('finds nothing when the user has written nothing editable', () => {
    expect(lastEditable([theirs(1)])).toBeNull();
    expect(lastEditable([])).toBeNull();
  });
});

describe('labels', () => {
  it('names a reaction chip by its emoji, count and who gave it', () => {
    expect(reactionLabel({ emoji: '👍', count: 2, mine: true, names: ['You', 'Bob'] })).toBe('👍 2: You, Bob');
    expect(reactionLabel({ emoji: '🎉', count: 1, mine: false, names: [] })).toBe('🎉 1');
  });

  it('names a quote by whose message it shows and its text', () => {
    const quote = { id: 'x', fromName: 'Bob', mine: false, excerpt: 'hi there', present: true };
    expect(quotedSender(quote)).toBe('Bob');
    expect(quoteButtonLabel(quote)).toBe('Show the message from Bob: hi there');
    expect(quotedSender({ ...quote, mine: true })).toBe('You');
    expect(quoteButtonLabel({ ...quote, mine: true, excerpt: null })).toBe(`Show your message: ${DELETED_TEXT}`);
  });
});
