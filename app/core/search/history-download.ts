/**
 * "Make older history searchable": one account's whole history, downloaded in the background to each
 * conversation's first message, so that the search index (indexer.ts, told through `onStored`) holds
 * all of it and not only what was scrolled through.
 *
 * - One conversation at a time, one page of MAX_PAGE messages at a time (the newest page first, then older ones), with a pause
 *   between pages: in Electron the core shares the main process with the window's IPC, and each page
 *   is stored in one short transaction, so the thread is never held for more than a few ms.
 * - Where it stands (the selection, which conversations are done, the cursor of the one in
 *   progress, how many messages came) is one JSON value in the store's meta table, written after
 *   every page: a restart resumes at the page it stopped at (`resume()`), and a sign-out, which
 *   empties the store, forgets it.
 * - Offline it pauses; the owner says when the connection changes (`connectionChanged`). A transient
 *   failure counts as offline too, retried with backoff, since the engine may not have noticed yet.
 * - Progress is emitted at most about 4 times a second, state changes at once.
 *
 * A conversation is done when a page comes back shorter than asked (the server has nothing older).
 * The Ozeki API gives no message total, so progress counts conversations, and messages only as a tally.
 */
import type { ConnectionState, HistoryProgress } from '../../ipc/views.js';
import { backoffDelay, type BackoffPolicy } from '../api/retry.js';
import { CoreError, toErrorInfo } from '../errors.js';
import type { LocalStore } from '../store/local-store.js';
import { MAX_PAGE, type HistoryPage } from '../sync/fetcher.js';
import { fresh, parseWork, serializeWork, type HistoryCursor, type State, type Work } from './history-download-state.js';

export type { HistoryCursor, HistoryPage };

/** The meta key the state is kept under. */
export const HISTORY_DOWNLOAD_KEY = 'history-download';
/** Between pages: the thread is free for the window, and the server is not hammered. */
export const PAGE_PAUSE_MS = 100;
/** At most one progress event per this long (state changes go at once). */
export const EMIT_EVERY_MS = 250;
/** A conversation whose pages keep failing (not for the network) is skipped after this many tries. */
export const MAX_TRIES = 3;
/** While waiting for the connection: a look now and then, in case a change was missed. */
const RECHECK_MS = 30_000;
const OFFLINE_BACKOFF: BackoffPolicy = { baseMs: 2000, factor: 2, capMs: 60_000 };

export type HistoryDownloadDeps = {
  store: Pick<LocalStore, 'getMeta' | 'setMeta'>;
  /** The account's conversations now, in list order; those that left the list drop out of the total. */
  conversationIds: () => string[];
  /** One page older than `before` (the newest without it), stored but not announced: SyncEngine.fetchHistoryPage. */
  fetchOlder: (conversationId: string, before: HistoryCursor | undefined, limit: number) => Promise<HistoryPage>;
  connection: () => ConnectionState;
  emit: (progress: HistoryProgress) => void;
  /** New messages were stored (after each page that brought some): the indexer's cue. */
  onStored: () => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  log?: (line: string) => void;
  /** Tests shorten these. */
  pauseMs?: number;
  offlineBackoff?: BackoffPolicy;
  random?: () => number;
};

export class HistoryDownload {
  readonly #deps: HistoryDownloadDeps;
  #work: Work;
  #timer: unknown = null;
  #emitTimer: unknown = null;
  #emitDirty = false;
  #inFlight = false;
  /** Bumped by stop, a fresh start and dispose: the answer to an older request is ignored. */
  #generation = 0;
  #disposed = false;
  /** Signed out or no longer authorized: nothing is asked until the connection is back. */
  #halted = false;
  /** Transient failures in a row (the backoff grows with them). */
  #failures = 0;
  /** Failed tries of the conversation in progress (not persisted: a restart gives it fresh tries). */
  readonly #tries = new Map<string, number>();

  readonly #set: (fn: () => void, ms: number) => unknown;
  readonly #clear: (handle: unknown) => void;
  readonly #pauseMs: number;

  constructor(deps: HistoryDownloadDeps) {
    this.#deps = deps;
    // Default timers never keep the process alive.
    this.#set = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms).unref());
    this.#clear = deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
    this.#pauseMs = deps.pauseMs ?? PAGE_PAUSE_MS;
    this.#work = parseWork(deps.store.getMeta(HISTORY_DOWNLOAD_KEY));
  }

  /** Where it stands, counted against the conversation list as it is now. */
  status(): HistoryProgress {
    const w = this.#work;
    const ids = this.#selection();
    const finished = ids.filter((id) => w.done.has(id) || w.failed.has(id)).length;
    const paused = this.#halted && w.state === 'running';
    return {
      state: paused ? 'offline' : w.state,
      conversationsDone: finished,
      conversationsTotal: ids.length,
      messagesDone: w.messagesDone,
      error: w.error,
    };
  }

