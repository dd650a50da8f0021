import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { installBridge } from '../../../test/fake-bridge.js';
import ConnectionBanner from './ConnectionBanner.svelte';
import { connectionText } from './connection-text.js';

describe('ConnectionBanner', () => {
  it('says Offline with the number of changes waiting', () => {
    expect(connectionText('offline', 3)).toBe('Offline — 3 changes waiting to sync');
    expect(connectionText('offline', 1)).toBe('Offline — 1 change waiting to sync');
    expect(connectionText('offline', 0)).toBe('Offline');
    expect(connectionText('reconnecting', 2)).toBe('Reconnecting…');
    expect(connectionText('online', 0)).toBeNull();
    expect(connectionText('signed-out', 0)).toBeNull();
  });

  it('starts from its props and follows connection:changed, hidden when online and synced', async () => {
    const bridge = installBridge();
    render(ConnectionBanner, { connection: 'offline', pendingCount: 3 });
    expect(screen.getByRole('status')).toHaveTextContent('Offline — 3 changes waiting to sync');

    bridge.emit('connection:changed', { state: 'reconnecting', pendingCount: 3 });
    await expect.poll(() => screen.getByRole('status').textContent).toBe('Reconnecting…');

    bridge.emit('connection:changed', { state: 'online', pendingCount: 0 });
    await expect.poll(() => screen.queryByRole('status')).toBeNull();

    bridge.emit('connection:changed', { state: 'offline', pendingCount: 1 });
    await expect.poll(() => screen.queryByRole('status')?.textContent).toBe('Offline — 1 change waiting to sync');
  });

  it('shows nothing when online with nothing pending', () => {
    installBridge();
    render(ConnectionBanner, { connection: 'online', pendingCount: 0 });
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });
});
