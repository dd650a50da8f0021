/**
 * The accounts registry: every account signed in on this installation, each a ChatService of its
 * own (its own data folder and local database, keychain entry, station id, API client, outbox,
 * sync engine and push socket), all syncing at once, and the one on screen. It implements the IPC
 * contract: the account channels here, every other channel routed to the account on screen, and
 * of the events only that account's reach the window (with every account's notices, named). The
 * desktop (tray, notifications) hears every account's events, tagged with its id.
 *
 * At launch the account on screen opens first and the window can show it; the others open once
 * the window has painted its first screen and asks for the whole list (or after
 * OTHER_ACCOUNTS_DELAY_MS), one at a time, so three accounts start about as fast as one and do
 * not compete with that first paint. Until then they are listed from their settings entry.
 *
 * About 500 lines: the registry's state (entries, opened accounts, the one on screen), the launch
 * sequence that fills it and the two ways an account leaves it (signing out, clearing its local
 * copy) stay in one class, because each changes that state; the contract, the events, the
 * launch's small helpers, links and the clearing's rules are in accounts-contract.ts,
 * account-events.ts, launch-work.ts and account-care.ts.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EventName, Events, SignInRequest, SignInResult } from '../../ipc/contract.js';
import type { ContractService, Handlers } from '../../ipc/dispatcher.js';
import type { AccountsView, Availability, ConnectionState, Snapshot } from '../../ipc/views.js';
import { userIdFromEmail } from '../../../protocol/index.js';
import { ChatService, type ChatServiceOptions } from '../chat-service.js';
import { CoreError } from '../errors.js';
import { ensurePrivateFolder } from '../private-files.js';
import type { Listener } from '../services/events.js';
import { signInServerUrl } from '../session/session.js';
import type { StoredAccountEntry } from '../settings/settings.js';
import { accountsHandlers } from './accounts-contract.js';
import { AccountEvents, type AccountListener, type AccountSignalListener } from './account-events.js';
import { accountDirFor, accountIdFor, accountView, launchOrder } from './account-id.js';
import { everySettled, OTHER_ACCOUNTS_DELAY_MS, STORE_CHECK_DELAY_MS, StartOnce, UNREAD_COUNT_DELAY_MS } from './launch-work.js';
import { UnreadTotals } from './unread-totals.js';
import { PreferencesService } from '../settings/preferences-service.js';
import type { HostFeaturesPort, SystemDndSource } from '../settings/host-features.js';
import { clearLocalData, routeLink, type ClearResult } from './account-care.js';

export type AccountsServiceOptions = Omit<ChatServiceOptions, 'account' | 'resume' | 'api'> & {
  /** Runs the launch's deferred work: the other accounts' opening, the unread counts (tests pass fake timers). */
  defer?: (fn: () => void, ms: number) => void;
  /** What the host can do (the Electron shell's own); the browser's when absent. */
  features?: HostFeaturesPort;
  /** The system's Do not disturb, where the host reads it. */
  systemDnd?: SystemDndSource;
};

export type { AccountListener, AccountSignalListener } from './account-events.js';

type Account = { entry: StoredAccountEntry; service: ChatService; handlers: Handlers; off: () => void; leaving: boolean };

export { OTHER_ACCOUNTS_DELAY_MS, STORE_CHECK_DELAY_MS, UNREAD_COUNT_DELAY_MS } from './launch-work.js';

export class AccountsService implements ContractService {
  /** Every account in the switcher's order, opened or still opening at launch. */
  private readonly entries: StoredAccountEntry[] = [];
  private readonly accounts = new Map<string, Account>();
  /** Accounts that could not be opened this launch: kept in the settings, tried again next launch. */
  private readonly unopened: StoredAccountEntry[] = [];
  private activeId: string | null = null;
  private readonly events: AccountEvents;
  private readonly unread = new UnreadTotals();
  /** Opens the launch's other accounts; `done` once every one has opened (or failed to). */
  private rest = new StartOnce(async () => {});
  private closed = false;
  private readonly log: (line: string) => void;
  /** The Settings screen's preferences, followed by the window (settings:changed) and the desktop. */
  readonly preferences: PreferencesService;

  private constructor(private readonly opts: AccountsServiceOptions) {
    this.log = opts.log ?? (() => {});
    this.events = new AccountEvents(this.log);
    this.preferences = new PreferencesService(opts.settings, {
      ...(opts.features ? { features: opts.features } : {}),
      ...(opts.systemDnd ? { systemDnd: opts.systemDnd } : {}),
    });
    this.preferences.onViewChange((view) => this.events.toWindow('settings:changed', view));
  }

