/**
 * A set of listeners called in turn. One that throws is logged and does not stop the others: a
 * tray that fails to render must not keep the window from hearing of a change.
 */
export class Listeners<A extends unknown[]> {
  private readonly set = new Set<(...args: A) => void>();

  constructor(
    private readonly what: string,
    private readonly log: (line: string) => void,
  ) {}

  add(listener: (...args: A) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  get size(): number {
    return this.set.size;
  }

  emit(...args: A): void {
    for (const listener of this.set) {
      try {
        listener(...args);
      } catch (err) {
        this.log(`${this.what} listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
