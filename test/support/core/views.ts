/**
 * A conversation as the window sees it, numbered for readability, for tests of what is built on
 * the views (tray, notifications). Each test overrides what matters to it.
 */
import type { ConversationView } from '../../../app/ipc/views.js';

export const conversationId = (n: number): string => n.toString(16).padStart(32, 'c');

export function conversationView(n: number, over: Partial<ConversationView> = {}): ConversationView {
  return {
    id: conversationId(n),
    name: `Conversation ${n}`,
    nameDecrypted: true,
    isGroup: false,
    participants: [],
    favorite: false,
    muted: false,
    hidden: false,
    color: '#ffffff',
    lastActivity: n,
    unread: 0,
    pending: false,
    last: null,
    timer: 0,
    ...over,
  };
}
