/**
 * What a user does, as data: every action is applied optimistically on top of the server's
 * conversation object, kept in the outbox until the server has it, and turned into one API call.
 * Everything here is pure, so the rules are tested without a server.
 */
import { hideIdFor, type CallName, type Conversation, type OutgoingMessage, type PayloadOf } from '../../../protocol/index.js';
import { NO_COLOR, oppositeAction, type ToggleAction } from '../../shared/rules.js';

export type Action =
  | { kind: ToggleAction; conversationId: string }
  | { kind: 'color'; conversationId: string; color: string }
  /** Clears the instance the user was looking at. */
  | { kind: 'clear'; conversationId: string; instance: string }
  /** `message.Data` is already sealed: the outbox never holds plaintext. */
  | {
      kind: 'send';
      conversationId: string;
      instance: string;
      message: OutgoingMessage;
      /**
       * Sent with a disappearing-message timer: its `ValidUntil` is stamped again this many seconds
       * after it actually leaves (a message written offline must not arrive already expired).
       */
      lifetimeSeconds?: number;
      /**
       * What it does to another message (profile: a reaction, an edit, a delete), also inside its
       * sealed payload: kept here so the outbox can fold a reaction taken back before it left, and
       * the window show it at once. The outbox lives in the encrypted database.
       */
      effect?: SendEffect;
      /**
       * The file the message carries (profile): sealed in the account's folder, uploaded before the
       * message itself is sent (`bytes`: its ciphertext size).
       */
      file?: { id: string; bytes: number };
    }
  | { kind: 'viewed'; conversationId: string; instance: string; messageIds: string[]; first: string; last: string }
  | {
      kind: 'create';
      conversationId: string;
      participantIds: string[];
      isgroup: boolean;
      /** Sealed under the new conversation key. */
      displayname: string;
      /** userid -> the new key wrapped for that participant. */
      secrets: Record<string, string>;
    };

export type ActionKind = Action['kind'];

/** `value`: a reaction's emoji, an edit's new text, '' for a delete. */
export type SendEffect = { kind: 'react' | 'edit' | 'delete'; target: string; value: string; on: boolean };

/** A pending outbox entry, as the coalescing rules see it. */
export type PendingAction = { seq: number; action: Action; inFlight: boolean };

export type Coalesced = {
  /** Outbox entries that no longer need sending. */
  remove: number[];
  /** Whether the new action still needs an entry of its own. */
  keep: boolean;
};

/**
 * How a new action folds into what is already waiting for the same conversation. Entries being
 * sent right now, or tried before (the server may have them), are out of reach: pass them with
 * `inFlight: true`, and the new action stays.
 *  - favorite then unfavorite (likewise mute, hide) = nothing to send; when the favorite is
 *    already in flight, the unfavorite is sent after it, so the server ends in the final state;
 *  - the same toggle twice = one, even when the first is in flight;
 *  - the last colour wins.
 */
export function coalesce(pending: readonly PendingAction[], next: Action): Coalesced {
  const sameConversation = pending.filter((p) => p.action.conversationId === next.conversationId);
  // A toggle and its opposite (app/shared/rules.ts) cancel each other when neither has reached the server yet.
  const opposite = oppositeAction(next.kind);
  if (opposite) {
    // Only the most recent toggle of this property decides; anything older was already folded.
    const last = [...sameConversation].reverse().find((p) => p.action.kind === next.kind || p.action.kind === opposite);
    if (!last) return { remove: [], keep: true };
    // The same state again: the entry already waiting (or on its way, and retried until it lands) sets it.
    if (last.action.kind === next.kind) return { remove: [], keep: false };
    // Its opposite may already be on the server: only a new entry of its own undoes it there.
    if (last.inFlight) return { remove: [], keep: true };
    return { remove: [last.seq], keep: false };
  }
  if (next.kind === 'send' && next.effect) return coalesceEffect(sameConversation, next.effect);
  if (next.kind === 'color') {
    return { remove: sameConversation.filter((p) => p.action.kind === 'color' && !p.inFlight).map((p) => p.seq), keep: true };
  }
  return { remove: [], keep: true };
}

/**
 * A reaction, edit or delete folded into what waits (none of what it removes has left yet):
 *  - a reaction and its taking back cancel; the same one twice is one;
 *  - the last edit of a message wins;
 *  - a delete makes its message's waiting edits and reactions pointless, and a message that never
 *    left is simply not sent (nor is the delete).
 */
function coalesceEffect(pending: readonly PendingAction[], effect: SendEffect): Coalesced {
  const waiting = pending.filter((p) => !p.inFlight && p.action.kind === 'send');
  const effectOf = (p: PendingAction) => (p.action.kind === 'send' ? p.action.effect : undefined);
  if (effect.kind === 'react') {
    const last = [...pending].reverse().find((p) => {
      const e = effectOf(p);
      return e?.kind === 'react' && e.target === effect.target && e.value === effect.value;
    });
    if (!last) return { remove: [], keep: true };
    if (effectOf(last)!.on === effect.on) return { remove: [], keep: false };
    return last.inFlight ? { remove: [], keep: true } : { remove: [last.seq], keep: false };
  }
  const onTarget = waiting.filter((p) => {
    const e = effectOf(p);
    return e !== undefined && e.target === effect.target && (effect.kind === 'delete' || e.kind === 'edit');
  });
  if (effect.kind === 'delete') {
    const unsent = waiting.find((p) => p.action.kind === 'send' && !p.action.effect && p.action.message.ID === effect.target);
    if (unsent) return { remove: [unsent.seq, ...onTarget.map((p) => p.seq)], keep: false };
  }
  return { remove: onTarget.map((p) => p.seq), keep: true };
}

