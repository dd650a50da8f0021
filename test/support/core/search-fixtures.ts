/**
 * Hand-made messages for the search tests, sealed as the server would hold them (a conversation key
 * wrapped for the corpus keyring), and the search service over a real local store with stand-ins
 * for the three lookups it makes of the signed-in session (who I am, conversation names, friends'
 * names). The store, the indexer, the keyring and the ranking are the real ones.
 */
import { formatTimestamp, newConversationKey, sealMessage, sealText, wrapConversationKey, type Conversation, type Message } from '../../../protocol/index.js';
import type { Keyring } from '../../../app/core/crypto/keyring.js';
import type { SearchResults } from '../../../app/ipc/views.js';
import { SearchIndexer } from '../../../app/core/search/indexer.js';
import { MessageSearch } from '../../../app/core/search/search-service.js';
import type { LocalStore } from '../../../app/core/store/local-store.js';
import { CORPUS_ME, CORPUS_OTHER } from './search-corpus.js';
import { DelayTimers } from './delay-timers.js';
import { conversation } from './store/fixtures.js';

export type Said = { conversationId: string; from: string; text: string; created: number };

/** A conversation whose key is wrapped for `keyring`, and a way to write messages in it. */
export function sealedConversation(keyring: Keyring, id: string, name: string) {
  const key = newConversationKey();
  const sealed: Conversation = conversation(id, { secret: wrapConversationKey(key, keyring.ownPublicKey()), displayname: sealText(key, name) });
  return {
    conversation: sealed,
    /** A message sealed under the conversation's key, and what it says (the tests' oracle). */
    say(messageId: string, createdMs: number, text: string, opts: { from?: string; validUntil?: string } = {}): { message: Message; said: Said } {
      const from = opts.from ?? CORPUS_OTHER;
      const message: Message = {
        ID: messageId,
        Type: 'Message',
        Created: formatTimestamp(createdMs),
        ValidUntil: opts.validUntil ?? '2099-01-01 00:00:00',
        Data: sealMessage(key, { from, text }),
      };
      return { message, said: { conversationId: id, from, text, created: Math.floor(createdMs / 1000) * 1000 } };
    },
  };
}

/**
 * The search service and indexer over `store`, as ChatService wires them, the session's lookups
 * stood in for; and `peek`, the same search without catching up first: what the index answers now.
 */
export function searchOver(store: LocalStore, keyring: Keyring, opts: { me?: string; names?: Record<string, string> } = {}) {
  const timers = new DelayTimers();
  const indexer = new SearchIndexer({ store, keyring: () => keyring, setTimer: timers.set, clearTimer: timers.clear });
  const sessions = { require: () => ({ account: { userid: opts.me ?? CORPUS_ME } }) } as never;
  const conversations = {
    views: (ids: readonly string[] = []) =>
      ids
        .map((id) => store.conversation(id))
        .filter((c): c is Conversation => c !== undefined)
        .map((c) => ({ id: c.id, name: keyring.displayName(c) ?? '' })),
  } as never;
  const friends = { displayNames: () => opts.names ?? { [CORPUS_OTHER]: 'Other' } };
  const search = new MessageSearch(sessions, store, conversations, friends, indexer);
  const peek = new MessageSearch(sessions, store, conversations, friends, { catchUp: () => 0 });
  return { indexer, search, peek, timers };
}

/** Every hit's message id, in the order the results show them (group by group). */
export function hitIds(results: SearchResults): string[] {
  return results.groups.flatMap((g) => g.hits.map((h) => h.messageId));
}
