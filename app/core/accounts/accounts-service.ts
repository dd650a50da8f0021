/**
 * The accounts registry: every account signed in on this installation, each a ChatService of its
 * own (its own data folder and local database, keychain entry, station id, API client, outbox,
 * sync engine and push socket), all syncing at once, and the one on screen. It implements the IPC
 * contract: the account channels here, every other channel routed to the account on screen, and
 * of the events only that account's reach the window (with every account's notices, named). The
 * desktop (tray, notifications) hears every account's events, tagged with its id.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Channel, EventName, Events, SignInRequest, SignInResult } from '../../ipc/contract.js';
import type { ContractService, Handlers } from '../../ipc/dispatcher.js';
import type { AccountsView, Availability, ConnectionState, Notice, Snapshot } from '../../ipc/views.js';
import { CHANNEL_NAMES } from '../../ipc/electron-channels.js';
import { newNonce, userIdFromEmail } from '../../../protocol/index.js';
import { ChatService, type ChatServiceOptions, type ServiceSignal } from '../chat-service.js';
import { CoreError } from '../errors.js';
import { ensurePrivateFolder } from '../private-files.js';
import { signInServerUrl } from '../session/session.js';
import type { StoredAccountEntry } from '../settings/settings.js';
import { accountDirFor, accountIdFor, accountView } from './account-id.js';
import { UnreadTotals } from './unread-totals.js';

export type AccountsServiceOptions = Omit<ChatServiceOptions, 'account' | 'resume' | 'api'> & {
  /** Runs the accounts' unread counts once the window has had its first screen (tests pass fake timers). */
  defer?: (fn: () => void, ms: number) => void;
};

type Listener = <E extends EventName>(event: E, payload: Events[E]) => void;
export type AccountListener = <E extends EventName>(accountId: string, event: E, payload: Events[E]) => void;
export type AccountSignalListener = (accountId: string, signal: ServiceSignal) => void;

type Account = { entry: StoredAccountEntry; service: ChatService; handlers: Handlers; off: () => void; leaving: boolean };

/**
 * Counting every account's unread messages reads every conversation: at launch it waits this long,
 * so the window's first screen (which needs only the account on screen) does not wait for it.
 */
export const UNREAD_COUNT_DELAY_MS = 1000;
/** Handled here, not by the account on screen. */
const OWN_CHANNELS = new Set<Channel>(['session:sign-in', 'session:sign-out', 'session:sign-in-demo', 'session:demo', 'accounts:switch', 'state:snapshot']);

export class AccountsService implements ContractService {
  private readonly accounts: Account[] = [];
  private activeId: string | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly accountListeners = new Set<AccountListener>();
  private readonly signalListeners = new Set<AccountSignalListener>();
  private readonly notices: Notice[] = [];
  private readonly unread = new UnreadTotals();
  private lastAnnounced = '';
  private readonly log: (line: string) => void;

  private constructor(private readonly opts: AccountsServiceOptions) {
    this.log = opts.log ?? (() => {});
  }

  /**
   * Opens every account the settings list and resumes each from the keychain (offline too). An
   * account whose sign-in the keychain no longer holds is dropped from the list, and the user told.
   * The one account a version before several accounts kept (settings' lastAccount, its database at
   * the top of the data folder) becomes the first entry.
   */
  static async open(opts: AccountsServiceOptions): Promise<AccountsService> {
    const registry = new AccountsService(opts);
    const settings = opts.settings.get();
    let entries = settings.accounts;
    if (!entries.length && settings.lastAccount) {
      const last = settings.lastAccount;
      entries = [{ id: accountIdFor(last), serverUrl: last.serverUrl, userid: last.userid, email: last.email, dir: '' }];
    }
    const several = entries.length > 1;
    for (const entry of entries) {
      const service = await ChatService.open({ ...registry.serviceOptions(entry), account: { serverUrl: entry.serverUrl, userid: entry.userid } });
      if (!service.profile) {
        const kept = service.notices;
        await service.close().catch(() => {});
        for (const n of kept) registry.addNotice(n.level, several ? `${entry.email}: ${n.message}` : n.message, n.retryable);
        registry.addNotice('warning', `${entry.email} is signed out: this device kept no sign-in for it. Add the account again to use it.`, false);
        continue;
      }
      registry.adopt(entry, service, several);
    }
    const wanted = settings.activeAccount;
    registry.activeId = registry.accounts.find((a) => a.entry.id === wanted)?.entry.id ?? registry.accounts[0]?.entry.id ?? null;
    registry.save();
    registry.lastAnnounced = JSON.stringify(registry.view());
    const defer = opts.defer ?? ((fn, ms) => void setTimeout(fn, ms).unref?.());
    defer(() => registry.countUnread(), UNREAD_COUNT_DELAY_MS);
    return registry;
  }

  // ------------------------------------------------------------------------------ listeners

  /** The window's events: the account on screen's, every account's notices, and accounts:changed. */
  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every account's events, tagged (the desktop: tray sections, notifications). */
  onAccountEvent(listener: AccountListener): () => void {
    this.accountListeners.add(listener);
    return () => this.accountListeners.delete(listener);
  }

