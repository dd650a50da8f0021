import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  chunkCount,
  chunksOfCipher,
  cipherChunkLength,
  cipherSize,
  decodeChunkBody,
  decryptChunk,
  encodeChunkBody,
  encryptChunk,
  FILE_CHUNK_BYTES,
  FILE_TAG_BYTES,
  fileFallbackText,
  formatFileSize,
  MAX_CHUNK_HEADER_BYTES,
  MAX_FILE_BYTES,
  newFileId,
  newFileKey,
  readRich,
  richPlaintext,
  sanitizeFileName,
  type FileAttachment,
  type MessagePlaintext,
} from '../index.js';

const ALICE = 'a'.repeat(32);
const FILE: FileAttachment = {
  id: 'f'.repeat(32),
  name: 'report.pdf',
  size: 1_234_567,
  type: 'application/pdf',
  key: newFileKey().toString('base64'),
  sha256: createHash('sha256').update('x').digest('hex'),
};

describe('file chunks (profile)', () => {
  it('sizes: what the client seals is what the server counts, at every border', () => {
    for (const size of [0, 1, FILE_CHUNK_BYTES - 1, FILE_CHUNK_BYTES, FILE_CHUNK_BYTES + 1, 3 * FILE_CHUNK_BYTES, MAX_FILE_BYTES]) {
      const bytes = cipherSize(size);
      expect(chunksOfCipher(bytes), `size ${size}`).toBe(chunkCount(size));
      let total = 0;
      for (let i = 0; i < chunkCount(size); i++) total += cipherChunkLength(bytes, i);
      expect(total, `size ${size}`).toBe(bytes);
      expect(cipherChunkLength(bytes, chunkCount(size) - 1)).toBeGreaterThanOrEqual(FILE_TAG_BYTES);
    }
  });

  it('a chunk opens only as the chunk it was sealed as: same file, index and count, unaltered', () => {
    const key = newFileKey();
    const id = newFileId();
    const plain = randomBytes(1000);
    const sealed = encryptChunk(key, id, 2, 5, plain);
    expect(sealed.byteLength).toBe(plain.byteLength + FILE_TAG_BYTES);
    expect(decryptChunk(key, id, 2, 5, sealed)).toEqual(plain);
    // Re-sealing after a restart gives the very same bytes (the IV is the index).
    expect(encryptChunk(key, id, 2, 5, plain)).toEqual(sealed);
    expect(() => decryptChunk(key, id, 3, 5, sealed)).toThrow();
    expect(() => decryptChunk(key, id, 2, 4, sealed)).toThrow();
    expect(() => decryptChunk(key, newFileId(), 2, 5, sealed)).toThrow();
    expect(() => decryptChunk(newFileKey(), id, 2, 5, sealed)).toThrow();
    const flipped = Buffer.from(sealed);
    flipped[10] = flipped[10]! ^ 1;
    expect(() => decryptChunk(key, id, 2, 5, flipped)).toThrow();
    expect(() => decryptChunk(key, id, 2, 5, sealed.subarray(0, 8))).toThrow();
  });

  it('a chunk body is its JSON line, a newline, then the bytes; no line, no body', () => {
    const bytes = randomBytes(300);
    const body = encodeChunkBody('{"action":"chunk"}', bytes);
    expect(decodeChunkBody(body)).toEqual({ header: '{"action":"chunk"}', bytes });
    // Bytes may hold newlines of their own: only the first one ends the header.
    const withNewlines = Buffer.from('\n\n\n');
    expect(decodeChunkBody(encodeChunkBody('{}', withNewlines))!.bytes).toEqual(withNewlines);
    expect(decodeChunkBody(Buffer.from('no newline at all'))).toBeNull();
    expect(decodeChunkBody(Buffer.concat([Buffer.alloc(MAX_CHUNK_HEADER_BYTES + 1, 0x7b), Buffer.from('\n')]))).toBeNull();
    expect(() => encodeChunkBody('{"a":\n1}', bytes)).toThrow();
    // Built in a caller's buffer when it fits, and the same bytes either way.
    const scratch = Buffer.alloc(1000);
    expect(encodeChunkBody('{}', bytes, scratch)).toEqual(encodeChunkBody('{}', bytes));
  });
});

