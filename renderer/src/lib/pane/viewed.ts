/**
 * Collects the ids of messages the user has seen and reports them in batches, each id once.
 * A batch goes out `delayMs` after the first id of it arrives (so a screenful seen at once is one
 * call), and only while the window is visible: seen-while-hidden is not seen.
 */

/** The contract takes at most this many ids per `messages:mark-viewed` call. */
export const MAX_IDS_PER_CALL = 500;

export type Report = (conversationId: string, ids: string[]) => void;

export class ViewedBatcher {
  private readonly reported = new Set<string>();
  private readonly waiting = new Map<string, Set<string>>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly report: Report,
    private readonly delayMs = 200,
  ) {}

  /** Notes that a message has been seen. Ids already reported or waiting are ignored. */
  seen(conversationId: string, id: string): void {
    if (this.reported.has(id)) return;
    const set = this.waiting.get(conversationId) ?? new Set<string>();
    this.waiting.set(conversationId, set);
    if (set.has(id)) return;
    set.add(id);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.delayMs);
  }

  /** Reports everything waiting now (unless the window is hidden; then it waits for it to show). */
  flush(): void {
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batches = [...this.waiting];
    this.waiting.clear();
    for (const [conversationId, set] of batches) {
      const ids = [...set];
      for (const id of ids) this.reported.add(id);
      for (let i = 0; i < ids.length; i += MAX_IDS_PER_CALL) this.report(conversationId, ids.slice(i, i + MAX_IDS_PER_CALL));
    }
  }

  /** Stops the timer; what is waiting is dropped (call `flush` first to keep it). */
  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.waiting.clear();
  }
}
