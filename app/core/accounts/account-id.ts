/**
 * An account's id: the first 16 hex characters of the SHA-256 of its account key (one user on one
 * server, see vault/account.ts). Stable across launches and the same however the server address was
 * typed; it names the account's data folder and crosses the IPC boundary, so it is not the e-mail
 * address or the server itself.
 */
import { createHash } from 'node:crypto';
import type { AccountView, ConnectionState, KeychainStatus, ProfileView } from '../../ipc/views.js';
import type { Settings, StoredAccountEntry } from '../settings/settings.js';
import { accountKey, type AccountRef } from '../vault/account.js';

export function accountIdFor(ref: AccountRef): string {
  return createHash('sha256').update(accountKey(ref)).digest('hex').slice(0, 16);
}

/** The data folder of an account added from now on, relative to the app's. */
export const accountDirFor = (id: string): string => `accounts/${id}`;

/** The switcher's view of one account; `fallback` (its settings entry) while it has no profile yet. */
export function accountView(
  id: string,
  fallback: { email: string; serverUrl: string; name?: string },
  profile: ProfileView | null,
  state: { unread: number; connection: ConnectionState; keychain: KeychainStatus },
): AccountView {
  const email = profile?.email ?? fallback.email;
  return {
    id,
    email,
    name: profile?.fullname || profile?.nick || fallback.name || email,
    serverUrl: profile?.serverUrl ?? fallback.serverUrl,
    unread: state.unread,
    connection: state.connection,
    persistent: state.keychain.persistent,
  };
}

/**
 * The accounts to open at launch: `entries` in the switcher's order (copies, the registry keeps
 * them current), and `queue`, the order to open them in: the one on screen last first. The one
 * account a version before several accounts kept (settings' lastAccount, its database at the top
 * of the data folder) becomes the first entry.
 */
export function launchOrder(settings: Pick<Settings, 'accounts' | 'lastAccount' | 'activeAccount'>): {
  entries: StoredAccountEntry[];
  queue: StoredAccountEntry[];
} {
  const last = settings.lastAccount;
  const entries: StoredAccountEntry[] = settings.accounts.length
    ? settings.accounts.map((e) => ({ ...e }))
    : last
      ? [{ id: accountIdFor(last), serverUrl: last.serverUrl, userid: last.userid, email: last.email, dir: '' }]
      : [];
  const wanted = entries.find((e) => e.id === settings.activeAccount) ?? entries[0];
  return { entries, queue: wanted ? [wanted, ...entries.filter((e) => e !== wanted)] : [] };
}