describe('file names (profile)', () => {
  it('keeps ordinary names as they are', () => {
    for (const name of ['report.pdf', 'Quarterly report (final).docx', 'café menu.png', '日本語.txt', 'a.b.c.tar.gz'])
      expect(sanitizeFileName(name)).toBe(name);
  });

  it('makes hostile names one harmless path component', () => {
    expect(sanitizeFileName('../../etc/passwd')).toBe('_.._etc_passwd');
    expect(sanitizeFileName('C:\\Windows\\system32\\evil.dll')).toBe('C__Windows_system32_evil.dll');
    expect(sanitizeFileName('.bashrc')).toBe('bashrc');
    expect(sanitizeFileName('name. . ')).toBe('name');
    expect(sanitizeFileName('CON.txt')).toBe('_CON.txt');
    expect(sanitizeFileName('lpt1')).toBe('_lpt1');
    // "harmless‮gpj.exe" reads as "harmlessexe.jpg" with the override; here it does not.
    expect(sanitizeFileName('harmless\u202egpj.exe')).toBe('harmless_gpj.exe');
    expect(sanitizeFileName('a\u0000b\u0007c\nd')).toBe('a_b_c_d');
    expect(sanitizeFileName('')).toBe('file');
    expect(sanitizeFileName('...')).toBe('file');
    const long = sanitizeFileName(`${'x'.repeat(400)}.pdf`);
    expect(Array.from(long)).toHaveLength(255);
    expect(long.endsWith('.pdf')).toBe(true);
  });

  it('writes sizes as a file manager does', () => {
    expect(formatFileSize(0)).toBe('0 bytes');
    expect(formatFileSize(1)).toBe('1 byte');
    expect(formatFileSize(999)).toBe('999 bytes');
    expect(formatFileSize(1000)).toBe('1 kB');
    expect(formatFileSize(1_234_567)).toBe('1.2 MB');
    expect(formatFileSize(100 * 1024 * 1024)).toBe('105 MB');
    expect(fileFallbackText('report.pdf', 1_234_567)).toBe('📎 report.pdf (1.2 MB)');
  });
});

describe('the file in a message (profile)', () => {
  it('reads back what it was written as, with a text an older client can show', () => {
    const body = richPlaintext.file(ALICE, FILE);
    expect(body.text).toBe('📎 report.pdf (1.2 MB)');
    expect(readRich(body)).toEqual({ kind: 'text', text: body.text, reply: null, file: FILE });
  });

  it('shows a peer’s file name sanitised, and a malformed file as an ordinary message', () => {
    const named = readRich({ from: ALICE, text: 't', file: { ...FILE, name: '../secret\u202etxt.exe' } });
    expect(named.kind === 'text' && named.file?.name).toBe('_secret_txt.exe');
    for (const bad of [
      { ...FILE, id: 'nope' },
      { ...FILE, size: MAX_FILE_BYTES + 1 },
      { ...FILE, size: -1 },
      { ...FILE, key: 'short' },
      { ...FILE, sha256: 'x'.repeat(64) },
      { ...FILE, name: '' },
      { ...FILE, thumb: { type: 'image/svg+xml', width: 1, height: 1, data: '' } },
      { ...FILE, thumb: { type: 'image/png', width: 100_000, height: 1, data: '' } },
      { ...FILE, thumb: { type: 'image/png', width: 1, height: 1, data: 'A'.repeat(200_000) } },
      'report.pdf',
      null,
    ]) {
      const read = readRich({ from: ALICE, text: 'fallback', file: bad });
      expect(read, JSON.stringify(bad)?.slice(0, 80)).toEqual({ kind: 'text', text: 'fallback', reply: null, file: null });
    }
  });

  it('reads 5,000 random shapes of a file without throwing', () => {
    let seed = 777;
    const rand = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
    const values: unknown[] = [null, true, 0, -1, 1.5, 1e308, '', 'x', FILE.id, FILE.key, FILE.sha256, 'x'.repeat(30_000), [], {}, { data: '' }];
    for (let i = 0; i < 5000; i++) {
      const file: Record<string, unknown> = { ...FILE };
      for (const key of ['id', 'name', 'size', 'type', 'key', 'sha256', 'width', 'height', 'thumb', '__proto__']) if (rand() < 0.3) file[key] = pick(values);
      const body: MessagePlaintext = { from: ALICE, text: `fallback ${i}`, file };
      const read = readRich(body);
      expect(read.kind).toBe('text');
      if (read.kind === 'text' && read.file) {
        expect(read.file.id).toMatch(/^[0-9a-f]{32}$/);
        expect(read.file.size).toBeLessThanOrEqual(MAX_FILE_BYTES);
        expect(read.file.name).not.toMatch(/[/\\]/);
      }
    }
  });
});
