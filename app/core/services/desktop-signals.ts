/**
 * The desktop side's signals: which conversation the window shows (ui:conversation-opened), asking
 * the window to show one, and the signal of messages new to this device (for notifications).
 */
import type { Message } from '../../../protocol/index.js';
import type { LocalStore } from '../store/local-store.js';
import type { Conversations } from './conversations.js';
import type { ServiceEvents } from './events.js';
import type { Messages } from './messages.js';

export class DesktopSignals {
  /** The conversation the window shows, as the renderer last said (ui:conversation-opened). */
  private openId: string | null = null;

  constructor(
    private readonly store: LocalStore,
    private readonly conversations: Conversations,
    private readonly messages: Messages,
    private readonly events: ServiceEvents,
  ) {}

  /** The conversation the window shows now, or null. */
  get openConversationId(): string | null {
    return this.openId;
  }

  /** The renderer says which conversation it shows. */
  opened(conversationId: string | null): void {
    this.openId = conversationId;
  }

  /** Asks the window to show a conversation (a notification or tray entry was clicked). */
  openConversation(conversationId: string): void {
    this.events.emit('ui:open-conversation', { conversationId });
  }

  /** Signals the messages that came in as news, those of `ids` that are cached. */
  arrived(conversationId: string, ids: readonly string[]): void {
    const messages = ids.map((id) => this.store.message(conversationId, id)).filter((m): m is Message => m !== undefined);
    if (!messages.length) return;
    const views = this.messages.newsViews(this.conversations.get(conversationId), messages);
    if (!views.length) return;
    this.events.signal({ type: 'messages-arrived', conversationId, messages: views });
  }
}
