import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FileView, MessageView } from '../../../../app/ipc/views.js';
import { FILE_PIECE_BYTES, MAX_FILE_BYTES } from '../../../../app/shared/rules.js';
import { conversation, deferred, installBridge, type FakeBridge, type Handlers } from '../../../test/fake-bridge.js';
import { fileView, ME_ID, messageView, uuid } from '../../../test/message-views.js';
import ConversationPane from '../pane/ConversationPane.svelte';
import { forgetDrafts } from '../pane/drafts.js';
import { base64ToBytes } from './base64.js';

/** Sending files from the pane: "Attach file" (Electron's dialog or the browser's chooser), a drop, a paste. */

const CONV = conversation('a', 'Bob Brown', 1);
const STAGING = '5'.repeat(32);
const ok = { ok: true as const, value: undefined };

/** Bytes that differ from piece to piece, so a piece out of place shows. */
const patterned = (length: number): Uint8Array<ArrayBuffer> => Uint8Array.from({ length }, (_, i) => (i * 7 + (i >> 10)) & 0xff);

/** The pending message `files:attach-end` answers. */
function queued(n: number, file: Partial<FileView>): MessageView {
  return messageView(CONV.id, n, Date.now(), {
    from: ME_ID,
    fromName: 'Alice',
    mine: true,
    text: '',
    state: 'pending',
    file: fileView({ state: 'uploading', local: true, ...file }),
  });
}

function setup(handlers: Handlers = {}, messages: MessageView[] = []) {
  let n = 100;
  const bridge = installBridge({
    'messages:latest': () => ({ ok: true, value: { conversationId: CONV.id, messages, hasOlder: false } }),
    'messages:mark-viewed': () => ok,
    'files:attach-begin': () => ({ ok: true, value: { stagingId: STAGING } }),
    'files:attach-piece': () => ok,
    'files:attach-abort': () => ok,
    ...handlers,
  });
  // The begin says what the file is; the end answers a message for it.
  bridge.handlers['files:attach-end'] ??= () => {
    const begin = calls(bridge, 'files:attach-begin').at(-1)?.[1] as { name: string; size: number };
    return { ok: true, value: queued(n++, { name: begin.name, size: begin.size }) };
  };
  const view = render(ConversationPane, { conversation: CONV });
  return { bridge, user: userEvent.setup(), ...view };
}

const calls = (bridge: FakeBridge, channel: string): unknown[][] => bridge.calls.filter((c) => c.channel === channel).map((c) => c.args);
const fileChannels = (bridge: FakeBridge): string[] => bridge.calls.map((c) => c.channel).filter((c) => c.startsWith('files:'));
const log = (): HTMLElement => screen.getByRole('log', { name: 'Messages' });
const field = (): HTMLElement => screen.getByLabelText('Message');

/** Pastes files (and, if given, text) into the composer's field. */
function paste(files: File[], text = ''): void {
  fireEvent.paste(field(), {
    clipboardData: { files, items: [], types: files.length ? ['Files'] : ['text/plain'], getData: (type: string) => (type === 'text/plain' ? text : '') },
  });
}

afterEach(() => {
  forgetDrafts();
  vi.restoreAllMocks();
});

