/**
 * Every line of the list (heading or conversation) is this tall, in CSS pixels: a conversation's
 * two lines of text beside its 40 px avatar. Headings are as tall, so that a line's place is its
 * index times this, with no measuring. On its own, free of the DOM, for the bench to use too.
 */
export const ROW_HEIGHT = 64;
