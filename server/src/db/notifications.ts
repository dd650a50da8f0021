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
 * timestamp window they were valid in. Bounded: expired ones are forgotten by the server's upkeep
 * timer and, so a burst cannot outgrow the timer, every PURGE_EVERY inserts as well.
 *
 * Looked up in memory and logged to the database (loaded back at start, so a restart inside the
 * window still refuses a replay). The log is appended in arrival order with an index on the expiry
 * only: one keyed by user and signature put every insert on a random page, and at 32 concurrent
 * requests those page writes were most of each group commit (the throughput went from 0.3 to 0.7
 * of a bare node:http server without them). A signature remembered inside a request that is then
 * rolled back stays remembered in memory: refusing its replay is the safe side.
 */
export class SeenSignatures {
  static readonly PURGE_EVERY = 1000;
  /** Expiry buckets in memory: a purge drops whole buckets and looks inside only the current one. */
  private static readonly BUCKET_MS = 10_000;
  private readonly insertStmt;
  private readonly purgeStmt;
  /** `user\nsignature` to the end of its window. */
  private readonly seen = new Map<string, number>();
  private readonly buckets = new Map<number, string[]>();
  private insertsSincePurge = 0;

  constructor(db: Db, nowMs = Date.now()) {
    this.insertStmt = db.prepare('INSERT INTO replay_log (user_id, signature, expires) VALUES (?, ?, ?)');
    this.purgeStmt = db.prepare('DELETE FROM replay_log WHERE expires < ?');
    const live = db.prepare<[number], { user_id: string; signature: string; expires: number }>(
      'SELECT user_id, signature, expires FROM replay_log WHERE expires >= ?',
    );
    for (const row of live.iterate(nowMs)) this.add(`${row.user_id}\n${row.signature}`, row.expires);
  }

  /** Remembers a user's signature until `expiresMs`; false when it was already seen (a replay). */
  remember(userId: string, signature: string, expiresMs: number, nowMs: number): boolean {
    if (++this.insertsSincePurge >= SeenSignatures.PURGE_EVERY) this.purge(nowMs);
    const key = `${userId}\n${signature}`;
    if (this.seen.has(key)) return false;
    this.add(key, expiresMs);
    this.insertStmt.run(userId, signature, expiresMs);
    return true;
  }

  /** Forgets every signature whose window ended before `nowMs`; returns how many. */
  purge(nowMs: number): number {
    this.insertsSincePurge = 0;
    let forgotten = 0;
    const current = Math.floor(nowMs / SeenSignatures.BUCKET_MS);
    for (const [bucket, keys] of this.buckets) {
      if (bucket > current) continue;
      const kept = keys.filter((key) => {
        if ((this.seen.get(key) ?? -Infinity) >= nowMs) return true;
        if (this.seen.delete(key)) forgotten++;
        return false;
      });
      if (kept.length) this.buckets.set(bucket, kept);
      else this.buckets.delete(bucket);
    }
    this.purgeStmt.run(nowMs);
    return forgotten;
  }

  count(): number {
    return this.seen.size;
  }

  private add(key: string, expiresMs: number): void {
    if (this.seen.has(key)) return;
    this.seen.set(key, expiresMs);
    const bucket = Math.floor(expiresMs / SeenSignatures.BUCKET_MS);
    const keys = this.buckets.get(bucket);
    if (keys) keys.push(key);
    else this.buckets.set(bucket, [key]);
  }
}
