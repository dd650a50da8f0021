import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChunkWindow } from './chunk-window.svelte.js';

/** A stand-in IntersectionObserver: the test says which elements are near the view. */
class FakeObserver {
  static last: FakeObserver | null = null;
  readonly targets = new Set<Element>();
  readonly options: IntersectionObserverInit | undefined;
  constructor(
    private readonly callback: IntersectionObserverCallback,
    options?: IntersectionObserverInit,
  ) {
    this.options = options;
    FakeObserver.last = this;
  }
  observe(el: Element): void {
    this.targets.add(el);
  }
  unobserve(el: Element): void {
    this.targets.delete(el);
  }
  disconnect(): void {
    this.targets.clear();
  }
  report(els: Element[], near: boolean, height = 480): void {
    const entries = els.map((target) => ({ target, isIntersecting: near, boundingClientRect: { height } }));
    this.callback(entries as unknown as IntersectionObserverEntry[], this as unknown as IntersectionObserver);
  }
}

function chunks(window: ChunkWindow, count: number): HTMLElement[] {
  const log = document.createElement('div');
  log.setAttribute('role', 'log');
  document.body.append(log);
  return Array.from({ length: count }, (_, i) => {
    const el = document.createElement('ol');
    log.append(el);
    window.watch(`chunk-${i}`)(el);
    return el;
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
  FakeObserver.last = null;
  document.body.innerHTML = '';
});

describe('the chunks of the log that are drawn', () => {
  it('draws everything in a short log, and never observes it', () => {
    vi.stubGlobal('IntersectionObserver', FakeObserver);
    const window = new ChunkWindow();
    chunks(window, 10);
    window.chunkCount = 10;
    expect(FakeObserver.last).toBeNull();
    expect(window.far.size).toBe(0);
  });

  it('in a long log, leaves far chunks as space of the height they had, and draws them again as they come near', () => {
    vi.stubGlobal('IntersectionObserver', FakeObserver);
    const window = new ChunkWindow();
    const els = chunks(window, 30);
    window.chunkCount = 30;
    const observer = FakeObserver.last!;
    // Observed from the log, with a wide margin, every chunk, also those attached before the window opened.
    expect(observer.targets.size).toBe(30);
    expect(observer.options?.rootMargin).toMatch(/^\d+px 0px$/);
    observer.report(els.slice(0, 20), false, 512);
    expect(window.far.size).toBe(20);
    expect(window.height('chunk-3')).toBe(512);
    observer.report([els[3]!], true);
    expect(window.far.has('chunk-3')).toBe(false);
    // A chunk not laid out yet (no height) is never left as empty space.
    observer.report([els[25]!], false, 0);
    expect(window.far.has('chunk-25')).toBe(false);
  });

  it('draws everything again when the log becomes short', () => {
    vi.stubGlobal('IntersectionObserver', FakeObserver);
    const window = new ChunkWindow();
    const els = chunks(window, 30);
    window.chunkCount = 30;
    FakeObserver.last!.report(els.slice(0, 10), false);
    window.chunkCount = 5;
    expect(window.far.size).toBe(0);
  });
});
