/**
 * PROFILE: the bytes of file chunks, as files beside the database (`<dataDir>/files/<fileid>/<index>`),
 * never in it: SQLite would copy every megabyte through its WAL, and a purge would leave the
 * database file at its peak size. The server only ever holds ciphertext here.
 *
 * Private like the rest of the data folder (folders 0700, files 0600; private-files.ts). A chunk is
 * written to a temporary file, flushed and renamed into place, and its folder flushed, before the
 * caller records it in the database: a chunk the database lists is on disk, whatever happens next.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_ID_PATTERN } from '../../../protocol/index.js';
import { ensurePrivateDir, writePrivateFileAtomic, type Log } from '../private-files.js';

export const FILES_FOLDER = 'files';

const POSIX = process.platform !== 'win32';

/** Makes a rename or a new entry in `dir` durable (POSIX; Windows cannot open a folder for this). */
function syncFolder(dir: string): void {
  if (!POSIX) return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class ChunkFiles {
  readonly root: string;

  constructor(
    dataDir: string,
    private readonly log: Log,
  ) {
    this.root = join(dataDir, FILES_FOLDER);
    // The folder is made at the first upload (a server that never stores a file has none); one
    // that exists is tightened at start like the data folder itself.
    if (existsSync(this.root)) ensurePrivateDir(this.root, log);
  }

  /** Stores chunk `index` of a file, replacing a copy sent before. */
  write(fileId: string, index: number, bytes: Uint8Array): void {
    const dir = this.folder(fileId);
    if (!existsSync(dir)) {
      ensurePrivateDir(dir, this.log);
      syncFolder(this.root);
    }
    writePrivateFileAtomic(join(dir, String(index)), bytes);
    syncFolder(dir);
  }

  read(fileId: string, index: number): Buffer {
    return readFileSync(join(this.folder(fileId), String(index)));
  }

  /** Removes a file's chunks; a file with none on disk is not an error. */
  remove(fileId: string): void {
    rmSync(this.folder(fileId), { recursive: true, force: true });
  }

  /**
   * Removes every file folder `keep` does not name: left behind when a commit failed after its
   * chunk was written, or a removal after a commit failed. Returns how many.
   */
  removeOrphans(keep: (fileId: string) => boolean): number {
    if (!existsSync(this.root)) return 0;
    let removed = 0;
    for (const entry of readdirSync(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory() || !FILE_ID_PATTERN.test(entry.name) || keep(entry.name)) continue;
      this.remove(entry.name);
      removed++;
    }
    return removed;
  }

  private folder(fileId: string): string {
    // The schemas allow only 32 hex characters; checked again because this becomes a path.
    if (!FILE_ID_PATTERN.test(fileId)) throw new Error(`Not a file id: ${JSON.stringify(fileId.slice(0, 40))}`);
    return join(this.root, fileId);
  }
}
