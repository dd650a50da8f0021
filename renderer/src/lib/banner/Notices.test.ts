import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { installBridge } from '../../../test/fake-bridge.js';
import Notices from './Notices.svelte';

describe('Notices', () => {
  it('shows notices from the snapshot and from events, each dismissable', async () => {
    const bridge = installBridge();
    const user = userEvent.setup();
    render(Notices, { initial: [{ id: 'n1', level: 'info', message: 'The local cache was rebuilt.', retryable: false }] });
    expect(screen.getByRole('alert')).toHaveTextContent('The local cache was rebuilt.');
    expect(screen.queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();

    bridge.emit('notice', { id: 'n2', level: 'warning', message: 'Disk almost full.', retryable: false });
    await expect.poll(() => screen.getAllByRole('alert')).toHaveLength(2);

    await user.click(within(screen.getAllByRole('alert')[0] as HTMLElement).getByRole('button', { name: 'Dismiss' }));
    expect(screen.getAllByRole('alert')).toHaveLength(1);
    expect(screen.getByRole('alert')).toHaveTextContent('Disk almost full.');
  });

  it('offers Retry on retryable notices, which invokes sync:now and then goes away', async () => {
    const bridge = installBridge({ 'sync:now': () => ({ ok: true, value: undefined }) });
    const user = userEvent.setup();
    render(Notices);
    bridge.emit('notice', { id: 'n3', level: 'error', message: 'Sync failed.', retryable: true });
    await user.click(await screen.findByRole('button', { name: 'Retry' }));
    expect(bridge.calls.map((c) => c.channel)).toEqual(['sync:now']);
    await expect.poll(() => screen.queryByRole('alert')).toBeNull();
  });

  it('keeps a retryable notice when the retry fails', async () => {
    const bridge = installBridge({ 'sync:now': () => ({ ok: false, error: { code: 'network', message: 'offline' } }) });
    const user = userEvent.setup();
    render(Notices);
    bridge.emit('notice', { id: 'n4', level: 'error', message: 'Sync failed.', retryable: true });
    await user.click(await screen.findByRole('button', { name: 'Retry' }));
    expect(bridge.calls).toHaveLength(1);
    expect(screen.getByRole('alert')).toHaveTextContent('Sync failed.');
  });

  it('shows action:failed with the conversation name', async () => {
    const bridge = installBridge();
    render(Notices, { nameOf: (id: string) => (id === 'c1' ? 'Bob Brown' : undefined) });
    bridge.emit('action:failed', { conversationId: 'c1', action: 'hide', error: { code: 'refused', message: 'The server refused it.' } });
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not hide “Bob Brown”: The server refused it.');
    expect(screen.getByRole('button', { name: 'Dismiss' })).toBeInTheDocument();
  });
});
