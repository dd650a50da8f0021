import type { ConnectionState } from '../../../../app/ipc/views.js';

/** What the connection banner says; null when there is nothing to say (online and synced). */
export function connectionText(state: ConnectionState, pendingCount: number): string | null {
  const waiting = pendingCount === 1 ? '1 change waiting to sync' : `${pendingCount} changes waiting to sync`;
  switch (state) {
    case 'offline':
      return pendingCount > 0 ? `Offline — ${waiting}` : 'Offline';
    case 'reconnecting':
      return 'Reconnecting…';
    case 'unauthorized':
      return 'The server no longer accepts this sign-in. Sign out and sign in again.';
    case 'online':
      return pendingCount > 0 ? `Syncing — ${waiting}` : null;
    case 'signed-out':
      return null;
  }
}
