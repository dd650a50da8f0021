/**
 * Message search with real parts: an encrypted local database on disk, messages sealed as the
 * server holds them (test/support/core/search-corpus.ts, and hand-made ones under a conversation
 * key wrapped for the same keyring), the real indexer decrypting them into the real FTS5 indexes,
 * and the real search service ranking what they answer. What a search must find is worked out
 * independently, from the plaintexts, with simple string checks of the tests' own.
 */
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newConversationKey, sealMessage } from '../../../protocol/index.js';
import type { SearchRequest } from '../../ipc/contract.js';
import { LOCAL_DB_FILE, openLocalDb } from '../store/local-db.js';
import type { LocalStore, Sqlite } from '../store/local-store.js';
import { BUSY_WAIT_MS, BUSY_WAITS, INDEX_BATCH, INDEX_PAUSE_MS, SearchIndexer, TIDY_PAUSE_MS } from './indexer.js';
import type { MessageSearch } from './search-service.js';
import { CORPUS_ME, CORPUS_OTHER, makeCorpus, type Corpus } from '../../../test/support/core/search-corpus.js';
import { hitIds, sealedConversation, searchOver, type Said } from '../../../test/support/core/search-fixtures.js';
import { DelayTimers } from '../../../test/support/core/delay-timers.js';
import { openRaw, TEST_DB_KEY } from '../../../test/support/core/store/db-key.js';
import { cid, conversation, message, tempDir } from '../../../test/support/core/store/fixtures.js';

const T0 = Date.UTC(2026, 1, 1, 12, 0, 0);
const MINUTE = 60_000;

let corpus: Corpus;
let tmp: ReturnType<typeof tempDir>;
let store: LocalStore;
let search: MessageSearch;
/** The same search without catching up first: what the index holds now. */
let peek: MessageSearch;
let indexer: SearchIndexer;
let timers: DelayTimers;
/** Every message stored and what it says, by message id: the oracle. */
let said: Map<string, Said>;
let phrases: ReturnType<typeof sealedConversation>;
let elsewhere: ReturnType<typeof sealedConversation>;

/** Hand-made messages: [id, conversation, minutes after T0, text, sender, valid until]. */
const HAND: [string, 'phrases' | 'elsewhere', number, string, string, string?][] = [
  ['p1', 'phrases', 0, 'Un café ?', CORPUS_OTHER],
  ['p2', 'phrases', 1, 'Crème brûlée for dessert?', CORPUS_ME],
  ['p3', 'phrases', 2, "On va sous l'arbre.", CORPUS_OTHER],
  ['p4', 'phrases', 3, 'Rendez-vous sous l’arbre', CORPUS_ME],
  ['p5', 'phrases', 4, 'See https://www.example.com/x', CORPUS_OTHER],
  ['p6', 'phrases', 5, 'counterexample found', CORPUS_OTHER],
  ['p7', 'phrases', 6, 'deca only', CORPUS_OTHER],
  ['e1', 'elsewhere', 7, 'CAFÉ NOIR, SVP', CORPUS_OTHER],
  ['e2', 'elsewhere', 8, 'an example of a decafe', CORPUS_ME],
  ['e3', 'elsewhere', 9, 'un café qui disparaît', CORPUS_OTHER, '2026-03-01 00:00:00'],
];

beforeAll(async () => {
  corpus = await makeCorpus({ conversations: 3, perConversation: 100 });
});

beforeEach(() => {
  tmp = tempDir('ozeki-search-');
  store = openLocalDb(tmp.dir, { key: TEST_DB_KEY }).db;
  ({ search, peek, indexer, timers } = searchOver(store, corpus.keyring));
  phrases = sealedConversation(corpus.keyring, cid(100), 'Phrases');
  elsewhere = sealedConversation(corpus.keyring, cid(101), 'Elsewhere');
  store.replaceConversations([...corpus.conversations, phrases.conversation, elsewhere.conversation]);
  said = new Map(corpus.texts);
  for (const [id, list] of corpus.messages) store.putMessages(id, list);
  for (const [id, where, minutes, text, from, validUntil] of HAND) {
    const { message: m, said: s } = (where === 'phrases' ? phrases : elsewhere).say(id, T0 + minutes * MINUTE, text, { from, validUntil });
    store.putMessages(s.conversationId, [m]);
    said.set(id, s);
  }
  expect(indexer.drain()).toBe(corpus.texts.size + HAND.length);
});

afterEach(() => {
  indexer.dispose();
  store.close();
  tmp.remove();
});

