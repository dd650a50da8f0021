/**
 * Base64 for file pieces (FILE_PIECE_BYTES at most, so one piece is never a giant string). The IPC
 * frame carries text; btoa and atob speak "binary strings", one character per byte.
 */

/** String.fromCharCode takes its bytes as arguments: a whole piece at once would overflow the stack. */
const SLICE = 0x8000;

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += SLICE) binary += String.fromCharCode(...bytes.subarray(i, i + SLICE));
  return btoa(binary);
}

/** The bytes of base64 text; throws on text that is not base64. */
export function base64ToBytes(data: string): Uint8Array<ArrayBuffer> {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
