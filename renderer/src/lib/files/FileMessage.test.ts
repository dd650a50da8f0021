import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Reply } from '../../../../app/ipc/contract.js';
import type { FileView, MessageView } from '../../../../app/ipc/views.js';
import { conversation, deferred, installBridge, type FakeBridge, type Handlers } from '../../../test/fake-bridge.js';
import { fileView, ME_ID, messageView, uuid } from '../../../test/message-views.js';
import ConversationPane from '../pane/ConversationPane.svelte';
import { bytesToBase64 } from './base64.js';

/** Files in the log: pictures (checked before they are decoded), cards, Save, and transfers under way. */

const CONV = conversation('a', 'Bob Brown', 1);
const T = new Date(2025, 2, 10, 12).getTime();
const ok = { ok: true as const, value: undefined };
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const THUMBNAIL = `data:image/png;base64,${PNG_1X1}`;

const withFile = (n: number, file: Partial<FileView>, over: Partial<MessageView> = {}): MessageView =>
  messageView(CONV.id, n, T + n * 60_000, { text: '', file: fileView(file), ...over });
const mine = (n: number, file: Partial<FileView>): MessageView => withFile(n, { local: true, ...file }, { from: ME_ID, fromName: 'Alice', mine: true });
const picture = (n: number, image: Partial<NonNullable<FileView['image']>> = {}, file: Partial<FileView> = {}): MessageView =>
  withFile(n, { name: 'cat.png', type: 'image/png', size: 68, image: { width: 1, height: 1, thumbnail: THUMBNAIL, ...image }, ...file });

/** `files:read` answering these bytes in pieces of the sizes given (one piece by default). */
function serve(bytes: Uint8Array, sizes: number[] = [bytes.length]): Handlers['files:read'] {
  return (_c, _m, index) => {
    const start = sizes.slice(0, index).reduce((a, b) => a + b, 0);
    return { ok: true, value: { data: bytesToBase64(bytes.subarray(start, start + (sizes[index] ?? 0))), pieces: sizes.length, type: 'image/png' } };
  };
}
const png1x1 = (): Uint8Array => Uint8Array.from(atob(PNG_1X1), (c) => c.charCodeAt(0));

function setup(messages: MessageView[], handlers: Handlers = {}) {
  const bridge = installBridge({
    'messages:latest': () => ({ ok: true, value: { conversationId: CONV.id, messages, hasOlder: false } }),
    'messages:mark-viewed': () => ok,
    ...handlers,
  });
  const view = render(ConversationPane, { conversation: CONV });
  return { bridge, user: userEvent.setup(), ...view };
}

const calls = (bridge: FakeBridge, channel: string): unknown[][] => bridge.calls.filter((c) => c.channel === channel).map((c) => c.args);
const item = async (n: number): Promise<HTMLElement> => {
  await screen.findByRole('log', { name: 'Messages' });
  return waitFor(() => document.querySelector<HTMLElement>(`[data-message-id="${uuid(n)}"]`)!);
};

function stubObjectUrls() {
  const created = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:picture');
  const revoked = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
  return { created, revoked };
}

/** A stand-in IntersectionObserver that keeps every instance: the test says what came into view. */
class FakeObserver {
  static all: FakeObserver[] = [];
  readonly targets = new Set<Element>();
  constructor(private readonly callback: IntersectionObserverCallback) {
    FakeObserver.all.push(this);
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
  static show(el: Element): void {
    for (const o of FakeObserver.all.filter((o) => o.targets.has(el))) {
      const entry = { target: el, isIntersecting: true, intersectionRatio: 1, rootBounds: null, intersectionRect: { height: 100 } };
      o.callback([entry as unknown as IntersectionObserverEntry], o as unknown as IntersectionObserver);
    }
  }
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  vi.useRealTimers();
  FakeObserver.all = [];
});

