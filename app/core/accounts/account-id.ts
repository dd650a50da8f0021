/**
 * An account's id: the first 16 hex characters of the SHA-256 of its account key (one user on one
 * server, see vault/account.ts). Stable across launches and the same however the server address was
 * typed; it names the account's data folder and crosses the IPC boundary, so it is not the e-mail
 * address or the server itself.
 */
import { createHash } from 'node:crypto';
import type { AccountView, ConnectionState, KeychainStatus, ProfileView } from '../../ipc/views.js';
import { accountKey, type AccountRef } from '../vault/account.js';

export function accountIdFor(ref: AccountRef): string {
  return createHash('sha256').update(accountKey(ref)).digest('hex').slice(0, 16);
}

/** The data folder of an account added from now on, relative to the app's. */
export const accountDirFor = (id: string): string => `accounts/${id}`;

/** The switcher's view of one account. */
export function accountView(
  id: string,
  fallback: { email: string; serverUrl: string },
  profile: ProfileView | null,
  state: { unread: number; connection: ConnectionState; keychain: KeychainStatus },
): AccountView {
  const email = profile?.email ?? fallback.email;
  return {
    id,
    email,
    name: profile?.fullname || profile?.nick || email,
    serverUrl: profile?.serverUrl ?? fallback.serverUrl,
    unread: state.unread,
    connection: state.connection,
    persistent: state.keychain.persistent,
  };
}
