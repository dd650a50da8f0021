/**
 * Message search for the account's service: the query parsed (query.ts), the newest few hundred
 * matches read off the indexes in time order (store/search-table.ts; words first, then inside
 * words when those are too few), ranked by how well they match
 * (whole words before word starts before the inside of words) and then by recency, and grouped by
 * conversation with the matches cut out as plain segments. All of it from this device's copy, so it
 * works offline. A conversation whose clear is still on its way shows nothing.
 */
import type { SearchRequest } from '../../ipc/contract.js';
import type { SearchGroup, SearchHit, SearchResults } from '../../ipc/views.js';
import type { Sessions } from '../session/session.js';
import type { LocalStore, SearchRow } from '../store/local-store.js';
import type { Conversations } from '../services/conversations.js';
import type { Friends } from '../services/friends.js';
import type { SearchIndexer } from './indexer.js';
import { highlight, parseQuery, relevance } from './query.js';

/** The newest matches ranked: enough that relevance has a choice, few enough to read in a few ms. */
const CANDIDATES = 400;
/** Candidates are read this many at a time, and no more than MAX_SCANNED in all. */
const PAGE = 400;
const MAX_SCANNED = 4000;
const DEFAULT_LIMIT = 50;
/** Messages indexed before a query answers, so what just arrived is found (the rest follows in batches). */
const CATCH_UP = 200;

export class MessageSearch {
  constructor(
    private readonly sessions: Pick<Sessions, 'require'>,
    private readonly store: LocalStore,
    private readonly conversations: Pick<Conversations, 'views'>,
    private readonly friends: Pick<Friends, 'displayNames'>,
    private readonly indexer: Pick<SearchIndexer, 'catchUp'>,
  ) {}

  search(req: SearchRequest): SearchResults {
    const session = this.sessions.require();
    const me = session.account.userid;
    this.indexer.catchUp(CATCH_UP);
    const waiting = this.store.search.waitingCount();
    const parsed = parseQuery(req.text);
    if (!parsed) return { text: req.text, groups: [], more: false, waiting };
    const limit = req.limit ?? DEFAULT_LIMIT;
    const cleared = new Map<string, boolean>();
    const found: { row: SearchRow; score: number }[] = [];
    const seen = new Set<number>();
    const filters = { conversationId: req.conversationId, sender: req.sender, fromMs: req.from, untilMs: req.until };
    const take = (rows: readonly SearchRow[]): void => {
      for (const row of rows) {
        if (seen.has(row.ftsId)) continue;
        seen.add(row.ftsId);
        const score = relevance(row.body, parsed.words);
        if (score > 0 && !this.clearing(row.conversationId, cleared)) found.push({ row, score });
      }
    };
    // 1. Words that start as typed: exact, and what people mean most of the time.
    const starts = this.store.search.newest({ words: parsed.prefixExpr, trigrams: null, ...filters, limit: CANDIDATES });
    take(starts);
    let exhausted = starts.length < CANDIDATES;
    // 2. Too few: matches inside words too, from the trigram index, whose answers are checked (it
    // over-answers), a page at a time until there are enough or enough has been read.
    if (found.length < limit && parsed.trigramsExpr !== null) {
      exhausted = false;
      let scanned = 0;
      let beforeFtsId: number | undefined;
      while (found.length < CANDIDATES && scanned < MAX_SCANNED) {
        // The short words are checked in the rows: as a filter on the word index, SQLite read
        // every match of a common 2-letter start first (a second, for "pu ja acyre").
        const rows = this.store.search.newest({
          words: null,
          trigrams: parsed.trigramsExpr,
          ...filters,
          limit: PAGE,
          ...(beforeFtsId !== undefined ? { beforeFtsId } : {}),
        });
        scanned += rows.length;
        take(rows);
        if (rows.length < PAGE) {
          exhausted = true;
          break;
        }
        beforeFtsId = rows.at(-1)!.ftsId;
      }
    }
    const ranked = found.sort((a, b) => b.score - a.score || b.row.createdMs - a.row.createdMs);
    const top = ranked.slice(0, limit);
    const ids = [...new Set(top.map((r) => r.row.conversationId))];
    const names = new Map(this.conversations.views(ids).map((c) => [c.id, c.name]));
    const people = this.friends.displayNames();
    const groups = new Map<string, SearchGroup>();
    for (const { row } of top) {
      const name = names.get(row.conversationId);
      // Its conversation left the list meanwhile: its rows go with its messages.
      if (name === undefined) continue;
      const group = groups.get(row.conversationId) ?? { conversationId: row.conversationId, conversationName: name, hits: [] };
      groups.set(row.conversationId, group);
      const hit: SearchHit = {
        conversationId: row.conversationId,
        messageId: row.messageId,
        from: row.sender,
        fromName: row.sender === me ? 'You' : (people[row.sender] ?? 'Unknown'),
        mine: row.sender === me,
        created: row.createdMs,
        segments: highlight(row.body, parsed.words),
      };
      group.hits.push(hit);
    }
    return { text: req.text, groups: [...groups.values()], more: ranked.length > limit || !exhausted, waiting };
  }

  private clearing(conversationId: string, known: Map<string, boolean>): boolean {
    let pending = known.get(conversationId);
    if (pending === undefined) {
      pending = this.store.pendingFor(conversationId).some((p) => p.action.kind === 'clear');
      known.set(conversationId, pending);
    }
    return pending;
  }
}
