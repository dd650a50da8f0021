/**
 * ChatService: the one object behind the IPC contract, and the place the core's services are built
 * and wired: the session (sign-in, secrets, engine), conversations, messages, drafts, friends and
 * presence, the desktop signals and the engine's relay. It routes each channel to its service and
 * builds the snapshot. No key, password or ciphertext leaves it.
 */
import type { Channel, SignInRequest, SignInResult } from '../ipc/contract.js';
import type { ContractService, Handlers } from '../ipc/dispatcher.js';
import type { Availability, ConnectionState, ConversationView, KeychainStatus, Notice, ProfileView, Snapshot } from '../ipc/views.js';
import { accountIdFor, accountView } from './accounts/account-id.js';
import { ApiClient } from './api/client.js';
import { CoreError } from './errors.js';
import { Files, type FileHost } from './files/files-service.js';
import { fileApi } from './files/file-api.js';
import { ConversationTimers } from './services/conversation-timers.js';
import { Conversations } from './services/conversations.js';
import { DesktopSignals } from './services/desktop-signals.js';
import { Drafts } from './services/drafts.js';
import { relayEngineEvent, type RelayDeps } from './services/engine-relay.js';
import { ServiceEvents, type Listener, type SignalListener } from './services/events.js';
import { Friends } from './services/friends.js';
import { ExpirySweeper } from './services/expiry.js';
import { Messages } from './services/messages.js';
import { RichEffects } from './services/rich-effects.js';
import { RowWarmer } from './services/row-warmer.js';
import { HistoryDownload } from './search/history-download.js';
import { SearchIndexer } from './search/indexer.js';
import { MessageSearch } from './search/search-service.js';
import { connectSession } from './session/connect.js';
import { launchAccount, loadLaunchSecrets, Sessions, type DemoAccountSource, type LaunchAccount } from './session/session.js';
import type { SettingsStore } from './settings/settings.js';
import { dbKeyFromHex, newDbKey } from './store/cipher.js';
import { openLocalDb } from './store/local-db.js';
import type { LocalStore } from './store/local-store.js';
import type { EngineOptions } from './sync/engine.js';
import type { Vault } from './vault/vault.js';
import type { DisappearingTimer } from '../shared/rules.js';

export { DEFAULT_MESSAGE_LIFETIME_DAYS } from './services/messages.js';
export type { ServiceSignal } from './services/events.js';
export type { DemoAccountSource } from './session/session.js';

export type ChatServiceOptions = {
  dataDir: string;
  demo?: DemoAccountSource;
  vault: Vault;
  settings: SettingsStore;
  api?: ApiClient;
  /** Open the push socket (off in some tests, to exercise the poll). */
  push?: boolean;
  engine?: Partial<Pick<EngineOptions, 'pollMs' | 'concurrency' | 'maxAttempts'>>;
  now?: () => number;
  log?: (line: string) => void;
  /** The account to resume at launch (the accounts registry's); without it, the settings' last account. */
  account?: LaunchAccount;
  /** False: open the store only; the caller signs in (adding an account). Default true. */
  resume?: boolean;
  /** What the host offers for files: its own dialogs, a Downloads folder (Electron). */
  files?: FileHost;
};

/** The indexer's catching up and the first expiry sweep wait this long after an account starts. */
const START_WORK_DELAY_MS = 1000;

export class ChatService implements ContractService {
  private readonly stopStartWork: () => void;
  private readonly events: ServiceEvents;
  private readonly sessions: Sessions;
  private readonly friends: Friends;
  private readonly conversations: Conversations;
  private readonly messages: Messages;
  private readonly files: Files;
  private readonly drafts: Drafts;
  private readonly signals: DesktopSignals;
  private readonly indexer: SearchIndexer;
  private readonly expiry: ExpirySweeper;
  private readonly warmer: RowWarmer;
  private readonly search: MessageSearch;
  /** Replaced at each sign-out: the next account starts with none. */
  private history: HistoryDownload;

