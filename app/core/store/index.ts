/** The local database: the server's objects as received plus the outbox of user actions. */
export { LOCAL_DB_FILE, MIGRATIONS, openLocalDb, type OpenedLocalDb, type Recovery } from './local-db.js';
export {
  LocalStore,
  accountFromLogin,
  type LocalStoreOptions,
  type MessagePage,
  type OutboxEntry,
  type SkippedRow,
  type StoredAccount,
} from './local-store.js';
export { isAction } from './decode.js';
