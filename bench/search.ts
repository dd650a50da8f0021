/**
 * Message search in one account's local database: 200,000 messages across 1,000 conversations
 * (test/support/core/search-corpus.ts: Zipf-distributed words, conversations taking turns in time):
 *  - indexing throughput, as the indexer does it (decrypting each message, batches of INDEX_BATCH,
 *    each its own transaction; the pauses it takes between batches when live are not counted)
 *    (target >= 20,000 messages/s);
 *  - query time, p95, through the search service (index read, checking, ranking, highlighting) for
 *    1-, 2- and 3-word queries and for 2-letter prefixes (target <= 20 ms each);
 *  - the database's size with the index against without it;
 *  - encryption's cost: the same workload (open, first screen, index, query) on an encrypted and on
 *    a plain database of 50,000 messages, side by side, as a ratio (target <= 1.3).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Conversation } from '../protocol/index.js';
import { SearchIndexer } from '../app/core/search/indexer.js';
import { MessageSearch } from '../app/core/search/search-service.js';
import { newDbKey, openKeyed, openPlain } from '../app/core/store/cipher.js';
import { openLocalDb } from '../app/core/store/local-db.js';
import { LocalStore } from '../app/core/store/local-store.js';
import { configure } from '../app/core/store/open-sqlite.js';
import { migrate } from '../app/core/store/schema.js';
import { CORPUS_ME, makeCorpus, seededRandom, type Corpus } from '../test/support/core/search-corpus.js';
import type { Benchmark, Figure } from './report.js';
import { median, quantile } from './stats.js';

const CONVERSATIONS = 1000;
const PER_CONVERSATION = 200;
const RATIO_PER_CONVERSATION = 50;
const RATIO_RUNS = 3;

type Store = { store: LocalStore; file: string; key: Buffer; close: () => void };

function openStore(dir: string, encrypted: boolean): Store {
  const key = newDbKey();
  if (encrypted) {
    const { db } = openLocalDb(dir, { key, keyIsNew: true });
    return { store: db, file: db.file, key, close: () => db.close() };
  }
  const file = join(dir, 'plain.db');
  const db = openPlain(file);
  configure(db);
  migrate(db);
  const store = new LocalStore(db);
  return { store, file, key, close: () => store.close() };
}

function fill(store: LocalStore, corpus: Corpus, perConversation: number): void {
  store.replaceConversations(corpus.conversations);
  store.transaction(() => {
    for (const [id, list] of corpus.messages) store.putMessages(id, list.slice(0, perConversation));
  });
}

function searchService(store: LocalStore, indexer: SearchIndexer, conversations: Conversation[]): MessageSearch {
  const names = new Map(conversations.map((c, i) => [c.id, `Conversation ${i + 1}`]));
  return new MessageSearch(
    { require: () => ({ account: { userid: CORPUS_ME } }) as never },
    store,
    { views: (ids = []) => ids.map((id) => ({ id, name: names.get(id) ?? id }) as never) },
    { displayNames: () => ({}) },
    indexer,
  );
}

/** Queries as people type them: common and rare words, pairs and triples, and 2-letter starts. */
function querySet(corpus: Corpus): Record<string, string[]> {
  const rand = seededRandom(7);
  const v = corpus.vocabulary;
  const pick = (maxRank: number): string => v[Math.floor(rand() * maxRank)]!;
  return {
    '1 word': [...Array.from({ length: 15 }, () => pick(50)), ...Array.from({ length: 15 }, () => pick(5000)), 'cafe', 'arbre', 'example'],
    '2 words': [...Array.from({ length: 25 }, () => `${pick(200)} ${pick(200)}`), 'creme brulee'],
    '3 words': Array.from({ length: 25 }, () => `${pick(100)} ${pick(300)} ${pick(1000)}`),
    '2-letter prefix': Array.from({ length: 25 }, () => pick(3000).slice(0, 2)),
  };
}

