/**
 * The Unix-socket control server: one command per connection, Kea style. It
 * reads until the JSON request is complete (or the peer half-closes, or the
 * read deadline passes, or the size limit is hit), answers once and closes.
 * Every connection gets a well-formed answer or a clean close; nothing a
 * client sends can stop the server. The socket file is 0600 from birth.
 */
import fs from 'node:fs';
import net from 'node:net';
import type { Logger } from '../core/logger.js';
import { logMessage } from '../core/messages.js';
import { dispatchSafely, type CommandDispatcher } from './dispatcher.js';
import { ControlError } from './errors.js';
import { JsonFeed } from './json-feed.js';
import { controlMessages as M } from './messages.js';
import { errorResponse, notAnObjectError, parseRequest, serializeResponse } from './protocol.js';
import { prepareSocketPath } from './socket-path-guard.js';

export interface UnixControlServerOptions {
  path: string;
  dispatch: CommandDispatcher;
  logger: Logger;
  /** Time allowed from connect to a complete request; default 10 000 ms. */
  readTimeoutMs?: number;
  /** Largest accepted request; default 1 MiB. */
  maxRequestBytes?: number;
}

export interface UnixControlServer {
  readonly path: string;
  close(): Promise<void>;
}

export const DEFAULT_READ_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

export async function startUnixControlServer(options: UnixControlServerOptions): Promise<UnixControlServer> {
  const { path: socketPath, dispatch, logger } = options;
  const readTimeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  const maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  await prepareSocketPath(socketPath, logger);

  const connections = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
    serveConnection(socket, { dispatch, logger, readTimeoutMs, maxRequestBytes });
  });

  await listenPrivately(server, socketPath);
  const st = fs.statSync(socketPath);
  logMessage(logger, M.CTRL_UNIX_LISTENING, { path: socketPath });

  let closing: Promise<void> | undefined;
  return {
    path: socketPath,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const c of connections) c.destroy();
      }).then(() => {
        removeIfOurs(socketPath, st);
        logMessage(logger, M.CTRL_UNIX_CLOSED, { path: socketPath });
      });
      return closing;
    },
  };
}

/** Listens with a umask that makes the socket 0600 at creation, then enforces 0600. */
async function listenPrivately(server: net.Server, socketPath: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(new ControlError('CTRL_LISTEN_FAILED', `cannot listen on control socket ${socketPath}: ${err.message}`, { cause: err }));
    server.once('error', onError);
    let previous: number | undefined;
    try {
      previous = process.umask(0o177);
    } catch {
      // worker threads cannot change the umask; the chmod below still applies
    }
    try {
      server.listen(socketPath, () => {
        server.off('error', onError);
        resolve();
      });
    } finally {
      if (previous !== undefined) process.umask(previous);
    }
  });
  try {
    fs.chmodSync(socketPath, 0o600);
  } catch (err) {
    server.close();
    throw new ControlError('CTRL_LISTEN_FAILED', `cannot set mode 0600 on control socket ${socketPath}: ${(err as Error).message}`, { cause: err });
  }
}

function removeIfOurs(socketPath: string, ours: fs.Stats): void {
  try {
    const now = fs.lstatSync(socketPath);
    if (now.ino === ours.ino && now.dev === ours.dev) fs.unlinkSync(socketPath);
  } catch {
    // already gone
  }
}

interface ConnectionLimits {
  dispatch: CommandDispatcher;
  logger: Logger;
  readTimeoutMs: number;
  maxRequestBytes: number;
}

function serveConnection(socket: net.Socket, limits: ConnectionLimits): void {
  const { logger, maxRequestBytes } = limits;
  const chunks: Buffer[] = [];
  const feed = new JsonFeed();
  let size = 0;
  let phase: 'reading' | 'dispatching' | 'answered' = 'reading';

  socket.on('error', (err) => logMessage(logger, M.CTRL_CONNECTION_ERROR, { transport: 'unix', error: err.message }));
  let timer = setTimeout(() => {
    if (phase !== 'reading') return;
    logMessage(logger, M.CTRL_READ_TIMEOUT, { timeoutMs: limits.readTimeoutMs });
    answer(serializeResponse(errorResponse(`timed out after ${limits.readTimeoutMs} ms waiting for a complete JSON request`)));
  }, limits.readTimeoutMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));

  // After answering, input is read and discarded until the peer closes (or a
  // linger deadline passes), so unread input never turns our close into a reset.
  const answer = (json: string): void => {
    phase = 'answered';
    clearTimeout(timer);
    timer = setTimeout(() => socket.destroy(), limits.readTimeoutMs);
    timer.unref();
    if (!socket.destroyed) socket.end(json);
  };
  const reject = (reason: string): void => {
    logMessage(logger, M.CTRL_BAD_REQUEST, { transport: 'unix', reason });
    answer(serializeResponse(errorResponse(reason)));
  };
  const tooLarge = (): void => {
    chunks.length = 0;
    logMessage(logger, M.CTRL_REQUEST_TOO_LARGE, { transport: 'unix', limit: maxRequestBytes });
    answer(serializeResponse(errorResponse(`request exceeds the limit of ${maxRequestBytes} bytes`)));
  };
  const run = (body: Buffer): void => {
    const parsed = parseRequest(body);
    if (!parsed.ok) {
      reject(parsed.error);
      return;
    }
    phase = 'dispatching';
    void dispatchSafely(limits.dispatch, parsed.request, { transport: 'unix' }, logger).then(answer);
  };

  socket.on('data', (chunk: Buffer) => {
    if (phase !== 'reading') return;
    size += chunk.length;
    const state = feed.push(chunk);
    if (state.state === 'invalid') {
      reject(notAnObjectError(state.byte, state.position));
    } else if (state.state === 'complete') {
      if (state.end > maxRequestBytes) return tooLarge();
      chunks.push(chunk);
      run(Buffer.concat(chunks).subarray(0, state.end));
    } else if (size > maxRequestBytes) {
      tooLarge();
    } else {
      chunks.push(chunk);
    }
  });
  socket.on('end', () => {
    // The peer half-closed: what we have is the whole request.
    if (phase === 'reading') run(Buffer.concat(chunks));
    else if (phase === 'answered' && socket.writableFinished) socket.destroy();
  });
  socket.on('finish', () => {
    if (socket.readableEnded) socket.destroy();
  });
}
