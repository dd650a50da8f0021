/**
 * Tells stations that something changed: queues a Notification entry for each affected station
 * (inside the request's transaction) and, once it commits, pokes their push sockets.
 */
import type { NotificationKind } from './db/notifications.js';
import type { Store } from './db/store.js';

export type Poke = (stationIds: Iterable<string>) => void;

export class ChangeFeed {
  private readonly touched = new Set<string>();

  constructor(
    private readonly store: Store,
    /** The station that made the change: it has the answer already. */
    private readonly origin: string | null,
  ) {}

  /** Queues `ref` under `kind` for every station of each user. */
  forUsers(userIds: Iterable<string>, kind: NotificationKind, ref: string): void {
    for (const userId of userIds) {
      for (const station of this.store.users.stations(userId)) {
        if (station === this.origin) continue;
        this.store.notifications.enqueue(station, kind, ref);
        this.touched.add(station);
      }
    }
  }

  /** Availability of `userId` changed: tell their friends. */
  availabilityOf(userId: string): void {
    this.forUsers(this.store.users.friendIdsOf(userId), 'friendavailabilitesof', userId);
  }

  conversationContent(conversationId: string): void {
    this.forUsers(this.store.conversations.participantIds(conversationId), 'conversationchangedof', conversationId);
  }

  listEntry(conversationId: string, userIds: Iterable<string>): void {
    this.forUsers(userIds, 'conversationlistchangedof', conversationId);
  }

  /** Call after the transaction commits. */
  flush(poke: Poke): void {
    if (this.touched.size) poke(this.touched);
    this.touched.clear();
  }
}