/** A second connection to the same file, to look at the index behind the store's back. */
function raw<T>(fn: (db: Sqlite) => T): T {
  const db = openRaw(join(tmp.dir, LOCAL_DB_FILE));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const find = (text: string, req: Omit<SearchRequest, 'text'> = {}): string[] => hitIds(search.search({ text, limit: 200, ...req }));
/** What the index answers now, without the indexer catching up first. */
const indexed = (text: string, req: Omit<SearchRequest, 'text'> = {}): string[] => hitIds(peek.search({ text, limit: 200, ...req }));
/** The stored messages whose plaintext passes `check`, as a sorted list of ids. */
const where = (check: (s: Said, id: string) => boolean): string[] =>
  [...said]
    .filter(([id, s]) => check(s, id))
    .map(([id]) => id)
    .sort();
const sorted = (ids: string[]): string[] => [...ids].sort();

/**
 * The tests' own ranking of one lower-case corpus word in a text: 3 a whole word, 2 the start of a
 * word, 1 inside a word (3 or more letters only), 0 not there.
 */
function tier(text: string, word: string): number {
  const plain = text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const tokens = plain.split(/[^\p{L}\p{N}]+/u);
  if (tokens.includes(word)) return 3;
  if (tokens.some((t) => t.startsWith(word))) return 2;
  return word.length >= 3 && plain.includes(word) ? 1 : 0;
}
const holds = (text: string, word: string): boolean => tier(text, word) > 0;

/**
 * A corpus word that some messages hold whole, some at the start of a longer word and some inside
 * one; fewer than a page of them (200), so every match is on it.
 */
function mixedWord(): string {
  const word = corpus.vocabulary.find((w) => {
    if (w.length < 3) return false;
    const tiers = [...corpus.texts.values()].map((t) => tier(t.text, w));
    const held = tiers.filter((x) => x > 0).length;
    return [1, 2, 3].every((x) => tiers.includes(x)) && held >= 8 && held <= 150;
  });
  expect(word, 'the corpus has a word held whole, at word starts and inside words').toBeDefined();
  return word!;
}

describe('what a search finds', () => {
  it('finds "café" by "cafe", "CAFE" and "café", whole words first, then the inside of words', () => {
    const expected = where((s) => /caf[eé]/i.test(s.text));
    expect(expected).toEqual(expect.arrayContaining(['p1', 'e1', 'e2', 'e3']));
    for (const text of ['cafe', 'CAFE', 'café', 'Café']) expect(sorted(find(text)), text).toEqual(expected);
    // "decafe" holds it only inside a word: after the whole words, though older.
    expect(find('cafe', { conversationId: cid(101) })).toEqual(['e3', 'e1', 'e2']);
  });

  it('finds "Crème brûlée" by "creme brulee", every word required', () => {
    const expected = where((s) => /crème/i.test(s.text) && /brûlée/i.test(s.text));
    expect(expected).toContain('p2');
    expect(sorted(find('creme brulee'))).toEqual(expected);
    expect(sorted(find('CRÈME BRULEE'))).toEqual(expected);
    expect(find('creme caramel')).toEqual([]);
  });

  it('finds "l\'arbre" by "arbre", with a straight or a curly apostrophe', () => {
    const expected = where((s) => /l['’]arbre/.test(s.text));
    expect(expected).toEqual(expect.arrayContaining(['p3', 'p4']));
    expect(sorted(find('arbre'))).toEqual(expected);
    expect(sorted(find("l'arbre"))).toEqual(expected);
    expect(sorted(find('l’arbre'))).toEqual(expected);
  });

  it('finds a word inside a link and inside a longer word: "example" finds the URL and "counterexample"', () => {
    const expected = where((s) => /example/i.test(s.text));
    expect(expected).toEqual(expect.arrayContaining(['p5', 'p6', 'e2']));
    const found = find('example');
    expect(sorted(found)).toEqual(expected);
    expect(found.indexOf('p6')).toBeGreaterThan(found.indexOf('p5'));
    expect(sorted(find('counterexample'))).toEqual(where((s) => /counterexample/i.test(s.text)));
    expect(sorted(find('www.example.com'))).toEqual(where((s) => s.text.includes('www.example.com')));
  });

  it('finds a 2-letter word only at the start of a word: "ca" finds "café", not "deca"', () => {
    const expected = where((s) => /(^|[^\p{L}\p{N}])ca/iu.test(s.text));
    expect(expected).toEqual(expect.arrayContaining(['p1', 'e1', 'e3']));
    expect(expected).not.toContain('p7');
    expect(expected).not.toContain('e2');
    expect(sorted(find('ca'))).toEqual(expected);
    expect(sorted(find('CA'))).toEqual(expected);
  });

  /** The hits are exactly the messages holding `word`, best tier first and newest first within a tier, conversation by conversation. */
  function expectRanked(word: string): void {
    const expected = [...said]
      .map(([id, s]) => ({ id, s, tier: tier(s.text, word) }))
      .filter((x) => x.tier > 0)
      .sort((a, b) => b.tier - a.tier || b.s.created - a.s.created)
      .map((x) => x.id);
    expect(expected.length, word).toBeGreaterThan(3);
    expect(expected.length, word).toBeLessThan(200);
    const results = search.search({ text: word, limit: 200 });
    expect(sorted(hitIds(results))).toEqual(sorted(expected));
    // Each conversation's hits in that order, and the conversations in the order of their best hits.
    for (const g of results.groups) {
      const order = g.hits.map((h) => h.messageId);
      expect(order).toEqual(expected.filter((id) => order.includes(id)));
    }
    const leads = results.groups.map((g) => expected.indexOf(g.hits[0]!.messageId));
    expect(leads).toEqual([...leads].sort((a, b) => a - b));
    expect(results.more).toBe(false);
  }

  it('finds every corpus message holding a word, whole words first, then word starts, then the inside of words, newest first within each', () => {
    expectRanked(mixedWord());
  });

  it('finds a 2-letter word at word starts across the corpus, whole words first, newest first within each', () => {
    expectRanked('ka');
    expect(tier('deka', 'ka')).toBe(0);
  });

  it('requires every word of a query, wherever they are in the message', () => {
    const [a, b] = [corpus.vocabulary[0]!, mixedWord()];
    const expected = where((s) => holds(s.text, a) && holds(s.text, b));
    expect(expected.length).toBeGreaterThan(0);
    expect(sorted(find(`${a} ${b}`))).toEqual(expected);
    expect(sorted(find(`${b} ${a}`))).toEqual(expected);
  });

  it('groups hits by conversation under its decrypted name, best group first, with who wrote each', () => {
    const results = search.search({ text: 'cafe', limit: 200 });
    expect(results.text).toBe('cafe');
    expect(results.waiting).toBe(0);
    // Whole-word hits tie on relevance: the newest (e3, in Elsewhere) leads.
    expect(results.groups[0]).toMatchObject({ conversationId: cid(101), conversationName: 'Elsewhere' });
    expect(results.groups[0]!.hits.map((h) => h.messageId)).toEqual(['e3', 'e1', 'e2']);
    expect(results.groups[1]).toMatchObject({ conversationId: cid(100), conversationName: 'Phrases' });
    expect(results.groups[1]!.hits[0]).toEqual({
      conversationId: cid(100),
      messageId: 'p1',
      from: CORPUS_OTHER,
      fromName: 'Other',
      mine: false,
      created: T0,
      segments: [
        { text: 'Un ', match: false },
        { text: 'café', match: true },
        { text: ' ?', match: false },
      ],
    });
    const mine = search.search({ text: 'decafe', conversationId: cid(101) }).groups[0]!.hits[0]!;
    expect(mine).toMatchObject({ messageId: 'e2', from: CORPUS_ME, fromName: 'You', mine: true, created: T0 + 8 * MINUTE });
    for (const g of results.groups) expect(new Set(g.hits.map((h) => h.conversationId))).toEqual(new Set([g.conversationId]));
  });

  it('caps the hits at the limit and says there were more', () => {
    const word = mixedWord();
    const all = find(word);
    expect(all.length).toBeGreaterThan(3);
    const first = search.search({ text: word, limit: 3 });
    expect(first.groups.flatMap((g) => g.hits)).toHaveLength(3);
    expect(first.more).toBe(true);
  });

  it('treats quotes and FTS5 operators typed by the user as plain text, and never fails on them', () => {
    const cafe = sorted(find('café'));
    for (const text of ['"café"', 'café*', '-café', '+café', '(café', 'café)', '^café', 'café"*']) {
      expect(sorted(find(text)), text).toEqual(cafe);
    }
    // A column filter is two words.
    expect(sorted(find('body:café'))).toEqual(where((s) => holds(s.text, 'body') && /caf[eé]/i.test(s.text)));
    // A quote inside a word splits it: "caf" is searched, the lone "e" left out.
    expect(sorted(find('caf"é'))).toEqual(where((s) => /caf/i.test(s.text)));
    expect(sorted(find('NEAR(café'))).toEqual(where((s) => /near/i.test(s.text) && /caf[eé]/i.test(s.text)));
    expect(sorted(find('café AND noir'))).toEqual(where((s) => /and/i.test(s.text) && /caf[eé]/i.test(s.text) && /noir/i.test(s.text)));
    expect(sorted(find('café OR arbre'))).toEqual(where((s) => /(^|[^\p{L}])or/iu.test(s.text) && /caf[eé]/i.test(s.text) && /arbre/i.test(s.text)));
    for (const text of ['"', '*', '-', 'AND', 'NEAR(', '"*"', "'", '(', ')', ':']) {
      expect(() => search.search({ text }), text).not.toThrow();
    }
    expect(search.search({ text: '*' })).toEqual({ text: '*', groups: [], more: false, waiting: 0 });
  });

  // The FTS5 tokenizers fold the accents of Latin letters only: a Cyrillic "й" or "ё", a Greek
  // accent, a Japanese dakuten or a Hangul syllable must reach the index as written.
  it('finds words in Cyrillic, Greek, Japanese and Korean typed exactly as written', () => {
    const texts: [string, string][] = [
      ['Привет, мой друг', 'мой'],
      ['Ёлка стоит', 'ёлка'],
      ['Ένας καφές', 'καφές'],
      ['がっこうに行く', 'がっこう'],
      ['한국어 공부', '한국어'],
    ];
    store.putMessages(
      cid(100),
      texts.map(([text], i) => phrases.say(`x${i}`, T0 + (20 + i) * MINUTE, text).message),
    );
    indexer.drain();
    const missed = texts.filter(([, query], i) => !find(query).includes(`x${i}`)).map(([, query]) => query);
    expect(missed).toEqual([]);
  });

  it('finds words in other scripts that carry no combining marks', () => {
    store.putMessages(cid(100), [phrases.say('y1', T0 + 30 * MINUTE, 'Привет, друг').message, phrases.say('y2', T0 + 31 * MINUTE, 'Ευχαριστώ πολύ').message]);
    indexer.drain();
    expect(find('привет')).toEqual(['y1']);
    expect(find('ДРУГ')).toEqual(['y1']);
    expect(find('ευχαρ')).toEqual(['y2']);
  });
});

describe('filters', () => {
  it('keeps to one conversation', () => {
    const word = mixedWord();
    const conversationId = corpus.conversations[1]!.id;
    const expected = where((s) => s.conversationId === conversationId && holds(s.text, word));
    expect(expected.length).toBeGreaterThan(0);
    expect(sorted(find(word, { conversationId }))).toEqual(expected);
    expect(sorted(find('cafe', { conversationId: cid(100) }))).toEqual(['p1']);
  });

  it('keeps to one sender', () => {
    const word = mixedWord();
    const expected = where((s) => s.from === CORPUS_OTHER && holds(s.text, word));
    expect(expected.length).toBeGreaterThan(0);
    expect(sorted(find(word, { sender: CORPUS_OTHER }))).toEqual(expected);
    expect(sorted(find('example', { sender: CORPUS_ME }))).toEqual(where((s) => s.from === CORPUS_ME && /example/i.test(s.text)));
  });

  it('keeps to a time range: from included, until excluded', () => {
    const word = mixedWord();
    const matching = [...said].filter(([, s]) => holds(s.text, word)).sort(([, a], [, b]) => a.created - b.created);
    expect(matching.length).toBeGreaterThan(6);
    const from = matching[2]![1].created;
    const until = matching[matching.length - 3]![1].created;
    const expected = where((s) => holds(s.text, word) && s.created >= from && s.created < until);
    const found = sorted(find(word, { from, until }));
    expect(found).toEqual(expected);
    expect(found).toContain(matching[2]![0]);
    expect(found).not.toContain(matching[matching.length - 3]![0]);
    // Down to the second, as Ozeki times have it.
    expect(find('cafe', { from: T0, until: T0 + 1000 })).toEqual(['p1']);
    expect(find('cafe', { from: T0 + 1, until: T0 + 7 * MINUTE })).toEqual([]);
    expect(sorted(find('cafe', { from: T0 + 7 * MINUTE }))).toEqual(['e1', 'e2', 'e3']);
  });

  it('combines the filters', () => {
    expect(find('cafe', { conversationId: cid(101), sender: CORPUS_OTHER, until: T0 + 8 * MINUTE })).toEqual(['e1']);
  });
});

describe('ranking', () => {
  it('puts a whole-word match above a newer match inside a word', () => {
    const c = sealedConversation(corpus.keyring, cid(110), 'Ranking');
    store.putConversation(c.conversation);
    store.putMessages(cid(110), [c.say('r1', T0, 'an example here').message, c.say('r2', T0 + MINUTE, 'a counterexample').message]);
    expect(find('example', { conversationId: cid(110) })).toEqual(['r1', 'r2']);
  });

  it('puts the start of a word above a newer match inside a word, and below an older whole word', () => {
    const c = sealedConversation(corpus.keyring, cid(110), 'Ranking');
    store.putConversation(c.conversation);
    store.putMessages(cid(110), [
      c.say('r1', T0, 'examples everywhere').message,
      c.say('r2', T0 + MINUTE, 'a counterexample').message,
      c.say('r0', T0 - MINUTE, 'example').message,
    ]);
    expect(find('example', { conversationId: cid(110) })).toEqual(['r0', 'r1', 'r2']);
  });

  it('puts the newer of two equally good matches first, even when only the inside of a word found it', () => {
    const c = sealedConversation(corpus.keyring, cid(110), 'Ranking');
    store.putConversation(c.conversation);
    // Both score a whole word plus an inside match, or two word starts: the same.
    store.putMessages(cid(110), [c.say('older', T0, 'unique examples').message, c.say('newer', T0 + MINUTE, 'un counterexample').message]);
    expect(find('un example', { conversationId: cid(110) })).toEqual(['newer', 'older']);
  });

  it('puts the newer of two equally good matches first', () => {
    const c = sealedConversation(corpus.keyring, cid(110), 'Ranking');
    store.putConversation(c.conversation);
    store.putMessages(cid(110), [c.say('old', T0, 'example one').message, c.say('new', T0 + MINUTE, 'example two').message]);
    expect(find('example', { conversationId: cid(110) })).toEqual(['new', 'old']);
  });
});

describe('the index follows the messages', () => {
  /** Both FTS tables hold exactly the rows' ids: nothing deleted lingers in them. */
  const expectFtsInStep = () =>
    raw((db) => {
      const rows = db.prepare('SELECT count(*) FROM search_rows').pluck().get();
      for (const table of ['search_words', 'search_trigrams']) {
        expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(rows);
        expect(db.prepare(`SELECT count(*) FROM ${table} WHERE rowid NOT IN (SELECT fts_id FROM search_rows)`).pluck().get(), table).toBe(0);
      }
    });
  const rowsOf = (conversationId: string) =>
    raw((db) => db.prepare('SELECT count(*) FROM search_rows WHERE conversation_id = ?').pluck().get(conversationId) as number);

  it('forgets the messages clearMessages deletes', () => {
    const before = raw((db) => db.prepare('SELECT count(*) FROM search_rows').pluck().get() as number);
    store.clearMessages(cid(100));
    expect(indexed('cafe')).not.toContain('p1');
    expect(indexed('cafe')).toContain('e1');
    expect(sorted(find('arbre'))).toEqual(where((s) => s.conversationId !== cid(100) && /arbre/.test(s.text)));
    expect(raw((db) => db.prepare('SELECT count(*) FROM search_rows').pluck().get())).toBe(before - 7);
    expectFtsInStep();
  });

  it('forgets the messages of a conversation removeConversation deletes', () => {
    expect(rowsOf(cid(100))).toBe(7);
    store.removeConversation(cid(100));
    expect(rowsOf(cid(100))).toBe(0);
    expect(rowsOf(cid(101))).toBe(3);
    expectFtsInStep();
    expect(indexed('cafe')).not.toContain('p1');
    expect(indexed('example')).not.toContain('p5');
    expect(indexed('cafe')).toContain('e1');
  });

  it('forgets the messages of a conversation replaceConversations leaves out', () => {
    store.replaceConversations([...corpus.conversations, elsewhere.conversation]);
    expect(rowsOf(cid(100))).toBe(0);
    expect(rowsOf(cid(101))).toBe(3);
    expect(indexed('cafe')).not.toContain('p1');
    expect(indexed('cafe')).toContain('e1');
    expect(sorted(find('example'))).toEqual(where((s) => s.conversationId !== cid(100) && /example/.test(s.text)));
  });

  it('forgets the messages deleteExpiredMessages deletes, and only those', () => {
    expect(indexed('disparait')).toEqual(['e3']);
    expect(store.deleteExpiredMessages(Date.UTC(2026, 2, 1))).toEqual([{ conversationId: cid(101), id: 'e3' }]);
    expect(indexed('disparait')).toEqual([]);
    expectFtsInStep();
    expect(sorted(indexed('cafe'))).toEqual(where((s, id) => id !== 'e3' && /caf[eé]/i.test(s.text)));
  });

  it('takes a message changed in place (new Data) out at once, and indexes its new text when the indexer runs again', () => {
    store.putMessages(cid(100), [phrases.say('p1', T0, 'Un thé vert ?').message]);
    expect(indexed('cafe')).not.toContain('p1');
    expect(indexed('the vert')).toEqual([]);
    expect(store.search.waitingCount()).toBe(1);
    expectFtsInStep();
    expect(indexer.drain()).toBe(1);
    expect(indexed('the vert')).toEqual(['p1']);
    expect(indexed('cafe')).not.toContain('p1');
    expect(find('vert')).toEqual(['p1']);
  });

  it('shows nothing of a conversation whose clear is still on its way, even what the index still holds', () => {
    store.enqueue({ kind: 'clear', conversationId: cid(100), instance: phrases.conversation.instance });
    expect(rowsOf(cid(100))).toBe(7);
    expect(find('cafe', { conversationId: cid(100) })).toEqual([]);
    expect(find('arbre')).toEqual(where((s) => s.conversationId !== cid(100) && /arbre/.test(s.text)));
    expect(find('cafe', { conversationId: cid(101) })).toEqual(['e3', 'e1', 'e2']);
  });

  it('leaves a message stored again unchanged where it is, without indexing it again', () => {
    store.putMessages(cid(100), [store.message(cid(100), 'p1')!]);
    expect(store.search.waitingCount()).toBe(0);
    expect(indexed('cafe')).toContain('p1');
  });

  it('forgetting a conversation (Clear) takes it out of the index at once, its messages still stored, and leaves the others', () => {
    // One more message, not indexed yet: it must not come in later either.
    store.putMessages(cid(100), [phrases.say('p9', T0 + 20 * MINUTE, 'un café de plus').message]);
    store.search.forgetConversation(cid(100));
    expect(indexed('cafe', { conversationId: cid(100) })).toEqual([]);
    expect(sorted(indexed('cafe'))).toEqual(where((s) => s.conversationId !== cid(100) && /caf[eé]/i.test(s.text)));
    expect(store.message(cid(100), 'p1')).toBeDefined();
    expect(store.search.waitingCount()).toBe(0);
    expect(rowsOf(cid(100))).toBe(0);
    expectFtsInStep();
    indexer.drain();
    expect(indexed('cafe', { conversationId: cid(100) })).toEqual([]);
    // What arrives afterwards is indexed as usual.
    store.putMessages(cid(101), [elsewhere.say('e9', T0 + 21 * MINUTE, 'encore un café').message]);
    indexer.drain();
    expect(indexed('encore')).toEqual(['e9']);
  });

  it('leaves nothing findable after sign-out (clearAll): no rows, no queue, empty FTS tables', () => {
    const counts = (db: Sqlite) =>
      ['search_rows', 'search_queue', 'search_words', 'search_trigrams'].map((t) => db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number);
    expect(raw(counts)[0]).toBe(said.size);
    store.clearAll();
    expect(raw(counts)).toEqual([0, 0, 0, 0]);
    raw((db) => {
      expect(db.prepare(`SELECT rowid FROM search_words WHERE search_words MATCH '"cafe"*'`).all()).toEqual([]);
      expect(db.prepare(`SELECT rowid FROM search_trigrams WHERE search_trigrams MATCH '"caf" AND "afe"'`).all()).toEqual([]);
    });
    expect(indexed('cafe')).toEqual([]);
    expect(find('cafe')).toEqual([]);
    expect(store.search.waitingCount()).toBe(0);
  });

  it('indexes and forgets as before once the next account signs in after a sign-out', () => {
    store.clearAll();
    store.replaceConversations([phrases.conversation]);
    store.putMessages(cid(100), [phrases.say('n1', T0, 'nouveau café').message, phrases.say('n2', T0 + 1000, 'autre café').message]);
    expect(indexer.drain()).toBe(2);
    expect(sorted(find('cafe'))).toEqual(['n1', 'n2']);
    store.putMessages(cid(100), [phrases.say('n1', T0, 'plus rien').message]);
    // The deleted row left both FTS tables too (the sign-out put their trigger back).
    raw((db) => {
      expect(db.prepare('SELECT count(*) FROM search_rows').pluck().get()).toBe(1);
      expect(db.prepare('SELECT count(*) FROM search_words').pluck().get()).toBe(1);
      expect(db.prepare('SELECT count(*) FROM search_trigrams').pluck().get()).toBe(1);
    });
    expect(find('cafe')).toEqual(['n2']);
  });
});

describe('the indexer', () => {
  it('leaves out messages that do not decrypt, once: they are not retried and do not stay waiting', () => {
    const stranger = conversation(cid(120)); // its key is not wrapped for this user
    store.putConversation(stranger);
    const otherKey = newConversationKey();
    store.putMessages(cid(120), [
      message('u1', '2026-02-01 13:00:00', '2099-01-01 00:00:00', sealMessage(otherKey, { from: CORPUS_OTHER, text: 'café secret' })),
    ]);
    store.putMessages(cid(100), [
      // Sealed under another key than the conversation's.
      message('u2', '2026-02-01 13:00:01', '2099-01-01 00:00:00', sealMessage(otherKey, { from: CORPUS_OTHER, text: 'café volé' })),
      // Not a sealed message at all.
      message('u3', '2026-02-01 13:00:02', '2099-01-01 00:00:00', 'sealed:café'),
      // Nothing to search.
      phrases.say('u4', Date.UTC(2026, 1, 1, 13, 0, 3), '   ').message,
      // Fine: indexed.
      phrases.say('u5', Date.UTC(2026, 1, 1, 13, 0, 4), 'un café lisible').message,
    ]);
    // A conversation not in the list at all.
    store.putMessages(cid(121), [
      message('u6', '2026-02-01 13:00:05', '2099-01-01 00:00:00', sealMessage(otherKey, { from: CORPUS_OTHER, text: 'café perdu' })),
    ]);
    expect(store.search.waitingCount()).toBe(6);
    expect(indexer.drain()).toBe(6);
    expect(store.search.waitingCount()).toBe(0);
    expect(indexer.drain()).toBe(0);
    expect(find('cafe').filter((id) => id.startsWith('u'))).toEqual(['u5']);
    expect(raw((db) => db.prepare('SELECT count(*) FROM search_rows').pluck().get())).toBe(said.size + 1);
  });

  it('indexes and finds every one of many messages sent in the same second, across batches', () => {
    const second = Date.UTC(2026, 1, 2, 8, 0, 0);
    const burst = Array.from({ length: 300 }, (_, i) => (i % 2 ? phrases : elsewhere).say(`b${String(i).padStart(3, '0')}`, second, `burst ${i}`));
    store.putMessages(
      cid(100),
      burst.filter((_, i) => i % 2).map((b) => b.message),
    );
    store.putMessages(
      cid(101),
      burst.filter((_, i) => i % 2 === 0).map((b) => b.message),
    );
    expect(indexer.drain(64)).toBe(300);
    const ids = (conversationId: string) => burst.filter((b) => b.said.conversationId === conversationId).map((b) => b.message.ID);
    const burstIn = (conversationId: string) => sorted(indexed('burst', { conversationId }));
    expect(burstIn(cid(100))).toEqual(ids(cid(100)));
    expect(burstIn(cid(101))).toEqual(ids(cid(101)));
    const results = search.search({ text: 'burst', limit: 200 });
    expect(hitIds(results)).toHaveLength(200);
    expect(results.groups.flatMap((g) => g.hits).every((h) => h.created === second)).toBe(true);
    expect(results.more).toBe(true);
    // One of them changed: only it leaves (found by its time and id among 300 in that second).
    store.putMessages(cid(100), [phrases.say('b017', second, 'changed').message]);
    expect(burstIn(cid(100))).toEqual(ids(cid(100)).filter((id) => id !== 'b017'));
    expect(burstIn(cid(101))).toEqual(ids(cid(101)));
    // More in that second later on: they take the slots after the last.
    store.putMessages(cid(101), [elsewhere.say('b300', second, 'burst tardif').message]);
    indexer.drain();
    expect(indexed('tardif')).toEqual(['b300']);
    expect(indexed('changed')).toEqual(['b017']);
    expect(burstIn(cid(101))).toEqual([...ids(cid(101)), 'b300']);
    expect(raw((db) => db.prepare('SELECT count(DISTINCT fts_id) FROM search_rows').pluck().get())).toBe(said.size + 301);
  });

  it('indexes nothing while nobody is signed in', () => {
    const signedOut = new SearchIndexer({ store, keyring: () => null });
    store.putMessages(cid(100), [phrases.say('s1', T0 + 40 * MINUTE, 'café en attente').message]);
    expect(signedOut.drain()).toBe(0);
    expect(signedOut.catchUp(200)).toBe(0);
    expect(store.search.waitingCount()).toBe(1);
  });

  it('works through a backlog a batch at a time after a kick, pausing between batches', () => {
    const counted: number[] = [];
    const t = new DelayTimers();
    const backlog = new SearchIndexer({ store, keyring: () => corpus.keyring, setTimer: t.set, clearTimer: t.clear, onIndexed: (n) => counted.push(n) });
    const n = INDEX_BATCH + 150;
    store.putMessages(
      cid(100),
      Array.from({ length: n }, (_, i) => phrases.say(`k${i}`, T0 + 60 * MINUTE + i * 1000, `backlog ${i}`).message),
    );
    backlog.kick(1000);
    backlog.kick(5);
    expect(t.only().ms).toBe(1000);
    t.fire();
    expect(counted).toEqual([INDEX_BATCH]);
    expect(store.search.waitingCount()).toBe(150);
    expect(t.only().ms).toBe(INDEX_PAUSE_MS);
    t.fire();
    expect(counted).toEqual([INDEX_BATCH, 150]);
    expect(store.search.waitingCount()).toBe(0);
    // Then the index's segments are merged, a step at a time, until there is nothing left to merge.
    let steps = 0;
    while (t.pending.size > 0 && steps < 1000) {
      expect(t.only().ms).toBe(TIDY_PAUSE_MS);
      t.fire();
      steps++;
    }
    expect(t.pending.size).toBe(0);
    expect(counted).toEqual([INDEX_BATCH, 150]);
    expect(sorted(indexed('backlog', { until: T0 + 60 * MINUTE + 200_000 }))).toEqual(Array.from({ length: 200 }, (_, i) => `k${i}`).sort());
    expect(indexed('backlog', { from: T0 + 60 * MINUTE + 1_000_000 })).toHaveLength(150);
    backlog.dispose();
    backlog.kick();
    expect(t.pending.size).toBe(0);
  });

  it('lets new messages in before it merges any more of the index', () => {
    const t = new DelayTimers();
    const live = new SearchIndexer({ store, keyring: () => corpus.keyring, setTimer: t.set, clearTimer: t.clear });
    store.putMessages(cid(100), [phrases.say('l1', T0 + 50 * MINUTE, 'streaming one').message]);
    live.kick();
    t.fire();
    expect(t.only().ms).toBe(TIDY_PAUSE_MS);
    store.putMessages(cid(100), [phrases.say('l2', T0 + 51 * MINUTE, 'streaming two').message]);
    t.fire();
    // The merge step gave way: the new message is indexed first.
    expect(t.only().ms).toBe(0);
    t.fire();
    expect(store.search.waitingCount()).toBe(0);
    expect(sorted(indexed('streaming'))).toEqual(['l1', 'l2']);
    live.dispose();
    expect(t.pending.size).toBe(0);
  });

  it('waits while the sync engine is sending or fetching, and goes ahead after BUSY_WAITS waits', () => {
    const t = new DelayTimers();
    let busy = true;
    const polite = new SearchIndexer({ store, keyring: () => corpus.keyring, setTimer: t.set, clearTimer: t.clear, busy: () => busy });
    store.putMessages(cid(100), [phrases.say('b1', T0 + 52 * MINUTE, 'patient one').message]);
    polite.kick();
    t.fire();
    expect(t.only().ms).toBe(BUSY_WAIT_MS);
    expect(store.search.waitingCount()).toBe(1);
    busy = false;
    t.fire();
    expect(store.search.waitingCount()).toBe(0);
    // The merging that follows, to its end.
    while (t.pending.size) t.fire();
    // An engine that never rests does not keep the index out for ever.
    busy = true;
    store.putMessages(cid(100), [phrases.say('b2', T0 + 53 * MINUTE, 'patient two').message]);
    polite.kick();
    for (let i = 0; i < BUSY_WAITS; i++) {
      t.fire();
      expect(store.search.waitingCount()).toBe(1);
    }
    t.fire();
    expect(store.search.waitingCount()).toBe(0);
    expect(sorted(indexed('patient'))).toEqual(['b1', 'b2']);
    polite.dispose();
  });

  it('lets a search catch up on 200 waiting messages itself, and leaves the rest to the next batch', () => {
    store.putMessages(
      cid(100),
      Array.from({ length: 250 }, (_, i) => phrases.say(`w${String(i).padStart(3, '0')}`, T0 + 60 * MINUTE + i * 1000, `waiting ${i}`).message),
    );
    expect(indexed('waiting')).toEqual([]);
    const results = search.search({ text: 'waiting', limit: 200 });
    expect(results.waiting).toBe(50);
    // The oldest first: what was stored first is found first.
    expect(sorted(hitIds(results))).toEqual(Array.from({ length: 200 }, (_, i) => `w${String(i).padStart(3, '0')}`));
    // The rest at the indexer's next turn, which the search asked for.
    expect(timers.only().ms).toBe(0);
    timers.fire();
    expect(store.search.waitingCount()).toBe(0);
    expect(search.search({ text: 'waiting', limit: 200 }).waiting).toBe(0);
    expect(indexed('waiting', { from: T0 + 60 * MINUTE + 200_000 })).toHaveLength(50);
  });
});
