/**
 * The session: signing in (and the demo account), resuming at launch, signing out, the secrets in
 * the vault and the keychain's status, and the running session's engine (sync now, settle, state).
 */
import { userIdFromEmail } from '../../../protocol/index.js';
import type { SignInRequest, SignInResult } from '../../ipc/contract.js';
import type { ConnectionState, KeychainStatus, ProfileView } from '../../ipc/views.js';
import type { ApiClient } from '../api/client.js';
import { Keyring } from '../crypto/keyring.js';
import { CoreError } from '../errors.js';
import type { ServiceEvents } from '../services/events.js';
import type { SettingsStore } from '../settings/settings.js';
import { accountFromLogin, type LocalStore, type StoredAccount } from '../store/local-store.js';
import { accountKey, normalizeServerUrl, type AccountRef } from '../vault/account.js';
import type { Vault, VaultSecrets } from '../vault/vault.js';
import type { Session } from './connect.js';

/** A demo account the host knows (npm start seeds one); only its address and e-mail reach the renderer. */
export type DemoAccountSource = () => { serverUrl: string; email: string; apiKey: string; password: string } | null;

/** The server address as typed, tidied: "http://host/ozeki/index.php/" means the same place as without the slash. */
export function signInServerUrl(typed: string): string {
  return typed
    .trim()
    .replace(/(?<=[^/])\/+$/, '')
    .replace(/^(https?:\/\/[^/]+)$/, '$1/');
}

/** The account to resume at launch: the registry's entry, or (a service on its own) the settings' last account. */
export function launchAccount(expected: LaunchAccount | undefined, settings: SettingsStore): LaunchAccount | null {
  const last = expected ?? settings.get().lastAccount;
  return last ? { serverUrl: last.serverUrl, userid: last.userid, ...(last.email ? { email: last.email } : {}) } : null;
}

/** The account to resume, with its e-mail address when known (to sign it in again: see `resume`). */
export type LaunchAccount = AccountRef & { email?: string };

/** What the keychain held for the account to resume at launch: read before the database, whose key is in it. */
export type LaunchSecrets = { secrets: VaultSecrets | null; notice: string | null };

/** Reads the account's entry; a keychain that fails is a notice for the user, not a failed launch. */
export async function loadLaunchSecrets(vault: Vault, ref: AccountRef | null): Promise<LaunchSecrets> {
  if (!ref) return { secrets: null, notice: null };
  try {
    return { secrets: await vault.load(ref), notice: null };
  } catch (err) {
    return { secrets: null, notice: err instanceof CoreError ? err.message : 'The keychain could not be read. Sign in again.' };
  }
}

export type SessionDeps = {
  api: ApiClient;
  store: LocalStore;
  vault: Vault;
  /** The local database's key: kept in the keychain with the secrets of whoever signs in. */
  dbKey: Buffer;
  settings: SettingsStore;
  events: ServiceEvents;
  demo?: DemoAccountSource;
  /** The account this session resumes at launch (the accounts registry's entry); else settings' lastAccount. */
  expected?: LaunchAccount;
  /** Builds a session's engine and push client, not yet started. */
  connect: (account: StoredAccount, ref: AccountRef, keyring: Keyring, secrets: { apikey: string; password: string }, station: string) => Session;
  /** A session was set up, before it is announced. */
  onStarted: () => void;
  /** A session started that a window should hear of at once: announce the conversations. */
  onAnnounce: () => void;
  /** Signed out, after the engine said so: the window forgets the conversations. */
  onSignedOut: () => void;
};

export class Sessions {
  private session: Session | null = null;
  private keychainValue: KeychainStatus;

  constructor(private readonly deps: SessionDeps) {
    this.keychainValue = { persistent: deps.vault.persistent, reason: deps.vault.unavailableReason };
  }

  /** The running session, or null. */
  get current(): Session | null {
    return this.session;
  }

  get keychain(): KeychainStatus {
    return this.keychainValue;
  }

  require(): Session {
    if (!this.session) throw new CoreError('not-signed-in', 'You are not signed in.');
    return this.session;
  }

  profile(): ProfileView | null {
    const a = this.session?.account;
    return a ? { userid: a.userid, email: a.email, nick: a.nick, fullname: a.fullname, serverUrl: a.serverUrl } : null;
  }

  get connection(): ConnectionState {
    return this.session ? this.session.engine.connection : 'signed-out';
  }

  demo(): { serverUrl: string; email: string } | null {
    const demo = this.deps.demo?.() ?? null;
    return demo ? { serverUrl: demo.serverUrl, email: demo.email } : null;
  }

  async signInDemo(): Promise<SignInResult> {
    const demo = this.deps.demo?.() ?? null;
    if (!demo) throw new CoreError('not-found', 'No demo account is offered here.');
    return this.signIn(demo);
  }

