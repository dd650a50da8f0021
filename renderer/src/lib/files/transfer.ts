/** Files out of a drag or a paste (a DataTransfer), and whether a drag carries any. */

/** A drag of files from the system (not text, a link or an element of the page). */
export function hasFiles(transfer: DataTransfer | null | undefined): boolean {
  return !!transfer && Array.from(transfer.types ?? []).includes('Files');
}

/** The files a drop or a paste holds, in order; none for text. */
export function filesOf(transfer: DataTransfer | null | undefined): File[] {
  if (!transfer) return [];
  const files = Array.from(transfer.files ?? []);
  if (files.length > 0) return files;
  // Some engines list a pasted image only among the items.
  return Array.from(transfer.items ?? [])
    .filter((item) => item.kind === 'file')
    .map((item) => item.getAsFile())
    .filter((file): file is File => file !== null);
}