  /**
   * Opens the account last on screen and resumes it from the keychain (offline too); the others
   * follow (see the header). An account whose sign-in the keychain no longer holds is dropped from
   * the list, and the user told.
   */
  static async open(opts: AccountsServiceOptions): Promise<AccountsService> {
    const registry = new AccountsService(opts);
    const { entries, queue } = launchOrder(opts.settings.get());
    registry.entries.push(...entries);
    // The first that opens is on screen: the wanted one, or the next if it is gone.
    while (queue.length && registry.activeId === null) {
      const entry = queue.shift()!;
      if (await registry.openEntry(entry)) registry.activeId = entry.id;
    }
    registry.save();
    registry.events.shown(registry.view());
    const defer = opts.defer ?? ((fn, ms) => void setTimeout(fn, ms).unref?.());
    registry.rest = new StartOnce(() => registry.openRest(queue));
    if (!queue.length) void registry.rest.now();
    defer(() => void registry.rest.now(), OTHER_ACCOUNTS_DELAY_MS);
    defer(() => void registry.rest.done.then(() => registry.countUnread()), UNREAD_COUNT_DELAY_MS);
    defer(() => void registry.rest.done.then(() => registry.checkStores()), STORE_CHECK_DELAY_MS);
    return registry;
  }

  /** Resolves once every account of the launch has opened (or been dropped); starts them now if they have not. */
  opened(): Promise<void> {
    return this.rest.now();
  }

  // ------------------------------------------------------------------------------ listeners

  /** The window's events: the account on screen's, every account's notices, and accounts:changed. */
  on(listener: Listener): () => void {
    return this.events.on(listener);
  }

  /** Every account's events, tagged (the desktop: tray sections, notifications). */
  onAccountEvent(listener: AccountListener): () => void {
    return this.events.onAccountEvent(listener);
  }

  onAccountSignal(listener: AccountSignalListener): () => void {
    return this.events.onAccountSignal(listener);
  }

  /** Hears each change of the preferences, the host's features or the silence (the tray follows them). */
  onSettingsChanged(listener: () => void): () => void {
    return this.preferences.onViewChange(() => listener());
  }

  /** Sends an event to the window from the host (the menu's "Settings…", a refused link's notice). */
  notifyWindow<E extends EventName>(event: E, payload: Events[E]): void {
    if (event === 'notice') {
      const n = payload as Events['notice'];
      this.events.notice(n.level, n.message, n.retryable);
    } else {
      this.events.toWindow(event, payload);
    }
  }

  /** Opens an `ozekichat://` link: its account on screen, and its conversation. Refuses a malformed one, saying why. */
  openLink(url: string): void {
    routeLink(this, url);
  }

  /** Settings, Privacy: removes what this device keeps of an account and opens it again (account-care.ts). */
  async clearLocalData(accountId: string, discardUnsent: boolean): Promise<ClearResult> {
    await this.opened();
    const account = this.find(accountId);
    if (!account) throw new CoreError('not-found', 'That account is not signed in here.');
    return clearLocalData(account.service, discardUnsent, async () => {
      // Out of the registry while it is cleared (its entry stays listed, in its place).
      account.leaving = true;
      account.off();
      this.accounts.delete(accountId);
      this.unread.forget(accountId);
      await account.service.closeClearingLocalCopy();
      const service = await ChatService.open({
        ...this.serviceOptions(account.entry),
        account: { serverUrl: account.entry.serverUrl, userid: account.entry.userid, email: account.entry.email },
      });
      const reopened = this.adopt(account.entry, service);
      this.unread.reset(account.entry.id, service.unreadCounted());
      this.events.toDesktop(account.entry.id, 'session:changed', { profile: service.profile, keychain: service.keychain });
      this.named(reopened);
      this.announce(true);
    });
  }

  // ------------------------------------------------------------------------------ accounts

