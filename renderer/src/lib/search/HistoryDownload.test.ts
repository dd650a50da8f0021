import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { HistoryProgress } from '../../../../app/ipc/views.js';
import { deferred, installBridge, type Handlers } from '../../../test/fake-bridge.js';
import HistoryDownload from './HistoryDownload.svelte';

const n = (value: number): string => new Intl.NumberFormat().format(value);

function progress(over: Partial<HistoryProgress> = {}): HistoryProgress {
  return { state: 'idle', conversationsDone: 0, conversationsTotal: 40, messagesDone: 0, error: null, ...over };
}

function setup(status: HistoryProgress = progress(), more: Handlers = {}) {
  const bridge = installBridge({ 'history:status': () => ({ ok: true, value: status }), ...more });
  const result = render(HistoryDownload);
  return { bridge, ...result };
}

describe('HistoryDownload', () => {
  it('asks where the download stands on mount, offers to start it, and shows its progress once started', async () => {
    const { bridge } = setup(progress(), {
      'history:start': () => ({ ok: true, value: progress({ state: 'running', conversationsTotal: 40 }) }),
    });
    const button = await screen.findByRole('button', { name: 'Make older history searchable' });
    expect(bridge.calls[0]).toEqual({ channel: 'history:status', args: [] });
    await userEvent.click(button);
    expect(bridge.calls.at(-1)).toEqual({ channel: 'history:start', args: [{}] });
    const bar = await screen.findByRole('progressbar', { name: 'Downloading older history' });
    expect(bar).toHaveAttribute('max', '40');
    expect(bar).toHaveAttribute('value', '0');
    expect(screen.queryByRole('button', { name: 'Make older history searchable' })).not.toBeInTheDocument();
  });

  it('offers the one conversation the search is narrowed to, and downloads only that one', async () => {
    const bridge = installBridge({
      'history:status': () => ({ ok: true, value: progress() }),
      'history:start': () => ({ ok: true, value: progress({ state: 'running', conversationsTotal: 1 }) }),
    });
    const conversation = { id: 'c'.repeat(32), name: 'Bob Brown' };
    render(HistoryDownload, { only: conversation });
    await userEvent.click(await screen.findByRole('button', { name: 'Only Bob Brown' }));
    expect(bridge.calls.at(-1)).toEqual({ channel: 'history:start', args: [{ conversationIds: [conversation.id] }] });
    expect(await screen.findByRole('progressbar', { name: 'Downloading older history' })).toHaveAttribute('max', '1');
  });

  it('follows history:progress: the counts, formatted, and the bar', async () => {
    const { bridge } = setup(progress({ state: 'running', conversationsDone: 1, messagesDone: 200 }));
    await screen.findByRole('progressbar', { name: 'Downloading older history' });
    bridge.emit('history:progress', progress({ state: 'running', conversationsDone: 12, conversationsTotal: 40, messagesDone: 3210 }));
    await waitFor(() => expect(screen.getByText(`12 of 40 conversations · ${n(3210)} messages`)).toBeInTheDocument());
    expect(screen.getByRole('progressbar', { name: 'Downloading older history' })).toHaveAttribute('value', '12');
    expect(screen.getByRole('status')).toHaveTextContent('Downloading older history');

    bridge.emit('history:progress', progress({ state: 'running', conversationsDone: 0, conversationsTotal: 1, messagesDone: 1 }));
    await waitFor(() => expect(screen.getByText('0 of 1 conversation · 1 message')).toBeInTheDocument());
  });

  it('says when it is paused offline, and stops when asked', async () => {
    const { bridge } = setup(progress({ state: 'running', conversationsDone: 3 }), {
      'history:stop': () => ({ ok: true, value: progress() }),
    });
    await screen.findByRole('progressbar');
    bridge.emit('history:progress', progress({ state: 'offline', conversationsDone: 3, messagesDone: 900 }));
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Paused: offline'));
    expect(screen.getByRole('progressbar', { name: 'Downloading older history' })).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Stop' }));
    expect(bridge.calls.at(-1)).toEqual({ channel: 'history:stop', args: [] });
    expect(await screen.findByRole('button', { name: 'Make older history searchable' })).toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
  });

  it('says when all history is searchable, with a note when some conversations failed, and offers to download again', async () => {
    const { bridge } = setup(progress({ state: 'done', conversationsDone: 40, messagesDone: 12_000 }), {
      'history:start': () => ({ ok: true, value: progress({ state: 'running' }) }),
    });
    expect(await screen.findByRole('status')).toHaveTextContent('All history is searchable');
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    bridge.emit('history:progress', progress({ state: 'done', conversationsDone: 40, error: '2 of 40 conversations could not be downloaded.' }));
    expect(await screen.findByText('2 of 40 conversations could not be downloaded.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Download again' }));
    expect(bridge.calls.at(-1)?.channel).toBe('history:start');
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it('shows why the download failed, and offers to try again', async () => {
    setup(progress({ state: 'failed', error: 'The older history could not be downloaded. The server refused.' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The older history could not be downloaded. The server refused.');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it('says so when starting is refused, and keeps the button while the request is out', async () => {
    const reply = deferred<{ ok: false; error: { code: 'not-signed-in'; message: string } }>();
    setup(progress(), { 'history:start': () => reply.promise });
    const button = await screen.findByRole('button', { name: 'Make older history searchable' });
    await userEvent.click(button);
    expect(button).toBeDisabled();
    reply.resolve({ ok: false, error: { code: 'not-signed-in', message: 'Nobody is signed in.' } });
    expect(await screen.findByRole('alert')).toHaveTextContent('Nobody is signed in.');
    expect(button).toBeEnabled();
  });

  it('keeps a progress event that came before the answer to its status request', async () => {
    const status = deferred<{ ok: true; value: HistoryProgress }>();
    const bridge = installBridge({ 'history:status': () => status.promise });
    render(HistoryDownload);
    bridge.emit('history:progress', progress({ state: 'running', conversationsDone: 5 }));
    status.resolve({ ok: true, value: progress() });
    await waitFor(() => expect(screen.getByRole('progressbar')).toHaveAttribute('value', '5'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(screen.getByRole('progressbar')).toHaveAttribute('value', '5');
  });

  it('offers the button when the status cannot be read, and stops listening when unmounted', async () => {
    const { bridge, unmount } = setup(progress(), {
      'history:status': () => ({ ok: false, error: { code: 'not-signed-in', message: 'Nobody is signed in.' } }),
    });
    expect(await screen.findByRole('button', { name: 'Make older history searchable' })).toBeInTheDocument();
    expect(bridge.listenerCount('history:progress')).toBe(1);
    unmount();
    expect(bridge.listenerCount('history:progress')).toBe(0);
  });
});
