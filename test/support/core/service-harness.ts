/**
 * Test harness for the core: a ChatService on a temporary data folder, recording every event it
 * emits, signed in to a real reference server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DemoAccount } from '../../../server/src/seed.js';
import type { EventName, Events } from '../../../app/ipc/contract.js';
import { ChatService, type ChatServiceOptions } from '../../../app/core/chat-service.js';
import { openSettings } from '../../../app/core/settings/conf-settings.js';
import type { SettingsStore } from '../../../app/core/settings/settings.js';
import type { SecretBackend } from '../../../app/core/vault/secret-backend.js';
import { Vault } from '../../../app/core/vault/vault.js';

/**
 * Stands in for the OS keychain across app restarts inside one test process (the real keychain is
 * exercised by the vault's own tests). Unlike MemoryBackend, the vault treats it as persistent.
 */
export class TestKeychain implements SecretBackend {
  readonly name = 'test keychain';
  readonly entries = new Map<string, string>();
  async get(service: string, account: string) {
    return this.entries.get(`${service}\n${account}`) ?? null;
  }
  async set(service: string, account: string, secret: string) {
    this.entries.set(`${service}\n${account}`, secret);
  }
  async delete(service: string, account: string) {
    return this.entries.delete(`${service}\n${account}`);
  }
}

export type RecordedEvent = { [E in EventName]: { event: E; payload: Events[E] } }[EventName];

export type ServiceUnderTest = {
  service: ChatService;
  dataDir: string;
  settings: SettingsStore;
  events: RecordedEvent[];
  /** Reopens the service on the same folder and secrets (an app restart). */
  reopen(): Promise<ServiceUnderTest>;
  close(opts?: { remove?: boolean }): Promise<void>;
};

export async function openService(opts: { dataDir?: string; backend?: SecretBackend; options?: Partial<ChatServiceOptions> } = {}): Promise<ServiceUnderTest> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'ozeki-core-test-'));
  const backend = opts.backend ?? new TestKeychain();
  const vault = await Vault.open({ backend });
  const { store: settings } = openSettings(dataDir);
  const service = await ChatService.open({
    dataDir,
    vault,
    settings,
    // Fast polls and few attempts keep the tests short; the logic is the same.
    engine: { pollMs: { pushDown: 500, pushUp: 2000 }, maxAttempts: 3 },
    ...opts.options,
  });
  const events: RecordedEvent[] = [];
  service.on((event, payload) => events.push({ event, payload } as RecordedEvent));
  return {
    service,
    dataDir,
    settings,
    events,
    reopen: async () => {
      await service.close();
      return openService({ dataDir, backend, options: opts.options });
    },
    close: async ({ remove = true } = {}) => {
      await service.close();
      if (remove) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function signIn(sut: ServiceUnderTest, serverUrl: string, account: DemoAccount) {
  return sut.service.handlers()['session:sign-in']({ serverUrl, email: account.email, apiKey: account.apikey, password: account.password });
}

/** Polls `check` until it returns a value (not undefined/false) or the time runs out. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'the condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
