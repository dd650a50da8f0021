/**
 * ChatService: the one object behind the IPC contract. It signs in and out, owns the session's
 * secrets in memory, turns user actions into outbox entries (shown at once, sent by the engine),
 * and builds the views the renderer gets. No key, password or ciphertext leaves it.
 */
import {
  formatTimestamp,
  loginAddressProblem,
  pushListener,
  newMessageId,
  parseTimestamp,
  newNonce,
  oneToOneConversationId,
  signBody,
  userIdFromEmail,
  CLIENT_VERSION_CODE,
  type Conversation,
  type Message,
  type OutgoingMessage,
  type PushAuthFrame,
} from '../../protocol/index.js';
import type { Channel, EventName, Events, SignInRequest, SignInResult } from '../ipc/contract.js';
import type { ContractService, Handlers } from '../ipc/dispatcher.js';
import type {
  Availability,
  ConnectionState,
  ConversationView,
  FriendView,
  KeychainStatus,
  MessagePage,
  MessageView,
  Notice,
  ProfileView,
  Snapshot,
} from '../ipc/views.js';
import { compareForList, type ToggleAction } from '../shared/rules.js';
import { ApiClient } from './api/client.js';
import { ConversationKeyCache } from './crypto/key-cache.js';
import { Keyring } from './crypto/keyring.js';
import { CoreError } from './errors.js';
import type { SettingsStore } from './settings/settings.js';
import { openLocalDb } from './store/local-db.js';
import { accountFromLogin, type LocalStore, type StoredAccount } from './store/local-store.js';
import type { Action } from './sync/actions.js';
import { SyncEngine, type EngineEvent, type EngineOptions } from './sync/engine.js';
import { PushClient } from './sync/push-client.js';
import { accountKey, normalizeServerUrl, type AccountRef } from './vault/account.js';
import type { Vault } from './vault/vault.js';
import { conversationFlags, conversationView, overlay, type PendingEntry } from './views/conversation-views.js';
import { messageView, receiptStates } from './views/message-views.js';

/** A message lives this long unless the user chooses otherwise (the server allows up to 366 days). */
export const DEFAULT_MESSAGE_LIFETIME_DAYS = 365;
const PAGE = 50;
const DAY_MS = 86_400_000;

/** A demo account the host knows (npm start seeds one); only its address and e-mail reach the renderer. */
export type DemoAccountSource = () => { serverUrl: string; email: string; apiKey: string; password: string } | null;

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
};

type Session = {
  account: StoredAccount;
  ref: AccountRef;
  keyring: Keyring;
  keyCache: ConversationKeyCache | null;
  engine: SyncEngine;
  push: PushClient | null;
};

type Listener = <E extends EventName>(event: E, payload: Events[E]) => void;

/**
 * What the desktop integration (tray, notifications) follows besides the IPC events. Not IPC: the
 * renderer learns of new messages through messages:changed.
 */
export type ServiceSignal =
  /** Messages new to this device that came in as news, not pages of history (see EngineEvent). */
  { type: 'messages-arrived'; conversationId: string; messages: MessageView[] } | { type: 'availability-changed'; availability: Availability };
type SignalListener = (signal: ServiceSignal) => void;

export class ChatService implements ContractService {
  private readonly api: ApiClient;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly listeners = new Set<Listener>();
  private readonly signalListeners = new Set<SignalListener>();
  /** The conversation the window shows, as the renderer last said (ui:conversation-opened). */
  private openConversationIdValue: string | null = null;
  private session: Session | null = null;
  private notices: Notice[] = [];
  /** Conversation ids the renderer has been told about, to report removals. */
  private listed = new Set<string>();
  private keychain: KeychainStatus;

