import type { ConversationView } from '../../../../app/ipc/views.js';
import { doneMessage, favoriteIntent, muteIntent, SHORTCUTS, undoIntent, type FlagIntent, type MenuItem } from './actions.js';

/** What Undo in a toast asks for. */
type Undo = { intent: FlagIntent; id: string };
/** The note at the bottom of the list after an action: what happened, and Undo where it can be. */
export type Toast = { key: number; message: string; undo?: Undo };

/** How long a toast stays, in milliseconds. */
const TOAST_MS = 8000;

/**
 * The row actions of the conversation list and what they have open: the action menu, the colour
 * picker, the "Clear history" confirmation and the toast that reports each action. Actions are
 * invoked on `window.ozeki`; what they change comes back through the list's `conversations` from
 * the `conversations:changed` events.
 */
export class ListActions {
  menu = $state<{ id: string; x: number; y: number } | null>(null);
  /** The conversation whose colour is being picked. */
  colorFor = $state<string | null>(null);
  /** The conversation whose history is about to be cleared, once the user confirms. */
  confirmClear = $state<string | null>(null);
  toast = $state<Toast | null>(null);
  #toastTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #hide: (c: ConversationView) => void;

  /** `hide` is the list's, since hiding the active row moves the active one on. */
  constructor(hide: (c: ConversationView) => void) {
    this.#hide = hide;
  }

  showToast(message: string, undo?: Undo): void {
    clearTimeout(this.#toastTimer);
    this.toast = { key: Date.now(), message, undo };
    this.#toastTimer = setTimeout(() => (this.toast = null), TOAST_MS);
  }

  async run(intent: FlagIntent, c: ConversationView, offerUndo = true): Promise<void> {
    const reply = await window.ozeki.invoke(intent.channel, c.id, intent.on);
    if (!reply.ok) {
      this.showToast(`${c.name}: ${reply.error.message}`);
      return;
    }
    if (offerUndo) this.showToast(doneMessage(intent, c.name), { intent: undoIntent(intent), id: c.id });
  }

  undo(): void {
    const pending = this.toast?.undo;
    clearTimeout(this.#toastTimer);
    this.toast = null;
    if (!pending) return;
    void window.ozeki.invoke(pending.intent.channel, pending.id, pending.intent.on).then((reply) => {
      if (!reply.ok) this.showToast(reply.error.message);
    });
  }

  menuItems(c: ConversationView): MenuItem[] {
    return [
      { label: c.favorite ? 'Unfavorite' : 'Favorite', shortcut: SHORTCUTS.favorite, run: () => void this.run(favoriteIntent(c), c) },
      { label: c.muted ? 'Unmute' : 'Mute', shortcut: SHORTCUTS.mute, run: () => void this.run(muteIntent(c), c) },
      { label: 'Hide', shortcut: SHORTCUTS.hide, run: () => this.#hide(c) },
      { label: 'Change color', run: () => (this.colorFor = c.id) },
      { label: 'Clear history', shortcut: SHORTCUTS.clear, run: () => (this.confirmClear = c.id) },
    ];
  }

  async setColor(c: ConversationView, color: string): Promise<void> {
    this.colorFor = null;
    const reply = await window.ozeki.invoke('conversation:set-color', c.id, color);
    if (!reply.ok) this.showToast(`${c.name}: ${reply.error.message}`);
  }

  async clearHistory(c: ConversationView): Promise<void> {
    this.confirmClear = null;
    const reply = await window.ozeki.invoke('conversation:clear', c.id);
    this.showToast(reply.ok ? doneMessage('conversation:clear', c.name) : `${c.name}: ${reply.error.message}`);
  }

  dispose(): void {
    clearTimeout(this.#toastTimer);
  }
}
