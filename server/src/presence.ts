/**
 * Who is online, kept in memory: it is about the running server, not data to persist. A user is
 * online while a push socket is open or a request came in within the presence timeout; their chosen
 * availability (available / away / busy) shows only while online, "offline" otherwise.
 */
import { PRESENCE_TIMEOUT_SECONDS } from '../../protocol/index.js';

export class Presence {
  private readonly lastSeen = new Map<string, number>();
  private readonly sockets = new Map<string, number>();

  /** Notes activity; true when the user was offline until now. */
  touch(userId: string, nowMs: number): boolean {
    const wasOnline = this.isOnline(userId, nowMs);
    this.lastSeen.set(userId, nowMs);
    return !wasOnline;
  }

  socketOpened(userId: string, nowMs: number): boolean {
    const cameOnline = this.touch(userId, nowMs);
    this.sockets.set(userId, (this.sockets.get(userId) ?? 0) + 1);
    return cameOnline;
  }

  socketClosed(userId: string, nowMs: number): void {
    const n = (this.sockets.get(userId) ?? 1) - 1;
    if (n > 0) this.sockets.set(userId, n);
    else this.sockets.delete(userId);
    this.lastSeen.set(userId, nowMs);
  }

  isOnline(userId: string, nowMs: number): boolean {
    if (this.sockets.has(userId)) return true;
    const seen = this.lastSeen.get(userId);
    return seen !== undefined && nowMs - seen < PRESENCE_TIMEOUT_SECONDS * 1000;
  }

  /** Users whose timeout ran out since the last sweep: they have just gone offline. */
  sweep(nowMs: number): string[] {
    const gone: string[] = [];
    for (const [userId, seen] of this.lastSeen) {
      if (!this.sockets.has(userId) && nowMs - seen >= PRESENCE_TIMEOUT_SECONDS * 1000) {
        this.lastSeen.delete(userId);
        gone.push(userId);
      }
    }
    return gone;
  }

  availabilityOf(userId: string, chosen: string, nowMs: number): string {
    return this.isOnline(userId, nowMs) ? chosen : 'offline';
  }
}
