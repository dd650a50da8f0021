import type { Attachment } from 'svelte/attachments';
import type { MessageView } from '../../../../app/ipc/views.js';
import type { ViewedBatcher } from './viewed.js';

/** In view enough to count as seen: half of the message, or half of the view for a message taller than it. */
function visibleEnough(entry: IntersectionObserverEntry): boolean {
  if (!entry.isIntersecting) return false;
  if (entry.intersectionRatio >= 0.5) return true;
  const rootHeight = entry.rootBounds?.height ?? 0;
  return rootHeight > 0 && entry.intersectionRect.height >= rootHeight / 2;
}

/**
 * Reports messages from others as viewed once they are on screen: `attach(message)` goes on each
 * message's element, and one IntersectionObserver on the message log (the element's
 * `[role="log"]` ancestor) hands what comes into view to the batcher.
 */
export class SeenWhenVisible {
  #observer: IntersectionObserver | null | undefined;
  readonly #watched = new WeakMap<Element, MessageView>();
  readonly #batcher: ViewedBatcher;

  constructor(batcher: ViewedBatcher) {
    this.#batcher = batcher;
  }

  #observerFor(node: Element): IntersectionObserver | null {
    if (this.#observer !== undefined) return this.#observer;
    if (typeof IntersectionObserver !== 'function') return (this.#observer = null);
    const io = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const message = this.#watched.get(entry.target);
          if (!message || !visibleEnough(entry)) continue;
          this.#batcher.seen(message.conversationId, message.id);
          io.unobserve(entry.target);
          this.#watched.delete(entry.target);
        }
      },
      { root: node.closest('[role="log"]'), threshold: [0, 0.5, 1] },
    );
    return (this.#observer = io);
  }

  /** The attachment for `message`'s element; none for one's own messages. */
  attach(message: MessageView): Attachment<HTMLElement> | false {
    if (message.mine) return false;
    return (node) => {
      const io = this.#observerFor(node);
      if (!io) {
        // No IntersectionObserver (tests, old engines): what is loaded counts as seen.
        this.#batcher.seen(message.conversationId, message.id);
        return;
      }
      this.#watched.set(node, message);
      io.observe(node);
      return () => {
        io.unobserve(node);
        this.#watched.delete(node);
      };
    };
  }

  disconnect(): void {
    this.#observer?.disconnect();
  }
}