  view(): AccountsView {
    const opening = { unread: 0, connection: 'reconnecting' as const, keychain: { persistent: this.opts.vault.persistent, reason: null } };
    return {
      accounts: this.entries.map((entry) => {
        const service = this.accounts.get(entry.id)?.service;
        const state = service ? { unread: this.unread.total(entry.id), connection: service.connection, keychain: service.keychain } : opening;
        return accountView(entry.id, entry, service?.profile ?? null, state);
      }),
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

  /** Every opened account, in the switcher's order. */
  list(): { id: string; email: string; service: ChatService }[] {
    return this.openAccounts().map((a) => ({ id: a.entry.id, email: a.entry.email, service: a.service }));
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
    await this.opened();
    const ref = { serverUrl: signInServerUrl(req.serverUrl), userid: userIdFromEmail(req.email.trim().toLowerCase()) };
    const id = accountIdFor(ref);
    const existing = this.find(id);
    if (existing) {
      const result = await existing.service.signIn(req);
      this.signedIn(existing);
      return result;
    }
    const entry: StoredAccountEntry = { id, serverUrl: ref.serverUrl, userid: ref.userid, email: req.email.trim().toLowerCase(), dir: accountDirFor(id) };
    ensurePrivateFolder(join(this.opts.dataDir, 'accounts'));
    const service = await ChatService.open({ ...this.serviceOptions(entry), resume: false });
    // Its notices (the keychain keeping this sign-in in memory only) are heard from the start.
    this.entries.push(entry);
    const account = this.adopt(entry, service, false);
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
    this.signedIn(account);
    return result;
  }

  /**
   * Signs out an account, the one on screen when none is named (its secrets, cache and folder go);
   * when it was on screen, the next one takes the screen.
   */
  async signOut(accountId?: string): Promise<void> {
    await this.opened();
    const account = this.find(accountId ?? this.activeId);
    if (!account) {
      if (accountId !== undefined) throw new CoreError('not-found', 'That account is not signed in here.');
      return;
    }
    const wasOnScreen = account.entry.id === this.activeId;
    account.leaving = true;
    const index = this.entries.indexOf(account.entry);
    try {
      await account.service.signOut();
    } finally {
      this.drop(account);
      await account.service.close().catch(() => {});
      if (account.entry.dir) rmSync(join(this.opts.dataDir, account.entry.dir), { recursive: true, force: true });
      if (wasOnScreen) this.activeId = (this.entries[index] ?? this.entries[index - 1])?.id ?? null;
      this.save();
      if (!this.activeId) this.events.toWindow('session:changed', { profile: null, keychain: this.keychain });
      this.announce(true);
    }
  }

  // ------------------------------------------------------------------------------ the contract

  handlers(): Handlers {
    return accountsHandlers(this, this.opts.demo);
  }

  /** The account on screen's own handlers (accounts-contract.ts routes every other channel there). */
  activeHandlers(): Handlers {
    return this.requireActive().handlers;
  }

  /** A signed-in account's own handlers (a late draft for the account that just left the screen). */
  handlersOf(accountId: string): Handlers {
    const account = this.find(accountId);
    if (!account) throw new CoreError('not-found', 'That account is not signed in here.');
    return account.handlers;
  }

  /** Puts an account on screen: one chosen in the moment after launch before it opened is shown once it has. */
  async show(id: string): Promise<void> {
    if (!this.find(id) && this.entries.some((e) => e.id === id)) await this.opened();
    this.switchTo(id);
  }

  snapshot(opts: { first?: number } = {}): Snapshot {
    // The window asks for its whole list once its first screen is painted: the other accounts open after it.
    if (opts.first === undefined) void this.rest.now();
    const active = this.active;
    const base: Omit<Snapshot, keyof AccountsView | 'notices'> = active
      ? active.snapshot(opts)
      : {
          profile: null,
          keychain: this.keychain,
          connection: 'signed-out',
          pendingCount: 0,
          conversations: [],
          complete: true,
          friends: [],
          availability: 'available',
        };
    return { ...base, ...this.view(), notices: this.events.notices };
  }

  /** The account on screen's availability (the tray's radio items). */
  get availability(): Availability {
    return this.active?.availability ?? 'available';
  }

  /** The person's availability, on every account. */
  async setAvailability(availability: Availability): Promise<void> {
    await everySettled(this.openAccounts(), (a) => a.service.setAvailability(availability));
  }

  /** "Sync now" on every account; rejects with the first failure. */
  async syncNow(): Promise<void> {
    await everySettled(this.openAccounts(), (a) => a.service.syncNow());
  }

  get connection(): ConnectionState {
    return this.active?.connection ?? 'signed-out';
  }

  get openConversationId(): string | null {
    return this.active?.openConversationId ?? null;
  }

  async settle(): Promise<void> {
    await Promise.all(this.openAccounts().map((a) => a.service.settle()));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.preferences.dispose();
    const all = [...this.accounts.values()];
    this.accounts.clear();
    for (const a of all) a.off();
    await Promise.all(all.map((a) => a.service.close().catch(() => {})));
  }

  // ------------------------------------------------------------------------------ inside

  /** Opens one account of the launch; false when it is signed out (and so dropped) or the registry closed meanwhile. */
  private async openEntry(entry: StoredAccountEntry): Promise<boolean> {
    const several = this.entries.length > 1;
    const service = await ChatService.open({
      ...this.serviceOptions(entry),
      account: { serverUrl: entry.serverUrl, userid: entry.userid, email: entry.email },
    });
    if (this.closed) {
      await service.close().catch(() => {});
      return false;
    }
    if (!service.profile) {
      const kept = service.notices;
      await service.close().catch(() => {});
      this.entries.splice(this.entries.indexOf(entry), 1);
      for (const n of kept) this.events.notice(n.level, n.message, n.retryable, { email: entry.email, named: several });
      this.events.notice('warning', `${entry.email} is signed out: this device kept no sign-in for it. Add the account again to use it.`, false);
      return false;
    }
    this.named(this.adopt(entry, service));
    return true;
  }

  /** The launch's other accounts, one at a time, each after a turn of the event loop (the window's requests go first). */
  private async openRest(queue: StoredAccountEntry[]): Promise<void> {
    for (const entry of queue) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.closed) return;
      try {
        if (await this.openEntry(entry)) {
          const { service } = this.accounts.get(entry.id)!;
          // The desktop hears of it as of an account just signed in, and reads its state.
          this.events.toDesktop(entry.id, 'session:changed', { profile: service.profile, keychain: service.keychain });
        }
      } catch (err) {
        this.entries.splice(this.entries.indexOf(entry), 1);
        this.unopened.push(entry);
        const why = err instanceof Error ? err.message : String(err);
        this.log(`account ${entry.id} not opened: ${why}`);
        this.events.notice('error', `${entry.email} could not be opened (${why}). It is tried again at the next launch.`, false);
      }
      if (this.closed) return;
      this.activeId ??= this.entries[0]?.id ?? null;
      this.save();
      this.announce(false);
    }
  }

