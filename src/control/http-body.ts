/**
 * Reads an HTTP request body under a size limit. An oversized or unwanted body
 * is drained rather than left unread, so the answer that follows is not lost
 * to a connection reset; draining stops at a hard cap.
 */
import type { IncomingMessage } from 'node:http';

export type BodyOutcome =
  | { kind: 'ok'; body: Buffer }
  | { kind: 'too-large' }
  /** Drained past the cap: answer, then drop the connection. */
  | { kind: 'abusive' }
  | { kind: 'aborted' };

export function readBody(req: IncomingMessage, limit: number, keep: boolean): Promise<BodyOutcome> {
  const cap = Math.max(limit * 8, 8 * 1024 * 1024);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (o: BodyOutcome): void => {
      if (settled) return;
      settled = true;
      resolve(o);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) {
        req.pause();
        settle({ kind: 'abusive' });
      } else if (keep && size <= limit) {
        chunks.push(chunk);
      } else {
        chunks.length = 0;
      }
    });
    req.on('end', () => settle(size > limit ? { kind: 'too-large' } : { kind: 'ok', body: Buffer.concat(chunks) }));
    req.on('error', () => settle({ kind: 'aborted' }));
    req.on('close', () => settle(req.complete ? { kind: 'ok', body: Buffer.concat(chunks) } : { kind: 'aborted' }));
  });
}
