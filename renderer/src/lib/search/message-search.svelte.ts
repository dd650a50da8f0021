import type { SearchRequest } from '../../../../app/ipc/contract.js';
import type { SearchResults } from '../../../../app/ipc/views.js';
import { SEARCH_DELAY_MS } from './search.js';

/**
 * Search as the user types: a query goes out once typing pauses, and only the answer to the last
 * one asked is shown (answers can overtake each other; an older one is dropped by its generation).
 * The results of the previous query stay on screen while the next is on its way, so typing does
 * not make the list flicker.
 */
export class MessageSearch {
  results = $state.raw<SearchResults | null>(null);
  /** A query is waiting for typing to pause, or for its answer. */
  searching = $state(false);
  error = $state('');

  #generation = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #delayMs: number;

  constructor(delayMs = SEARCH_DELAY_MS) {
    this.#delayMs = delayMs;
  }

  /** Searches for `request` once typing pauses; null (nothing to search for) clears at once. */
  schedule(request: SearchRequest | null): void {
    clearTimeout(this.#timer);
    const gen = ++this.#generation;
    if (!request) {
      this.results = null;
      this.error = '';
      this.searching = false;
      return;
    }
    this.searching = true;
    this.#timer = setTimeout(() => void this.#run(request, gen), this.#delayMs);
  }

  async #run(request: SearchRequest, gen: number): Promise<void> {
    try {
      const reply = await window.ozeki.invoke('search:messages', request);
      if (gen !== this.#generation) return;
      if (reply.ok) {
        this.results = reply.value;
        this.error = '';
      } else {
        this.results = null;
        this.error = reply.error.message;
      }
    } catch {
      if (gen !== this.#generation) return;
      this.results = null;
      this.error = 'The search failed because of a problem inside the app. Try again; if it keeps happening, restart the app.';
    } finally {
      if (gen === this.#generation) this.searching = false;
    }
  }

  /** Stops: nothing waiting goes out, and nothing on its way is shown. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#generation++;
  }
}
