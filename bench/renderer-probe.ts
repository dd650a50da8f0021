/**
 * Instruments the renderer page for bench/renderer.ts. It runs IN THE PAGE: compiled on its own
 * by esbuild (see probeScript in page.ts) and installed with page.addInitScript, so it runs
 * before the host's bridge script and the renderer's bundle. It imports nothing, and the Node-only
 * tsconfig has no DOM library, so the few page APIs it uses are typed below.
 *
 * Everything is timed with the page's performance.now(); Node reads the results through
 * `globalThis.__ozekiBench`, except the first list paint of a page load, which is sent as a
 * console message (FIRST_PAINT_MESSAGE): polling the page for it would run Playwright's own script
 * in the page (about 20 ms of main thread the first time) in the middle of what is timed. Elements are found by ARIA role and accessible name only, since the
 * list's markup and classes are still changing.
 *
 * "Painted" is always taken the same way: a requestAnimationFrame callback registered once the
 * DOM has the change runs in the next rendering update, before that frame's style, layout and
 * paint; a message posted from there runs as the first task after the whole update (Chromium
 * does rAF, style, layout, paint and the commit to the compositor in one main-thread task). So
 * the message's time is when the main thread has finished producing the frame that shows the
 * change. Rasterising and presenting it (other threads) come after and are not counted. A
 * MessageChannel rather than setTimeout(0), which may be delayed or clamped.
 */

/** The console message that carries a page load's FirstPaint, as JSON after it: page.ts defines it (probeScript). */
declare const FIRST_PAINT_MESSAGE: string;

export type FirstPaint = {
  /** invoke('state:snapshot') called. */
  requestedAt: number;
  /** The last large WebSocket frame arrived (the snapshot reply, before JSON.parse). */
  frameAt: number;
  frameChars: number;
  /** The reply, parsed, handed to the renderer. */
  snapshotAt: number;
  snapshotConversations: number;
  /** The first [role=option] in the "Conversations" listbox is in the DOM. */
  rowsAt: number;
  /** The frame with those rows has been produced. */
  visibleAt: number;
  /** performance.timeOrigin, to line these up with the Node clock. */
  timeOrigin: number;
};

export type ScrollResult = {
  /** Per frame: from the first work of the frame (the scroll event, else the rAF) to the frame produced. */
  work: number[];
  /** Per frame: rAF to rAF, the frame rate the page actually got. */
  intervals: number[];
  maxOptions: number;
  longAnimationFrames: number;
  scrolledPx: number;
};

/** An account switch by keyboard (Ctrl+digit) to the other account's list painted. */
export type SwitchTiming = {
  /** The Ctrl+digit keydown reached the page. */
  keyAt: number;
  /** The new account's snapshot reply, parsed, handed to the renderer. */
  snapshotAt: number;
  /** Its first [role=option] is in the DOM. */
  rowsAt: number;
  /** The frame showing them has been produced. */
  paintedAt: number;
  /** The first option's accessible name, to check it is the other account's list. */
  firstOption: string;
};

export type FavoriteTiming = {
  name: string;
  /** The `f` keydown reached the page. */
  keyAt: number;
  /** The first conversations:changed event carrying that conversation as a favourite. */
  eventAt: number;
  /** Its option is in the DOM inside the Favorites group. */
  domAt: number;
  /** The frame showing it has been produced. */
  paintedAt: number;
};

type El = {
  nodeType: number;
  childNodes: ArrayLike<El>;
  querySelectorAll(selector: string): ArrayLike<El>;
  closest(selector: string): El | null;
  getAttribute(name: string): string | null;
  textContent: string | null;
  parentElement: El | null;
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
};
type Observer = { observe(target: unknown, options: object): void; disconnect(): void };
type Bridge = {
  invoke(channel: string, ...args: unknown[]): Promise<{ ok: boolean; value?: { conversations?: unknown[] } }>;
  on(event: string, listener: (payload: unknown) => void): () => void;
};
type Page = {
  document: El & {
    getElementById(id: string): El | null;
    addEventListener(type: string, listener: () => void, capture: boolean): void;
    removeEventListener(type: string, listener: () => void, capture: boolean): void;
  };
  addEventListener(type: string, listener: (e: { key?: string; ctrlKey?: boolean; metaKey?: boolean }) => void, capture: boolean): void;
  requestAnimationFrame(callback: (t: number) => void): number;
  MutationObserver: new (callback: () => void) => Observer;
  PerformanceObserver: new (callback: (list: { getEntries(): unknown[] }) => void) => { observe(options: { type: string }): void; disconnect(): void };
  MessageChannel: new () => { port1: { onmessage: (() => void) | null; close(): void }; port2: { postMessage(message: unknown): void } };
  WebSocket: new (url: string, protocols?: string | string[]) => { addEventListener(type: string, listener: (e: { data: unknown }) => void): void };
  __ozekiBench: unknown;
  console: { debug(message: string): void };
};

const g = globalThis as unknown as Page;
const now = () => performance.now();

