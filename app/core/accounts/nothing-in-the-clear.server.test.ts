/**
 * Nothing a person wrote, and no secret, is on disk in the clear: a message sent, one waiting
 * offline and a draft, with the sent one in the search index, then every file in the data folder (the databases with their WAL and SHM,
 * settings, the log) is searched for their text, the API key, the encryption password and the
 * database key. The databases are looked at while the app still runs, so their logs are there.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../server/test/harness.js';
import { eventually, TestKeychain } from '../../../test/support/core/service-harness.js';
import { dbKeyIn } from '../../../test/support/core/store/db-key.js';
import { openSettings } from '../settings/conf-settings.js';
import { isPlainDatabase } from '../store/cipher.js';
import { Vault } from '../vault/vault.js';
import { AccountsService } from './accounts-service.js';
import { filesUnder } from '../../../test/support/files.js';

let t: TestServer;
const dataDir = mkdtempSync(join(tmpdir(), 'ozeki-in-the-clear-'));

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.stop({ remove: true }).catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the data folder', () => {
  it('holds no message, draft or secret in the clear, and its databases not even the account', async () => {
    const keychain = new TestKeychain();
    const logFile = join(dataDir, 'ozeki-chat.log');
    // The app's log, in the folder, so that whatever it says is searched too.
    const log = (line: string) => appendFileSync(logFile, `${line}\n`);
    const registry = await AccountsService.open({
      dataDir,
      vault: await Vault.open({ backend: keychain }),
      settings: openSettings(dataDir).store,
      engine: { pollMs: { pushDown: 300, pushUp: 1000 }, maxAttempts: 2 },
      log,
    });
    try {
      const alice = t.accounts[0]!;
      await registry.handlers()['session:sign-in']({ serverUrl: t.server.url, email: alice.email, apiKey: alice.apikey, password: alice.password });
      const [first, second] = await eventually(
        () => {
          const list = registry.snapshot().conversations;
          return list.length >= 2 ? list : null;
        },
        10_000,
        'the first sync',
      );
      const sent = 'Rendezvous at the zeppelin hangar, bring the periwinkle umbrella';
      await registry.handlers()['messages:send'](first!.id, sent);
      await eventually(
        async () => {
          await registry.settle();
          return registry.snapshot().pendingCount === 0;
        },
        10_000,
        'the message to be sent',
      );
      await registry.handlers()['messages:latest'](first!.id);

      await t.stop();
      const waiting = 'Unsent thought about the obsidian lighthouse keeper';
      await registry.handlers()['messages:send'](second!.id, waiting);
      const draft = 'Half a sentence about a tangerine submarine';
      await registry.handlers()['drafts:set'](first!.id, draft);
      await eventually(() => registry.snapshot().pendingCount === 1, 10_000, 'the offline message to wait');
      // The sent message's text is in the search index (in the clear inside the database) before the files are read.
      const found = await registry.handlers()['search:messages']({ text: 'periwinkle umbrella' });
      expect(found.groups.flatMap((g) => g.hits.map((h) => h.segments.map((s) => s.text).join('')))).toEqual([sent]);

      const dbKey = dbKeyIn(keychain.entries.values());
      const forbidden: [string, Buffer][] = [
        ['the sent message', Buffer.from(sent)],
        ['the waiting message', Buffer.from(waiting)],
        ['the draft', Buffer.from(draft)],
        ['the API key', Buffer.from(alice.apikey)],
        ['the encryption password', Buffer.from(alice.password)],
        ['the database key (hex)', Buffer.from(dbKey.toString('hex'))],
        ['the database key', dbKey],
        ['the database key (base64)', Buffer.from(dbKey.toString('base64'))],
      ];
      const files = filesUnder(dataDir);
      const databases = files.filter((f) => /local\.db(-wal|-shm)?$/.test(f));
      // The WAL is there (the app is running): what it holds is searched too.
      expect(databases.map((f) => f.replace(/.*local\.db/, 'local.db')).sort()).toEqual(['local.db', 'local.db-shm', 'local.db-wal']);
      for (const file of files) {
        const bytes = readFileSync(file);
        for (const [what, needle] of forbidden) expect(bytes.includes(needle), `${file} holds ${what}`).toBe(false);
      }
      for (const file of databases) {
        const bytes = readFileSync(file);
        // The encryption itself: the account row (e-mail, name) is in the file, yet not readable.
        for (const needle of [alice.email, alice.fullname, 'SQLite format 3'])
          expect(bytes.includes(Buffer.from(needle)), `${file} holds "${needle}"`).toBe(false);
      }
      expect(isPlainDatabase(databases.find((f) => f.endsWith('local.db'))!)).toBe(false);
    } finally {
      await registry.close();
    }
  });
});
