/**
 * PROFILE: what a reaction's emoji may be (protocol/profile/rich-messages.ts). On its own and
 * importing nothing, so the IPC contract can check a reaction with the same rule.
 */

/** An emoji with its modifiers and joiners fits in this many UTF-16 units. */
export const EMOJI_UNITS = 32;

const EMOJI_PART = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
// Letters, digits, spaces, controls and markup have no place in a reaction.
const NOT_EMOJI = /[\p{L}\p{N}\p{Z}\p{Cc}<>&"'`]/u;

/** Whether `s` is one reaction emoji: pictographs (with modifiers, joiners, flags), nothing else. */
export function isReactionEmoji(s: string): boolean {
  return s.length >= 1 && s.length <= EMOJI_UNITS && EMOJI_PART.test(s) && !NOT_EMOJI.test(s.replace(/\u200d|\ufe0f|\u20e3/g, ''));
}
