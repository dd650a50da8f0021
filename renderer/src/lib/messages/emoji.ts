/** One reaction the picker offers, with the name screen readers say. */
export type EmojiChoice = { emoji: string; name: string };

/**
 * The reactions the picker offers: a short list of common ones, our own (no emoji data set to
 * ship or keep current).
 */
export const REACTION_CHOICES: readonly EmojiChoice[] = [
  { emoji: '👍', name: 'thumbs up' },
  { emoji: '❤️', name: 'red heart' },
  { emoji: '😂', name: 'face with tears of joy' },
  { emoji: '😮', name: 'face with open mouth' },
  { emoji: '😢', name: 'crying face' },
  { emoji: '🙏', name: 'folded hands' },
  { emoji: '🎉', name: 'party popper' },
  { emoji: '👀', name: 'eyes' },
  { emoji: '🔥', name: 'fire' },
  { emoji: '✅', name: 'check mark' },
  { emoji: '👎', name: 'thumbs down' },
  { emoji: '😊', name: 'smiling face' },
  { emoji: '😀', name: 'grinning face' },
  { emoji: '😉', name: 'winking face' },
  { emoji: '😍', name: 'smiling face with heart eyes' },
  { emoji: '🤔', name: 'thinking face' },
  { emoji: '😅', name: 'grinning face with sweat' },
  { emoji: '😎', name: 'smiling face with sunglasses' },
  { emoji: '😡', name: 'angry face' },
  { emoji: '😱', name: 'face screaming in fear' },
  { emoji: '🥳', name: 'partying face' },
  { emoji: '🤝', name: 'handshake' },
  { emoji: '👏', name: 'clapping hands' },
  { emoji: '💪', name: 'flexed biceps' },
  { emoji: '👋', name: 'waving hand' },
  { emoji: '🙌', name: 'raising hands' },
  { emoji: '💯', name: 'hundred points' },
  { emoji: '⭐', name: 'star' },
  { emoji: '☕', name: 'hot beverage' },
  { emoji: '🚀', name: 'rocket' },
  { emoji: '💡', name: 'light bulb' },
  { emoji: '❌', name: 'cross mark' },
];