/** Resolves with the time the next frame has been produced (see the header). */
function afterNextFrame(): Promise<number> {
  return new Promise((resolve) => {
    g.requestAnimationFrame(() => {
      const channel = new g.MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve(now());
      };
      channel.port2.postMessage(null);
    });
  });
}

/** Text content as the accessibility tree has it: without aria-hidden parts (a row's marks are). */
function visibleText(node: El): string {
  if (node.nodeType === 3) return node.textContent ?? '';
  if (node.nodeType !== 1 || node.getAttribute('aria-hidden') === 'true') return '';
  return Array.from(node.childNodes).map(visibleText).join('');
}

/** Close enough to the accessible name for this markup: aria-labelledby, aria-label, then content. */
function nameOf(el: El): string {
  const by = el.getAttribute('aria-labelledby');
  const text = by
    ? by
        .split(/\s+/)
        .map((id) => {
          const ref = g.document.getElementById(id);
          return ref ? visibleText(ref) : '';
        })
        .join(' ')
    : (el.getAttribute('aria-label') ?? visibleText(el));
  return text.replace(/\s+/g, ' ').trim();
}

function byRole(root: El, role: string, name: string): El | null {
  for (const el of Array.from(root.querySelectorAll(`[role="${role}"]`))) if (nameOf(el) === name) return el;
  return null;
}

const conversationsListbox = () => byRole(g.document, 'listbox', 'Conversations');

// ---------------------------------------------------------------------------------- bridge taps

let lastFrameAt = 0;
let lastFrameChars = 0;
const NativeSocket = g.WebSocket;
// A subclass whose own listener is added first, so it runs before the bridge's onmessage parses.
g.WebSocket = class extends (NativeSocket as unknown as new (url: string, protocols?: string | string[]) => object) {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    (this as unknown as InstanceType<Page['WebSocket']>).addEventListener('message', (e) => {
      // Every frame: the reply is the last one to arrive before its promise settles.
      if (typeof e.data === 'string') {
        lastFrameAt = now();
        lastFrameChars = e.data.length;
      }
    });
  }
} as unknown as Page['WebSocket'];

let firstPaint: FirstPaint | null = null;
const changes: { at: number; upserted: { id: string; name: string; favorite: boolean }[] }[] = [];

/** Calls `done` with the time the "Conversations" listbox first has an option in the DOM. */
function whenRowsInDom(done: (rowsAt: number) => void): void {
  const hasRows = () => {
    const listbox = conversationsListbox();
    return listbox !== null && listbox.querySelectorAll('[role="option"]').length > 0;
  };
  const observer = new g.MutationObserver(() => {
    if (!hasRows()) return;
    observer.disconnect();
    done(now());
  });
  observer.observe(g.document, { childList: true, subtree: true });
}

function watchFirstRows(requestedAt: number, snapshotAt: number, count: number): void {
  const frameAt = lastFrameAt;
  const frameChars = lastFrameChars;
  whenRowsInDom(
    (rowsAt) =>
      void afterNextFrame().then((visibleAt) => {
        firstPaint = { requestedAt, frameAt, frameChars, snapshotAt, snapshotConversations: count, rowsAt, visibleAt, timeOrigin: performance.timeOrigin };
        g.console.debug(FIRST_PAINT_MESSAGE + JSON.stringify(firstPaint));
      }),
  );
}

let switchKeyAt = 0;
let switchArmed: ((timing: SwitchTiming) => void) | null = null;
let pendingSwitch: Promise<SwitchTiming> | null = null;

/** The snapshot that follows an armed switch key: the window starts over from it (App.svelte's startOver). */
function watchSwitchedRows(snapshotAt: number): void {
  const resolve = switchArmed!;
  switchArmed = null;
  const keyAt = switchKeyAt;
  whenRowsInDom(
    (rowsAt) =>
      void afterNextFrame().then((paintedAt) => {
        const first = conversationsListbox()?.querySelectorAll('[role="option"]')[0];
        resolve({ keyAt, snapshotAt, rowsAt, paintedAt, firstOption: first ? nameOf(first) : '' });
      }),
  );
}

// The bridge defines window.ozeki once, frozen and non-configurable (as Electron's contextBridge
// does). Wrapping it on its way in is the only way to see the replies and events the renderer gets.
const define = Object.defineProperty;
Object.defineProperty = function <T>(target: T, key: PropertyKey, descriptor: PropertyDescriptor & ThisType<unknown>): T {
  if (target !== (g as unknown) || key !== 'ozeki' || !descriptor.value) return define(target, key, descriptor);
  Object.defineProperty = define;
  const bridge = descriptor.value as Bridge;
  const tapped: Bridge = {
    invoke(channel, ...args) {
      const requestedAt = now();
      return bridge.invoke(channel, ...args).then((reply) => {
        if (channel === 'state:snapshot' && reply.ok && firstPaint === null) {
          watchFirstRows(requestedAt, now(), reply.value?.conversations?.length ?? 0);
        } else if (channel === 'state:snapshot' && reply.ok && switchArmed && switchKeyAt > 0 && requestedAt >= switchKeyAt) {
          watchSwitchedRows(now());
        }
        return reply;
      });
    },
    on(event, listener) {
      if (event !== 'conversations:changed') return bridge.on(event, listener);
      return bridge.on(event, (payload) => {
        const upserted = (payload as { upserted: { id: string; name: string; favorite: boolean }[] }).upserted;
        // Only small changes (the favourite runs); the sync's batches would only cost memory.
        if (upserted.length <= 10) changes.push({ at: now(), upserted: upserted.map(({ id, name, favorite }) => ({ id, name, favorite })) });
        listener(payload);
      });
    },
  };
  return define(target, key, { ...descriptor, value: Object.freeze(tapped) });
} as typeof Object.defineProperty;

