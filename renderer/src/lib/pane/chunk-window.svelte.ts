import type { Attachment } from 'svelte/attachments';
import { SvelteSet } from 'svelte/reactivity';

/** Chunks further than this from the view are drawn as empty space of their height. */
const NEAR_PX = 1500;
/** Below this many chunks (about 300 messages) everything is drawn: there is nothing to gain. */
const WINDOW_FROM_CHUNKS = 20;

/**
 * Which chunks of the log (messages.ts) are drawn. A log of thousands of messages draws those
 * near the view, and leaves each chunk far from it as empty space of the height it had when last
 * drawn, so the scrollbar and the messages in view hold still while the rest costs nothing to
 * lay out, paint or hit-test. One IntersectionObserver, on the log with a wide margin, says which
 * chunks are near; chunk boundaries never move (messages.ts), so a chunk's height stays its own.
 *
 * A chunk with the message marked (a search result, a quote's target), the "Unread messages"
 * divider or the keyboard focus is always drawn.
 */
export class ChunkWindow {
  /** Chunks drawn as space: key → their height in CSS pixels. */
  readonly far = new SvelteSet<string>();
  // Not reactive on purpose: a height is set just before its chunk joins `far`, which is.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #heights = new Map<string, number>();
  #observer: IntersectionObserver | null = null;
  #chunks = 0;
  /** Every chunk element attached, observed once the window is open. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never read by the template
  readonly #nodes = new Set<HTMLElement>();

  /** How many chunks the log has now: the window opens once there are enough of them (and never observes a short log). */
  set chunkCount(count: number) {
    this.#chunks = count;
    if (count < WINDOW_FROM_CHUNKS) {
      if (this.far.size > 0) this.far.clear();
      return;
    }
    const first = this.#nodes.values().next().value;
    const observer = first && !this.#observer ? this.#observerFor(first) : this.#observer;
    for (const node of this.#nodes) observer?.observe(node);
  }

  height(key: string): number {
    return this.#heights.get(key) ?? 0;
  }

  /** The attachment for a chunk's element (drawn or not). */
  watch(key: string): Attachment<HTMLElement> {
    return (node) => {
      node.dataset.chunk = key;
      this.#nodes.add(node);
      if (this.#chunks >= WINDOW_FROM_CHUNKS) this.#observerFor(node)?.observe(node);
      return () => {
        this.#nodes.delete(node);
        this.#observer?.unobserve(node);
      };
    };
  }

  dispose(): void {
    this.#observer?.disconnect();
    this.#observer = null;
  }

  #observerFor(node: HTMLElement): IntersectionObserver | null {
    if (this.#observer) return this.#observer;
    if (typeof IntersectionObserver !== 'function') return null;
    const root = node.closest('[role="log"]');
    if (!root) return null;
    this.#observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const key = (entry.target as HTMLElement).dataset.chunk;
          if (!key) continue;
          if (entry.isIntersecting) this.far.delete(key);
          else if (this.#chunks >= WINDOW_FROM_CHUNKS && !this.far.has(key) && entry.boundingClientRect.height > 0) {
            this.#heights.set(key, entry.boundingClientRect.height);
            this.far.add(key);
          }
        }
      },
      { root, rootMargin: `${NEAR_PX}px 0px` },
    );
    return this.#observer;
  }
}
