/** Per-station queues that Notification drains, and the replay guard for signed requests. */
import type { Db } from './database.js';

export type NotificationKind = 'friendavailabilitesof' | 'conversationchangedof' | 'conversationlistchangedof';

export class NotificationQueue {
  private readonly insertStmt;
  private readonly takeStmt;
  private readonly dropStmt;
  private readonly pendingStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare('INSERT OR IGNORE INTO notifications (station_id, kind, ref) VALUES (?, ?, ?)');
    this.takeStmt = db.prepare<[string], { kind: NotificationKind; ref: string }>(
      'SELECT kind, ref FROM notifications WHERE station_id = ? ORDER BY kind, ref',
    );
    this.dropStmt = db.prepare('DELETE FROM notifications WHERE station_id = ?');
    this.pendingStmt = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM notifications WHERE station_id = ?');
  }

  enqueue(stationId: string, kind: NotificationKind, ref: string): void {
    this.insertStmt.run(stationId, kind, ref);
  }
  /** Returns and removes everything queued for the station. */
  drain(stationId: string): Record<NotificationKind, string[]> {
    const out: Record<NotificationKind, string[]> = {
      friendavailabilitesof: [],
      conversationchangedof: [],
      conversationlistchangedof: [],
    };
    for (const row of this.takeStmt.iterate(stationId)) out[row.kind].push(row.ref);
    this.dropStmt.run(stationId);
    return out;
  }
  hasPending(stationId: string): boolean {
    return this.pendingStmt.get(stationId)!.n > 0;
  }
}

/**
 * Signatures already accepted, per user across all of the user's stations, until the end of the
 * timestamp window they were valid in. Bounded: expired rows are deleted by the server's upkeep
 * timer and, so a burst cannot outgrow the timer, every PURGE_EVERY inserts as well.
 */
export class SeenSignatures {
  static readonly PURGE_EVERY = 1000;
  private readonly insertStmt;
  private readonly purgeStmt;
  private readonly countStmt;
  private insertsSincePurge = 0;

  constructor(db: Db) {
    this.insertStmt = db.prepare('INSERT OR IGNORE INTO replay_guard (user_id, signature, expires) VALUES (?, ?, ?)');
    this.purgeStmt = db.prepare('DELETE FROM replay_guard WHERE expires < ?');
    this.countStmt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM replay_guard');
  }

  /** Remembers a user's signature until `expiresMs`; false when it was already seen (a replay). */
  remember(userId: string, signature: string, expiresMs: number, nowMs: number): boolean {
    if (++this.insertsSincePurge >= SeenSignatures.PURGE_EVERY) this.purge(nowMs);
    return this.insertStmt.run(userId, signature, expiresMs).changes > 0;
  }
  /** Forgets every signature whose window ended before `nowMs`. */
  purge(nowMs: number): number {
    this.insertsSincePurge = 0;
    return this.purgeStmt.run(nowMs).changes;
  }
  count(): number {
    return this.countStmt.get()!.n;
  }
}
