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

export class SeenSignatures {
  private readonly insertStmt;
  private readonly purgeStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare('INSERT OR IGNORE INTO seen_signatures (scope, signature, expires) VALUES (?, ?, ?)');
    this.purgeStmt = db.prepare('DELETE FROM seen_signatures WHERE expires < ?');
  }

  /** Remembers a signature until `expiresMs`; false when it was already seen (a replay). */
  remember(scope: string, signature: string, expiresMs: number): boolean {
    return this.insertStmt.run(scope, signature, expiresMs).changes > 0;
  }
  purge(nowMs: number): number {
    return this.purgeStmt.run(nowMs).changes;
  }
}
