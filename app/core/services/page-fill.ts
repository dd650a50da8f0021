/**
 * Filling a page of messages to show. The server pages by message, and reactions, edits and
 * deletes are messages too: a busy evening of reactions after the last word would fill the newest
 * pages with effects, and a page of the window would come back empty (hasOlder false) with the
 * whole history behind it. So after a page is fetched, older pages follow until PAGE messages to
 * show sit before the cursor here, or the server has no more, within a bound.
 */
import type { Session } from '../session/connect.js';
import type { LocalStore } from '../store/local-store.js';
import type { RichEffects } from './rich-effects.js';

type Cursor = { created: string; id: string };

/** The server's page of downloadpartial (fetcher.ts), and the most a history page brings. */
const SERVER_PAGE = 50;
const FILL_PAGE = 200;
/** At most this many more pages per request (4,000 messages): a conversation of nothing but reactions ends somewhere. */
const MAX_ROUNDS = 20;

export async function fillOlder(
  deps: { session: Session; store: LocalStore; rich: RichEffects },
  conversationId: string,
  before: Cursor | undefined,
  fetched: number,
  want: number,
): Promise<void> {
  const { session, store, rich } = deps;
  if (fetched < SERVER_PAGE) return;
  // What was just fetched is the newest SERVER_PAGE before the cursor: its oldest goes on.
  let from: Cursor | null = oldestOf(store, conversationId, before);
  for (let round = 0; round < MAX_ROUNDS && from; round++) {
    rich.absorb(conversationId);
    if (store.messages(conversationId, { limit: want, before, shown: true }).length >= want) return;
    const page = await session.engine.fetchHistoryPage(conversationId, from, FILL_PAGE);
    if (page.count === 0) return;
    from = page.oldest;
  }
}

function oldestOf(store: LocalStore, conversationId: string, before: Cursor | undefined): Cursor | null {
  const page = store.messages(conversationId, { limit: SERVER_PAGE, ...(before ? { before } : {}) });
  const last = page.at(-1);
  return last ? { created: last.Created, id: last.ID } : null;
}
