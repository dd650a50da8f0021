import type { MessageView } from '../../../../app/ipc/views.js';

const INTERNAL = 'That did not work because of a problem inside the app. Try again; if it keeps happening, restart the app.';

/**
 * What the user is doing with the messages of one conversation, shared by the log (each
 * message's menu and reaction chips) and the composer (the reply and edit bars): the message
 * being answered or edited, and the reactions and deletes sent from the log, with what went
 * wrong. The results come back as `messages:changed` events, which the pane merges.
 */
export class MessageActions {
  /** The message the composer answers; its quote bar shows while set. */
  replyingTo = $state.raw<MessageView | null>(null);
  /** The message whose text is in the composer to change. */
  editing = $state.raw<MessageView | null>(null);
  /** Why the last reaction or delete did not go through. */
  error = $state('');

  readonly #conversationId: () => string;
  readonly #show: (messageId: string) => void | Promise<void>;

  /** `show` brings a message into view (a quote's target), loading the messages around it if need be. */
  constructor(conversationId: () => string, show: (messageId: string) => void | Promise<void>) {
    this.#conversationId = conversationId;
    this.#show = show;
  }

  reply(message: MessageView): void {
    this.editing = null;
    this.replyingTo = message;
  }

  edit(message: MessageView): void {
    this.replyingTo = null;
    this.editing = message;
  }

  cancelReply(): void {
    this.replyingTo = null;
  }

  cancelEdit(): void {
    this.editing = null;
  }

  /** Another conversation: nothing of the last one carries over. */
  reset(): void {
    this.replyingTo = null;
    this.editing = null;
    this.error = '';
  }

  show(messageId: string): void {
    void this.#show(messageId);
  }

  /** Gives (`on`) or takes back a reaction: the state wanted, so a stale chip cannot flip it the wrong way. */
  react(message: MessageView, emoji: string, on: boolean): Promise<void> {
    return this.#run(() => window.ozeki.invoke('messages:react', this.#conversationId(), message.id, emoji, on));
  }

  /** Deletes one's own message for everyone (the menu has asked first). */
  async remove(message: MessageView): Promise<void> {
    if (this.editing?.id === message.id) this.editing = null;
    if (this.replyingTo?.id === message.id) this.replyingTo = null;
    await this.#run(() => window.ozeki.invoke('messages:delete', this.#conversationId(), message.id));
  }

  async #run(call: () => Promise<{ ok: true } | { ok: false; error: { message: string } }>): Promise<void> {
    this.error = '';
    try {
      const reply = await call();
      if (!reply.ok) this.error = reply.error.message;
    } catch {
      this.error = INTERNAL;
    }
  }
}
