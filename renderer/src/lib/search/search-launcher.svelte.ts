import { flushSync, tick } from 'svelte';
import { isFindShortcut } from '../list/list-navigation.js';
import type { MessageAnchor } from '../pane/history.svelte.js';
import { isSearchShortcut, NO_FILTERS, type SearchFilters } from './search.js';

/** A chosen result: the pane of its conversation opens at its message. */
export type ChosenResult = MessageAnchor & { conversationId: string };

/**
 * The search panel's life in the window: open or not, where focus goes back to when it closes,
 * the query and filters kept for the next time it opens, and the result chosen last (the pane of
 * its conversation shows that message until another conversation is put on screen).
 */
export class SearchLauncher {
  open = $state(false);
  text = $state('');
  filters = $state<SearchFilters>({ ...NO_FILTERS });
  chosen = $state.raw<ChosenResult | null>(null);
  /** The panel while it is open (bound by the window). */
  panel = $state<{ focus(): void }>();
  #returnTo: HTMLElement | null = null;
  // A fresh seq per choice: choosing the same result again brings the pane back to it.
  #seq = 0;

  /** Opens; when open already, goes back into its search box. */
  show(): void {
    if (this.open) {
      this.panel?.focus();
      return;
    }
    this.#returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    this.open = true;
  }

  /**
   * Closes, and puts focus back where it was before the panel opened; where that is gone (it was
   * in the pane of another conversation, say) on what `fallback` gives.
   */
  close(fallback: () => HTMLElement | null | undefined): void {
    if (!this.open) return;
    this.open = false;
    const back = this.#returnTo;
    this.#returnTo = null;
    // Once the panel is gone and what was under it can take focus again.
    void tick().then(() => {
      const target = back?.isConnected && back !== document.body ? back : fallback();
      target?.focus();
    });
  }

  /**
   * Closes at once, focus left alone: Ctrl+F (find a conversation by name) goes to the list's
   * filter box, under the panel, in the same key press.
   */
  closeNow(): void {
    if (!this.open) return;
    this.open = false;
    this.#returnTo = null;
    flushSync();
  }

  /** Ctrl+Shift+F (⌘⇧F on macOS) opens search; true when the key was that. */
  keydown(event: KeyboardEvent): boolean {
    if (!isSearchShortcut(event)) return false;
    event.preventDefault();
    this.show();
    return true;
  }

  /** In the capture phase, so that it runs before the list's own Ctrl+F handler. */
  keydownCapture(event: KeyboardEvent): void {
    if (this.open && isFindShortcut(event)) this.closeNow();
  }

  choose(conversationId: string, messageId: string): void {
    this.chosen = { conversationId, messageId, seq: ++this.#seq };
  }

  /** The message the pane of `conversationId` opens at, if a result of it was chosen. */
  anchorFor(conversationId: string): MessageAnchor | null {
    return this.chosen?.conversationId === conversationId ? this.chosen : null;
  }

  /** Another conversation is on screen (or none): the chosen result is done with. */
  shown(conversationId: string | null): void {
    if (this.chosen && this.chosen.conversationId !== conversationId) this.chosen = null;
  }

  /** Another account (or none): nothing of this one's search is kept. */
  reset(): void {
    this.open = false;
    this.text = '';
    this.filters = { ...NO_FILTERS };
    this.chosen = null;
    this.#returnTo = null;
  }
}