  async signIn(req: SignInRequest): Promise<SignInResult> {
    const { api, store, vault, settings, events } = this.deps;
    const serverUrl = signInServerUrl(req.serverUrl);
    const email = req.email.trim().toLowerCase();
    const userid = userIdFromEmail(email);
    const ref: AccountRef = { serverUrl, userid };
    const station = settings.stationFor(ref);
    const login = await api.login(serverUrl, station, req.apiKey.trim(), { allowInsecure: req.allowInsecure === true });
    if (login.userid !== userid) {
      // The login bound this station to the key's owner, so it can never sign this account in: let the next try mint another.
      const { [accountKey(ref)]: _bound, ...stations } = settings.get().stations;
      settings.update({ stations });
      throw new CoreError('refused', `This API key belongs to another account, not ${email}. Check the e-mail address.`);
    }
    const keyring = Keyring.unlock(login.rsakey, req.password, login.userid);
    // Only a sign-in that worked ends the current one: a wrong key or password leaves it as it was.
    if (this.session) await this.end();
    const account = accountFromLogin(serverUrl, email, login);
    const previous = store.loadAccount();
    if (previous && (previous.userid !== userid || normalizeServerUrl(previous.serverUrl) !== normalizeServerUrl(serverUrl))) {
      // Another account's cache and unsent changes are not this one's to keep.
      store.clearAll();
    }
    store.saveAccount(account);
    await vault.save(ref, { apikey: req.apiKey.trim(), password: req.password, dbkey: this.deps.dbKey.toString('hex') });
    this.keychainValue = { persistent: vault.persistent, reason: vault.unavailableReason };
    if (!this.keychainValue.persistent) {
      events.addNotice(
        'warning',
        `Your sign-in as ${email} is kept for this session only. ${this.keychainValue.reason ?? 'The keychain cannot be used.'} You will sign in again next launch, and the messages kept on this device will be downloaded again: the key they are encrypted with is not kept either.`,
        false,
      );
    }
    settings.update({ serverUrl, lastAccount: { serverUrl, userid, email } });
    this.begin(account, ref, keyring, { apikey: req.apiKey.trim(), password: req.password }, station, true);
    return { profile: this.profile()!, keychain: this.keychainValue };
  }

  async signOut(): Promise<void> {
    const session = this.session;
    if (!session) return;
    await this.end();
    await this.deps.vault.remove(session.ref);
    this.deps.store.clearAll();
    this.deps.settings.update({ lastAccount: null });
    this.deps.events.emit('session:changed', { profile: null, keychain: this.keychainValue });
    session.engine.signedOut();
    this.deps.onSignedOut();
  }

  /**
   * When the launch account's secrets were in the keychain (read by `loadLaunchSecrets`), resumes it
   * (offline too). When the local database had to be rebuilt (its key was gone, or it was damaged)
   * while the keychain kept the sign-in, signs in again with it, which needs the server.
   */
  async resume({ secrets, notice }: LaunchSecrets): Promise<void> {
    const { store, settings, events } = this.deps;
    if (notice) events.addNotice('warning', notice, false);
    const last = launchAccount(this.deps.expected, settings);
    const account = store.loadAccount();
    if (last && !account && secrets && last.email) return this.signInAgain({ ...last, email: last.email }, secrets);
    if (!last || !account || account.userid !== last.userid || normalizeServerUrl(account.serverUrl) !== normalizeServerUrl(last.serverUrl)) return;
    const ref: AccountRef = { serverUrl: account.serverUrl, userid: account.userid };
    if (!secrets) return;
    let keyring: Keyring;
    try {
      keyring = Keyring.unlock(account.rsakey, secrets.password, account.userid);
    } catch (err) {
      events.addNotice('error', err instanceof CoreError ? `${err.message} Sign in again.` : 'Your keys could not be unlocked. Sign in again.', false);
      return;
    }
    this.begin(account, ref, keyring, secrets, settings.stationFor(ref), events.listening);
  }

  private async signInAgain(last: AccountRef & { email: string }, secrets: VaultSecrets): Promise<void> {
    try {
      // The address was accepted (and any plain-http warning answered) at the first sign-in.
      await this.signIn({ serverUrl: last.serverUrl, email: last.email, apiKey: secrets.apikey, password: secrets.password, allowInsecure: true });
    } catch (err) {
      const why = err instanceof CoreError ? err.message : 'the server did not answer';
      this.deps.events.addNotice(
        'warning',
        `${last.email} could not be signed in again with the sign-in this device kept: ${why} Add the account again.`,
        false,
      );
    }
  }

  private begin(
    account: StoredAccount,
    ref: AccountRef,
    keyring: Keyring,
    secrets: { apikey: string; password: string },
    station: string,
    announce: boolean,
  ): void {
    const session = this.deps.connect(account, ref, keyring, secrets, station);
    this.session = session;
    this.deps.onStarted();
    this.deps.events.emit('session:changed', { profile: this.profile(), keychain: this.keychainValue });
    // On resume at launch no window is listening yet and it asks for the snapshot when it opens:
    // building every view here as well would double the work before the list can show.
    if (announce) this.deps.onAnnounce();
    session.engine.start();
    session.push?.start();
  }

  /** Stops syncing; the secrets stay in the keychain. */
  async end(): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.session = null;
    session.push?.stop();
    session.engine.stop();
    await session.engine.idle().catch(() => {});
    session.keyCache?.flush();
    this.deps.api.clearSession();
  }

  /** Waits until nothing is being sent or fetched (tests, and before quitting). */
  async settle(): Promise<void> {
    await this.session?.engine.idle();
  }

  /** "Sync now": resolves when it worked, and otherwise says why (the engine keeps retrying on its own). */
  async syncNow(): Promise<void> {
    const { engine } = this.require();
    await engine.syncNow();
    if (engine.lastSyncError) throw engine.lastSyncError;
  }
}
