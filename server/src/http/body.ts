/** Reads a request body with a size limit, refusing early when Content-Length already says too much. */
import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {}
export class BodyAbortedError extends Error {}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      fn();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(() => reject(new BodyTooLargeError()));
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish(() => resolve(Buffer.concat(chunks, size))));
    req.once('error', () => finish(() => reject(new BodyAbortedError())));
    req.once('close', () => finish(() => reject(new BodyAbortedError())));
  });
}

/**
 * After refusing a body, swallow the rest for a moment so the client can read the refusal rather
 * than a reset connection, then hang up whatever happens.
 */
export function discardRest(req: IncomingMessage, maxBytes: number, maxMs: number): void {
  let seen = 0;
  const hangUp = () => req.socket.destroy();
  const timer = setTimeout(hangUp, maxMs);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > maxBytes) hangUp();
  });
  req.once('end', () => clearTimeout(timer));
  req.resume();
}