  private constructor(
    private readonly opts: ChatServiceOptions,
    private readonly store: LocalStore,
    storeNotices: string[],
    dbKey: Buffer,
  ) {
    const api = opts.api ?? new ApiClient();
    const now = opts.now ?? Date.now;
    const log = opts.log ?? (() => {});
    const vault = opts.vault;
    const events = new ServiceEvents(log);
    let relay: RelayDeps | null = null;
    const sessions = new Sessions({
      api,
      store,
      vault,
      dbKey,
      settings: opts.settings,
      events,
      demo: opts.demo,
      ...(opts.account ? { expected: opts.account } : {}),
      connect: (account, ref, keyring, secrets, station) =>
        connectSession(
          { api, store, vault, push: opts.push, engine: opts.engine, now, log, onEngineEvent: (event) => relayEngineEvent(relay!, event), uploads: files },
          account,
          ref,
          keyring,
          secrets,
          station,
        ),
      onStarted: () => {
        friends.forgetNames();
        // After the first screen: a launch has better things to do in its first second.
        indexer.kick(START_WORK_DELAY_MS);
        afterStart = setTimeout(() => {
          expiry.sweep();
          files.sweep();
          this.history.resume();
          this.warmer.kick();
        }, START_WORK_DELAY_MS);
      },
      onAnnounce: () => conversations.emitAll(),
      onSignedOut: () => {
        conversations.removeAll();
        // The keys went with the database; the sealed copies go too.
        files.sealed.removeAll();
        this.warmer.reset();
        this.history.dispose();
        this.history = newHistory();
      },
    });
    const friends = new Friends(sessions, store, api, events);
    const timers = new ConversationTimers(store);
    const rich = new RichEffects(sessions, store);
    const conversations = new Conversations(sessions, store, friends, events, now, timers, rich);
    const messages = new Messages(sessions, store, conversations, friends, events, now, timers, rich);
    const files: Files = new Files({
      sessions,
      store,
      events,
      api: fileApi(api),
      dataDir: opts.dataDir,
      host: opts.files ?? {},
      send: (sealed) => messages.sendFile(sealed),
      now,
      log,
    });
    messages.fileStatus = (file, pending) => files.status(file, pending);
    const signals = new DesktopSignals(store, conversations, messages, events);
    const indexer = new SearchIndexer({ store, keyring: () => sessions.current?.keyring ?? null, busy: () => sessions.current?.engine.busy ?? false, log });
    const expiry = new ExpirySweeper({ store, conversations, events, now });
    let afterStart: ReturnType<typeof setTimeout> | undefined;
    this.stopStartWork = () => clearTimeout(afterStart);
    const newHistory = (): HistoryDownload =>
      new HistoryDownload({
        store,
        conversationIds: () => store.conversations().map((c) => c.id),
        fetchOlder: (id, before, limit) => sessions.require().engine.fetchHistoryPage(id, before, limit),
        connection: () => sessions.connection,
        emit: (progress) => events.emit('history:progress', progress),
        onStored: () => indexer.kick(),
        log,
      });
    this.history = newHistory();
    const warmer = new RowWarmer({
      store,
      fetchNewest: (id, limit) => sessions.require().engine.fetchHistoryPage(id, undefined, limit),
      me: () => sessions.current?.account.userid ?? null,
      online: () => sessions.connection === 'online',
      busy: () => sessions.current?.engine.busy ?? false,
      onWarmed: (ids) => {
        for (const id of ids) conversations.messagesChanged(id);
        conversations.emit(ids);
        indexer.kick();
        expiry.soon();
      },
      log,
    });
    this.warmer = warmer;
    relay = { sessions, store, conversations, messages, friends, signals, events, indexer, expiry, warmer, rich, history: () => this.history };
    this.events = events;
    this.sessions = sessions;
    this.friends = friends;
    this.conversations = conversations;
    this.messages = messages;
    this.files = files;
    this.drafts = new Drafts(sessions, store, conversations);
    this.signals = signals;
    this.indexer = indexer;
    this.expiry = expiry;
    this.search = new MessageSearch(sessions, store, conversations, friends, indexer);
    for (const message of storeNotices) events.addNotice('warning', message, false);
  }

  /**
   * Reads the launch account's secrets (with its database key), opens the local store with that
   * key and, when the secrets were there, resumes the account (offline too). A store made by
   * version 0.1 had no key: one is made and saved with the secrets before the file is encrypted.
   */
  static async open(opts: ChatServiceOptions): Promise<ChatService> {
    const log = opts.log ?? (() => {});
    const ref = opts.resume === false ? null : launchAccount(opts.account, opts.settings);
    const launch = await loadLaunchSecrets(opts.vault, ref);
    const stored = dbKeyFromHex(launch.secrets?.dbkey);
    const key = stored ?? newDbKey();
    if (ref && launch.secrets && !stored) {
      // Into the keychain first: a crash after the file is encrypted must not lose its key.
      launch.secrets = { ...launch.secrets, dbkey: key.toString('hex') };
      await opts.vault.save(ref, launch.secrets);
    }
    const opened = openLocalDb(opts.dataDir, { key, keyIsNew: !stored, check: 'deferred' });
    if (opened.encrypted) log(`The local database in ${opts.dataDir} was encrypted (made by version 0.1).`);
    if (opened.repaired) log(`The local database in ${opts.dataDir} was set aside as ${opened.repaired.asideFile} (${opened.repaired.reason}) and rebuilt.`);
    const service = new ChatService(opts, opened.db, opened.notices, key);
    // A turn of the event loop between opening the database and reading its keys (each about 10 ms
    // at launch): the window's first requests are served on this same thread meanwhile.
    await new Promise((resolve) => setImmediate(resolve));
    if (opts.resume !== false) await service.sessions.resume(launch);
    return service;
  }

