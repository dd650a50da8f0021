import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from './base64.js';
import { formatSize, latestProgress, percent, pictureBox, preparingLabel, safeThumbnail, transferLabel } from './file-labels.js';
import { thumbnailSize } from './thumbnail.js';
import { filesOf, hasFiles } from './transfer.js';

describe('base64 of a piece', () => {
  it('round-trips every byte value, and pieces longer than one slice of the encoder', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(base64ToBytes(bytesToBase64(all))).toEqual(all);
    const long = Uint8Array.from({ length: 100_001 }, (_, i) => (i * 31) & 0xff);
    const text = bytesToBase64(long);
    expect(text).toMatch(/^[A-Za-z0-9+/]*={0,2}$/);
    expect(text).toHaveLength(Math.ceil(long.length / 3) * 4);
    expect(base64ToBytes(text)).toEqual(long);
    expect(bytesToBase64(new Uint8Array())).toBe('');
  });

  it('matches the usual encoding', () => {
    expect(bytesToBase64(new TextEncoder().encode('Hello, Bob'))).toBe('SGVsbG8sIEJvYg==');
  });

  it('throws on text that is not base64', () => {
    expect(() => base64ToBytes('not base64!')).toThrow();
  });
});

describe('file sizes', () => {
  it('are written in decimal units, one decimal below 100', () => {
    expect(formatSize(0)).toBe('0 B');
    expect(formatSize(999)).toBe('999 B');
    expect(formatSize(1000)).toBe('1 kB');
    expect(formatSize(1_234_567)).toBe('1.2 MB');
    expect(formatSize(45_600_000)).toBe('45.6 MB');
    expect(formatSize(104_857_600)).toBe('105 MB');
    expect(formatSize(3_000_000_000)).toBe('3 GB');
  });

  it('move to the next unit when rounding reaches 1000', () => {
    expect(formatSize(999_960)).toBe('1 MB');
    expect(formatSize(999_400)).toBe('999 kB');
  });

  it('say 0 B for nonsense', () => {
    expect(formatSize(Number.NaN)).toBe('0 B');
    expect(formatSize(-5)).toBe('0 B');
  });
});

describe('progress', () => {
  it('is in whole percent, never past 100, 0 while the total is unknown', () => {
    expect(percent(400, 1000)).toBe(40);
    expect(percent(999, 1000)).toBe(99);
    expect(percent(2000, 1000)).toBe(100);
    expect(percent(5, 0)).toBe(0);
  });

  it('names its bar by direction, file and percent', () => {
    expect(transferLabel({ direction: 'upload', done: 400, total: 1000 }, 'report.pdf')).toBe('Uploading report.pdf, 40%');
    expect(transferLabel({ direction: 'download', done: 1, total: 4 }, 'cat.jpg')).toBe('Downloading cat.jpg, 25%');
    expect(preparingLabel('empty.txt', 0, 0)).toBe('Preparing empty.txt, 100%');
  });

  it('takes whichever of the events and the view is further along', () => {
    const early = { direction: 'upload', done: 10, total: 100 } as const;
    const later = { direction: 'upload', done: 60, total: 100 } as const;
    expect(latestProgress(early, later)).toBe(later);
    expect(latestProgress(later, early)).toBe(later);
    expect(latestProgress(null, early)).toBe(early);
    expect(latestProgress(early, null)).toBe(early);
    const download = { direction: 'download', done: 5, total: 100 } as const;
    expect(latestProgress(download, later)).toBe(download);
  });
});

describe('pictures', () => {
  it('take a box of their shape within 320×320, never thinner than 48', () => {
    expect(pictureBox(4000, 3000)).toEqual({ width: 320, height: 240 });
    expect(pictureBox(1080, 1920)).toEqual({ width: 180, height: 320 });
    expect(pictureBox(100, 50)).toEqual({ width: 100, height: 50 });
    expect(pictureBox(10_000, 10)).toEqual({ width: 320, height: 48 });
  });

  it('have thumbnails of at most 320 on the long side, at least 1 on the short one', () => {
    expect(thumbnailSize(4032, 3024)).toEqual({ width: 320, height: 240 });
    expect(thumbnailSize(100, 80)).toEqual({ width: 100, height: 80 });
    expect(thumbnailSize(50_000, 10)).toEqual({ width: 320, height: 1 });
  });

  it('show only base64 PNG, JPEG or WebP previews: never SVG or a link', () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    expect(safeThumbnail(png)).toBe(png);
    expect(safeThumbnail('data:image/jpeg;base64,/9j/4AAQ')).toBe('data:image/jpeg;base64,/9j/4AAQ');
    expect(safeThumbnail('data:image/svg+xml;base64,PHN2Zz4=')).toBeNull();
    expect(safeThumbnail('data:image/png,<svg onload=alert(1)>')).toBeNull();
    expect(safeThumbnail('https://example.com/x.png')).toBeNull();
    expect(safeThumbnail('javascript:alert(1)')).toBeNull();
    expect(safeThumbnail(null)).toBeNull();
  });
});

describe('drags and pastes', () => {
  const file = new File(['x'], 'a.txt');
  const transfer = (over: Partial<DataTransfer>): DataTransfer => ({ types: [], files: [], items: [], ...over }) as unknown as DataTransfer;

  it('carry files only when the system says so', () => {
    expect(hasFiles(transfer({ types: ['Files'] }))).toBe(true);
    expect(hasFiles(transfer({ types: ['text/plain', 'text/uri-list'] }))).toBe(false);
    expect(hasFiles(null)).toBe(false);
  });

  it('give their files, or the file items when the file list is empty', () => {
    expect(filesOf(transfer({ files: [file] as unknown as FileList }))).toEqual([file]);
    const items = [
      { kind: 'string', getAsFile: () => null },
      { kind: 'file', getAsFile: () => file },
    ] as unknown as DataTransferItemList;
    expect(filesOf(transfer({ items }))).toEqual([file]);
    expect(filesOf(transfer({}))).toEqual([]);
    expect(filesOf(null)).toEqual([]);
  });
});
