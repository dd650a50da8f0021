import { describe, expect, it } from 'vitest';
import { EXCERPT_CHARS, excerpt, isReactionEmoji, readRich, richPlaintext, type MessagePlaintext } from '../index.js';

const ALICE = 'a'.repeat(32);
const ID = '0b5e0c5e-5b1a-4c1e-9a0e-0d3c7e1f2a3b';

describe('rich message plaintexts (profile)', () => {
  it('read back what they were written as, each with a text an older client can show', () => {
    const reply = richPlaintext.reply(ALICE, 'yes!', { id: ID, from: 'b'.repeat(32), text: 'see you\nat 8' });
    expect(readRich(reply)).toEqual({ kind: 'text', text: 'yes!', reply: { id: ID, from: 'b'.repeat(32), excerpt: 'see you at 8' }, file: null });

    const react = richPlaintext.react(ALICE, { id: ID, text: 'see you at 8' }, '👍', true);
    expect(react.text).toBe('Reacted 👍 to “see you at 8”');
    expect(readRich(react)).toEqual({ kind: 'react', target: ID, emoji: '👍', on: true });
    expect(richPlaintext.react(ALICE, { id: ID, text: 'x' }, '👍', false).text).toBe('Removed 👍 from “x”');

    const edit = richPlaintext.edit(ALICE, ID, 'see you at 9');
    expect(edit.text).toBe('Edited: see you at 9');
    expect(readRich(edit)).toEqual({ kind: 'edit', target: ID, text: 'see you at 9' });

    const del = richPlaintext.delete(ALICE, ID);
    expect(del.text).toBe('Deleted a message');
    expect(readRich(del)).toEqual({ kind: 'delete', target: ID });

    expect(readRich(richPlaintext.text(ALICE, 'plain'))).toEqual({ kind: 'text', text: 'plain', reply: null, file: null });
  });

  it('reads a malformed or oversized effect as an ordinary message, never throws', () => {
    const hostile: MessagePlaintext[] = [
      { from: ALICE, text: 'a', react: { id: ID, emoji: 'ok', on: true } },
      { from: ALICE, text: 'b', react: { id: ID, emoji: '<img src=x onerror=alert(1)>', on: true } },
      { from: ALICE, text: 'c', react: { id: ID, emoji: '👍'.repeat(40), on: true } },
      { from: ALICE, text: 'd', react: { id: 'not-an-id', emoji: '👍', on: true } },
      { from: ALICE, text: 'e', react: { id: ID, emoji: '👍', on: 'yes' } },
      { from: ALICE, text: 'f', edit: { id: ID, text: '' } },
      { from: ALICE, text: 'g', edit: { id: ID, text: 'x'.repeat(20_001) } },
      { from: ALICE, text: 'h', edit: 'everything' },
      { from: ALICE, text: 'i', delete: { id: 42 } },
      { from: ALICE, text: 'j', delete: null },
      { from: ALICE, text: 'k', reply: { id: ID, excerpt: 'x'.repeat(5000) } },
      { from: ALICE, text: 'l', reply: [ID] },
      // As decrypted plaintext arrives: parsed JSON, whose "__proto__" is a field, not a prototype.
      JSON.parse(`{"from":"${ALICE}","text":"m","react":{"__proto__":{"id":"${ID}","emoji":"👍","on":true}}}`) as MessagePlaintext,
    ];
    for (const body of hostile) {
      const read = readRich(body);
      expect(read.kind, JSON.stringify(body).slice(0, 80)).toBe('text');
      if (read.kind === 'text') {
        expect(read.text).toBe(body.text);
        expect(read.reply).toBeNull();
      }
    }
  });

  it('cuts an excerpt to one line of at most 200 characters, between emoji', () => {
    const long = `first line\n${'🙂'.repeat(300)}`;
    const cut = excerpt(long);
    expect(Array.from(cut)).toHaveLength(EXCERPT_CHARS);
    expect(cut.startsWith('first line 🙂')).toBe(true);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('takes as a reaction one emoji, with its modifiers, joiners and flags, and nothing else', () => {
    for (const ok of ['👍', '👍🏽', '❤️', '👩‍👩‍👧', '🇫🇷', '🎉', '✅']) expect(isReactionEmoji(ok), ok).toBe(true);
    for (const bad of ['', 'ok', '1', '👍 ', ' 👍', '👍a', '<3', '&', '👍'.repeat(17), '\u0000👍'])
      expect(isReactionEmoji(bad), JSON.stringify(bad)).toBe(false);
  });

  it('reads 5,000 random shapes of every field without throwing, and only well-formed effects as effects', () => {
    let seed = 12_345;
    const rand = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
    const values: unknown[] = [null, true, 0, -1, 1e308, '', 'x', '👍', 'ok', ID, ID.toUpperCase(), 'x'.repeat(30_000), [], [ID], {}, { id: ID }];
    const field = (): unknown => {
      if (rand() < 0.3) return pick(values);
      const o: Record<string, unknown> = {};
      for (const key of ['id', 'emoji', 'on', 'text', 'excerpt', 'from', '__proto__', 'constructor']) if (rand() < 0.6) o[key] = pick(values);
      return o;
    };
    for (let i = 0; i < 5000; i++) {
      const body: MessagePlaintext = { from: ALICE, text: `fallback ${i}` };
      for (const key of ['reply', 'react', 'edit', 'delete']) if (rand() < 0.5) body[key] = field();
      const read = readRich(body);
      if (read.kind === 'text') expect(read.text).toBe(body.text);
      else {
        // An effect names a message id, and a reaction one emoji.
        expect(read.target).toMatch(/^[0-9a-f-]{36}$/i);
        if (read.kind === 'react') expect(isReactionEmoji(read.emoji)).toBe(true);
        if (read.kind === 'edit') expect(read.text.length).toBeGreaterThan(0);
      }
    }
  });
});