// ------------------------------------------------------------------------------------- probes

/**
 * Scrolls the listbox by `pxPerFrame` every frame for `ms`, turning at either end. Setting
 * scrollTop in rAF fires the scroll event at the start of the next frame, where the list renders
 * its new window of rows, so a frame's work is timed from that event (a capturing listener on the
 * document, ahead of the list's own) to the frame produced.
 */
function scroll(listbox: El, ms: number, pxPerFrame: number): Promise<ScrollResult> {
  return new Promise((resolve) => {
    const work: number[] = [];
    const intervals: number[] = [];
    let maxOptions = 0;
    let longAnimationFrames = 0;
    let scrolledPx = 0;
    let frameStart: number | null = null;
    let direction = 1;
    let lastRaf = 0;
    const onScroll = () => {
      if (frameStart === null) frameStart = now();
    };
    g.document.addEventListener('scroll', onScroll, true);
    let loaf: InstanceType<Page['PerformanceObserver']> | null = null;
    try {
      loaf = new g.PerformanceObserver((list) => void (longAnimationFrames += list.getEntries().length));
      loaf.observe({ type: 'long-animation-frame' });
    } catch {
      loaf = null; // not in this Chromium: the count stays 0
    }
    const stopAt = now() + ms;
    const frame = (rafAt: number) => {
      const start = frameStart ?? now();
      if (lastRaf) intervals.push(rafAt - lastRaf);
      lastRaf = rafAt;
      const max = listbox.scrollHeight - listbox.clientHeight;
      if (listbox.scrollTop + pxPerFrame * direction > max || listbox.scrollTop + pxPerFrame * direction < 0) direction = -direction;
      const before = listbox.scrollTop;
      listbox.scrollTop = before + pxPerFrame * direction;
      scrolledPx += Math.abs(listbox.scrollTop - before);
      const channel = new g.MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        work.push(now() - start);
        frameStart = null;
        // Counted after the frame is timed, so the count is not part of it.
        maxOptions = Math.max(maxOptions, listbox.querySelectorAll('[role="option"]').length);
        if (now() < stopAt) g.requestAnimationFrame(frame);
        else {
          g.document.removeEventListener('scroll', onScroll, true);
          loaf?.disconnect();
          resolve({ work, intervals, maxOptions, longAnimationFrames, scrolledPx });
        }
      };
      channel.port2.postMessage(null);
    };
    g.requestAnimationFrame(frame);
  });
}

let pendingFavorite: Promise<FavoriteTiming> | null = null;
let keyAt = 0;
g.addEventListener(
  'keydown',
  (e) => {
    if (e.key === 'f' || e.key === 'F') keyAt = now();
    if ((e.ctrlKey || e.metaKey) && e.key !== undefined && /^[1-9]$/.test(e.key)) switchKeyAt = now();
  },
  true,
);

/** Arms the measurement of the next Ctrl+digit: until the new account's first screen is painted. */
function armSwitch(): void {
  switchKeyAt = 0;
  pendingSwitch = new Promise((resolve) => (switchArmed = resolve));
}

/** Arms the measurement of the next `f`: until `name` shows as an option in the Favorites group. */
function armFavorite(listbox: El, name: string): void {
  keyAt = 0;
  const from = changes.length;
  pendingFavorite = new Promise((resolve) => {
    const shown = () => {
      const group = byRole(listbox, 'group', 'Favorites');
      return group !== null && byRole(group, 'option', name) !== null;
    };
    const observer = new g.MutationObserver(() => {
      if (!shown()) return;
      observer.disconnect();
      const domAt = now();
      void afterNextFrame().then((paintedAt) => {
        const event = changes.slice(from).find((c) => c.upserted.some((u) => u.name === name && u.favorite));
        resolve({ name, keyAt, eventAt: event?.at ?? Number.NaN, domAt, paintedAt });
      });
    });
    observer.observe(listbox, { childList: true, subtree: true, attributes: true });
  });
}

/** The listbox's active option (aria-activedescendant): its name, and whether it is a favourite. */
function active(listbox: El): { name: string; inFavorites: boolean } | null {
  const id = listbox.getAttribute('aria-activedescendant');
  const option = id ? g.document.getElementById(id) : null;
  if (!option) return null;
  const group = option.closest('[role="group"]');
  return { name: nameOf(option), inFavorites: group !== null && nameOf(group) === 'Favorites' };
}

g.__ozekiBench = {
  active,
  scroll,
  armFavorite,
  favorite: () => pendingFavorite,
  armSwitch,
  switched: () => pendingSwitch,
};