  private constructor(
    private readonly opts: ChatServiceOptions,
    private readonly store: LocalStore,
    storeNotices: string[],
  ) {
    this.api = opts.api ?? new ApiClient();
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => {});
    this.keychain = { persistent: opts.vault.persistent, reason: opts.vault.unavailableReason };
    for (const message of storeNotices) this.addNotice('warning', message, false);
  }

  /** Opens the local store and, when the last account's secrets are in the keychain, resumes it (offline too). */
  static async open(opts: ChatServiceOptions): Promise<ChatService> {
    const { db, notices } = openLocalDb(opts.dataDir);
    const service = new ChatService(opts, db, notices);
    await service.resume();
    return service;
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onSignal(listener: SignalListener): () => void {
    this.signalListeners.add(listener);
    return () => this.signalListeners.delete(listener);
  }

  /** The conversation the window shows now, or null. */
  get openConversationId(): string | null {
    return this.openConversationIdValue;
  }

  /** Asks the window to show a conversation (a notification or tray entry was clicked). */
  openConversation(conversationId: string): void {
    this.emit('ui:open-conversation', { conversationId });
  }

  /** The handlers the IPC dispatcher routes to, one per channel. */
  handlers(): Handlers {
    const h: Handlers = {
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
      'state:snapshot': async (opts) => this.snapshot(opts),
      'sync:now': () => this.syncNow(),
      'conversation:set-favorite': async (id, on) => this.setFlag(id, 'favorite', on),
      'conversation:set-muted': async (id, on) => this.setFlag(id, 'muted', on),
      'conversation:set-hidden': async (id, on) => this.setFlag(id, 'hidden', on),
      'conversation:set-color': async (id, color) => this.act({ kind: 'color', conversationId: id, color: color.toLowerCase() }),
      'conversation:clear': async (id) => this.clear(id),
      'conversation:start': (friendId) => this.startConversation(friendId),
      'conversations:hidden': async () => this.conversationViews().filter((c) => c.hidden),
      'messages:latest': (id) => this.latestMessages(id),
      'messages:older': (id, before) => this.olderMessages(id, before),
      'messages:send': async (id, text) => this.sendMessage(id, text),
      'messages:mark-viewed': async (id, ids) => this.markViewed(id, ids),
      'presence:set': (availability) => this.setAvailability(availability),
      'drafts:get': async () => this.drafts(),
      'drafts:set': async (id, text) => this.keepDraft(id, text),
      'ui:conversation-opened': async (id) => {
        this.openConversationIdValue = id;
      },
    };
    return h satisfies { [C in Channel]: unknown };
  }

  // ---------------------------------------------------------------------------- session

  async signIn(req: SignInRequest): Promise<SignInResult> {
    // "http://host/ozeki/index.php/" means the same place as without the slash.
    const serverUrl = req.serverUrl
      .trim()
      .replace(/(?<=[^/])\/+$/, '')
      .replace(/^(https?:\/\/[^/]+)$/, '$1/');
    const email = req.email.trim().toLowerCase();
    const userid = userIdFromEmail(email);
    const ref: AccountRef = { serverUrl, userid };
    const station = this.opts.settings.stationFor(ref);
    const login = await this.api.login(serverUrl, station, req.apiKey.trim(), { allowInsecure: req.allowInsecure === true });
    if (login.userid !== userid) {
      // The login bound this station to the key's owner, so it can never sign this account in: let the next try mint another.
      const { [accountKey(ref)]: _bound, ...stations } = this.opts.settings.get().stations;
      this.opts.settings.update({ stations });
      throw new CoreError('refused', `This API key belongs to another account, not ${email}. Check the e-mail address.`);
    }
    const keyring = Keyring.unlock(login.rsakey, req.password, login.userid);
    // Only a sign-in that worked ends the current one: a wrong key or password leaves it as it was.
    if (this.session) await this.endSession();
    const account = accountFromLogin(serverUrl, email, login);
    const previous = this.store.loadAccount();
    if (previous && (previous.userid !== userid || normalizeServerUrl(previous.serverUrl) !== normalizeServerUrl(serverUrl))) {
      // Another account's cache and unsent changes are not this one's to keep.
      this.store.clearAll();
    }
    this.store.saveAccount(account);
    await this.opts.vault.save(ref, { apikey: req.apiKey.trim(), password: req.password });
    this.keychain = { persistent: this.opts.vault.persistent, reason: this.opts.vault.unavailableReason };
    if (!this.keychain.persistent) {
      this.addNotice(
        'warning',
        `Your sign-in is kept for this session only. ${this.keychain.reason ?? 'The keychain cannot be used.'} You will sign in again next launch.`,
        false,
      );
    }
    this.opts.settings.update({ serverUrl, lastAccount: { serverUrl, userid, email } });
    this.begin(account, ref, keyring, { apikey: req.apiKey.trim(), password: req.password }, station, true);
    return { profile: this.profile()!, keychain: this.keychain };
  }

  async signOut(): Promise<void> {
    const session = this.session;
    if (!session) return;
    await this.endSession();
    await this.opts.vault.remove(session.ref);
    this.store.clearAll();
    this.opts.settings.update({ lastAccount: null });
    this.emit('session:changed', { profile: null, keychain: this.keychain });
    session.engine.signedOut();
    this.emit('conversations:changed', { upserted: [], removed: [...this.listed] });
    this.listed.clear();
  }

  /** Stops syncing and closes the local store (app quit). Secrets stay in the keychain. */
  async close(): Promise<void> {
    await this.endSession();
    this.store.close();
  }

  private async resume(): Promise<void> {
    const last = this.opts.settings.get().lastAccount;
    const account = this.store.loadAccount();
    if (!last || !account || account.userid !== last.userid || normalizeServerUrl(account.serverUrl) !== normalizeServerUrl(last.serverUrl)) return;
    const ref: AccountRef = { serverUrl: account.serverUrl, userid: account.userid };
    let secrets: Awaited<ReturnType<Vault['load']>> = null;
    try {
      secrets = await this.opts.vault.load(ref);
    } catch (err) {
      this.addNotice('warning', err instanceof CoreError ? err.message : 'The keychain could not be read. Sign in again.', false);
    }
    if (!secrets) return;
    let keyring: Keyring;
    try {
      keyring = Keyring.unlock(account.rsakey, secrets.password, account.userid);
    } catch (err) {
      this.addNotice('error', err instanceof CoreError ? `${err.message} Sign in again.` : 'Your keys could not be unlocked. Sign in again.', false);
      return;
    }
    this.begin(account, ref, keyring, secrets, this.opts.settings.stationFor(ref), this.listeners.size > 0);
  }

  private begin(
    account: StoredAccount,
    ref: AccountRef,
    keyring: Keyring,
    secrets: { apikey: string; password: string },
    station: string,
    announce: boolean,
  ): void {
    const { apikey } = secrets;
    const keyCache = this.openKeyCache(secrets);
    if (keyCache) keyring.useCache(keyCache);
    this.api.setSession({ baseUrl: account.serverUrl, station, userid: account.userid, apikey, urls: account.urls });
    const engine = new SyncEngine({
      api: this.api,
      store: this.store,
      emit: (event) => this.onEngineEvent(event),
      now: this.now,
      log: this.log,
      ...this.opts.engine,
    });
    // The profile's pick (wss after an https sign-in), and only where the profile's rule allows it:
    // accounts stored before that rule may name another host.
    const pushUrl = pushListener(account.serverUrl, account.listeners)?.address ?? '';
    const push =
      this.opts.push !== false && /^wss?:\/\//.test(pushUrl) && loginAddressProblem(account.serverUrl, pushUrl) === null
        ? new PushClient({
            url: pushUrl,
            authFrame: () => pushAuthFrame(station, account.userid, apikey, this.now()),
            onChanged: () => void engine.pullChanges(),
            onStatus: (connected) => engine.setPushConnected(connected),
          })
        : null;
    this.session = { account, ref, keyring, keyCache, engine, push };
    this.names = null;
    this.emit('session:changed', { profile: this.profile(), keychain: this.keychain });
    // On resume at launch no window is listening yet and it asks for the snapshot when it opens:
    // building every view here as well would double the work before the list can show.
    if (announce) this.emitAllConversations();
    engine.start();
    push?.start();
  }

  private async endSession(): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.session = null;
    session.push?.stop();
    session.engine.stop();
    await session.engine.idle().catch(() => {});
    session.keyCache?.flush();
    this.api.clearSession();
  }

  /** Only worth keeping when the keychain keeps the secrets it is sealed under; never fatal. */
  private openKeyCache(secrets: { apikey: string; password: string }): ConversationKeyCache | null {
    if (!this.opts.vault.persistent) return null;
    try {
      return ConversationKeyCache.open(this.store, secrets, this.log);
    } catch (err) {
      this.log(`The conversation key cache is not used: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  }

  private requireSession(): Session {
    if (!this.session) throw new CoreError('not-signed-in', 'You are not signed in.');
    return this.session;
  }

  /** Waits until nothing is being sent or fetched (tests, and before quitting). */
  async settle(): Promise<void> {
    await this.session?.engine.idle();
  }

  get connection(): ConnectionState {
    return this.session ? this.session.engine.connection : 'signed-out';
  }

  // ---------------------------------------------------------------------------- state

  snapshot(opts: { first?: number } = {}): Snapshot {
    const session = this.session;
    let conversations: ConversationView[] = [];
    let complete = true;
    if (session && opts.first !== undefined) {
      ({ views: conversations, complete } = this.firstViews(opts.first));
    } else if (session) {
      conversations = this.listAll();
    }
    return {
      profile: this.profile(),
      keychain: this.keychain,
      connection: this.connection,
      pendingCount: session ? this.store.pendingCount() : 0,
      conversations,
      complete,
      friends: session ? this.friendViews() : [],
      notices: [...this.notices],
    };
  }

  /**
   * The first `n` views in list order, from the store's list-order index. Conversations that only a
   * pending action moves up (a favourite not yet synced) or creates arrive with the rest instead.
   */
  private firstViews(n: number): { views: ConversationView[]; complete: boolean } {
    const ids = this.store.firstConversations(n).map((c) => c.id);
    const views = this.conversationViews(ids);
    for (const v of views) this.listed.add(v.id);
    const shown = new Set(ids);
    // Complete only when the store had no more, and no unsent new conversation is left out.
    const complete = ids.length < n && this.store.pending().every((e) => shown.has(e.action.conversationId));
    return { views, complete };
  }

  /** "Sync now": resolves when it worked, and otherwise says why (the engine keeps retrying on its own). */
  async syncNow(): Promise<void> {
    const { engine } = this.requireSession();
    await engine.syncNow();
    if (engine.lastSyncError) throw engine.lastSyncError;
  }

  private profile(): ProfileView | null {
    const a = this.session?.account;
    return a ? { userid: a.userid, email: a.email, nick: a.nick, fullname: a.fullname, serverUrl: a.serverUrl } : null;
  }

  /** Display names of friends and oneself; rebuilt only when the friends list changes. */
  private names: Record<string, string> | null = null;

  private friendNames(): Record<string, string> {
    if (this.names) return this.names;
    const names: Record<string, string> = {};
    for (const f of this.store.friends()) names[f.friendid] = f.friendname;
    const a = this.session?.account;
    if (a) names[a.userid] = a.nick;
    this.names = names;
    return names;
  }

  private friendViews(): FriendView[] {
    return this.store
      .friends()
      .map((f) => ({ userid: f.friendid, name: f.friendname, availability: f.availability }))
      .sort((x, y) => x.name.localeCompare(y.name));
  }

  /** The overlaid conversations: every one, or just `ids`. */
  private overlaid(ids?: readonly string[]): { conversations: Map<string, Conversation>; pendingIds: Set<string> } {
    const session = this.requireSession();
    const cached = ids ? ids.map((id) => this.store.conversation(id)).filter((c): c is Conversation => c !== undefined) : this.store.conversations();
    const relevant: PendingEntry[] = ids ? ids.flatMap((id) => this.store.pendingFor(id)) : this.store.pending();
    return overlay(cached, relevant, session.account.userid, this.friendNames(), Math.floor(this.now() / 1000));
  }

  private conversationViews(ids?: readonly string[]): ConversationView[] {
    const session = this.requireSession();
    const { conversations, pendingIds } = this.overlaid(ids);
    const names = this.friendNames();
    const views = [...conversations.values()].map((c) =>
      conversationView(c, session.keyring, session.account.userid, { pending: pendingIds.has(c.id), unread: this.unread(c), names }),
    );
    return views.sort(compareForList);
  }

  private conversation(id: string): Conversation {
    const found = this.overlaid([id]).conversations.get(id);
    if (!found) throw new CoreError('not-found', 'That conversation does not exist (any more).');
    return found;
  }

  /** Messages from others newer than the newest one the user has viewed, among those cached. */
  private unread(conversation: Conversation): number {
    if (!conversation.lastmessageid) return 0;
    const viewedAt = Number(this.store.getMeta(viewedKey(conversation.id)) ?? 0);
    const session = this.session!;
    let count = 0;
    for (const m of this.store.messages(conversation.id, { limit: 100 })) {
      const at = parseTimestamp(m.Created) ?? 0;
      if (at <= viewedAt) break;
      try {
        if (session.keyring.openMessage(conversation, m.Data).from !== session.account.userid) count++;
      } catch {
        count++;
      }
    }
    return count;
  }

  // ---------------------------------------------------------------------------- actions

  /**
   * Sets favourite, muted or hidden to the state the user asked for. The intent is compared with
   * the conversation as shown (pending actions applied): asking for the state it already has queues
   * nothing and changes nothing. Otherwise the toggle towards it is queued, and the outbox folds it
   * into what is still waiting (see coalesce), so only the final state is sent.
   */
  private setFlag(conversationId: string, flag: 'favorite' | 'muted' | 'hidden', on: boolean): void {
    const session = this.requireSession();
    const conversation = this.conversation(conversationId);
    if (conversationFlags(conversation, session.account.userid)[flag] === on) return;
    const toggles: Record<typeof flag, [on: ToggleAction, off: ToggleAction]> = {
      favorite: ['favorite', 'unfavorite'],
      muted: ['mute', 'unmute'],
      hidden: ['hide', 'unhide'],
    };
    this.act({ kind: toggles[flag][on ? 0 : 1], conversationId });
  }

  /** Applies an action at once (outbox write) and lets the engine send it. */
  private act(action: Action): void {
    const session = this.requireSession();
    this.conversation(action.conversationId);
    this.store.enqueue(action);
    this.emitConversations([action.conversationId]);
    session.engine.queued();
  }

  private clear(conversationId: string): void {
    const conversation = this.conversation(conversationId);
    this.act({ kind: 'clear', conversationId, instance: conversation.instance });
    this.emit('messages:changed', { conversationId, upserted: [], removed: [], cleared: true });
  }

  private async startConversation(friendId: string): Promise<ConversationView> {
    const session = this.requireSession();
    const me = session.account.userid;
    if (friendId === me) throw new CoreError('invalid-argument', 'You cannot start a conversation with yourself.');
    const id = oneToOneConversationId(me, friendId);
    const existing = this.overlaid([id]).conversations.get(id);
    if (!existing) {
      const friend = this.store.friends().find((f) => f.friendid === friendId);
      if (!friend) throw new CoreError('not-found', 'That person is not in your friends list.');
      const participants = [
        { userid: me, publickey: session.keyring.ownPublicKey() },
        { userid: friend.friendid, publickey: friend.publickey },
      ].sort((a, b) => (a.userid < b.userid ? -1 : 1));
      const { displayname, secrets } = session.keyring.newConversation(participants, `${session.account.nick} and ${friend.friendname}`);
      this.store.enqueue({ kind: 'create', conversationId: id, participantIds: participants.map((p) => p.userid), isgroup: false, displayname, secrets });
      this.emitConversations([id]);
      session.engine.kick();
    }
    return this.conversationViews([id])[0]!;
  }

  /**
   * The user's own availability, as last set from this device. The server keeps the choice but
   * offers no call to read it back, so it is remembered with the account's cache (gone on sign-out).
   */
  get availability(): Availability {
    const stored = this.session ? this.store.getMeta(AVAILABILITY_KEY) : undefined;
    return stored === 'away' || stored === 'busy' || stored === 'offline' ? stored : 'available';
  }

  async setAvailability(availability: Availability): Promise<void> {
    this.requireSession();
    if (availability === 'available') await this.api.call('availability', {});
    else await this.api.call('setAvailability', { availability });
    if (!this.session) return;
    this.store.setMeta(AVAILABILITY_KEY, availability);
    this.signal({ type: 'availability-changed', availability });
  }

  // ---------------------------------------------------------------------------- messages

  /** The drafts that still open; one that does not (its conversation gone or re-keyed) is dropped. */
  private drafts(): Record<string, string> {
    const session = this.requireSession();
    const out: Record<string, string> = {};
    for (const { conversationId, sealed } of this.store.drafts()) {
      try {
        out[conversationId] = session.keyring.openDraft(this.conversation(conversationId), sealed);
      } catch {
        this.store.putDraft(conversationId, null);
      }
    }
    return out;
  }

  private keepDraft(conversationId: string, text: string): void {
    const session = this.requireSession();
    const conversation = this.conversation(conversationId);
    if (text.trim() === '') return this.store.putDraft(conversationId, null);
    this.store.putDraft(conversationId, session.keyring.sealDraft(conversation, text));
  }

  private sendMessage(conversationId: string, text: string): MessageView {
    const session = this.requireSession();
    const conversation = this.conversation(conversationId);
    const now = this.now();
    const message: OutgoingMessage = {
      ID: newMessageId(),
      Type: 'Message',
      Created: formatTimestamp(now),
      ValidUntil: formatTimestamp(now + DEFAULT_MESSAGE_LIFETIME_DAYS * DAY_MS),
      Data: session.keyring.sealMessage(conversation, text),
    };
    this.store.enqueue({ kind: 'send', conversationId, instance: conversation.instance, message });
    const view = this.viewMessages(conversation, [message], new Set([message.ID]))[0]!;
    this.emit('messages:changed', { conversationId, upserted: [view], removed: [], cleared: false });
    this.emitConversations([conversationId]);
    session.engine.queued();
    return view;
  }

  private markViewed(conversationId: string, messageIds: string[]): void {
    const conversation = this.conversation(conversationId);
    const cached = messageIds.map((id) => this.findMessage(conversationId, id)).filter((m): m is Message => m !== undefined);
    if (!cached.length || !conversation.instance) return;
    const dates = cached.map((m) => m.Created).sort();
    const newest = Math.max(...cached.map((m) => parseTimestamp(m.Created) ?? 0));
    const before = Number(this.store.getMeta(viewedKey(conversationId)) ?? 0);
    if (newest > before) this.store.setMeta(viewedKey(conversationId), String(newest));
    this.store.enqueue({
      kind: 'viewed',
      conversationId,
      instance: conversation.instance,
      messageIds: cached.map((m) => m.ID),
      first: dates[0]!,
      last: dates.at(-1)!,
    });
    this.emitConversations([conversationId]);
    this.requireSession().engine.kick();
  }

  private async latestMessages(conversationId: string): Promise<MessagePage> {
    const session = this.requireSession();
    this.conversation(conversationId);
    if (session.engine.connection !== 'offline') {
      try {
        await this.fetchPage(session, conversationId);
      } catch (err) {
        if (!(err instanceof CoreError && err.transient)) throw err;
        // Offline: the cached page is what there is.
      }
    }
    return this.page(conversationId);
  }

  /**
   * A page from the server. When the conversation was cleared since it was cached (409: by the
   * other side, or by our own clear still on its way), the list is refreshed, the cached messages
   * go, and the page is fetched again from the new instance: the renderer gets messages, not an error.
   */
  private async fetchPage(session: Session, conversationId: string, before?: { created: string; id: string }): Promise<void> {
    try {
      await session.engine.fetchPage(conversationId, before);
    } catch (err) {
      if (!(err instanceof CoreError && err.code === 'stale-instance')) throw err;
      await session.engine.refreshConversations();
      this.store.clearMessages(conversationId);
      this.emit('messages:changed', { conversationId, upserted: [], removed: [], cleared: true });
      // Older than a message of the old instance there is nothing any more.
      if (!before) await session.engine.fetchPage(conversationId);
    }
  }

  private async olderMessages(conversationId: string, beforeId: string): Promise<MessagePage> {
    const session = this.requireSession();
    this.conversation(conversationId);
    const anchor = this.findMessage(conversationId, beforeId);
    if (!anchor) throw new CoreError('not-found', 'That message is not loaded.');
    const before = { created: anchor.Created, id: anchor.ID };
    if (this.store.messages(conversationId, { limit: PAGE, before }).length < PAGE) {
      try {
        await this.fetchPage(session, conversationId, before);
      } catch (err) {
        if (!(err instanceof CoreError && err.transient)) throw err;
      }
    }
    return this.page(conversationId, before);
  }

  private findMessage(conversationId: string, id: string): Message | undefined {
    return this.store.message(conversationId, id);
  }

  /** A page of messages, oldest first: cached ones, then sends still in the outbox (newest page only). */
  private page(conversationId: string, before?: { created: string; id: string }): MessagePage {
    const conversation = this.conversation(conversationId);
    const pending = this.store.pendingFor(conversationId);
    const lastClear = [...pending].reverse().find((p) => p.action.kind === 'clear');
    const cached = lastClear ? [] : this.store.messages(conversationId, { limit: PAGE, before }).reverse();
    const sends = before
      ? []
      : pending
          .filter((p) => p.action.kind === 'send' && (!lastClear || p.seq > lastClear.seq))
          .map((p) => (p.action as Extract<Action, { kind: 'send' }>).message);
    const pendingIds = new Set(sends.map((m) => m.ID));
    const seen = new Set(cached.map((m) => m.ID));
    const all = [...cached, ...sends.filter((m) => !seen.has(m.ID))];
    return { conversationId, messages: this.viewMessages(conversation, all, pendingIds), hasOlder: cached.length === PAGE };
  }

  private viewMessages(conversation: Conversation, messages: readonly Message[], pendingIds: Set<string>): MessageView[] {
    const session = this.requireSession();
    const receipts = receiptStates(this.store.reports(conversation.id), session.account.userid);
    const names = this.friendNames();
    return messages.map((m) => messageView(m, conversation, session.keyring, { me: session.account.userid, names, receipts, pending: pendingIds.has(m.ID) }));
  }

  // ---------------------------------------------------------------------------- events

  private onEngineEvent(event: EngineEvent): void {
    // A stopped session's engine has nothing more to say, except that it is signed out.
    if (!this.session && !(event.type === 'connection' && event.state === 'signed-out')) return;
    switch (event.type) {
      case 'conversations':
        if (event.ids === 'all') this.emitAllConversations();
        else this.emitConversations(event.ids);
        return;
      case 'messages': {
        if (!this.store.conversation(event.conversationId)) return;
        const page = this.page(event.conversationId);
        this.emit('messages:changed', { conversationId: event.conversationId, upserted: page.messages, removed: [], cleared: event.cleared });
        this.emitConversations([event.conversationId]);
        if (event.arrived?.length) this.signalArrived(event.conversationId, event.arrived);
        return;
      }
      case 'friends':
        this.names = null;
        this.emit('friends:changed', { friends: this.friendViews() });
        return;
      case 'connection':
        this.emit('connection:changed', { state: event.state, pendingCount: event.pendingCount });
        return;
      case 'action-failed':
        this.emit('action:failed', { conversationId: event.conversationId, action: event.action, error: event.error });
        return;
    }
  }

  private signalArrived(conversationId: string, ids: readonly string[]): void {
    const messages = ids.map((id) => this.store.message(conversationId, id)).filter((m): m is Message => m !== undefined);
    if (!messages.length) return;
    const views = this.viewMessages(this.conversation(conversationId), messages, new Set());
    this.signal({ type: 'messages-arrived', conversationId, messages: views });
  }

  /** Every conversation's view; from now on the window knows exactly these (removals are reported against them). */
  private listAll(): ConversationView[] {
    const views = this.conversationViews();
    this.listed = new Set(views.map((v) => v.id));
    this.session?.keyCache?.retainOnly(this.listed);
    return views;
  }

  private emitAllConversations(): void {
    const before = this.listed;
    const views = this.listAll();
    const now = this.listed;
    const removed = [...before].filter((id) => !now.has(id));
    this.emit('conversations:changed', { upserted: views, removed });
  }

  private emitConversations(ids: readonly string[]): void {
    const views = this.conversationViews(ids);
    const present = new Set(views.map((v) => v.id));
    const removed = ids.filter((id) => !present.has(id));
    for (const v of views) this.listed.add(v.id);
    for (const id of removed) this.listed.delete(id);
    this.emit('conversations:changed', { upserted: views, removed });
  }

  private addNotice(level: Notice['level'], message: string, retryable: boolean): void {
    const notice: Notice = { id: newNonce().slice(0, 12), level, message, retryable };
    this.notices.push(notice);
    this.emit('notice', notice);
  }

  private signal(signal: ServiceSignal): void {
    for (const listener of this.signalListeners) {
      try {
        listener(signal);
      } catch (err) {
        this.log(`signal listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch (err) {
        this.log(`event listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}

const viewedKey = (conversationId: string) => `viewed:${conversationId}`;
const AVAILABILITY_KEY = 'availability';

function pushAuthFrame(station: string, user: string, apikey: string, nowMs: number): PushAuthFrame {
  const body = JSON.stringify({ action: 'subscribe', clientversioncode: CLIENT_VERSION_CODE, timestamp: formatTimestamp(nowMs), nonce: newNonce() });
  return { type: 'auth', station, user, signature: signBody(body, apikey), body };
}
