/**
 * The relay from the sync engine to the window: each engine event becomes the views and IPC events
 * it changes (conversations, messages, friends, connection state, failed actions).
 */
import type { HistoryDownload } from '../search/history-download.js';
import type { SearchIndexer } from '../search/indexer.js';
import type { Sessions } from '../session/session.js';
import type { LocalStore } from '../store/local-store.js';
import type { EngineEvent } from '../sync/engine.js';
import type { Conversations } from './conversations.js';
import type { DesktopSignals } from './desktop-signals.js';
import type { ExpirySweeper } from './expiry.js';
import type { ServiceEvents } from './events.js';
import type { Friends } from './friends.js';
import type { Messages } from './messages.js';
import type { RichEffects } from './rich-effects.js';
import type { RowWarmer } from './row-warmer.js';

export type RelayDeps = {
  sessions: Sessions;
  store: LocalStore;
  conversations: Conversations;
  messages: Messages;
  friends: Friends;
  signals: DesktopSignals;
  events: ServiceEvents;
  indexer: SearchIndexer;
  expiry: ExpirySweeper;
  /** First pages for rows of conversations never opened here. */
  warmer: RowWarmer;
  /** Reads arrived messages for reactions, edits and deletes. */
  rich: RichEffects;
  /** The account's history download (replaced at sign-out). */
  history: () => HistoryDownload;
};

export function relayEngineEvent(deps: RelayDeps, event: EngineEvent): void {
  const { sessions, store, conversations, messages, friends, signals, events, indexer, expiry, warmer, rich, history } = deps;
  // A stopped session's engine has nothing more to say, except that it is signed out.
  if (!sessions.current && !(event.type === 'connection' && event.state === 'signed-out')) return;
  switch (event.type) {
    case 'conversations':
      if (event.ids === 'all') {
        conversations.emitAll();
        warmer.kick();
      } else conversations.emit(event.ids);
      return;
    case 'messages': {
      if (!store.conversation(event.conversationId)) return;
      conversations.messagesChanged(event.conversationId);
      // Reactions, edits and deletes first: they change other messages and never show as their own.
      const affected = rich.absorb(event.conversationId);
      const page = messages.page(event.conversationId);
      events.emit('messages:changed', { conversationId: event.conversationId, upserted: page.messages, removed: [], cleared: event.cleared });
      const onPage = new Set(page.messages.map((m) => m.id));
      const elsewhere = [...affected].filter((id) => !onPage.has(id));
      if (elsewhere.length) messages.emitChanged(event.conversationId, elsewhere);
      conversations.emit([event.conversationId]);
      if (event.arrived?.length) signals.arrived(event.conversationId, event.arrived);
      indexer.kick();
      expiry.soon();
      return;
    }
    case 'friends':
      friends.changed();
      return;
    case 'connection':
      history().connectionChanged(event.state);
      if (event.state === 'online') warmer.kick();
      events.emit('connection:changed', { state: event.state, pendingCount: event.pendingCount });
      return;
    case 'action-failed':
      events.emit('action:failed', { conversationId: event.conversationId, action: event.action, error: event.error });
      return;
  }
}