  on(listener: Listener): () => void {
    return this.events.on(listener);
  }

  /**
   * The local database's integrity check, after launch (store/integrity.ts): a damaged file is
   * rebuilt at the next launch, and the user is told now.
   */
  checkStore(): void {
    if (this.store.closed) return;
    const found = this.store.checkIntegrity();
    if (found === null) return;
    this.opts.log?.(`The local database in ${this.opts.dataDir} is damaged: ${found}`);
    this.events.addNotice(
      'warning',
      'The messages kept on this device are damaged. They are downloaded again from the server at the next launch; your unsent changes are kept as far as they still read.',
      false,
    );
  }

  onSignal(listener: SignalListener): () => void {
    return this.events.onSignal(listener);
  }

  /** The conversation the window shows now, or null. */
  get openConversationId(): string | null {
    return this.signals.openConversationId;
  }

  /** Asks the window to show a conversation (a notification or tray entry was clicked). */
  openConversation(conversationId: string): void {
    this.signals.openConversation(conversationId);
  }

  /** The handlers the IPC dispatcher routes to, one per channel. */
  handlers(): Handlers {
    const alone = (): never => {
      throw new CoreError('not-found', 'This is answered by the accounts registry.');
    };
    const { sessions, conversations, messages, drafts, signals, files } = this;
    const h: Handlers = {
      'session:sign-in': (req) => this.signIn(req),
      'session:sign-out': () => this.signOut(),
      // Alone (tests, and each account inside the accounts registry) a service is its one account.
      'accounts:switch': async (id) => {
        if (id !== this.accountId) throw new CoreError('not-found', 'That account is not signed in here.');
      },
      'session:demo': async () => sessions.demo(),
      'session:sign-in-demo': async () => sessions.signInDemo(),
      'state:snapshot': async (opts) => this.snapshot(opts),
      'sync:now': () => this.syncNow(),
      'conversation:set-favorite': async (id, on) => conversations.setFlag(id, 'favorite', on),
      'conversation:set-muted': async (id, on) => conversations.setFlag(id, 'muted', on),
      'conversation:set-hidden': async (id, on) => conversations.setFlag(id, 'hidden', on),
      'conversation:set-color': async (id, color) => conversations.setColor(id, color),
      'conversation:clear': async (id) => conversations.clear(id),
      'conversation:start': (friendId) => conversations.start(friendId),
      'conversation:create-group': async ({ name, memberIds }) => conversations.createGroup(name, memberIds),
      'conversation:set-timer': async (id, seconds) => conversations.setTimer(id, seconds as DisappearingTimer),
      'conversations:hidden': async () => conversations.hidden(),
      'messages:latest': (id) => messages.latest(id),
      'messages:older': (id, before) => messages.older(id, before),
      'messages:around': async (id, messageId) => messages.around(id, messageId),
      'messages:newer': async (id, after) => messages.newer(id, after),
      'search:messages': async (req) => this.search.search(req),
      'history:status': async () => (sessions.require(), this.history.status()),
      'history:start': async (opts) => (sessions.require(), this.history.start(opts?.conversationIds)),
      'history:stop': async () => (sessions.require(), this.history.stop()),
      'messages:send': async (id, text, opts) => messages.send(id, text, opts),
      'messages:react': async (id, messageId, emoji, on) => messages.react(id, messageId, emoji, on),
      'messages:edit': async (id, messageId, text) => messages.edit(id, messageId, text),
      'messages:delete': async (id, messageId) => messages.delete(id, messageId),
      'messages:mark-viewed': async (id, ids) => messages.markViewed(id, ids),
      'files:attach-begin': async (id, meta) => (conversations.get(id), files.attachBegin(id, meta)),
      'files:attach-piece': async (stagingId, index, data) => files.attachPiece(stagingId, index, data),
      'files:attach-end': async (stagingId) => files.attachEnd(stagingId),
      'files:attach-abort': async (stagingId) => files.attachAbort(stagingId),
      'files:pick': (id, opts) => (conversations.get(id), files.pick(id, opts?.replyTo)),
      'files:cancel': async (id, messageId) => files.cancel(id, messageId),
      'files:read': (id, messageId, index) => files.read(id, messageId, index),
      'files:save': (id, messageId) => files.save(id, messageId),
      'files:show-in-folder': async (id, messageId) => files.showInFolder(id, messageId),
      'presence:set': (availability) => this.setAvailability(availability),
      'drafts:get': async () => drafts.all(),
      'drafts:set': async (id, text, account) => {
        if (account !== undefined && account !== this.accountId) throw new CoreError('not-found', 'That account is not signed in here.');
        drafts.keep(id, text);
      },
      'ui:conversation-opened': async (id) => signals.opened(id),
      // The registry's own (accounts-contract.ts); a service alone has no settings screen, updates or links.
      'settings:get': async () => alone(),
      'settings:set': async () => alone(),
      'accounts:clear-local-data': async () => alone(),
      'updates:check': async () => alone(),
      'links:open': async () => alone(),
    };
    return h satisfies { [C in Channel]: unknown };
  }

