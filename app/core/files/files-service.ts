/**
 * Files (profile) behind the contract: attaching (from the window's pieces, or the host's own
 * dialog), the upload the outbox runs before a file's message goes, downloads, reading decrypted
 * pieces for the window, saving, and each file's status for its message view. Progress goes out as
 * `files:progress`, a few times a second per file.
 *
 * What the host offers differs (FileHost): Electron has an open dialog, a Downloads folder and a
 * file manager; the browser host has none of them, and the window uses the browser's own.
 */
import { existsSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { chunkCount, FILE_CHUNK_BYTES, type Conversation, type FileAttachment, type Message } from '../../../protocol/index.js';
import type { FileProgress, MessageView } from '../../ipc/views.js';
import { FILE_PIECE_BYTES } from '../../shared/rules.js';
import { CoreError, toErrorInfo } from '../errors.js';
import type { Sessions } from '../session/session.js';
import type { LocalStore } from '../store/local-store.js';
import type { Action } from '../sync/actions.js';
import { openMessages } from '../views/message-views.js';
import type { ServiceEvents } from '../services/events.js';
import { Attachments, type AttachMeta, type SealedAttachment, type Thumbnail } from './attachments.js';
import { fileLabel, type FileStatus } from './file-views.js';
import { openChunk, SealedFiles } from './sealed-files.js';
import { download, upload, type FileApi } from './transfers.js';

/** What the host running the core can do with files (all absent in the browser host). */
export type FileHost = {
  /** The host's own open dialog: the paths chosen, [] when cancelled. */
  pickFiles?: () => Promise<string[]>;
  /** Where "Save" puts files. */
  downloadsDir?: () => string;
  showInFolder?: (path: string) => void;
  /** A small JPEG preview of an image file (Electron's nativeImage). */
  thumbnail?: (bytes: Buffer) => Thumbnail | null;
};

export type FilesDeps = {
  sessions: Sessions;
  store: LocalStore;
  events: ServiceEvents;
  api: FileApi;
  dataDir: string;
  host: FileHost;
  /** Queues the message that carries a sealed file (Messages.sendFile). */
  send: (sealed: SealedAttachment) => MessageView;
  now: () => number;
  log: (line: string) => void;
};

type SendWithFile = Extract<Action, { kind: 'send' }> & { file: { id: string; bytes: number } };

const PROGRESS_EVERY_MS = 200;
const STOPPING = 'stopping';
const SWEEP_EVERY_MS = 5 * 60_000;

export class Files {
  readonly sealed: SealedFiles;
  private readonly attachments: Attachments;
  private readonly progress = new Map<string, FileProgress & { conversationId: string; messageId: string; at: number }>();
  private readonly failures = new Map<string, string>();
  private readonly uploads = new Map<string, AbortController>();
  private readonly downloads = new Map<string, { promise: Promise<string>; abort: AbortController }>();
  private readonly saved = new Map<string, string>();

  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor(private readonly deps: FilesDeps) {
    this.sealed = new SealedFiles(deps.dataDir);
    this.attachments = new Attachments(this.sealed, deps.host.thumbnail);
    // Cleared and expired messages take their files' copies with them, a little later.
    this.sweeper = setInterval(() => this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref?.();
  }

  dispose(): void {
    clearInterval(this.sweeper);
    this.stopTransfers();
  }

  // ---- attaching

  attachBegin(conversationId: string, meta: AttachMeta): { stagingId: string } {
    this.deps.sessions.require();
    return { stagingId: this.attachments.begin(conversationId, meta) };
  }

  attachPiece(stagingId: string, index: number, base64: string): void {
    this.deps.sessions.require();
    this.attachments.pieceBase64(stagingId, index, base64);
  }

  attachEnd(stagingId: string): MessageView {
    this.deps.sessions.require();
    return this.deps.send(this.attachments.end(stagingId));
  }

  attachAbort(stagingId: string): void {
    this.deps.sessions.require();
    this.attachments.abort(stagingId);
  }

  /** The host's own dialog; what is picked answers `replyTo` when the user was replying. */
  async pick(conversationId: string, replyTo?: string): Promise<{ dialog: false } | { dialog: true; sent: MessageView[] }> {
    this.deps.sessions.require();
    if (!this.deps.host.pickFiles) return { dialog: false };
    const paths = await this.deps.host.pickFiles();
    const sent: MessageView[] = [];
    for (const path of paths) sent.push(this.deps.send(await this.attachments.fromPath(conversationId, path, replyTo)));
    return { dialog: true, sent };
  }

  // ---- the outbox's upload

  /** Runs before a file's message is sent (outbox-sender): resumes until the server has the file. */
  async uploadFor(action: SendWithFile): Promise<void> {
    const abort = new AbortController();
    this.uploads.set(action.file.id, abort);
    try {
      await upload(
        this.deps.api,
        this.sealed,
        action.conversationId,
        action.file,
        (done, total) => this.moved(action.file.id, action.conversationId, action.message.ID, 'upload', done, total),
        abort.signal,
      );
    } catch (err) {
      // The app is closing or signing out: the upload waits in the outbox and resumes next time.
      if (abort.signal.reason === STOPPING)
        throw new CoreError('network', 'Sending the file paused while the app closed; it resumes next time.', { transient: true });
      throw err;
    } finally {
      this.uploads.delete(action.file.id);
      this.settled(action.file.id);
    }
  }

  /** Stops every transfer under way (quit, sign-out): uploads stay queued, downloads resume on the next read. */
  stopTransfers(): void {
    for (const abort of this.uploads.values()) abort.abort(STOPPING);
    for (const { abort } of this.downloads.values()) abort.abort(STOPPING);
  }

  // ---- the window's actions on a file message

  /** Stops an upload (its message goes and is never sent) or a download under way. */
  cancel(conversationId: string, messageId: string): void {
    this.deps.sessions.require();
    const waiting = this.deps.store
      .pendingFor(conversationId)
      .find((p): p is typeof p & { action: SendWithFile } => p.action.kind === 'send' && p.action.message.ID === messageId && 'file' in p.action);
    if (waiting) {
      const fileId = waiting.action.file.id;
      this.deps.store.complete(waiting.seq);
      this.uploads.get(fileId)?.abort();
      this.sealed.remove(fileId);
      this.progress.delete(fileId);
      this.deps.events.emit('messages:changed', { conversationId, upserted: [], removed: [messageId], cleared: false });
      this.deps.events.emit('connection:changed', { state: this.deps.sessions.connection, pendingCount: this.deps.store.pendingCount() });
      // The server may hold some of it: let it free the space (an unfinished upload is purged anyway).
      void this.deps.api.call('fileCancel', { fileid: fileId }).catch(() => {});
      return;
    }
    const file = this.attachmentOf(conversationId, messageId);
    this.downloads.get(file.id)?.abort.abort();
  }

  /** Piece `index` of the decrypted file (FILE_PIECE_BYTES each), downloading it first when needed. */
  async read(conversationId: string, messageId: string, index: number): Promise<{ data: string; pieces: number; type: string }> {
    const file = this.attachmentOf(conversationId, messageId);
    const pieces = Math.max(1, Math.ceil(file.size / FILE_PIECE_BYTES));
    if (index >= pieces) throw new CoreError('invalid-argument', `“${file.name}” has ${pieces} pieces; there is no piece ${index}.`);
    const path = await this.fetch(conversationId, messageId, file);
    const start = index * FILE_PIECE_BYTES;
    const end = Math.min(file.size, start + FILE_PIECE_BYTES);
    const key = { id: file.id, key: Buffer.from(file.key, 'base64'), size: file.size };
    const parts: Buffer[] = [];
    for (let c = Math.floor(start / FILE_CHUNK_BYTES); c < chunkCount(file.size) && c * FILE_CHUNK_BYTES < Math.max(end, 1); c++) {
      const plain = openChunk(path, key, c);
      const from = Math.max(0, start - c * FILE_CHUNK_BYTES);
      const to = Math.min(plain.byteLength, end - c * FILE_CHUNK_BYTES);
      parts.push(plain.subarray(from, Math.max(from, to)));
    }
    return { data: Buffer.concat(parts).toString('base64'), pieces, type: file.type };
  }

  /** Saves the decrypted file into the host's Downloads folder under a name not taken yet. */
  async save(conversationId: string, messageId: string): Promise<{ saved: 'downloads'; name: string } | { saved: 'browser' }> {
    const file = this.attachmentOf(conversationId, messageId);
    const dir = this.deps.host.downloadsDir?.();
    if (!dir) return { saved: 'browser' };
    const path = await this.fetch(conversationId, messageId, file);
    const target = freePath(dir, file.name);
    const part = `${target}.ozeki-part`;
    const key = { id: file.id, key: Buffer.from(file.key, 'base64'), size: file.size };
    const out = await open(part, 'w', 0o600);
    try {
      for (let c = 0; c < chunkCount(file.size); c++) await out.write(openChunk(path, key, c));
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(part, target);
    this.saved.set(messageId, target);
    return { saved: 'downloads', name: target.slice(dir.length + 1) };
  }

  showInFolder(conversationId: string, messageId: string): void {
    this.attachmentOf(conversationId, messageId);
    const path = this.saved.get(messageId);
    if (!path || !existsSync(path)) throw new CoreError('not-found', 'That file has not been saved on this computer (or it was moved). Save it again.');
    this.deps.host.showInFolder?.(path);
  }

  // ---- views

  /** Where a message's file stands, for its view. */
  status(file: FileAttachment, pending: boolean): FileStatus {
    const moving = this.progress.get(file.id);
    return {
      uploading: pending,
      local: this.sealed.local(file.id) !== null || (pending && existsSync(this.sealed.outgoing(file.id))),
      progress: moving ? { direction: moving.direction, done: moving.done, total: moving.total } : null,
      error: this.failures.get(file.id) ?? null,
    };
  }

  /** Removes the copies of files no message carries any more (cleared, expired, deleted). */
  sweep(): number {
    if (this.deps.store.closed) return 0;
    let removed = 0;
    for (let ids = this.deps.store.filesToForget(); ids.length; ids = this.deps.store.filesToForget()) {
      for (const id of ids) if (!this.uploads.has(id) && !this.downloads.has(id)) this.sealed.removeReceived(id);
      this.deps.store.forgotten(ids);
      removed += ids.length;
    }
    return removed;
  }

  private async fetch(conversationId: string, messageId: string, file: FileAttachment): Promise<string> {
    const here = this.sealed.local(file.id);
    if (here) return here;
    // Still on its way out from here: the sealed copy waiting to be sent is the file.
    const out = this.sealed.outgoing(file.id);
    if (existsSync(out)) return out;
    let running = this.downloads.get(file.id);
    if (!running) {
      const abort = new AbortController();
      this.failures.delete(file.id);
      const promise = download(
        this.deps.api,
        this.sealed,
        file,
        (done, total) => this.moved(file.id, conversationId, messageId, 'download', done, total),
        abort.signal,
      )
        .catch((err: unknown) => {
          // A file that does not match its hash stays failed; a lost connection may be tried again.
          if (err instanceof CoreError && !err.transient && err.code !== 'network') this.failures.set(file.id, err.message);
          this.deps.log(`download of ${fileLabel(file)} failed: ${toErrorInfo(err).message}`);
          throw err;
        })
        .finally(() => {
          this.downloads.delete(file.id);
          this.settled(file.id);
        });
      running = { promise, abort };
      this.downloads.set(file.id, running);
    }
    return running.promise;
  }

  /** The file a message carries (stored, or still in the outbox). */
  attachmentOf(conversationId: string, messageId: string): FileAttachment {
    const session = this.deps.sessions.require();
    const conversation = this.deps.store.conversation(conversationId);
    if (!conversation) throw new CoreError('not-found', 'That conversation is not on this device.');
    const message = this.deps.store.message(conversationId, messageId) ?? this.pendingMessage(conversationId, messageId);
    if (!message) throw new CoreError('not-found', 'That message is no longer on this device.');
    const [opened] = openMessages([message], conversation as Conversation, session.keyring);
    const file = opened?.rich?.kind === 'text' ? opened.rich.file : null;
    if (!file) throw new CoreError('not-found', 'That message has no file.');
    return file;
  }

  private pendingMessage(conversationId: string, messageId: string): Message | undefined {
    for (const p of this.deps.store.pendingFor(conversationId)) if (p.action.kind === 'send' && p.action.message.ID === messageId) return p.action.message;
    return undefined;
  }

  private moved(fileId: string, conversationId: string, messageId: string, direction: 'upload' | 'download', done: number, total: number): void {
    const now = this.deps.now();
    const last = this.progress.get(fileId);
    const due = !last || now - last.at >= PROGRESS_EVERY_MS || done >= total;
    this.progress.set(fileId, { conversationId, messageId, direction, done, total, at: due ? now : last.at });
    if (due) this.deps.events.emit('files:progress', { conversationId, messageId, direction, done, total });
  }

  private settled(fileId: string): void {
    this.progress.delete(fileId);
  }
}

/** `dir/name`, or `dir/name (2).ext`, ... : the first that is free. */
function freePath(dir: string, name: string): string {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  let path = join(dir, name);
  for (let n = 2; existsSync(path) || existsSync(`${path}.ozeki-part`); n++) path = join(dir, `${stem} (${n})${ext}`);
  return path;
}
