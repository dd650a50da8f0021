/**
 * Every line of the list (heading or conversation) is this tall, in CSS pixels: a conversation's
 * two lines of text beside its 40 px avatar. Headings are as tall, so that a line's place is its
 * index times this, with no measuring. On its own, free of the DOM, for the bench to use too.
 */
export const ROW_HEIGHT = 64;

/** Compact rows (Settings, Appearance): one line of text beside a 28 px avatar, the preview left out. */
export const COMPACT_ROW_HEIGHT = 40;

/** The height of every line of the list in either layout. */
export const rowHeightFor = (compact: boolean): number => (compact ? COMPACT_ROW_HEIGHT : ROW_HEIGHT);
