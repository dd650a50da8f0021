/**
 * The durability test's child: opens the store in `argv[2]` and enqueues actions until it is killed,
 * printing one line per enqueue *after* it returned: `<seq> <kind> <removed seqs, comma-separated>`.
 * Sends go to fresh conversations (never coalesced); every third action is a colour on one shared
 * conversation, which removes the previous colour entry in the same transaction.
 */
import { openLocalDb } from '../../../../app/core/store/local-db.js';
import { SHARED, cid, send } from './fixtures.js';
import { TEST_DB_KEY } from './db-key.js';

const dir = process.argv[2];
const start = Number(process.argv[3] ?? '0');
if (!dir) throw new Error('usage: enqueue-loop <dataDir> [start]');

const { db } = openLocalDb(dir, { key: TEST_DB_KEY });
for (let i = start; ; i++) {
  const action =
    i % 3 === 2
      ? { kind: 'color' as const, conversationId: SHARED, color: `#${(i % 0xffffff).toString(16).padStart(6, '0')}` }
      : send(cid(i + 1), i, `sealed:${i}`);
  const { seq, removed } = db.enqueue(action);
  // Pipes are synchronous on Linux: the line has left the process when write returns.
  process.stdout.write(`${seq ?? '-'} ${action.kind} ${removed.join(',')}\n`);
  if (i % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
}
