/**
 * Friends and presence: the friends list and display names the views use, and the user's own
 * availability (set on the server, remembered with the account's cache).
 */
import type { Availability, FriendView } from '../../ipc/views.js';
import type { ApiClient } from '../api/client.js';
import type { Sessions } from '../session/session.js';
import type { LocalStore } from '../store/local-store.js';
import type { ServiceEvents } from './events.js';

const AVAILABILITY_KEY = 'availability';

export class Friends {
  /** Display names of friends and oneself; rebuilt only when the friends list changes. */
  private cachedNames: Record<string, string> | null = null;

  constructor(
    private readonly sessions: Sessions,
    private readonly store: LocalStore,
    private readonly api: ApiClient,
    private readonly events: ServiceEvents,
  ) {}

  /** The friends list or the account changed: the names are built again when next asked for. */
  forgetNames(): void {
    this.cachedNames = null;
  }

  displayNames(): Record<string, string> {
    if (this.cachedNames) return this.cachedNames;
    const names: Record<string, string> = {};
    for (const f of this.store.friends()) names[f.friendid] = f.friendname;
    const a = this.sessions.current?.account;
    if (a) names[a.userid] = a.nick;
    this.cachedNames = names;
    return names;
  }

  views(): FriendView[] {
    return this.store
      .friends()
      .map((f) => ({ userid: f.friendid, name: f.friendname, availability: f.availability }))
      .sort((x, y) => x.name.localeCompare(y.name));
  }

  /** The friends list changed on the server. */
  changed(): void {
    this.cachedNames = null;
    this.events.emit('friends:changed', { friends: this.views() });
  }

  /**
   * The user's own availability, as last set from this device. The server keeps the choice but
   * offers no call to read it back, so it is remembered with the account's cache (gone on sign-out).
   */
  get availability(): Availability {
    const stored = this.sessions.current ? this.store.getMeta(AVAILABILITY_KEY) : undefined;
    return stored === 'away' || stored === 'busy' || stored === 'offline' ? stored : 'available';
  }

  async setAvailability(availability: Availability): Promise<void> {
    this.sessions.require();
    if (availability === 'available') await this.api.call('availability', {});
    else await this.api.call('setAvailability', { availability });
    if (!this.sessions.current) return;
    this.store.setMeta(AVAILABILITY_KEY, availability);
    this.events.emit('presence:changed', { availability });
    this.events.signal({ type: 'availability-changed', availability });
  }
}