/** The server object as the user should see it with this action applied (never mutates). */
export function applyAction(conversation: Conversation, action: Action, me: string, nowSeconds: number): Conversation {
  const mine = conversation.properties.find((p) => p.userid === me) ?? {
    userid: me,
    ismuted: false,
    isfavorite: false,
    hideid: '',
    listitembackgroundcolor: NO_COLOR,
  };
  const withProps = (change: Partial<typeof mine>, extra: Partial<Conversation> = {}): Conversation => ({
    ...conversation,
    ...extra,
    properties: [{ ...mine, ...change }, ...conversation.properties.filter((p) => p.userid !== me)],
  });
  const mark = (list: string[], on: boolean) => (on ? [...new Set([...list, me])] : list.filter((u) => u !== me));
  switch (action.kind) {
    case 'favorite':
    case 'unfavorite': {
      const on = action.kind === 'favorite';
      return withProps({ isfavorite: on }, { favoriteby: mark(conversation.favoriteby, on) });
    }
    case 'mute':
    case 'unmute': {
      const on = action.kind === 'mute';
      return withProps({ ismuted: on }, { mutedby: mark(conversation.mutedby, on) });
    }
    case 'hide':
      return withProps({ hideid: hideIdFor(conversation.instance) });
    case 'unhide':
      return withProps({ hideid: '' });
    case 'color':
      return withProps({ listitembackgroundcolor: action.color });
    case 'clear':
      return { ...conversation, lastmessageid: '', lastreportid: '' };
    case 'send':
      return { ...conversation, lastmessageid: action.message.ID, lastaccess: Math.max(conversation.lastaccess, nowSeconds) };
    case 'viewed':
    case 'create':
      return conversation;
  }
}

/** The conversation object a pending `create` stands for until the server has answered. */
export function conversationFromCreate(
  action: Extract<Action, { kind: 'create' }>,
  me: string,
  names: Record<string, string>,
  nowSeconds: number,
): Conversation {
  return {
    id: action.conversationId,
    isgroup: action.isgroup,
    participantids: action.participantIds,
    participants: action.participantIds.map((userid) => ({ userid, username: names[userid] ?? userid })),
    displayname: action.displayname,
    lastmessageid: '',
    lastreportid: '',
    lastaccess: nowSeconds,
    secret: action.secrets[me] ?? '',
    instance: '',
    mutedby: [],
    favoriteby: [],
    hiddenby: [],
    properties: [{ userid: me, ismuted: false, isfavorite: false, hideid: '', listitembackgroundcolor: NO_COLOR }],
  };
}

export type ApiCall = { [N in CallName]: { name: N; payload: PayloadOf<N> } }[CallName];

/**
 * The API call that delivers an action. `current` is the conversation as last received from the
 * server: hide marks the instance that is current when it is sent.
 */
export function toApiCall(action: Action, current: Conversation | undefined): ApiCall {
  const conversationid = action.conversationId;
  switch (action.kind) {
    case 'favorite':
      return { name: 'favorite', payload: { conversationid } };
    case 'unfavorite':
      return { name: 'unfavorite', payload: { conversationid } };
    case 'mute':
      return { name: 'mute', payload: { conversationid } };
    case 'unmute':
      return { name: 'unmute', payload: { conversationid } };
    case 'unhide':
      return { name: 'unhide', payload: { conversationid } };
    case 'hide':
      return { name: 'hide', payload: { conversationid, hideid: hideIdFor(current?.instance ?? '') } };
    case 'color':
      return { name: 'setColor', payload: { conversationid, color: action.color } };
    case 'clear':
      return { name: 'clear', payload: { conversationid, instance: action.instance } };
    case 'send':
      return { name: 'add', payload: { conversationid, instance: action.instance, message: JSON.stringify(action.message) } };
    case 'viewed':
      return {
        name: 'viewedReport',
        payload: { conversationid, instance: action.instance, messageids: action.messageIds, firstmessagedate: action.first, lastmessagedate: action.last },
      };
    case 'create':
      return {
        name: 'create',
        payload: {
          participantids: action.participantIds,
          isgroup: action.isgroup,
          displayname: action.displayname,
          secrets: action.secrets,
          // Profile: a group keeps the id its creator chose (a 1:1's is derived from the two user ids).
          ...(action.isgroup ? { conversationid } : {}),
        },
      };
  }
}

/**
 * After a stale-instance refusal (409), what to do once the conversation is refreshed:
 * re-apply the action to the new instance, or drop it because it no longer means anything.
 */
export function rebaseOnInstance(action: Action, instance: string): Action | null {
  switch (action.kind) {
    case 'send':
      return { ...action, instance };
    case 'clear':
      // The user asked for an empty conversation; someone else's clear got there first, but
      // messages may have arrived since, so clear the new instance too.
      return { ...action, instance };
    case 'viewed':
      // Those messages are gone with the old instance.
      return null;
    default:
      return action;
  }
}
