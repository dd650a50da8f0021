/**
 * The conversation object as one user sees it: only that user's `properties`, their wrapped
 * `secret`, and (profile) `favoriteby` / `mutedby` naming only them, never other participants'
 * choices; `hiddenby` stays empty, as in the documented Hide example.
 */
import type { Conversation } from '../../protocol/index.js';
import type { ConversationForUser, ParticipantName } from './db/conversations.js';

export function conversationView(row: ConversationForUser, participants: readonly ParticipantName[]): Conversation {
  const me = row.user_id;
  return {
    id: row.id,
    isgroup: row.isgroup === 1,
    participantids: participants.map((p) => p.user_id),
    participants: participants.map((p) => ({ userid: p.user_id, username: p.nick })),
    displayname: row.displayname,
    lastmessageid: row.lastmessageid,
    lastreportid: row.lastreportid,
    lastaccess: row.lastaccess,
    secret: row.secret,
    instance: row.instance,
    mutedby: row.ismuted ? [me] : [],
    favoriteby: row.isfavorite ? [me] : [],
    hiddenby: [],
    properties: [
      {
        userid: me,
        ismuted: row.ismuted === 1,
        isfavorite: row.isfavorite === 1,
        hideid: row.hideid,
        listitembackgroundcolor: row.color,
      },
    ],
  };
}
