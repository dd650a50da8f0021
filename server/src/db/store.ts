/** The server's storage: one SQLite file and the repositories over it. */
import { join } from 'node:path';
import type { Log } from '../private-files.js';
import { ChunkFiles } from './chunk-files.js';
import { openDatabase, type Db } from './database.js';
import { Conversations } from './conversations.js';
import { Files } from './files.js';
import { Messages } from './messages.js';
import { NotificationQueue, SeenSignatures } from './notifications.js';
import { Users } from './users.js';

export const DATABASE_FILE = 'server.db';

export class Store {
  readonly db: Db;
  readonly users: Users;
  readonly conversations: Conversations;
  readonly messages: Messages;
  readonly notifications: NotificationQueue;
  readonly seenSignatures: SeenSignatures;
  readonly files: Files;
  /** The chunks' bytes, in the data folder beside the database. */
  readonly chunks: ChunkFiles;
  // better-sqlite3 builds a wrapper for each db.transaction(fn); one generic runner serves every call.
  private readonly runInTransaction: (work: () => unknown) => unknown;

  /** `log` gets a line for each path of the data folder whose modes had to be tightened (default: stderr). */
  constructor(dataDir: string, opts: { log?: Log } = {}) {
    this.db = openDatabase(join(dataDir, DATABASE_FILE), opts);
    this.users = new Users(this.db);
    this.conversations = new Conversations(this.db);
    this.messages = new Messages(this.db);
    this.notifications = new NotificationQueue(this.db);
    this.seenSignatures = new SeenSignatures(this.db);
    this.files = new Files(this.db);
    this.chunks = new ChunkFiles(dataDir, opts.log ?? ((line: string) => process.stderr.write(`${line}\n`)));
    this.runInTransaction = this.db.transaction((work: () => unknown) => work());
  }

  /** Runs `work` in one write transaction (IMMEDIATE, so concurrent writers queue instead of failing). */
  transaction<T>(work: () => T): T {
    return (this.runInTransaction as unknown as { immediate: (w: () => T) => T }).immediate(work);
  }

  /**
   * Inside a transaction: runs `work` in a savepoint, so a throw undoes only `work`'s writes.
   * Outside one it is a transaction of its own.
   */
  savepoint<T>(work: () => T): T {
    return this.runInTransaction(work) as T;
  }

  /**
   * Gives the pages that purges freed back to the file system (auto_vacuum = INCREMENTAL), so the
   * file shrinks again after a burst. Run after the purges, outside a request's transaction. In WAL
   * mode the main file is cut at the next checkpoint, which the automatic checkpoint does soon.
   * Returns how many pages were free.
   */
  reclaimSpace(): number {
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    if (free > 0) this.db.pragma('incremental_vacuum');
    return free;
  }

  close(): void {
    if (!this.db.open) return;
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }
}