describe('Attach file', () => {
  it('in the browser host, opens the browser’s chooser and sends each file in order: begin, every piece, end', async () => {
    const click = vi.spyOn(HTMLInputElement.prototype, 'click');
    const { bridge, user } = setup({ 'files:pick': () => ({ ok: true, value: { dialog: false } }) });
    await screen.findByText('No messages yet. Say hello!');
    await user.click(screen.getByRole('button', { name: 'Attach file' }));
    expect(calls(bridge, 'files:pick')).toEqual([[CONV.id]]);
    const chooser = document.querySelector<HTMLInputElement>('input[type="file"]')!;
    expect(chooser).toHaveAttribute('multiple');
    await waitFor(() => expect(click).toHaveBeenCalled());

    const bytes = patterned(2 * FILE_PIECE_BYTES + 1234);
    const report = new File([bytes], 'report.pdf', { type: 'application/pdf' });
    const notes = new File(['short'], 'notes.txt', { type: 'text/plain' });
    await user.upload(chooser, [report, notes]);

    await within(log()).findByText('notes.txt');
    expect(within(log()).getByText('report.pdf')).toBeInTheDocument();
    expect(calls(bridge, 'files:attach-begin')).toEqual([
      [CONV.id, { name: 'report.pdf', type: 'application/pdf', size: bytes.length }],
      [CONV.id, { name: 'notes.txt', type: 'text/plain', size: 5 }],
    ]);
    // One file after the other, each in order.
    expect(fileChannels(bridge)).toEqual([
      'files:pick',
      'files:attach-begin',
      ...Array<string>(3).fill('files:attach-piece'),
      'files:attach-end',
      'files:attach-begin',
      'files:attach-piece',
      'files:attach-end',
    ]);
    const pieces = calls(bridge, 'files:attach-piece').slice(0, 3) as [string, number, string][];
    expect(pieces.map(([id, index, data]) => [id, index, base64ToBytes(data).length])).toEqual([
      [STAGING, 0, FILE_PIECE_BYTES],
      [STAGING, 1, FILE_PIECE_BYTES],
      [STAGING, 2, 1234],
    ]);
    const sent = pieces.flatMap(([, , data]) => Array.from(base64ToBytes(data)));
    expect(sent.length).toBe(bytes.length);
    expect(sent.every((b, i) => b === bytes[i])).toBe(true);
    expect(calls(bridge, 'files:attach-end')).toEqual([[STAGING], [STAGING]]);
    expect(calls(bridge, 'files:attach-abort')).toEqual([]);
  });

  it('in Electron, lets the main process pick and send, and only shows what it queued', async () => {
    const click = vi.spyOn(HTMLInputElement.prototype, 'click');
    const picked = queued(7, { name: 'holiday.zip', size: 2_000_000 });
    const { bridge, user } = setup({ 'files:pick': () => ({ ok: true, value: { dialog: true, sent: [picked] } }) });
    await screen.findByText('No messages yet. Say hello!');
    await user.click(screen.getByRole('button', { name: 'Attach file' }));
    expect(await within(log()).findByText('holiday.zip')).toBeInTheDocument();
    expect(fileChannels(bridge)).toEqual(['files:pick']);
    expect(click).not.toHaveBeenCalled();
  });

  it('says why picking failed', async () => {
    const { user } = setup({ 'files:pick': () => ({ ok: false, error: { code: 'internal', message: 'The dialog could not open.' } }) });
    await user.click(screen.getByRole('button', { name: 'Attach file' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The dialog could not open.');
  });

  it('is reachable from the field with Shift+Tab, named, and works with the keyboard', async () => {
    const { bridge, user } = setup({ 'files:pick': () => ({ ok: true, value: { dialog: true, sent: [] } }) });
    field().focus();
    await user.tab({ shift: true });
    const attach = screen.getByRole('button', { name: 'Attach file' });
    expect(attach).toHaveFocus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(calls(bridge, 'files:pick')).toEqual([[CONV.id]]));
    // The chooser itself is no tab stop.
    expect(document.querySelector('input[type="file"]')).toHaveAttribute('tabindex', '-1');
  });
});

describe('dropping files on the pane', () => {
  const drag = (types: string[], files: File[] = []) => ({ dataTransfer: { types, files, items: [], dropEffect: 'none' } });
  const target = (): HTMLElement | null => screen.queryByText('Drop to send to Bob Brown');

  it('shows where to drop while files are dragged over it, and sends what is dropped', async () => {
    const { bridge } = setup();
    await screen.findByText('No messages yet. Say hello!');
    const photo = new File(['not really a photo'], 'scan.bin');

    await fireEvent.dragEnter(log(), drag(['Files'], [photo]));
    expect(target()).toBeVisible();
    // Moving onto the composer, inside the pane, is not leaving.
    // jsdom has no DragEvent; a MouseEvent (what DragEvent extends) carries relatedTarget.
    await fireEvent(log(), new MouseEvent('dragleave', { bubbles: true, relatedTarget: field() }));
    expect(target()).toBeInTheDocument();
    await fireEvent.dragOver(field(), drag(['Files'], [photo]));
    expect(target()).toBeInTheDocument();
    await fireEvent.dragLeave(field());
    expect(target()).toBeNull();

    await fireEvent.dragEnter(log(), drag(['Files'], [photo]));
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(target()).toBeNull();

    await fireEvent.dragOver(log(), drag(['Files'], [photo]));
    await fireEvent.drop(log(), drag(['Files'], [photo]));
    expect(target()).toBeNull();
    expect(await within(log()).findByText('scan.bin')).toBeInTheDocument();
    expect(calls(bridge, 'files:attach-begin')).toEqual([[CONV.id, { name: 'scan.bin', type: '', size: 18 }]]);
  });

  it('ignores drags of text or links', async () => {
    const { bridge } = setup();
    await screen.findByText('No messages yet. Say hello!');
    await fireEvent.dragEnter(log(), drag(['text/plain', 'text/uri-list']));
    expect(target()).toBeNull();
    await fireEvent.drop(log(), drag(['text/plain']));
    expect(fileChannels(bridge)).toEqual([]);
  });
});

describe('pasting into the composer', () => {
  it('sends a pasted image, sniffed from its bytes, with its size in pixels', async () => {
    const { bridge } = setup();
    await screen.findByText('No messages yet. Say hello!');
    // A PNG's signature and header (640×480), whatever the clipboard calls it.
    const png = new Uint8Array([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 2, 128, 0, 0, 1, 224, 8, 6, 0, 0, 0,
    ]);
    paste([new File([png], '', { type: 'application/octet-stream' })]);
    await waitFor(() => expect(calls(bridge, 'files:attach-end')).toHaveLength(1));
    // No canvas in jsdom: no thumbnail, silently.
    expect(calls(bridge, 'files:attach-begin')).toEqual([[CONV.id, { name: 'image.png', type: 'image/png', size: png.length, width: 640, height: 480 }]]);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('keeps pasting text as text', async () => {
    const { bridge } = setup();
    await screen.findByText('No messages yet. Say hello!');
    const event = new Event('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(event, 'clipboardData', { value: { files: [], items: [], types: ['text/plain'], getData: () => 'hello' } });
    field().dispatchEvent(event);
    expect(event.defaultPrevented).toBe(false);
    // Text with a picture of it (a spreadsheet's cells) is text too.
    paste([new File(['x'], 'cells.png')], 'A1\tB1');
    expect(fileChannels(bridge)).toEqual([]);
  });

  it('answers the message being replied to', async () => {
    const question = messageView(CONV.id, 1, Date.now() - 60_000, { text: 'send me the report?' });
    const { bridge, user } = setup({}, [question]);
    const item = (await screen.findByText('send me the report?')).closest('li')!;
    await user.click(within(item).getByRole('button', { name: 'Message actions' }));
    await user.click(screen.getByRole('menuitem', { name: /Reply/ }));
    expect(screen.getByRole('button', { name: 'Cancel reply' })).toBeInTheDocument();
    paste([new File(['%PDF'], 'report.pdf', { type: 'application/pdf' })]);
    await waitFor(() => expect(calls(bridge, 'files:attach-end')).toHaveLength(1));
    expect(calls(bridge, 'files:attach-begin')[0]?.[1]).toMatchObject({ name: 'report.pdf', replyTo: uuid(1) });
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Cancel reply' })).toBeNull());
  });

  it('asks the host’s own dialog to answer the message being replied to, and ends the reply once something is sent', async () => {
    const question = messageView(CONV.id, 1, Date.now() - 60_000, { text: 'send me the report?' });
    const picked = queued(7, { name: 'report.pdf', size: 2_000 });
    const { bridge, user } = setup({ 'files:pick': () => ({ ok: true, value: { dialog: true, sent: [picked] } }) }, [question]);
    const item = (await screen.findByText('send me the report?')).closest('li')!;
    await user.click(within(item).getByRole('button', { name: 'Message actions' }));
    await user.click(screen.getByRole('menuitem', { name: /Reply/ }));
    await user.click(screen.getByRole('button', { name: 'Attach file' }));
    await waitFor(() => expect(calls(bridge, 'files:pick')).toEqual([[CONV.id, { replyTo: uuid(1) }]]));
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Cancel reply' })).toBeNull());
  });
});

describe('when a file cannot be sent', () => {
  it('refuses a file over 100 MB before reading any of it', async () => {
    const { bridge } = setup();
    await screen.findByText('No messages yet. Say hello!');
    const huge = new File(['x'], 'movie.mkv');
    Object.defineProperty(huge, 'size', { value: MAX_FILE_BYTES + 1 });
    const slice = vi.spyOn(huge, 'slice');
    paste([huge]);
    expect(await screen.findByRole('alert')).toHaveTextContent('“movie.mkv” is 105 MB: files can be at most 100 MB.');
    expect(slice).not.toHaveBeenCalled();
    expect(fileChannels(bridge)).toEqual([]);
  });

  it('aborts when the file cannot be read halfway, and says so', async () => {
    const { bridge } = setup();
    await screen.findByText('No messages yet. Say hello!');
    const file = new File([patterned(FILE_PIECE_BYTES + 10)], 'notes.txt');
    const slice = file.slice.bind(file);
    vi.spyOn(file, 'slice').mockImplementation((start = 0, end?: number) =>
      start >= FILE_PIECE_BYTES ? ({ arrayBuffer: () => Promise.reject(new DOMException('gone', 'NotReadableError')) } as unknown as Blob) : slice(start, end),
    );
    paste([file]);
    expect(await screen.findByRole('alert')).toHaveTextContent('“notes.txt” could not be read.');
    expect(fileChannels(bridge)).toEqual(['files:attach-begin', 'files:attach-piece', 'files:attach-abort']);
    expect(calls(bridge, 'files:attach-abort')).toEqual([[STAGING]]);
    expect(within(log()).queryByText('notes.txt')).toBeNull();
  });

  it('aborts when the main process refuses a piece, with its reason', async () => {
    const { bridge } = setup({ 'files:attach-piece': () => ({ ok: false, error: { code: 'storage', message: 'The disk is full.' } }) });
    await screen.findByText('No messages yet. Say hello!');
    paste([new File(['abc'], 'a.txt')]);
    expect(await screen.findByRole('alert')).toHaveTextContent('The disk is full.');
    expect(calls(bridge, 'files:attach-abort')).toEqual([[STAGING]]);
    expect(calls(bridge, 'files:attach-end')).toEqual([]);
  });

  it('shows a refused begin as it shows other send errors, with nothing to abort', async () => {
    const { bridge } = setup({ 'files:attach-begin': () => ({ ok: false, error: { code: 'invalid-argument', message: 'the file has no name' } }) });
    await screen.findByText('No messages yet. Say hello!');
    paste([new File(['abc'], 'a.txt')]);
    expect(await screen.findByRole('alert')).toHaveTextContent('the file has no name');
    expect(calls(bridge, 'files:attach-abort')).toEqual([]);
  });
});

describe('while a file is being handed over', () => {
  it('shows how far it is in the composer, and Cancel stops it and aborts the staging', async () => {
    const first = deferred<typeof ok>();
    const { bridge, user } = setup({ 'files:attach-piece': (_id, index) => (index === 0 ? first.promise : ok) });
    await screen.findByText('No messages yet. Say hello!');
    paste([new File([patterned(FILE_PIECE_BYTES * 2)], 'big.bin')]);
    const bar = await screen.findByRole('progressbar', { name: 'Preparing big.bin, 0%' });
    expect(bar).toHaveAttribute('max', String(FILE_PIECE_BYTES * 2));
    const cancel = within(screen.getByRole('list', { name: 'Files being prepared' })).getByRole('button', { name: 'Cancel' });
    expect(cancel).toHaveAccessibleDescription('big.bin');
    await user.click(cancel);
    first.resolve(ok);
    await waitFor(() => expect(calls(bridge, 'files:attach-abort')).toEqual([[STAGING]]));
    expect(calls(bridge, 'files:attach-piece')).toHaveLength(1);
    expect(calls(bridge, 'files:attach-end')).toEqual([]);
    await waitFor(() => expect(screen.queryByRole('progressbar')).toBeNull());
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('moves the bar as pieces go', async () => {
    const second = deferred<typeof ok>();
    setup({ 'files:attach-piece': (_id, index) => (index === 1 ? second.promise : ok) });
    await screen.findByText('No messages yet. Say hello!');
    paste([new File([patterned(FILE_PIECE_BYTES * 2)], 'big.bin')]);
    expect(await screen.findByRole('progressbar', { name: 'Preparing big.bin, 50%' })).toHaveAttribute('value', String(FILE_PIECE_BYTES));
    second.resolve(ok);
    await waitFor(() => expect(screen.queryByRole('progressbar', { name: /Preparing/ })).toBeNull());
  });
});
