/**
 * Secrets held in this process's memory only: what the vault uses when the OS keychain cannot be.
 * Nothing is written anywhere; everything is gone when the app quits.
 */
import type { SecretBackend } from './secret-backend.js';

export class MemoryBackend implements SecretBackend {
  readonly name = 'memory (this run only)';
  readonly #entries = new Map<string, string>();

  // A NUL cannot appear in a service or account name we make, so the pair maps to one key.
  #key(service: string, account: string): string {
    return `${service}\u0000${account}`;
  }

  async get(service: string, account: string): Promise<string | null> {
    return this.#entries.get(this.#key(service, account)) ?? null;
  }

  async set(service: string, account: string, secret: string): Promise<void> {
    this.#entries.set(this.#key(service, account), secret);
  }

  async delete(service: string, account: string): Promise<boolean> {
    return this.#entries.delete(this.#key(service, account));
  }
}
