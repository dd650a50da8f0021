/** Writing JSON answers and binary ones (a file chunk), including on a raw socket when the HTTP parser itself gave up. */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorBody } from '../../../protocol/index.js';

export function sendJson(res: ServerResponse, status: number, body: object, opts: { close?: boolean } = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...(opts.close ? { Connection: 'close' } : {}),
  });
  res.end(text);
}

/** A successful binary answer: the bytes of a file chunk (ciphertext), for a call whose CallSpec.wire says `bytes`. */
export function sendBytes(res: ServerResponse, bytes: Uint8Array, opts: { close?: boolean } = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': bytes.byteLength,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...(opts.close ? { Connection: 'close' } : {}),
  });
  res.end(bytes);
}

export function sendError(res: ServerResponse, status: number, message: string, opts: { close?: boolean } = {}): void {
  sendJson(res, status, errorBody(message), opts);
}

/** For requests Node could not parse (bad request line, oversized headers, timeouts). */
export function writeRawError(socket: Duplex, status: number, message: string): void {
  const text = JSON.stringify(errorBody(message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(text)}\r\n` +
      'Connection: close\r\n\r\n' +
      text,
  );
}
