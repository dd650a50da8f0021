/** Users, their stations (bound at login) and friendships. */
import type { Db } from './database.js';

export type UserRow = {
  id: string;
  email: string;
  apikey: string;
  nick: string;
  fullname: string;
  publickey: string;
  rsakey: string;
  availability: string;
  workspace: string | null;
  created: number;
};

export type NewUser = Omit<UserRow, 'availability' | 'workspace' | 'created'>;

export class Users {
  // Hot path: every signed request looks up its user and station. A user's keys and names never
  // change once created, and a station binding is never undone, so positive lookups are cached.
  // (The admin commands, which may run in another process, only ever add rows.)
  private readonly userCache = new Map<string, UserRow>();
  private readonly stationCache = new Map<string, string>();
  private readonly byId;
  private readonly byApiKey;
  private readonly byEmail;
  private readonly insertUser;
  private readonly stationOwner;
  private readonly bindStation;
  private readonly stationsOfUser;
  private readonly friendRows;
  private readonly insertFriendship;
  private readonly friendIds;
  private readonly setAvailabilityStmt;
  private readonly workspaceOwner;
  private readonly setWorkspaceStmt;
  private readonly countStmt;

  constructor(db: Db) {
    this.byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
    this.byApiKey = db.prepare<[string], UserRow>('SELECT * FROM users WHERE apikey = ?');
    this.byEmail = db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?');
    this.insertUser = db.prepare(
      `INSERT INTO users (id, email, apikey, nick, fullname, publickey, rsakey, created)
       VALUES (@id, @email, @apikey, @nick, @fullname, @publickey, @rsakey, @created)`,
    );
    this.stationOwner = db.prepare<[string], { user_id: string }>('SELECT user_id FROM stations WHERE id = ?');
    this.bindStation = db.prepare('INSERT INTO stations (id, user_id, bound_at) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING');
    this.stationsOfUser = db.prepare<[string], { id: string }>('SELECT id FROM stations WHERE user_id = ?');
    this.friendRows = db.prepare<[string], UserRow>(
      'SELECT u.* FROM friendships f JOIN users u ON u.id = f.friend_id WHERE f.user_id = ? ORDER BY u.nick, u.id',
    );
    this.insertFriendship = db.prepare('INSERT OR IGNORE INTO friendships (user_id, friend_id) VALUES (?, ?)');
    this.friendIds = db.prepare<[string], { friend_id: string }>('SELECT friend_id FROM friendships WHERE user_id = ?');
    this.setAvailabilityStmt = db.prepare('UPDATE users SET availability = ? WHERE id = ?');
    this.workspaceOwner = db.prepare<[string], { id: string }>('SELECT id FROM users WHERE workspace = ?');
    this.setWorkspaceStmt = db.prepare('UPDATE users SET workspace = ? WHERE id = ?');
    this.countStmt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users');
  }

  get(id: string): UserRow | undefined {
    const cached = this.userCache.get(id);
    if (cached) return cached;
    const row = this.byId.get(id);
    if (row) this.userCache.set(id, row);
    return row;
  }
  findByApiKey(apikey: string): UserRow | undefined {
    return this.byApiKey.get(apikey);
  }
  findByEmail(email: string): UserRow | undefined {
    return this.byEmail.get(email.toLowerCase());
  }
  count(): number {
    return this.countStmt.get()!.n;
  }
  add(user: NewUser, now: number): void {
    this.insertUser.run({ ...user, email: user.email.toLowerCase(), created: now });
  }

  /** The user a station is bound to, if any. */
  stationUser(stationId: string): string | undefined {
    const cached = this.stationCache.get(stationId);
    if (cached) return cached;
    const owner = this.stationOwner.get(stationId)?.user_id;
    if (owner) this.stationCache.set(stationId, owner);
    return owner;
  }
  bind(stationId: string, userId: string, now: number): void {
    this.bindStation.run(stationId, userId, now);
  }
  stations(userId: string): string[] {
    return this.stationsOfUser.all(userId).map((r) => r.id);
  }

  friends(userId: string): UserRow[] {
    return this.friendRows.all(userId);
  }
  friendIdsOf(userId: string): string[] {
    return this.friendIds.all(userId).map((r) => r.friend_id);
  }
  areFriends(a: string, b: string): boolean {
    return this.friendIdsOf(a).includes(b);
  }
  befriend(a: string, b: string): void {
    this.insertFriendship.run(a, b);
    this.insertFriendship.run(b, a);
  }

  setAvailability(userId: string, availability: string): void {
    this.setAvailabilityStmt.run(availability, userId);
    this.userCache.delete(userId);
  }

  workspaceHolder(name: string): string | undefined {
    return this.workspaceOwner.get(name)?.id;
  }
  setWorkspace(userId: string, name: string): void {
    this.setWorkspaceStmt.run(name, userId);
    this.userCache.delete(userId);
  }
}
