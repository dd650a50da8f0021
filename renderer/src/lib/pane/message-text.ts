import * as linkify from 'linkifyjs';

/**
 * A run of a message's text: plain text, a web address to open in the browser, or an app link
 * (`ozekichat://open?…`) that the app itself opens (`links:open`), never the page.
 */
export type TextPiece = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string } | { kind: 'app-link'; text: string };

/** Only web addresses open: never `javascript:`, `file:`, `data:` or any other scheme. */
const WEB = /^https?:\/\//i;

/**
 * An app link as the app writes one: exactly `ozekichat://open?` (lower case, no host, no other
 * path) and a query of letters, digits and `-._~%&=+@` only. Not after a character that could
 * make it part of a longer scheme or of another address ("xozekichat://", "…?next=ozekichat://"),
 * so lookalikes stay text. linkify does not know the scheme: these are found first, and the text
 * between them is given to linkify.
 */
const APP_LINK = /(?<![\w+.\-:/@%=&?#~])ozekichat:\/\/open\?[A-Za-z0-9\-._~%&=+@]{1,2000}/g;
const APP_LINK_PREFIX = 'ozekichat://open?'.length;
/** Left out of the end of an app link, as linkify leaves them out of a web address: "…open?a=1." */
const TRAILING = /[.\-_~]+$/;

/**
 * Splits a message's text into plain runs, web links and app links, for the pane to render as
 * text nodes, anchors and buttons (never as HTML, so markup in a message stays text). Addresses
 * without a scheme ("www.example.com") open over https; linkify leaves trailing punctuation and
 * unbalanced closing brackets out of the address.
 */
export function linkPieces(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let at = 0;
  for (const match of text.matchAll(APP_LINK)) {
    const link = match[0].replace(TRAILING, '');
    if (link.length <= APP_LINK_PREFIX) continue;
    webPieces(text.slice(at, match.index), pieces);
    pieces.push({ kind: 'app-link', text: link });
    at = match.index + link.length;
  }
  webPieces(text.slice(at), pieces);
  if (pieces.length === 0) pieces.push({ kind: 'text', text: '' });
  return pieces;
}

/** The plain runs and web links of `text` (no app link in it), added to `pieces`. */
function webPieces(text: string, pieces: TextPiece[]): void {
  let at = 0;
  for (const match of linkify.find(text, 'url', { defaultProtocol: 'https' })) {
    if (!WEB.test(match.href)) continue;
    if (match.start > at) pieces.push({ kind: 'text', text: text.slice(at, match.start) });
    pieces.push({ kind: 'link', text: text.slice(match.start, match.end), href: match.href });
    at = match.end;
  }
  if (at < text.length) pieces.push({ kind: 'text', text: text.slice(at) });
}