  onAccountSignal(listener: AccountSignalListener): () => void {
    this.signalListeners.add(listener);
    return () => this.signalListeners.delete(listener);
  }

  // ------------------------------------------------------------------------------ accounts

  view(): AccountsView {
    return {
      accounts: this.accounts.map(({ entry, service }) =>
        accountView(entry.id, entry, service.profile, { unread: this.unread.total(entry.id), connection: service.connection, keychain: service.keychain }),
      ),
      activeAccountId: this.activeId,
    };
  }

  get activeAccountId(): string | null {
    return this.activeId;
  }

  /** The account on screen's service, or null. */
  get active(): ChatService | null {
    return this.find(this.activeId)?.service ?? null;
  }

  /** Every signed-in account, in the switcher's order. */
  list(): { id: string; email: string; service: ChatService }[] {
    return this.accounts.map((a) => ({ id: a.entry.id, email: a.entry.email, service: a.service }));
  }

  switchTo(id: string): void {
    if (!this.find(id)) throw new CoreError('not-found', 'That account is not signed in here.');
    if (id === this.activeId) return;
    this.activeId = id;
    this.save();
    this.announce(true);
  }

  /** Shows an account's conversation (its notification or tray entry was clicked). */
  openConversation(accountId: string, conversationId: string): void {
    const account = this.find(accountId);
    if (!account) return;
    this.switchTo(accountId);
    account.service.openConversation(conversationId);
  }

  /**
   * Signs an account in and puts it on screen. The same server and user as an account already
   * here signs that one in again; any other is added (its own folder, opened fresh), and a failed
   * sign-in leaves nothing of it behind.
   */
  async signIn(req: SignInRequest): Promise<SignInResult> {
    const ref = { serverUrl: signInServerUrl(req.serverUrl), userid: userIdFromEmail(req.email.trim().toLowerCase()) };
    const id = accountIdFor(ref);
    const existing = this.find(id);
    if (existing) {
      const result = await existing.service.signIn(req);
      this.activeId = id;
      this.save();
      this.announce(true);
      return result;
    }
    const entry: StoredAccountEntry = { id, serverUrl: ref.serverUrl, userid: ref.userid, email: req.email.trim().toLowerCase(), dir: accountDirFor(id) };
    ensurePrivateFolder(join(this.opts.dataDir, 'accounts'));
    const service = await ChatService.open({ ...this.serviceOptions(entry), resume: false });
    // Its notices (the keychain keeping this sign-in in memory only) are heard from the start.
    const account = this.adopt(entry, service, this.accounts.length > 0, false);
    let result: SignInResult;
    try {
      result = await service.signIn(req);
    } catch (err) {
      this.drop(account);
      await service.close().catch(() => {});
      rmSync(join(this.opts.dataDir, entry.dir), { recursive: true, force: true });
      throw err;
    }
    this.unread.reset(id, service.unreadCounted());
    this.activeId = id;
    this.save();
    this.announce(true);
    return result;
  }

  /** Signs out the account on screen (its secrets, cache and folder go); the next one takes the screen. */
  async signOut(): Promise<void> {
    const account = this.find(this.activeId);
    if (!account) return;
    account.leaving = true;
    const index = this.accounts.indexOf(account);
    try {
      await account.service.signOut();
    } finally {
      this.drop(account);
      await account.service.close().catch(() => {});
      if (account.entry.dir) rmSync(join(this.opts.dataDir, account.entry.dir), { recursive: true, force: true });
      this.activeId = (this.accounts[index] ?? this.accounts[index - 1])?.entry.id ?? null;
      this.save();
      if (!this.activeId) this.emitToWindow('session:changed', { profile: null, keychain: this.keychain });
      this.announce(true);
    }
  }

  // ------------------------------------------------------------------------------ the contract

  handlers(): Handlers {
    const routed = Object.fromEntries(
      CHANNEL_NAMES.filter((c) => !OWN_CHANNELS.has(c)).map((channel) => [
        channel,
        (...args: unknown[]) => (this.requireActive().handlers[channel] as (...a: unknown[]) => Promise<unknown>)(...args),
      ]),
    ) as Partial<Handlers>;
    return {
      ...routed,
      'session:sign-in': (req) => this.signIn(req),
      'session:sign-out': () => this.signOut(),
      'session:demo': async () => {
        const demo = this.opts.demo?.() ?? null;
        return demo ? { serverUrl: demo.serverUrl, email: demo.email } : null;
      },
      'session:sign-in-demo': async () => {
        const demo = this.opts.demo?.() ?? null;
        if (!demo) throw new CoreError('not-found', 'No demo account is offered here.');
        return this.signIn(demo);
      },
      'accounts:switch': async (id) => this.switchTo(id),
      'state:snapshot': async (opts) => this.snapshot(opts ?? {}),
    } as Handlers;
  }

  snapshot(opts: { first?: number } = {}): Snapshot {
    const active = this.active;
    const base: Omit<Snapshot, keyof AccountsView | 'notices'> = active
      ? active.snapshot(opts)
      : { profile: null, keychain: this.keychain, connection: 'signed-out', pendingCount: 0, conversations: [], complete: true, friends: [] };
    return { ...base, ...this.view(), notices: [...this.notices] };
  }

