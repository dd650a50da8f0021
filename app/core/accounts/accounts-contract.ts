/**
 * The contract as the accounts registry answers it: sign-in, sign-out, the demo, accounts:switch
 * and the snapshot are the registry's own; every other channel goes to the account on screen.
 */
import type { Channel, SignInRequest, SignInResult } from '../../ipc/contract.js';
import type { Handlers } from '../../ipc/dispatcher.js';
import { CHANNEL_NAMES } from '../../ipc/electron-channels.js';
import type { DemoAccountSource } from '../chat-service.js';
import { CoreError } from '../errors.js';
import type { PreferencesPatch, SettingsView, Snapshot, UpdateStatus } from '../../ipc/views.js';
import type { ClearResult } from './account-care.js';

/** Handled by the registry, not by the account on screen. */
const OWN_CHANNELS = new Set<Channel>([
  'session:sign-in',
  'session:sign-out',
  'session:sign-in-demo',
  'session:demo',
  'accounts:switch',
  'state:snapshot',
  'settings:get',
  'settings:set',
  'accounts:clear-local-data',
  'updates:check',
  'links:open',
]);

/** What of the registry (AccountsService) the handlers call. */
export type AccountsRegistry = {
  signIn(req: SignInRequest): Promise<SignInResult>;
  signOut(accountId?: string): Promise<void>;
  clearLocalData(accountId: string, discardUnsent: boolean): Promise<ClearResult>;
  openLink(url: string): void;
  readonly preferences: {
    view(): SettingsView;
    set(patch: PreferencesPatch): SettingsView;
    readonly features: { checkForUpdates(): Promise<UpdateStatus> };
  };
  show(accountId: string): Promise<void>;
  snapshot(opts: { first?: number }): Snapshot;
  /** The account on screen's own handlers; throws not-signed-in when there is none. */
  activeHandlers(): Handlers;
  /** A signed-in account's own handlers; throws not-found for one that is not signed in. */
  handlersOf(accountId: string): Handlers;
};

export function accountsHandlers(registry: AccountsRegistry, demoSource?: DemoAccountSource): Handlers {
  const routed = Object.fromEntries(
    CHANNEL_NAMES.filter((c) => !OWN_CHANNELS.has(c)).map((channel) => [
      channel,
      // Looked up per call: the account on screen changes.
      (...args: unknown[]) => (registry.activeHandlers()[channel] as (...a: unknown[]) => Promise<unknown>)(...args),
    ]),
  ) as Partial<Handlers>;
  return {
    ...routed,
    'session:sign-in': (req) => registry.signIn(req),
    'session:sign-out': (accountId) => registry.signOut(accountId),
    'settings:get': async () => registry.preferences.view(),
    'settings:set': async (patch) => registry.preferences.set(patch),
    'accounts:clear-local-data': (accountId, opts) => registry.clearLocalData(accountId, opts?.discardUnsent ?? false),
    'updates:check': () => registry.preferences.features.checkForUpdates(),
    'links:open': async (url) => registry.openLink(url),
    'session:demo': async () => {
      const demo = demoSource?.() ?? null;
      return demo ? { serverUrl: demo.serverUrl, email: demo.email } : null;
    },
    'session:sign-in-demo': async () => {
      const demo = demoSource?.() ?? null;
      if (!demo) throw new CoreError('not-found', 'No demo account is offered here.');
      return registry.signIn(demo);
    },
    'accounts:switch': (id) => registry.show(id),
    // A draft's last words can arrive just after the main process put another account on screen
    // (a notification clicked): they go to the account they were typed in.
    'drafts:set': async (id, text, account) => (account === undefined ? registry.activeHandlers() : registry.handlersOf(account))['drafts:set'](id, text),
    'state:snapshot': async (opts) => registry.snapshot(opts ?? {}),
  } as Handlers;
}