  /**
   * Downloads these conversations (all of them, as the list goes, without ids). While one is under
   * way the selection grows: ids are added, and no ids means all; what is done stays done. Otherwise
   * (idle, done, failed) it starts over, so "Download again" fetches whatever is there now.
   */
  start(conversationIds?: string[]): HistoryProgress {
    if (this.#disposed) return this.status();
    const w = this.#work;
    if (w.state === 'running' || w.state === 'offline') {
      if (!conversationIds) w.chosen = null;
      else if (w.chosen) for (const id of conversationIds) w.chosen.add(id);
    } else {
      this.#generation++;
      this.#tries.clear();
      this.#work = fresh('running', conversationIds ? new Set(conversationIds) : null);
    }
    this.#continue();
    return this.status();
  }

  /** Stops, and forgets where it was: a restart does not resume it. */
  stop(): HistoryProgress {
    if (this.#disposed) return this.status();
    this.#generation++;
    this.#clearTimer();
    this.#tries.clear();
    this.#work = fresh('idle');
    this.#save();
    this.#emitNow();
    return this.status();
  }

  /** At session start: carries on with a download that was running (or paused) when the app closed. */
  resume(): HistoryProgress {
    if (!this.#disposed && (this.#work.state === 'running' || this.#work.state === 'offline')) this.#continue();
    return this.status();
  }

  /** The owner calls this on every connection change: offline pauses, online carries on. */
  connectionChanged(state: ConnectionState): void {
    if (this.#disposed) return;
    if (state === 'unauthorized' || state === 'signed-out') {
      // Quietly: no error to show, the window asks the user to sign in. The state is kept for later.
      this.#halted = true;
      this.#clearTimer();
      return;
    }
    const wasHalted = this.#halted;
    this.#halted = false;
    const w = this.#work;
    if (w.state !== 'running' && w.state !== 'offline') return;
    if (state !== 'online') {
      this.#clearTimer();
      this.#setState('offline');
    } else if (w.state === 'offline' || wasHalted || (this.#timer === null && !this.#inFlight)) {
      // Back: at once, not when the backoff would have tried.
      this.#failures = 0;
      this.#schedule(0);
    }
  }

  /** Sign-out or close: no more requests, timers or events. */
  dispose(): void {
    this.#disposed = true;
    this.#generation++;
    this.#clearTimer();
    if (this.#emitTimer !== null) this.#clear(this.#emitTimer);
    this.#emitTimer = null;
  }

  // ------------------------------------------------------------------------------ the loop

  #continue(): void {
    const connection = this.#deps.connection();
    this.#halted = connection === 'unauthorized' || connection === 'signed-out';
    this.#failures = 0;
    this.#setState(connection === 'online' || this.#halted ? 'running' : 'offline', null, true);
    // A request out or a pause under way goes on as it was: never two requests at once, nor two pages without a pause.
    if (this.#timer === null && !this.#inFlight) this.#schedule(0);
  }

  /** The conversations of the selection still listed, in list order. */
  #selection(): string[] {
    const listed = this.#deps.conversationIds();
    const chosen = this.#work.chosen;
    return chosen ? listed.filter((id) => chosen.has(id)) : listed;
  }

  #step(): void {
    this.#timer = null;
    const w = this.#work;
    if (this.#disposed || this.#halted || this.#inFlight || (w.state !== 'running' && w.state !== 'offline')) return;
    const connection = this.#deps.connection();
    if (connection === 'unauthorized' || connection === 'signed-out') {
      this.#halted = true;
      return;
    }
    if (connection !== 'online') {
      this.#setState('offline');
      this.#schedule(RECHECK_MS);
      return;
    }
    const ids = this.#selection();
    const listed = new Set(ids);
    // A conversation that left the list (or the selection) is no longer waited for.
    for (const id of w.cursors.keys()) if (!listed.has(id)) w.cursors.delete(id);
    // The one in progress first, so a resumed download picks up its cursor.
    const id = [...w.cursors.keys()][0] ?? ids.find((c) => !w.done.has(c) && !w.failed.has(c));
    if (id === undefined) return this.#finish(ids);
    // Retrying after a transient failure stays "offline" until a page comes back.
    if (this.#failures === 0) this.#setState('running');
    const before = w.cursors.get(id);
    const generation = this.#generation;
    this.#inFlight = true;
    Promise.resolve()
      .then(() => this.#deps.fetchOlder(id, before, MAX_PAGE))
      .then(
        (page) => this.#settled(generation, () => this.#pageDone(id, before, page)),
        (err: unknown) => this.#settled(generation, () => this.#pageFailed(id, err)),
      );
  }

  #settled(generation: number, then: () => void): void {
    this.#inFlight = false;
    if (generation !== this.#generation || this.#disposed) {
      // Stopped or started over meanwhile: the new run may be waiting for this request to end.
      if (!this.#disposed && this.#timer === null) this.#schedule(0);
      return;
    }
    try {
      then();
    } catch (err) {
      this.#log(`The history download stopped on a problem: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  #pageDone(id: string, before: HistoryCursor | undefined, page: HistoryPage): void {
    const w = this.#work;
    this.#failures = 0;
    this.#tries.delete(id);
    w.messagesDone += page.count;
    // Shorter than asked: nothing older. The same cursor again would loop forever: a broken answer, taken as the end.
    if (page.count < MAX_PAGE || !page.oldest || (before !== undefined && page.oldest.id === before.id)) {
      w.cursors.delete(id);
      w.done.add(id);
    } else {
      w.cursors.set(id, page.oldest);
    }
    this.#save();
    if (page.count > 0) {
      try {
        this.#deps.onStored();
      } catch (err) {
        // The indexer's problem, not the download's: it catches up at its next cue.
        this.#log(`The search index was not told about new messages: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    // Back from a transient failure: running again (unless the connection went meanwhile).
    if (w.state !== 'running' && this.#deps.connection() === 'online') this.#setState('running');
    else this.#changed();
    this.#schedule(this.#pauseMs);
  }

  #pageFailed(id: string, err: unknown): void {
    const w = this.#work;
    if (!this.#selection().includes(id)) {
      // It left the list meanwhile (deleted, or we were taken out): dropped, not failed.
      w.cursors.delete(id);
      this.#schedule(0);
      return;
    }
    if (err instanceof CoreError && err.code === 'unauthorized') {
      this.#halted = true;
      return;
    }
    if (err instanceof CoreError && err.transient) {
      // Probably offline before the engine noticed: paused, and tried again with growing pauses.
      this.#setState('offline');
      this.#schedule(backoffDelay(this.#failures++, this.#deps.offlineBackoff ?? OFFLINE_BACKOFF, this.#deps.random) + 250);
      return;
    }
    if (err instanceof CoreError && err.code === 'stale-instance' && !w.restarted.has(id)) {
      // Cleared meanwhile: the fetcher refreshed it and dropped its old messages; from the newest page again.
      w.restarted.add(id);
      w.cursors.delete(id);
      this.#save();
      this.#schedule(this.#pauseMs);
      return;
    }
    const tries = (this.#tries.get(id) ?? 0) + 1;
    const message = toErrorInfo(err).message;
    if (tries < MAX_TRIES) {
      this.#tries.set(id, tries);
      this.#schedule(this.#pauseMs * 10 * tries);
      return;
    }
    this.#log(`The history of conversation ${id} could not be downloaded: ${message}`);
    this.#tries.delete(id);
    w.cursors.delete(id);
    w.failed.set(id, message);
    this.#save();
    this.#changed();
    this.#schedule(this.#pauseMs);
  }

  /** Nothing left: done, or failed when no conversation could be downloaded. */
  #finish(ids: string[]): void {
    const w = this.#work;
    // The selection is what was downloaded: conversations started later do not reopen a finished download.
    w.chosen = new Set(ids);
    w.cursors.clear();
    const failed = ids.filter((id) => w.failed.has(id));
    if (ids.length > 0 && failed.length === ids.length) {
      const why = w.failed.get(failed[0]!)!;
      this.#setState('failed', `The older history could not be downloaded. ${why}`, true);
    } else if (failed.length > 0) {
      const n = failed.length;
      this.#setState('done', `${n} of ${ids.length} conversations could not be downloaded; the rest of the history is searchable.`, true);
    } else {
      this.#setState('done', null, true);
    }
  }

  // ------------------------------------------------------------------------------ state, events, timers

  /** A new state is saved and told at once; `always`: even when only the error or counts changed. */
  #setState(state: State, error: string | null = null, always = false): void {
    const w = this.#work;
    if (w.state === state && !always) return;
    w.state = state;
    w.error = error;
    this.#save();
    this.#emitNow();
  }

  /** Progress moved: told now, or at the end of the current quiet interval. */
  #changed(): void {
    if (this.#emitTimer !== null) this.#emitDirty = true;
    else this.#emitNow();
  }

  /** Tells where it stands now, and starts a quiet interval: what moves during it is told at its end. */
  #emitNow(): void {
    if (this.#disposed) return;
    this.#emitDirty = false;
    this.#deps.emit(this.status());
    this.#emitTimer ??= this.#set(() => {
      this.#emitTimer = null;
      if (this.#emitDirty) this.#emitNow();
    }, EMIT_EVERY_MS);
  }

  #schedule(ms: number): void {
    if (this.#disposed) return;
    this.#clearTimer();
    this.#timer = this.#set(() => this.#step(), ms);
  }

  #clearTimer(): void {
    if (this.#timer !== null) this.#clear(this.#timer);
    this.#timer = null;
  }

  #log(line: string): void {
    this.#deps.log?.(line);
  }

  #save(): void {
    try {
      this.#deps.store.setMeta(HISTORY_DOWNLOAD_KEY, serializeWork(this.#work));
    } catch (err) {
      // Not fatal: the download goes on; a restart would only start this conversation again.
      this.#log(`The history download's progress could not be saved: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
