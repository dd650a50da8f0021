/**
 * PROFILE: uploads and the chunks stored for them (rows only; the bytes are in db/chunk-files.ts).
 * A file belongs to its uploader and to one conversation; it is `complete` once `finish` found every
 * chunk stored, and only then downloadable.
 */
import type { Db } from './database.js';

export type FileRow = {
  id: string;
  uploader_id: string;
  conversation_id: string;
  /** Ciphertext bytes, as declared at begin. */
  bytes: number;
  chunks: number;
  complete: number;
  created: number;
  touched: number;
};

export class Files {
  private readonly getStmt;
  private readonly insertStmt;
  private readonly touchStmt;
  private readonly completeStmt;
  private readonly removeStmt;
  private readonly storedBytesStmt;
  private readonly insertChunkStmt;
  private readonly chunkIndexesStmt;
  private readonly chunkCountStmt;
  private readonly staleStmt;
  private readonly allIdsStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string], FileRow>('SELECT * FROM files WHERE id = ?');
    this.insertStmt = db.prepare(
      `INSERT INTO files (id, uploader_id, conversation_id, bytes, chunks, complete, created, touched)
       VALUES (@id, @uploader_id, @conversation_id, @bytes, @chunks, 0, @created, @created)`,
    );
    this.touchStmt = db.prepare('UPDATE files SET touched = ? WHERE id = ?');
    this.completeStmt = db.prepare('UPDATE files SET complete = 1, touched = ? WHERE id = ?');
    // The chunk rows go with it (ON DELETE CASCADE).
    this.removeStmt = db.prepare('DELETE FROM files WHERE id = ?');
    this.storedBytesStmt = db.prepare<[string], { total: number }>('SELECT coalesce(sum(bytes), 0) AS total FROM files WHERE uploader_id = ?');
    this.insertChunkStmt = db.prepare('INSERT OR IGNORE INTO file_chunks (file_id, chunk_index) VALUES (?, ?)');
    this.chunkIndexesStmt = db.prepare<[string], { chunk_index: number }>('SELECT chunk_index FROM file_chunks WHERE file_id = ? ORDER BY chunk_index');
    this.chunkCountStmt = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM file_chunks WHERE file_id = ?');
    this.staleStmt = db.prepare<[number], { id: string }>('DELETE FROM files WHERE complete = 0 AND touched < ? RETURNING id');
    this.allIdsStmt = db.prepare<[], { id: string }>('SELECT id FROM files');
  }

  get(id: string): FileRow | undefined {
    return this.getStmt.get(id);
  }
  add(row: Pick<FileRow, 'id' | 'uploader_id' | 'conversation_id' | 'bytes' | 'chunks' | 'created'>): void {
    this.insertStmt.run(row);
  }
  /** Notes activity on an unfinished upload, so the purge leaves it alone. */
  touch(id: string, nowMs: number): void {
    this.touchStmt.run(nowMs, id);
  }
  markComplete(id: string, nowMs: number): void {
    this.completeStmt.run(nowMs, id);
  }
  /** Removes the file and its chunk rows; true when there was one. */
  remove(id: string): boolean {
    return this.removeStmt.run(id).changes > 0;
  }

  /** Ciphertext bytes the user has stored or reserved: every file of theirs, finished or not. */
  storedBytes(userId: string): number {
    return this.storedBytesStmt.get(userId)!.total;
  }

  /** Records that chunk `index` is on disk (again, for a chunk sent twice). */
  addChunk(id: string, index: number): void {
    this.insertChunkStmt.run(id, index);
  }
  chunkIndexes(id: string): number[] {
    return this.chunkIndexesStmt.all(id).map((r) => r.chunk_index);
  }
  chunkCount(id: string): number {
    return this.chunkCountStmt.get(id)!.n;
  }

  /** Deletes the unfinished uploads last touched before `cutoffMs`; returns their ids (their bytes are the caller's to remove). */
  removeUnfinishedBefore(cutoffMs: number): string[] {
    return this.staleStmt.all(cutoffMs).map((r) => r.id);
  }

  allIds(): Set<string> {
    return new Set(this.allIdsStmt.all().map((r) => r.id));
  }
}