  signIn(req: SignInRequest): Promise<SignInResult> {
    return this.sessions.signIn(req);
  }

  signOut(): Promise<void> {
    this.files.stopTransfers();
    return this.sessions.signOut();
  }

  /** Stops syncing and closes the local store (app quit). Secrets stay in the keychain. */
  async close(): Promise<void> {
    await this.stop();
    this.store.close();
  }

  /**
   * Closes, leaving nothing this device kept of the account but its sign-in (Settings, Privacy):
   * messages, search index, files, drafts and the outbox go. Opened again, it downloads them anew.
   */
  async closeClearingLocalCopy(): Promise<void> {
    await this.stop();
    this.store.clearLocalCopy();
    this.files.sealed.removeAll();
    this.store.close();
  }

  /** Changes not on the server yet. */
  get unsentCount(): number {
    return this.store.closed ? 0 : this.store.pendingCount();
  }

  private async stop(): Promise<void> {
    this.stopStartWork();
    this.indexer.dispose();
    this.expiry.dispose();
    this.warmer.dispose();
    this.history.dispose();
    this.files.dispose();
    await this.sessions.end();
  }

  /** Waits until nothing is being sent or fetched (tests, and before quitting). */
  settle(): Promise<void> {
    return this.sessions.settle();
  }

  get connection(): ConnectionState {
    return this.sessions.connection;
  }

  /** The signed-in account's id (accounts/account-id.ts), or null. */
  get accountId(): string | null {
    const profile = this.sessions.profile();
    return profile ? accountIdFor({ serverUrl: profile.serverUrl, userid: profile.userid }) : null;
  }

  /** Who is signed in here, or null. */
  get profile(): ProfileView | null {
    return this.sessions.profile();
  }

  get keychain(): KeychainStatus {
    return this.sessions.keychain;
  }

  /** The notices so far (the accounts registry passes on those it was not listening for yet). */
  get notices(): Notice[] {
    return this.events.notices;
  }

  /** Each conversation's unread count as it counts towards the account's total (muted and hidden: 0). */
  unreadCounted(): Map<string, number> {
    return this.conversations.unreadCounted();
  }

  /** "Sync now": resolves when it worked, and otherwise says why (the engine keeps retrying on its own). */
  syncNow(): Promise<void> {
    return this.sessions.syncNow();
  }

  /** The user's own availability, as last set from this device. */
  get availability(): Availability {
    return this.friends.availability;
  }

  setAvailability(availability: Availability): Promise<void> {
    return this.friends.setAvailability(availability);
  }

  snapshot(opts: { first?: number } = {}): Snapshot {
    const session = this.sessions.current;
    let conversations: ConversationView[] = [];
    let complete = true;
    if (session && opts.first !== undefined) {
      ({ views: conversations, complete } = this.conversations.firstViews(opts.first));
    } else if (session) {
      conversations = this.conversations.listAll();
    }
    const profile = this.sessions.profile();
    return {
      accounts: profile ? [accountView(this.accountId!, profile, profile, { unread: 0, connection: this.connection, keychain: this.keychain })] : [],
      activeAccountId: this.accountId,
      profile,
      keychain: this.sessions.keychain,
      connection: this.connection,
      pendingCount: session ? this.store.pendingCount() : 0,
      conversations,
      complete,
      friends: session ? this.friends.views() : [],
      availability: this.friends.availability,
      notices: this.events.notices,
    };
  }
}
