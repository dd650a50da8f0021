/** The server's storage: one SQLite file and the repositories over it. */
import { join } from 'node:path';
import { openDatabase, type Db } from './database.js';
import { Conversations } from './conversations.js';
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

  constructor(dataDir: string) {
    this.db = openDatabase(join(dataDir, DATABASE_FILE));
    this.users = new Users(this.db);
    this.conversations = new Conversations(this.db);
    this.messages = new Messages(this.db);
    this.notifications = new NotificationQueue(this.db);
    this.seenSignatures = new SeenSignatures(this.db);
  }

  /** Runs `work` in one write transaction (IMMEDIATE, so concurrent writers queue instead of failing). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  close(): void {
    if (!this.db.open) return;
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }
}
