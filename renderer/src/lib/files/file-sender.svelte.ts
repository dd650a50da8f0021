import type { MessageView } from '../../../../app/ipc/views.js';
import { sendFile } from './send-file.js';

/** A file being handed to the main process, before its message exists. */
export type Staging = { key: number; name: string; done: number; total: number };

/**
 * The files one composer sends (attached, dropped or pasted), one after another in the order
 * given, so they arrive in that order: what is being handed over and how far (`staging`), and
 * why the last ones failed (`error`). A batch answers the message being replied to when it
 * started, if any.
 */
export class FileSender {
  staging = $state<Staging[]>([]);
  error = $state('');

  readonly #conversationId: () => string;
  readonly #replyTo: () => MessageView | null;
  readonly #onsent: (message: MessageView, repliedTo: string | undefined) => void;
  // How to stop each file, never shown: a plain Map, not a reactive one.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #controllers = new Map<number, AbortController>();
  #queue: Promise<void> = Promise.resolve();
  #next = 0;

  /** `onsent` gets each queued message, and the message it answered. */
  constructor(conversationId: () => string, replyTo: () => MessageView | null, onsent: (message: MessageView, repliedTo: string | undefined) => void) {
    this.#conversationId = conversationId;
    this.#replyTo = replyTo;
    this.#onsent = onsent;
  }

  /** Queues the files; the promise settles once they have all been handed over or have failed. */
  send(files: readonly File[]): Promise<void> {
    if (files.length === 0) return this.#queue;
    const replyTo = this.#replyTo()?.id;
    const conversationId = this.#conversationId();
    const batch = files.map((file) => ({ file, key: this.#next++ }));
    this.error = '';
    for (const { file, key } of batch) {
      this.staging.push({ key, name: file.name || 'file', done: 0, total: file.size });
      this.#controllers.set(key, new AbortController());
    }
    this.#queue = this.#queue.then(async () => {
      for (const { file, key } of batch) await this.#sendOne(conversationId, file, key, replyTo);
    });
    return this.#queue;
  }

  /** Stops a file still being handed over: the main process forgets what it had of it. */
  cancel(key: number): void {
    this.#controllers.get(key)?.abort();
  }

  async #sendOne(conversationId: string, file: File, key: number, replyTo: string | undefined): Promise<void> {
    const signal = this.#controllers.get(key)?.signal;
    const result = signal?.aborted
      ? ({ ok: false, cancelled: true, error: '' } as const)
      : await sendFile(conversationId, file, {
          replyTo,
          signal,
          onprogress: (done) => {
            const item = this.staging.find((s) => s.key === key);
            if (item) item.done = done;
          },
        });
    this.#controllers.delete(key);
    this.staging = this.staging.filter((s) => s.key !== key);
    if (result.ok) this.#onsent(result.message, replyTo);
    else if (!result.cancelled) this.error = this.error ? `${this.error} ${result.error}` : result.error;
  }
}
