/**
 * `--seed demo`: three demo users who are all friends, a one-to-one conversation for every pair with
 * a few encrypted messages, optionally many extra conversations for the first user (or the first few:
 * benchmarks), and
 * `<data>/demo-accounts.json` with what a person needs to sign in as each of them.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newMessageId } from '../../protocol/index.js';
import { addConversation, addMessage, insertUser, makeFriends, prepareUser } from './admin.js';
import type { Store } from './db/store.js';
import { writePrivateFileAtomic } from './private-files.js';

export const DEMO_ACCOUNTS_FILE = 'demo-accounts.json';

export type DemoAccount = { email: string; userid: string; apikey: string; password: string; nick: string; fullname: string };

const PEOPLE = [
  { email: 'alice@demo.ozeki.chat', nick: 'Alice', fullname: 'Alice Andersen' },
  { email: 'bob@demo.ozeki.chat', nick: 'Bob', fullname: 'Bob Brown' },
  { email: 'carol@demo.ozeki.chat', nick: 'Carol', fullname: 'Carol Clark' },
];

const SCRIPT: readonly [speaker: 0 | 1, text: string][] = [
  [0, 'Hi! Have you tried the new desktop client yet?'],
  [1, 'Just installed it. The offline mode is great: I queued a few messages on the train.'],
  [0, 'Nice. Everything is end-to-end encrypted too, the server only sees ciphertext.'],
  [1, 'Perfect. Talk tomorrow? 🙂'],
];

const DAY = 86_400_000;

export type SeedResult = { accounts: DemoAccount[]; file: string; created: boolean };

export type SeedOptions = {
  /** Extra group conversations, for benchmarks: each has the first user, a third of them everyone. */
  conversations?: number;
  /** How many of the first users are in every extra conversation (1 unless given). */
  extrasFor?: number;
};

export async function seedDemo(store: Store, dataDir: string, opts: SeedOptions = {}): Promise<SeedResult> {
  const file = join(dataDir, DEMO_ACCOUNTS_FILE);
  if (existsSync(file) && store.users.findByEmail(PEOPLE[0]!.email)) {
    return { accounts: JSON.parse(readFileSync(file, 'utf8')) as DemoAccount[], file, created: false };
  }
  // Keys first (slow, async), then the accounts file, then every row in one transaction: a crash at
  // any point leaves either no demo data or all of it, never users whose keys nobody has.
  const prepared = await Promise.all(
    PEOPLE.map(async (person) => {
      const password = `${person.nick.toLowerCase()}-${randomBytes(6).toString('hex')}`;
      return { person, password, user: await prepareUser({ ...person, password }) };
    }),
  );
  const accounts: DemoAccount[] = prepared.map(({ person, password, user }) => ({
    email: person.email,
    userid: user.id,
    apikey: user.apikey,
    password,
    nick: person.nick,
    fullname: person.fullname,
  }));
  // 0600 whatever the umask, also over a leftover .partial of an older version (private-files.ts).
  writePrivateFileAtomic(file, `${JSON.stringify(accounts, null, 2)}\n`);

  const now = Date.now();
  store.transaction(() => {
    for (const { user } of prepared) insertUser(store, user);
    for (let i = 0; i < accounts.length; i++) {
      for (let j = i + 1; j < accounts.length; j++) {
        const a = accounts[i]!;
        const b = accounts[j]!;
        makeFriends(store, a.userid, b.userid);
        const startMs = now - ((i + j) * DAY) / 2 - 3600_000;
        const conversation = addConversation(store, { participantIds: [a.userid, b.userid], name: `${a.nick} and ${b.nick}` });
        SCRIPT.forEach(([speaker, text], k) => {
          const createdMs = startMs + k * 7 * 60_000;
          addMessage(store, conversation, {
            id: newMessageId(),
            from: (speaker === 0 ? a : b).userid,
            text,
            createdMs,
            // The last message disappears after a week, the others after thirty days.
            validUntilMs: createdMs + (k === SCRIPT.length - 1 ? 7 : 30) * DAY,
          });
        });
      }
    }
    const leads = accounts.slice(0, Math.max(1, Math.min(opts.extrasFor ?? 1, accounts.length - 1)));
    const others = accounts.slice(leads.length);
    for (let n = 1; n <= (opts.conversations ?? 0); n++) {
      const withAll = n % 3 === 0;
      addConversation(store, {
        participantIds: [...leads, ...(withAll ? others : [others[n % others.length]!])].map((p) => p.userid),
        name: `Project ${n}`,
        isgroup: true,
        lastaccessMs: now - 2 * DAY - n * 60_000,
      });
    }
  });

  return { accounts, file, created: true };
}
