/** Where the log scrolls to put one of its messages (or its "Unread messages" divider) in view. */

/** How far `el` is from the top of the log's content (not of the view). */
function offsetIn(log: HTMLElement, el: HTMLElement): number {
  return el.getBoundingClientRect().top - log.getBoundingClientRect().top + log.scrollTop;
}

/** The log's item for a message, if it is rendered. */
export function messageElement(log: HTMLElement | undefined, messageId: string | null): HTMLElement | undefined {
  return [...(log?.querySelectorAll<HTMLElement>('[data-message-id]') ?? [])].find((el) => el.dataset.messageId === messageId);
}

/** Puts a message in the middle of the view (its top, when it is taller than the view). */
export function scrollToMiddle(log: HTMLElement | undefined, messageId: string | null): void {
  const item = messageElement(log, messageId);
  if (!log || !item) return;
  log.scrollTop = Math.max(0, offsetIn(log, item) - Math.max(0, (log.clientHeight - item.offsetHeight) / 2));
}

/** Puts "Unread messages" `gap` pixels below the top of the view; false when there is none. */
export function scrollToUnreadDivider(log: HTMLElement | undefined, gap: number): boolean {
  const divider = log?.querySelector<HTMLElement>('[data-unread-divider]');
  if (!log || !divider) return false;
  log.scrollTop = Math.max(0, offsetIn(log, divider) - gap);
  return true;
}
