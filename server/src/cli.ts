/**
 * The reference server's command line.
 *
 *   npm run server -- [--port 9080] [--data <dir>] [--host 127.0.0.1] [--public-url <url>] [--trust-proxy] [--file-quota <MiB>] [--seed demo] [--conversations <n>]
 *   npm run server -- add-user --data <dir> --email <e-mail> --nick <nick> [--fullname <name>] --password <encryption password>
 *   npm run server -- add-friends --data <dir> --email <a> --email <b>
 *   npm run server -- add-conversation --data <dir> --email <a> --email <b> [--email <c> ...] [--name <title>] [--group]
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_FILE_QUOTA_BYTES } from '../../protocol/index.js';
import { AdminError, addConversation, addUser, makeFriends, requireUserByEmail } from './admin.js';
import { Store } from './db/store.js';
import { seedDemo } from './seed.js';
import { startServer } from './server.js';

const MIB = 1024 * 1024;
/** --file-quota's ceiling: 1 TiB per user. */
const MAX_FILE_QUOTA_MIB = 1024 * 1024;

const USAGE = `Ozeki Chat reference server

Serve:
  npm run server -- [--port 9080] [--data <dir>] [--host 127.0.0.1] [--public-url <url>]
                    [--trust-proxy] [--file-quota <MiB>] [--seed demo] [--conversations <n>]
Administer (works while the server runs):
  npm run server -- add-user --data <dir> --email <e-mail> --nick <nick> [--fullname <name>] --password <encryption password>
  npm run server -- add-friends --data <dir> --email <a> --email <b>
  npm run server -- add-conversation --data <dir> --email <a> --email <b> [--email <c> ...] [--name <title>] [--group]

--data defaults to ${defaultDataDir()}.
--public-url fixes the base URL handed out in the login urls and listeners; by default they are
  built from the Host header the client used.
--trust-proxy builds them from X-Forwarded-Proto and X-Forwarded-Host instead, when a request
  carries them. Use it only behind a proxy that sets (and overwrites) those headers; without it
  they are ignored.
--file-quota is what each user may keep in the file service, in MiB (default ${DEFAULT_FILE_QUOTA_BYTES / MIB}):
  their finished and unfinished uploads, encrypted. 0 turns uploads off.`;

function defaultDataDir(): string {
  const base =
    process.platform === 'win32'
      ? (process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'))
      : process.platform === 'darwin'
        ? join(homedir(), 'Library', 'Application Support')
        : (process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'));
  return join(base, 'ozeki-chat-reference-server');
}

class UsageError extends Error {}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      'public-url': { type: 'string' },
      'trust-proxy': { type: 'boolean' },
      'file-quota': { type: 'string' },
      seed: { type: 'string' },
      conversations: { type: 'string' },
      email: { type: 'string', multiple: true },
      nick: { type: 'string' },
      fullname: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      group: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  return { values, command: positionals[0] ?? 'serve', extra: positionals.slice(1) };
}

function integer(text: string | undefined, fallback: number, what: string, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`${what} must be a whole number from 0 to ${max}.`);
  return n;
}

async function serve(values: ReturnType<typeof parse>['values']): Promise<void> {
  const dataDir = values.data ?? defaultDataDir();
  const port = integer(values.port, 9080, '--port', 65535);
  const conversations = integer(values.conversations, 0, '--conversations', 1_000_000);
  const fileQuotaMib = integer(values['file-quota'], DEFAULT_FILE_QUOTA_BYTES / MIB, '--file-quota (MiB)', MAX_FILE_QUOTA_MIB);
  if (values.seed !== undefined && values.seed !== 'demo') throw new UsageError('--seed takes one value: demo.');
  if (values.conversations !== undefined && values.seed !== 'demo') throw new UsageError('--conversations needs --seed demo.');

  if (values.seed === 'demo') {
    const store = new Store(dataDir);
    try {
      const seeded = await seedDemo(store, dataDir, { conversations });
      console.log(`${seeded.created ? 'Seeded' : 'Already seeded:'} demo accounts in ${seeded.file}`);
      if (!seeded.created && conversations > 0) {
        console.log(`Note: --conversations ${conversations} is ignored because this folder is already seeded; use a new --data folder.`);
      }
      for (const a of seeded.accounts) console.log(`  ${a.nick.padEnd(6)} ${a.email}`);
    } finally {
      store.close();
    }
  }

  const server = await startServer({
    dataDir,
    port,
    host: values.host ?? '127.0.0.1',
    publicUrl: values['public-url'] ?? null,
    trustProxy: values['trust-proxy'] ?? false,
    fileQuotaBytes: fileQuotaMib * MIB,
  });
  console.log(`Ozeki Chat reference server listening on ${server.url}`);
  console.log(`Data folder: ${dataDir}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`${signal}: finishing requests in flight, then closing the database.`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

const ADMIN_COMMANDS = new Set(['add-user', 'add-friends', 'add-conversation']);

async function administer(command: string, values: ReturnType<typeof parse>['values']): Promise<void> {
  // Before opening the store: a mistyped command must not create a database (or the default data folder).
  if (!ADMIN_COMMANDS.has(command)) throw new UsageError(`Unknown command "${command}".`);
  const store = new Store(values.data ?? defaultDataDir());
  const emails = values.email ?? [];
  try {
    switch (command) {
      case 'add-user': {
        if (emails.length !== 1 || !values.nick || !values.password) {
          throw new UsageError('add-user needs --email, --nick and --password (the encryption password).');
        }
        const { userid, apikey } = await addUser(store, {
          email: emails[0]!,
          nick: values.nick,
          fullname: values.fullname ?? values.nick,
          password: values.password,
        });
        console.log(`Created ${emails[0]} (userid ${userid}).`);
        console.log(`API key (shown only now; give it to the user): ${apikey}`);
        return;
      }
      case 'add-friends': {
        if (emails.length !== 2) throw new UsageError('add-friends needs two --email options.');
        makeFriends(store, requireUserByEmail(store, emails[0]!), requireUserByEmail(store, emails[1]!));
        console.log(`${emails[0]} and ${emails[1]} are now friends.`);
        return;
      }
      case 'add-conversation': {
        if (emails.length < 2) throw new UsageError('add-conversation needs at least two --email options.');
        const ids = emails.map((e) => requireUserByEmail(store, e));
        const name = values.name ?? emails.join(', ');
        const { id } = store.transaction(() => addConversation(store, { participantIds: ids, name, isgroup: values.group ?? ids.length > 2 }));
        console.log(`Created conversation ${id}.`);
        return;
      }
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } finally {
    store.close();
  }
}

async function main(): Promise<void> {
  const { values, command } = parse(process.argv.slice(2));
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (command === 'serve') await serve(values);
  else await administer(command, values);
}

main().catch((err: unknown) => {
  if (err instanceof UsageError || err instanceof AdminError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if ((err as { code?: string }).code === 'EADDRINUSE') {
    console.error('That port is already in use. Pick another with --port.');
    process.exit(1);
  }
  console.error(err);
  process.exit(1);
});
