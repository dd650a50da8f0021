/**
 * The account's files on this device, always as the ciphertext the server holds (profile/files.ts):
 * `files/out/<id>` is a file being sent (sealed as it was attached, so it survives going offline
 * and restarts), `files/in/<id>` one that is here in full (downloaded and checked, or sent from
 * here), `files/in/<id>.part` a download under way. The keys live only inside the messages, in the
 * encrypted database: a file here without its message is unreadable.
 *
 * Chunk `i` of a file sits at offset `i * (FILE_CHUNK_BYTES + 16)`, so a resumed upload or
 * download reads or writes any chunk without reading the others.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { chunkCount, chunksOfCipher, cipherSize, decryptChunk, encryptChunkParts, FILE_CHUNK_BYTES, FILE_TAG_BYTES } from '../../../protocol/index.js';
import { ensurePrivateFolder, PRIVATE_FILE_MODE } from '../private-files.js';

const CIPHER_CHUNK = FILE_CHUNK_BYTES + FILE_TAG_BYTES;

export type SealedFileKey = { id: string; key: Uint8Array; size: number };

export class SealedFiles {
  constructor(private readonly dir: string) {}

  private folder(kind: 'out' | 'in'): string {
    const path = join(this.dir, 'files', kind);
    if (!existsSync(path)) {
      mkdirSync(join(this.dir, 'files'), { recursive: true, mode: 0o700 });
      ensurePrivateFolder(path);
    }
    return path;
  }

  outgoing(id: string): string {
    return join(this.folder('out'), id);
  }

  incoming(id: string): string {
    return join(this.folder('in'), id);
  }

  /** The complete local copy of a file (received or sent), or null. */
  local(id: string): string | null {
    const path = join(this.dir, 'files', 'in', id);
    if (existsSync(path)) return path;
    return null;
  }

  /** A sent file is kept as the local copy once the server has all of it. */
  keepSent(id: string): void {
    const out = this.outgoing(id);
    if (existsSync(out)) renameSync(out, this.incoming(id));
  }

  /** A received (or sent and kept) copy, and a download under way: never a file still to send. */
  removeReceived(id: string): void {
    for (const path of [join(this.dir, 'files', 'in', id), join(this.dir, 'files', 'in', `${id}.part`)]) rmSync(path, { force: true });
  }

  /** Every file of the account (signing out). */
  removeAll(): void {
    rmSync(join(this.dir, 'files'), { recursive: true, force: true });
  }

  remove(id: string): void {
    for (const path of [this.outgoing(id), this.incoming(id), `${this.incoming(id)}.part`]) rmSync(path, { force: true });
  }
}

/**
 * Seals a file as it arrives, piece by piece in order: each full chunk is encrypted and appended,
 * and the SHA-256 of the plaintext kept. `finish` seals the last chunk, checks that exactly `size`
 * bytes came and makes the file durable; until then the `.part` file is thrown away on abort.
 */
export class SealingWriter {
  private readonly fd: number;
  private readonly hash = createHash('sha256');
  /** One chunk of plaintext, filled piece by piece and reused: the file never sits in memory. */
  private readonly plain: Buffer;
  private filled = 0;
  private received = 0;
  private chunk = 0;
  private readonly chunks: number;

  constructor(
    private readonly file: SealedFileKey,
    private readonly path: string,
  ) {
    this.chunks = chunkCount(file.size);
    this.plain = Buffer.allocUnsafe(Math.min(FILE_CHUNK_BYTES, file.size));
    this.fd = openSync(`${path}.part`, 'w', PRIVATE_FILE_MODE);
  }

  write(piece: Uint8Array): void {
    if (this.received + piece.byteLength > this.file.size) throw new Error('more bytes than the file was said to have');
    this.received += piece.byteLength;
    this.hash.update(piece);
    for (let at = 0; at < piece.byteLength;) {
      const n = Math.min(piece.byteLength - at, this.plain.byteLength - this.filled);
      this.plain.set(piece.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      // The last chunk is sealed by finish, once it is known to be the last.
      if (this.filled === this.plain.byteLength && this.chunk < this.chunks - 1) this.sealChunk();
    }
  }

  /** The plaintext's SHA-256 (hex); throws when the file is shorter than it was said to be. */
  finish(): string {
    if (this.received !== this.file.size) throw new Error(`${this.received} of ${this.file.size} bytes arrived`);
    this.sealChunk();
    fsyncSync(this.fd);
    closeSync(this.fd);
    renameSync(`${this.path}.part`, this.path);
    return this.hash.digest('hex');
  }

  abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      // Already closed by finish.
    }
    rmSync(`${this.path}.part`, { force: true });
  }

  private sealChunk(): void {
    const { body, tag } = encryptChunkParts(this.file.key, this.file.id, this.chunk, this.chunks, this.plain.subarray(0, this.filled));
    writeSync(this.fd, body, 0, body.byteLength, this.chunk * CIPHER_CHUNK);
    writeSync(this.fd, tag, 0, tag.byteLength, this.chunk * CIPHER_CHUNK + body.byteLength);
    this.chunk++;
    this.filled = 0;
  }
}

/** Chunk `index`'s ciphertext from a sealed file of `cipherBytes` (read into `into` when given). */
export function readCipherChunk(path: string, cipherBytes: number, index: number, into?: Buffer): Buffer {
  const offset = index * CIPHER_CHUNK;
  const length = Math.min(CIPHER_CHUNK, cipherBytes - offset);
  const fd = openSync(path, 'r');
  try {
    const out = into && into.byteLength >= length ? into.subarray(0, length) : Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, length - done, offset + done);
      if (n === 0) throw new Error('the sealed file is shorter than it should be');
      done += n;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/** Writes chunk `index`'s ciphertext into a download's `.part` file. */
export function writeCipherChunk(fd: number, index: number, bytes: Uint8Array): void {
  writeSync(fd, bytes, 0, bytes.byteLength, index * CIPHER_CHUNK);
}

/** Which chunks of a `.part` file of `cipherBytes` already hold data (by its length: chunks are written in order). */
export function chunksPresent(fd: number, cipherBytes: number): number {
  const length = fstatSync(fd).size;
  return Math.min(Math.floor(length / CIPHER_CHUNK), chunksOfCipher(cipherBytes));
}

/** Plaintext chunk `index` of a sealed file (throws when it was altered). */
export function openChunk(path: string, file: SealedFileKey, index: number): Buffer {
  return decryptChunk(file.key, file.id, index, chunkCount(file.size), readCipherChunk(path, cipherSize(file.size), index));
}