  private serviceOptions(entry: StoredAccountEntry): ChatServiceOptions {
    const { defer: _defer, ...rest } = this.opts;
    return { ...rest, dataDir: entry.dir ? join(this.opts.dataDir, entry.dir) : this.opts.dataDir };
  }

  private get keychain() {
    return this.active?.keychain ?? { persistent: this.opts.vault.persistent, reason: this.opts.vault.unavailableReason };
  }

  /** The opened accounts in the switcher's order. */
  private openAccounts(): Account[] {
    return this.entries.flatMap((e) => this.accounts.get(e.id) ?? []);
  }

  private find(id: string | null): Account | undefined {
    return id === null ? undefined : this.accounts.get(id);
  }

  private requireActive(): Account {
    const account = this.find(this.activeId);
    if (!account) throw new CoreError('not-signed-in', 'You are not signed in.');
    return account;
  }

  /** An account just signed in goes on screen. */
  private signedIn(account: Account): void {
    this.named(account);
    this.activeId = account.entry.id;
    this.save();
    this.announce(true);
  }

  /** Keeps the account's name in its entry, to list it by name at the next launch before it opens. */
  private named(account: Account): Account {
    const profile = account.service.profile;
    const name = profile?.fullname || profile?.nick;
    if (name) account.entry.name = name;
    return account;
  }

  /** Takes an opened service (its entry already listed) and listens to it. */
  private adopt(entry: StoredAccountEntry, service: ChatService, keepNotices = true): Account {
    const account: Account = { entry, service, handlers: service.handlers(), off: () => {}, leaving: false };
    const named = this.entries.length > 1;
    if (keepNotices) for (const n of service.notices) this.events.notice(n.level, n.message, n.retryable, { email: entry.email, named });
    const offEvents = service.on((event, payload) => this.fromAccount(account, event, payload));
    const offSignals = service.onSignal((signal) => this.events.signal(entry.id, signal));
    account.off = () => {
      offEvents();
      offSignals();
    };
    this.accounts.set(entry.id, account);
    return account;
  }

  private drop(account: Account): void {
    account.off();
    this.accounts.delete(account.entry.id);
    const index = this.entries.indexOf(account.entry);
    if (index >= 0) this.entries.splice(index, 1);
    this.unread.forget(account.entry.id);
  }

  private fromAccount<E extends EventName>(account: Account, event: E, payload: Events[E]): void {
    const id = account.entry.id;
    const onScreen = id === this.activeId && !account.leaving;
    if (event === 'conversations:changed') this.unread.apply(id, payload as Events['conversations:changed']);
    this.events.fromAccount({ id, email: account.entry.email, onScreen, named: this.entries.length > 1 || !onScreen }, event, payload);
    if (event === 'conversations:changed' || event === 'connection:changed' || event === 'session:changed') this.announce(false);
  }

  private announce(force: boolean): void {
    this.events.announce(this.view(), force);
  }

  /** Every account's unread count, from its conversations; events keep them current from then on. */
  private countUnread(): void {
    for (const { entry, service } of this.openAccounts()) {
      if (!this.unread.has(entry.id)) this.unread.reset(entry.id, service.unreadCounted());
    }
    this.announce(false);
  }

  /** Each account's deferred database check (store/integrity.ts), one per turn of the event loop. */
  private async checkStores(): Promise<void> {
    for (const { service } of this.openAccounts()) {
      if (this.closed) return;
      service.checkStore();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private save(): void {
    try {
      this.opts.settings.update({ accounts: [...this.entries, ...this.unopened], activeAccount: this.activeId });
    } catch (err) {
      this.log(`accounts not saved: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
