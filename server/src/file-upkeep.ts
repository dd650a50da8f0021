/**
 * PROFILE: the file service's upkeep, run by the server's upkeep timer. An unfinished upload nobody
 * has touched (begun again, or sent a chunk) for UNFINISHED_UPLOAD_DAYS is given up: its rows and
 * its chunks go, and its room in the uploader's quota is free again. A client that comes back later
 * begins that upload again from its first chunk.
 */
import type { Store } from './db/store.js';

export const UNFINISHED_UPLOAD_DAYS = 7;

/** Removes the stale uploads as of `nowMs`, then every folder of chunks that no file row names. */
export function purgeStaleUploads(store: Store, nowMs: number): { uploads: number; folders: number } {
  const stale = store.transaction(() => store.files.removeUnfinishedBefore(nowMs - UNFINISHED_UPLOAD_DAYS * 86_400_000));
  // The bytes go once the rows are gone for good, as in cancel. Sweeping every folder without a
  // row also catches what a failed commit (after its chunk was written) or a failed removal left.
  const known = store.files.allIds();
  const folders = store.chunks.removeOrphans((fileId) => known.has(fileId));
  return { uploads: stale.length, folders };
}
