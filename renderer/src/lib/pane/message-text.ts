import * as linkify from 'linkifyjs';

/** A run of a message's text: plain text, or a web address to open in the browser. */
export type TextPiece = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

/** Only web addresses open: never `javascript:`, `file:`, `data:` or any other scheme. */
const WEB = /^https?:\/\//i;

/**
 * Splits a message's text into plain runs and web links, for the pane to render as text nodes and
 * anchors (never as HTML, so markup in a message stays text). Addresses without a scheme
 * ("www.example.com") open over https; linkify leaves trailing punctuation and unbalanced
 * closing brackets out of the address.
 */
export function linkPieces(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let at = 0;
  for (const match of linkify.find(text, 'url', { defaultProtocol: 'https' })) {
    if (!WEB.test(match.href)) continue;
    if (match.start > at) pieces.push({ kind: 'text', text: text.slice(at, match.start) });
    pieces.push({ kind: 'link', text: text.slice(match.start, match.end), href: match.href });
    at = match.end;
  }
  if (at < text.length || pieces.length === 0) pieces.push({ kind: 'text', text: text.slice(at) });
  return pieces;
}
