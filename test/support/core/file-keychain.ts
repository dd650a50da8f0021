/**
 * TEST STAND-IN ONLY. A SecretBackend that keeps its entries in a plain JSON file, so secrets
 * survive a process being SIGKILLed and restarted (the durability test runs the core in child
 * processes). It has none of the protection of the OS keychain: never use it outside tests, and
 * keep its file out of the data folder (the secrets test scans that folder for leaked secrets).
 *
 * Writes go to a temporary file that is renamed over the old one, so a kill never leaves half a file.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SecretBackend } from '../../../app/core/vault/secret-backend.js';

export class FileKeychain implements SecretBackend {
  readonly name = 'test keychain in a file (tests only)';

  constructor(readonly file: string) {}

  #read(): Record<string, string> {
    if (!existsSync(this.file)) return {};
    const value = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, string>) : {};
  }

  #write(entries: Record<string, string>): void {
    const partial = `${this.file}.partial`;
    writeFileSync(partial, JSON.stringify(entries), { mode: 0o600 });
    renameSync(partial, this.file);
  }

  async get(service: string, account: string): Promise<string | null> {
    return this.#read()[`${service}\n${account}`] ?? null;
  }

  async set(service: string, account: string, secret: string): Promise<void> {
    this.#write({ ...this.#read(), [`${service}\n${account}`]: secret });
  }

  async delete(service: string, account: string): Promise<boolean> {
    const entries = this.#read();
    const key = `${service}\n${account}`;
    if (!Object.hasOwn(entries, key)) return false;
    delete entries[key];
    this.#write(entries);
    return true;
  }
}
