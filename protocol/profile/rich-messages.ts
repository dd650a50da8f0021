/**
 * PROFILE: rich messages. Replies, reactions, edits and deletes travel as extra fields of the
 * message plaintext (`{"from","text",...}`, encrypted in `Data`), so any Ozeki server relays them
 * unchanged and learns nothing. Each still carries a `text` that reads sensibly in a client that
 * knows only `text`. The shapes (docs/protocol.md, "Rich messages"):
 *
 *   reply:    {"from","text":"<the answer>","reply":{"id":"<message ID>","from":"<its sender>","excerpt":"<≤ 200 chars>"}}
 *   reaction: {"from","text":"Reacted 👍 to “…”","react":{"id":"<message ID>","emoji":"👍","on":true}}
 *             ("on":false takes it back: "Removed 👍 from “…”")
 *   edit:     {"from","text":"Edited: <new text>","edit":{"id":"<message ID>","text":"<new text>"}}
 *   delete:   {"from","text":"Deleted a message","delete":{"id":"<message ID>"}}
 *   file:     {"from","text":"📎 report.pdf (1.2 MB)","file":{"id","name","size","type","key","sha256",...}} (files.ts)
 *
 * Edits and deletes are honoured only from the sender of the message they name; that check needs
 * the stored message, so it is the client's (app/core). Here: building the plaintexts, and reading
 * one back into what it means. A field that is malformed or too big makes the message an ordinary
 * one (its `text` shows), never an error.
 */
import { z } from 'zod';
import type { MessagePlaintext } from './crypto.js';
import { isReactionEmoji } from './emoji.js';
import { fileAttachmentSchema, fileFallbackText, sanitizeFileName, type FileAttachment } from './files.js';

export { EMOJI_UNITS, isReactionEmoji } from './emoji.js';

/** A reply's excerpt, and the quoted text in a reaction's fallback, are cut to this many characters. */
export const EXCERPT_CHARS = 200;
/** The longest edited text (as long as a message). */
export const EDIT_TEXT_CHARS = 20_000;
const MESSAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const id = z.string().regex(MESSAGE_ID);
const replySchema = z.object({ id, from: z.string().max(64).optional(), excerpt: z.string().max(EXCERPT_CHARS * 2) });
const reactSchema = z.object({ id, emoji: z.string().refine(isReactionEmoji), on: z.boolean() });
const editSchema = z.object({ id, text: z.string().min(1).max(EDIT_TEXT_CHARS) });
const deleteSchema = z.object({ id });

/** What a message's plaintext means. */
export type RichMessage =
  | { kind: 'text'; text: string; reply: { id: string; from: string; excerpt: string } | null; file: FileAttachment | null }
  | { kind: 'react'; target: string; emoji: string; on: boolean }
  | { kind: 'edit'; target: string; text: string }
  | { kind: 'delete'; target: string };

/** What an effect names: the message's `ID` exactly as it was sent (copied from it, never retyped). */
const target = (value: string) => value;

export function readRich(body: MessagePlaintext): RichMessage {
  // One effect per message; a message that claims several is read as the first that parses.
  if (body.react !== undefined) {
    const r = reactSchema.safeParse(body.react);
    if (r.success) return { kind: 'react', target: target(r.data.id), emoji: r.data.emoji, on: r.data.on };
  }
  if (body.edit !== undefined) {
    const r = editSchema.safeParse(body.edit);
    if (r.success) return { kind: 'edit', target: target(r.data.id), text: r.data.text };
  }
  if (body.delete !== undefined) {
    const r = deleteSchema.safeParse(body.delete);
    if (r.success) return { kind: 'delete', target: target(r.data.id) };
  }
  const reply = body.reply === undefined ? null : replySchema.safeParse(body.reply);
  const file = body.file === undefined ? null : fileAttachmentSchema.safeParse(body.file);
  return {
    kind: 'text',
    text: body.text,
    reply: reply?.success ? { id: target(reply.data.id), from: reply.data.from ?? '', excerpt: excerpt(reply.data.excerpt) } : null,
    // A peer's name is never trusted as a file name: it is shown and saved sanitised.
    file: file?.success ? { ...file.data, name: sanitizeFileName(file.data.name) } : null,
  };
}

/** One line, at most EXCERPT_CHARS characters (never cutting a surrogate pair). */
export function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(line);
  return chars.length <= EXCERPT_CHARS
    ? line
    : `${chars
        .slice(0, EXCERPT_CHARS - 1)
        .join('')
        .trimEnd()}…`;
}

/** The plaintexts this client writes (`from` is the sender's user id). */
export const richPlaintext = {
  text: (from: string, text: string): MessagePlaintext => ({ from, text }),
  reply: (from: string, text: string, to: { id: string; from: string; text: string }): MessagePlaintext => ({
    from,
    text,
    reply: { id: to.id, from: to.from, excerpt: excerpt(to.text) },
  }),
  react: (from: string, to: { id: string; text: string }, emoji: string, on: boolean): MessagePlaintext => ({
    from,
    text: on ? `Reacted ${emoji} to “${shortQuote(to.text)}”` : `Removed ${emoji} from “${shortQuote(to.text)}”`,
    react: { id: to.id, emoji, on },
  }),
  edit: (from: string, id: string, text: string): MessagePlaintext => ({ from, text: `Edited: ${text}`, edit: { id, text } }),
  delete: (from: string, id: string): MessagePlaintext => ({ from, text: 'Deleted a message', delete: { id } }),
  /** A file (profile): `text` says what it is to clients that cannot fetch it; a caption, when given, follows. */
  file: (from: string, file: FileAttachment, caption = ''): MessagePlaintext => ({
    from,
    text: caption ? `${fileFallbackText(file.name, file.size)}\n${caption}` : fileFallbackText(file.name, file.size),
    file,
  }),
};

/** The quoted text in a fallback: short, so "Reacted 👍 to …" stays one line. */
function shortQuote(text: string): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length <= 60 ? chars.join('') : `${chars.slice(0, 59).join('').trimEnd()}…`;
}
