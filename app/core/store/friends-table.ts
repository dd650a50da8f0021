/**
 * The cached friend list (availability entries keyed by `friendid`), replaced whole each time the
 * server sends it, and read back in the order it was given.
 */
import type { AvailabilityEntry } from '../../../protocol/index.js';
import type { StoreConnection } from './connection.js';
import { decodeFriend } from './decode.js';

/** One transaction: the friend list becomes exactly these entries. */
export function replaceFriends(conn: StoreConnection, entries: readonly AvailabilityEntry[]): void {
  conn.transaction(() => {
    const now = conn.now();
    conn.db.exec('DELETE FROM friends');
    const insert = conn.stmt(
      'INSERT INTO friends (userid, json, received_at) VALUES (?, ?, ?) ON CONFLICT (userid) DO UPDATE SET json = excluded.json, received_at = excluded.received_at',
    );
    for (const f of entries) insert.run(f.friendid, JSON.stringify(f), now);
  });
}

/** The friend entries in the order they were given; unreadable rows are skipped. */
export function readFriends(conn: StoreConnection): AvailabilityEntry[] {
  const rows = conn.guard('read friends', () => conn.stmt('SELECT userid, json FROM friends ORDER BY rowid').all() as { userid: string; json: unknown }[]);
  const out: AvailabilityEntry[] = [];
  for (const row of rows) {
    const f = conn.skip('friends', row.userid, decodeFriend(row.json));
    if (f) out.push(f);
  }
  return out;
}