  /** The account on screen's availability (the tray's radio items). */
  get availability(): Availability {
    return this.active?.availability ?? 'available';
  }

  /** The person's availability, on every account. */
  async setAvailability(availability: Availability): Promise<void> {
    const results = await Promise.allSettled(this.accounts.map((a) => a.service.setAvailability(availability)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** "Sync now" on every account; rejects with the first failure. */
  async syncNow(): Promise<void> {
    const results = await Promise.allSettled(this.accounts.map((a) => a.service.syncNow()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  get connection(): ConnectionState {
    return this.active?.connection ?? 'signed-out';
  }

  get openConversationId(): string | null {
    return this.active?.openConversationId ?? null;
  }

  async settle(): Promise<void> {
    await Promise.all(this.accounts.map((a) => a.service.settle()));
  }

  async close(): Promise<void> {
    const all = this.accounts.splice(0);
    for (const a of all) a.off();
    await Promise.all(all.map((a) => a.service.close().catch(() => {})));
  }

  // ------------------------------------------------------------------------------ inside

  private serviceOptions(entry: StoredAccountEntry): ChatServiceOptions {
    const { defer: _defer, ...rest } = this.opts;
    return { ...rest, dataDir: entry.dir ? join(this.opts.dataDir, entry.dir) : this.opts.dataDir };
  }

  private get keychain() {
    return this.active?.keychain ?? { persistent: this.opts.vault.persistent, reason: this.opts.vault.unavailableReason };
  }

  private find(id: string | null): Account | undefined {
    return id === null ? undefined : this.accounts.find((a) => a.entry.id === id);
  }

  private requireActive(): Account {
    const account = this.find(this.activeId);
    if (!account) throw new CoreError('not-signed-in', 'You are not signed in.');
    return account;
  }

  /** Takes an opened service into the list and listens to it. */
  private adopt(entry: StoredAccountEntry, service: ChatService, named: boolean, keepNotices = true): Account {
    const account: Account = { entry, service, handlers: service.handlers(), off: () => {}, leaving: false };
    if (keepNotices) for (const n of service.notices) this.addNotice(n.level, named ? `${entry.email}: ${n.message}` : n.message, n.retryable);
    const offEvents = service.on((event, payload) => this.fromAccount(account, event, payload));
    const offSignals = service.onSignal((signal) => {
      for (const listener of this.signalListeners) listener(entry.id, signal);
    });
    account.off = () => {
      offEvents();
      offSignals();
    };
    this.accounts.push(account);
    return account;
  }

  private drop(account: Account): void {
    account.off();
    const index = this.accounts.indexOf(account);
    if (index >= 0) this.accounts.splice(index, 1);
    this.unread.forget(account.entry.id);
  }

  private fromAccount<E extends EventName>(account: Account, event: E, payload: Events[E]): void {
    const id = account.entry.id;
    for (const listener of this.accountListeners) {
      try {
        listener(id, event, payload);
      } catch (err) {
        this.log(`account event listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (event === 'conversations:changed') this.unread.apply(id, payload as Events['conversations:changed']);
    const onScreen = id === this.activeId && !account.leaving;
    const named = this.accounts.length > 1 || !onScreen;
    if (event === 'notice') {
      const n = payload as Notice;
      this.addNotice(n.level, named ? `${account.entry.email}: ${n.message}` : n.message, n.retryable);
    } else if (event === 'action:failed' && !onScreen) {
      const failure = payload as Events['action:failed'];
      this.addNotice('error', `${account.entry.email}: ${failure.error.message}`, false);
    } else if (onScreen) {
      this.emitToWindow(event, payload);
    }
    if (event === 'conversations:changed' || event === 'connection:changed' || event === 'session:changed') this.announce(false);
  }

  private addNotice(level: Notice['level'], message: string, retryable: boolean): void {
    const notice: Notice = { id: newNonce().slice(0, 12), level, message, retryable };
    this.notices.push(notice);
    this.emitToWindow('notice', notice);
  }

  private emitToWindow<E extends EventName>(event: E, payload: Events[E]): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch (err) {
        this.log(`event listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /** Tells the window of the accounts when what it shows of them changed (or always, when `force`). */
  private announce(force: boolean): void {
    const view = this.view();
    const key = JSON.stringify(view);
    if (!force && key === this.lastAnnounced) return;
    this.lastAnnounced = key;
    this.emitToWindow('accounts:changed', view);
  }

  /** Every account's unread count, from its conversations; events keep them current from then on. */
  private countUnread(): void {
    for (const { entry, service } of this.accounts) {
      if (!this.unread.has(entry.id)) this.unread.reset(entry.id, service.unreadCounted());
    }
    this.announce(false);
  }

  private save(): void {
    try {
      this.opts.settings.update({ accounts: this.accounts.map((a) => a.entry), activeAccount: this.activeId });
    } catch (err) {
      this.log(`accounts not saved: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