describe('a picture', () => {
  it('shows its preview at once, then the picture itself only once its bytes pass sniffing', async () => {
    const { created } = stubObjectUrls();
    const read = deferred<Reply<'files:read'>>();
    const { bridge } = setup([picture(1)], { 'files:read': () => read.promise });
    const li = await item(1);
    const preview = await within(li).findByRole('img', { name: 'cat.png' });
    expect(preview).toHaveAttribute('src', THUMBNAIL);
    expect(calls(bridge, 'files:read')).toEqual([[CONV.id, uuid(1), 0]]);
    expect(created).not.toHaveBeenCalled();

    read.resolve({ ok: true, value: { data: PNG_1X1, pieces: 1, type: 'text/html' } });
    await waitFor(() => expect(within(li).getByRole('img', { name: 'cat.png' })).toHaveAttribute('src', 'blob:picture'));
    // Of the sniffed type, not the one the answer claims.
    const blob = created.mock.calls[0]?.[0] as Blob;
    expect(blob.type).toBe('image/png');
    expect(blob.size).toBe(png1x1().length);
  });

  it('is read only once its bubble comes into view, piece by piece', async () => {
    vi.stubGlobal('IntersectionObserver', FakeObserver);
    const { created } = stubObjectUrls();
    const bytes = png1x1();
    const { bridge } = setup([picture(1, { thumbnail: null })], { 'files:read': serve(bytes, [30, bytes.length - 30]) });
    const li = await item(1);
    const box = li.querySelector('.picture')!;
    expect(box).toHaveStyle({ width: '48px' });
    expect(within(li).getByRole('img', { name: 'cat.png' })).not.toHaveAttribute('src');
    expect(calls(bridge, 'files:read')).toEqual([]);

    FakeObserver.show(box);
    await waitFor(() => expect(within(li).getByRole('img', { name: 'cat.png' })).toHaveAttribute('src', 'blob:picture'));
    expect(calls(bridge, 'files:read')).toEqual([
      [CONV.id, uuid(1), 0],
      [CONV.id, uuid(1), 1],
    ]);
    expect((created.mock.calls[0]?.[0] as Blob).size).toBe(bytes.length);
  });

  it('takes a box of its own shape, within 320×320', async () => {
    stubObjectUrls();
    setup([picture(1, { width: 4000, height: 3000 })], { 'files:read': () => deferred<Reply<'files:read'>>().promise });
    const box = (await item(1)).querySelector<HTMLElement>('.picture')!;
    expect(box.style.width).toBe('320px');
    expect(box.style.aspectRatio).toBe('320 / 240');
  });

  it.each([
    [
      'a PNG claiming 100000×100000',
      () =>
        new Uint8Array([
          0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0, 8, 6, 0, 0, 0,
        ]),
    ],
    ['bytes that are no image', () => new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
  ])('is not shown for %s, and Save stays', async (_what, bytes) => {
    const { created } = stubObjectUrls();
    setup([picture(1)], { 'files:read': serve(bytes()) });
    const li = await item(1);
    expect(await within(li).findByText('This picture could not be shown')).toBeInTheDocument();
    expect(within(li).queryByRole('img')).toBeNull();
    expect(created).not.toHaveBeenCalled();
    expect(within(li).getByRole('button', { name: 'Save' })).toBeInTheDocument();
  });

  it('is not shown when the main process cannot read it', async () => {
    stubObjectUrls();
    setup([picture(1)], { 'files:read': () => ({ ok: false, error: { code: 'storage', message: 'The file is gone.' } }) });
    expect(await within(await item(1)).findByText('This picture could not be shown')).toBeInTheDocument();
  });

  it('is not shown when the browser cannot decode it, and lets go of its URL', async () => {
    const { revoked } = stubObjectUrls();
    setup([picture(1)], { 'files:read': serve(png1x1()) });
    const li = await item(1);
    await waitFor(() => expect(within(li).getByRole('img', { name: 'cat.png' })).toHaveAttribute('src', 'blob:picture'));
    await fireEvent.error(within(li).getByRole('img', { name: 'cat.png' }));
    expect(await within(li).findByText('This picture could not be shown')).toBeInTheDocument();
    expect(revoked).toHaveBeenCalledWith('blob:picture');
  });

  it('lets go of its URL when it leaves the screen', async () => {
    const { revoked } = stubObjectUrls();
    const { unmount } = setup([picture(1)], { 'files:read': serve(png1x1()) });
    const li = await item(1);
    await waitFor(() => expect(within(li).getByRole('img', { name: 'cat.png' })).toHaveAttribute('src', 'blob:picture'));
    expect(revoked).not.toHaveBeenCalled();
    unmount();
    expect(revoked).toHaveBeenCalledWith('blob:picture');
  });

  it('never shows an SVG preview, nor a preview that is a link', async () => {
    stubObjectUrls();
    const never = () => deferred<Reply<'files:read'>>().promise;
    setup([picture(1, { thumbnail: 'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=' }), picture(2, { thumbnail: 'https://example.com/x.png' })], {
      'files:read': never,
    });
    for (const n of [1, 2]) {
      const shown = within(await item(n)).getByRole('img', { name: 'cat.png' });
      expect(shown.tagName).not.toBe('IMG');
    }
  });

  it('shows its caption under it', async () => {
    stubObjectUrls();
    setup(
      [picture(1, {}, {})].map((m) => ({ ...m, text: 'our cat, see https://example.com' })),
      { 'files:read': serve(png1x1()) },
    );
    const li = await item(1);
    expect(within(li).getByText(/our cat/)).toBeInTheDocument();
    expect(within(li).getByRole('link')).toHaveAttribute('href', 'https://example.com');
  });
});

describe('a file card', () => {
  it('shows the name as text, whole in its title, and the size in decimal units', async () => {
    setup([withFile(1, { name: '<img src=x onerror=alert(1)>.txt', size: 1_234_567 })]);
    const li = await item(1);
    const name = within(li).getByText('<img src=x onerror=alert(1)>.txt');
    expect(name).toHaveAttribute('title', '<img src=x onerror=alert(1)>.txt');
    expect(within(li).getByText('1.2 MB')).toBeInTheDocument();
    expect(li.querySelector('img')).toBeNull();
    // No caption: no empty paragraph.
    expect(li.querySelector('.text')).toBeNull();
  });

  it('saves to Downloads in Electron, then offers Show in folder', async () => {
    const { bridge, user } = setup([withFile(1, {})], {
      'files:save': () => ({ ok: true, value: { saved: 'downloads', name: 'report (1).pdf' } }),
      'files:show-in-folder': () => ok,
    });
    const li = await item(1);
    const save = within(li).getByRole('button', { name: 'Save' });
    expect(save).toHaveAccessibleDescription('report.pdf');
    await user.click(save);
    expect(await within(li).findByRole('status')).toHaveTextContent('Saved to Downloads as report (1).pdf');
    expect(calls(bridge, 'files:save')).toEqual([[CONV.id, uuid(1)]]);
    expect(calls(bridge, 'files:read')).toEqual([]);
    await user.click(within(li).getByRole('button', { name: 'Show in folder' }));
    expect(calls(bridge, 'files:show-in-folder')).toEqual([[CONV.id, uuid(1)]]);
  });

  it('in the browser host, reads every piece and hands the browser a download of them, then lets go of the URL', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout'] });
    const { created, revoked } = stubObjectUrls();
    created.mockReturnValue('blob:download');
    let clicked: { download: string; href: string } | null = null;
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked = { download: this.download, href: this.getAttribute('href') ?? '' };
    });
    const bytes = Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff);
    const { bridge, user } = setup([withFile(1, { size: 5000 })], {
      'files:save': () => ({ ok: true, value: { saved: 'browser' } }),
      'files:read': serve(bytes, [3000, 2000]),
    });
    await user.click(within(await item(1)).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(clicked).toEqual({ download: 'report.pdf', href: 'blob:download' }));
    expect(calls(bridge, 'files:read')).toEqual([
      [CONV.id, uuid(1), 0],
      [CONV.id, uuid(1), 1],
    ]);
    const blob = created.mock.calls[0]?.[0] as Blob;
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(bytes);
    expect(blob.type).toBe('application/octet-stream');
    expect(document.querySelector('a[download]')).toBeNull();
    expect(revoked).not.toHaveBeenCalled();
    vi.advanceTimersByTime(60_000);
    expect(revoked).toHaveBeenCalledWith('blob:download');
  });

  it('says why it could not be saved', async () => {
    const { user } = setup([withFile(1, {})], { 'files:save': () => ({ ok: false, error: { code: 'storage', message: 'Downloads is full.' } }) });
    await user.click(within(await item(1)).getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Downloads is full.');
  });

  it('offers no Save for a file that failed, and says why', async () => {
    setup([withFile(1, { state: 'failed', error: 'The file did not match what was sent.' })]);
    const li = await item(1);
    expect(within(li).getByText('The file did not match what was sent.')).toBeInTheDocument();
    expect(within(li).queryByRole('button', { name: 'Save' })).toBeNull();
  });
});

