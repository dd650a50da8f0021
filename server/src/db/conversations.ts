/** Conversations and each participant's own settings and wrapped key. */
import type { Db } from './database.js';

export type ConversationRow = {
  id: string;
  isgroup: number;
  displayname: string;
  instance: string;
  lastmessageid: string;
  lastreportid: string;
  lastaccess: number;
  created: number;
};

export type MembershipRow = {
  conversation_id: string;
  user_id: string;
  position: number;
  secret: string;
  ismuted: number;
  isfavorite: number;
  hideid: string;
  color: string;
};

export type ParticipantName = { conversation_id: string; user_id: string; nick: string };

/** A conversation joined with one user's membership row. */
export type ConversationForUser = ConversationRow & Omit<MembershipRow, 'conversation_id'>;

export type MembershipSettings = Partial<Pick<MembershipRow, 'ismuted' | 'isfavorite' | 'hideid' | 'color'>>;

export class Conversations {
  private readonly getStmt;
  private readonly forUserStmt;
  private readonly allForUserStmt;
  private readonly namesStmt;
  private readonly namesForUserStmt;
  private readonly insertStmt;
  private readonly insertMemberStmt;
  private readonly participantIdsStmt;
  private readonly updateSettingsStmt;
  private readonly setInstanceStmt;
  private readonly touchMessageStmt;
  private readonly touchReportStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE id = ?');
    const joined = `SELECT c.*, p.user_id, p.position, p.secret, p.ismuted, p.isfavorite, p.hideid, p.color
                    FROM participants p JOIN conversations c ON c.id = p.conversation_id`;
    this.forUserStmt = db.prepare<[string, string], ConversationForUser>(`${joined} WHERE p.conversation_id = ? AND p.user_id = ?`);
    this.allForUserStmt = db.prepare<[string], ConversationForUser>(`${joined} WHERE p.user_id = ? ORDER BY c.lastaccess DESC, c.id`);
    this.namesStmt = db.prepare<[string], ParticipantName>(
      `SELECT p.conversation_id, p.user_id, u.nick FROM participants p JOIN users u ON u.id = p.user_id
       WHERE p.conversation_id = ? ORDER BY p.position`,
    );
    this.namesForUserStmt = db.prepare<[string], ParticipantName>(
      `SELECT pp.conversation_id, pp.user_id, u.nick
       FROM participants mine
       JOIN participants pp ON pp.conversation_id = mine.conversation_id
       JOIN users u ON u.id = pp.user_id
       WHERE mine.user_id = ? ORDER BY pp.conversation_id, pp.position`,
    );
    this.insertStmt = db.prepare(
      `INSERT INTO conversations (id, isgroup, displayname, instance, lastaccess, created)
       VALUES (@id, @isgroup, @displayname, @instance, @lastaccess, @created)`,
    );
    this.insertMemberStmt = db.prepare('INSERT INTO participants (conversation_id, user_id, position, secret) VALUES (?, ?, ?, ?)');
    this.participantIdsStmt = db.prepare<[string], { user_id: string }>('SELECT user_id FROM participants WHERE conversation_id = ? ORDER BY position');
    this.updateSettingsStmt = db.prepare(
      `UPDATE participants SET ismuted = coalesce(@ismuted, ismuted), isfavorite = coalesce(@isfavorite, isfavorite),
         hideid = coalesce(@hideid, hideid), color = coalesce(@color, color)
       WHERE conversation_id = @conversation_id AND user_id = @user_id`,
    );
    this.setInstanceStmt = db.prepare("UPDATE conversations SET instance = ?, lastmessageid = '', lastreportid = '' WHERE id = ?");
    this.touchMessageStmt = db.prepare('UPDATE conversations SET lastmessageid = ?, lastaccess = ? WHERE id = ?');
    this.touchReportStmt = db.prepare('UPDATE conversations SET lastreportid = ? WHERE id = ?');
  }

  get(id: string): ConversationRow | undefined {
    return this.getStmt.get(id);
  }
  forUser(conversationId: string, userId: string): ConversationForUser | undefined {
    return this.forUserStmt.get(conversationId, userId);
  }
  allForUser(userId: string): ConversationForUser[] {
    return this.allForUserStmt.all(userId);
  }
  participantNames(conversationId: string): ParticipantName[] {
    return this.namesStmt.all(conversationId);
  }
  /** Every participant of every conversation the user is in, grouped by conversation id. */
  participantNamesForUser(userId: string): Map<string, ParticipantName[]> {
    const out = new Map<string, ParticipantName[]>();
    for (const row of this.namesForUserStmt.iterate(userId)) {
      let list = out.get(row.conversation_id);
      if (!list) out.set(row.conversation_id, (list = []));
      list.push(row);
    }
    return out;
  }
  participantIds(conversationId: string): string[] {
    return this.participantIdsStmt.all(conversationId).map((r) => r.user_id);
  }

  create(
    row: Pick<ConversationRow, 'id' | 'isgroup' | 'displayname' | 'instance' | 'lastaccess' | 'created'>,
    members: { userId: string; secret: string }[],
  ): void {
    this.insertStmt.run(row);
    members.forEach((m, i) => this.insertMemberStmt.run(row.id, m.userId, i, m.secret));
  }

  updateSettings(conversationId: string, userId: string, settings: MembershipSettings): void {
    this.updateSettingsStmt.run({
      conversation_id: conversationId,
      user_id: userId,
      ismuted: settings.ismuted ?? null,
      isfavorite: settings.isfavorite ?? null,
      hideid: settings.hideid ?? null,
      color: settings.color ?? null,
    });
  }

  /** Starts a new instance: the history is gone and the last ids reset, as Clear documents. */
  renew(conversationId: string, instance: string): void {
    this.setInstanceStmt.run(instance, conversationId);
  }
  noteMessage(conversationId: string, messageId: string, lastaccess: number): void {
    this.touchMessageStmt.run(messageId, lastaccess, conversationId);
  }
  noteReport(conversationId: string, reportId: string): void {
    this.touchReportStmt.run(reportId, conversationId);
  }
}
