import type { Attachment } from 'svelte/attachments';

/** How far outside the log's view a picture starts loading, so it is there when scrolled to. */
const AHEAD = '300px 0px';

/**
 * Calls `onvisible` once, when the element first comes near the message log's view (its
 * `[role="log"]` ancestor, else the window). Without an IntersectionObserver, at once.
 */
export function whenVisible(onvisible: () => void): Attachment<HTMLElement> {
  return (node) => {
    if (typeof IntersectionObserver !== 'function') {
      onvisible();
      return;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        observer.disconnect();
        onvisible();
      },
      { root: node.closest('[role="log"]'), rootMargin: AHEAD },
    );
    observer.observe(node);
    return () => observer.disconnect();
  };
}
