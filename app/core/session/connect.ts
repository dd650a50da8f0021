/**
 * Building a signed-in session's machinery: the conversation key cache, the API client's session,
 * the sync engine and the push client (none of them started here).
 */
import { formatTimestamp, loginAddressProblem, pushListener, newNonce, signBody, CLIENT_VERSION_CODE, type PushAuthFrame } from '../../../protocol/index.js';
import type { ApiClient } from '../api/client.js';
import { ConversationKeyCache } from '../crypto/key-cache.js';
import type { Keyring } from '../crypto/keyring.js';
import type { LocalStore, StoredAccount } from '../store/local-store.js';
import { SyncEngine, type EngineEvent, type EngineOptions } from '../sync/engine.js';
import { PushClient } from '../sync/push-client.js';
import type { AccountRef } from '../vault/account.js';
import type { Vault } from '../vault/vault.js';

export type Session = {
  account: StoredAccount;
  ref: AccountRef;
  keyring: Keyring;
  keyCache: ConversationKeyCache | null;
  engine: SyncEngine;
  push: PushClient | null;
};

export type ConnectDeps = {
  api: ApiClient;
  store: LocalStore;
  vault: Vault;
  /** Open the push socket (off in some tests, to exercise the poll). */
  push?: boolean;
  engine?: Partial<Pick<EngineOptions, 'pollMs' | 'concurrency' | 'maxAttempts'>>;
  now: () => number;
  log: (line: string) => void;
  onEngineEvent: (event: EngineEvent) => void;
  /** Uploads a send's file before its message (profile files). */
  uploads?: EngineOptions['uploads'];
};

export function connectSession(
  deps: ConnectDeps,
  account: StoredAccount,
  ref: AccountRef,
  keyring: Keyring,
  secrets: { apikey: string; password: string },
  station: string,
): Session {
  const { apikey } = secrets;
  const keyCache = openKeyCache(deps, secrets);
  if (keyCache) keyring.useCache(keyCache);
  deps.api.setSession({ baseUrl: account.serverUrl, station, userid: account.userid, apikey, urls: account.urls });
  const engine = new SyncEngine({
    api: deps.api,
    store: deps.store,
    emit: (event) => deps.onEngineEvent(event),
    now: deps.now,
    log: deps.log,
    ...(deps.uploads ? { uploads: deps.uploads } : {}),
    ...deps.engine,
  });
  // The profile's pick (wss after an https sign-in), and only where the profile's rule allows it:
  // accounts stored before that rule may name another host.
  const pushUrl = pushListener(account.serverUrl, account.listeners)?.address ?? '';
  const push =
    deps.push !== false && /^wss?:\/\//.test(pushUrl) && loginAddressProblem(account.serverUrl, pushUrl) === null
      ? new PushClient({
          url: pushUrl,
          authFrame: () => pushAuthFrame(station, account.userid, apikey, deps.now()),
          onChanged: () => void engine.pullChanges(),
          onStatus: (connected) => engine.setPushConnected(connected),
        })
      : null;
  return { account, ref, keyring, keyCache, engine, push };
}

/** Only worth keeping when the keychain keeps the secrets it is sealed under; never fatal. */
function openKeyCache(deps: ConnectDeps, secrets: { apikey: string; password: string }): ConversationKeyCache | null {
  if (!deps.vault.persistent) return null;
  try {
    return ConversationKeyCache.open(deps.store, secrets, deps.log);
  } catch (err) {
    deps.log(`The conversation key cache is not used: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}

function pushAuthFrame(station: string, user: string, apikey: string, nowMs: number): PushAuthFrame {
  const body = JSON.stringify({ action: 'subscribe', clientversioncode: CLIENT_VERSION_CODE, timestamp: formatTimestamp(nowMs), nonce: newNonce() });
  return { type: 'auth', station, user, signature: signBody(body, apikey), body };
}