describe('a file on its way', () => {
  it('moves its bar with files:progress for this message only, and Cancel stops it', async () => {
    const { bridge, user } = setup([mine(1, { state: 'uploading', progress: { direction: 'upload', done: 0, total: 1000 } })], { 'files:cancel': () => ok });
    const li = await item(1);
    expect(within(li).getByRole('progressbar', { name: 'Uploading report.pdf, 0%' })).toBeInTheDocument();
    bridge.emit('files:progress', { conversationId: CONV.id, messageId: uuid(1), direction: 'upload', done: 400, total: 1000 });
    bridge.emit('files:progress', { conversationId: CONV.id, messageId: uuid(2), direction: 'upload', done: 900, total: 1000 });
    const bar = await within(li).findByRole('progressbar', { name: 'Uploading report.pdf, 40%' });
    expect(bar).toHaveAttribute('value', '400');
    expect(bar).toHaveAttribute('max', '1000');

    const cancel = within(li).getByRole('button', { name: 'Cancel' });
    expect(cancel).toHaveAccessibleDescription('report.pdf');
    await user.click(cancel);
    expect(calls(bridge, 'files:cancel')).toEqual([[CONV.id, uuid(1)]]);
  });

  it('says "Waiting to upload" while an upload of mine waits, with Cancel', async () => {
    setup([mine(1, { state: 'uploading', progress: null })]);
    const li = await item(1);
    expect(within(li).getByText('Waiting to upload')).toBeInTheDocument();
    expect(within(li).getByRole('button', { name: 'Cancel' })).toBeInTheDocument();
    expect(within(li).queryByRole('progressbar')).toBeNull();
  });

  it('drops the bar once messages:changed says the file is on the server', async () => {
    const { bridge } = setup([mine(1, { state: 'uploading', progress: { direction: 'upload', done: 10, total: 1000 } })]);
    const li = await item(1);
    bridge.emit('files:progress', { conversationId: CONV.id, messageId: uuid(1), direction: 'upload', done: 990, total: 1000 });
    await within(li).findByRole('progressbar', { name: 'Uploading report.pdf, 99%' });
    bridge.emit('messages:changed', { conversationId: CONV.id, upserted: [mine(1, { state: 'ready' })], removed: [], cleared: false });
    await waitFor(() => expect(within(li).queryByRole('progressbar')).toBeNull());
    expect(within(li).queryByRole('button', { name: 'Cancel' })).toBeNull();
    expect(within(li).getByRole('button', { name: 'Save' })).toBeInTheDocument();
  });

  it('shows a download under way until its last byte', async () => {
    const { bridge } = setup([withFile(1, {})]);
    const li = await item(1);
    bridge.emit('files:progress', { conversationId: CONV.id, messageId: uuid(1), direction: 'download', done: 1, total: 4 });
    expect(await within(li).findByRole('progressbar', { name: 'Downloading report.pdf, 25%' })).toBeInTheDocument();
    bridge.emit('files:progress', { conversationId: CONV.id, messageId: uuid(1), direction: 'download', done: 4, total: 4 });
    await waitFor(() => expect(within(li).queryByRole('progressbar')).toBeNull());
  });

  it('reaches Cancel and Save with Tab from the log, each named', async () => {
    const { user } = setup([mine(1, { state: 'uploading', progress: { direction: 'upload', done: 1, total: 2 } })]);
    const log = await screen.findByRole('log', { name: 'Messages' });
    await item(1);
    log.focus();
    await user.tab();
    expect(document.activeElement).toHaveAccessibleName('Cancel');
    await user.tab();
    expect(document.activeElement).toHaveAccessibleName('Save');
    await user.tab();
    expect(document.activeElement).toHaveAccessibleName('Message actions');
  });
});