/** Open, first screen, index, query: the workload both kinds of file are timed on. */
function workload(dir: string, encrypted: boolean, corpus: Corpus, queries: string[]): number {
  const t0 = performance.now();
  const { store, close } = openStore(dir, encrypted);
  fill(store, corpus, RATIO_PER_CONVERSATION);
  for (const c of store.firstConversations(100)) store.messages(c.id, { limit: 50 });
  const indexer = new SearchIndexer({ store, keyring: () => corpus.keyring });
  indexer.drain();
  const search = searchService(store, indexer, corpus.conversations);
  for (const text of queries) search.search({ text });
  close();
  return performance.now() - t0;
}

export const searchBenchmarks: Benchmark = {
  name: 'search: indexing, queries, size, encryption cost',
  async run(): Promise<Figure[]> {
    const corpus = await makeCorpus({ conversations: CONVERSATIONS, perConversation: PER_CONVERSATION });
    const queries = querySet(corpus);
    const dir = mkdtempSync(join(tmpdir(), 'ozeki-bench-search-'));
    const figures: Figure[] = [];
    try {
      const { store, file, key, close } = openStore(dir, true);
      fill(store, corpus, PER_CONVERSATION);
      const indexer = new SearchIndexer({ store, keyring: () => corpus.keyring });
      const t0 = performance.now();
      const indexed = indexer.drain();
      const indexMs = performance.now() - t0;
      figures.push({
        name: `indexing ${indexed.toLocaleString('en-US')} messages`,
        value: indexed / (indexMs / 1000),
        unit: 'msg/s',
        digits: 0,
        target: { op: '>=', value: 20_000 },
      });

      const search = searchService(store, indexer, corpus.conversations);
      for (const text of Object.values(queries).flat().slice(0, 20)) search.search({ text });
      for (const [kind, list] of Object.entries(queries)) {
        const times: number[] = [];
        for (let round = 0; round < 3; round++) {
          for (const text of list) {
            const s = performance.now();
            search.search({ text });
            times.push(performance.now() - s);
          }
        }
        figures.push({
          name: `query p95, ${kind} (${list.length} queries x 3)`,
          value: quantile(times, 0.95),
          unit: 'ms',
          digits: 1,
          target: { op: '<=', value: 20 },
        });
      }
      close();
      // Sizes from SQLite's own page counts: the index is every search_* table (FTS5's shadow tables too).
      const raw = openKeyed(file, key);
      const pages = raw.prepare("SELECT name LIKE 'search%' AS search, sum(pgsize) AS bytes FROM dbstat GROUP BY 1").all() as {
        search: number;
        bytes: number;
      }[];
      raw.close();
      const indexBytes = pages.find((p) => p.search === 1)?.bytes ?? 0;
      const otherBytes = pages.find((p) => p.search === 0)?.bytes ?? 0;
      figures.push({ name: 'database, 200,000 messages, without the index', value: otherBytes / 1e6, unit: 'MB', digits: 1 });
      figures.push({ name: '  with the index', value: (otherBytes + indexBytes) / 1e6, unit: 'MB', digits: 1 });

      // Encryption's cost, alternating the two kinds of file so neither gets the warmer machine.
      const ratioQueries = Object.values(queries).flat();
      const encrypted: number[] = [];
      const plain: number[] = [];
      for (let run = 0; run < RATIO_RUNS; run++) {
        for (const enc of run % 2 ? [false, true] : [true, false]) {
          const d = mkdtempSync(join(tmpdir(), 'ozeki-bench-search-ratio-'));
          try {
            (enc ? encrypted : plain).push(workload(d, enc, corpus, ratioQueries));
          } finally {
            rmSync(d, { recursive: true, force: true });
          }
        }
      }
      figures.push({
        name: `open, first screen, index, query: encrypted (${(CONVERSATIONS * RATIO_PER_CONVERSATION).toLocaleString('en-US')} messages)`,
        value: median(encrypted),
        unit: 'ms',
        digits: 0,
      });
      figures.push({ name: '  the same, unencrypted', value: median(plain), unit: 'ms', digits: 0 });
      figures.push({
        name: 'encryption cost (encrypted / unencrypted)',
        value: median(encrypted) / median(plain),
        unit: 'x',
        digits: 2,
        target: { op: '<=', value: 1.3 },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return figures;
  },
};
