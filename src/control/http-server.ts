/**
 * The HTTP control server, shaped like Kea's control agent: POST `/` with a
 * JSON command, answered with a one-element JSON list. Basic authentication
 * is mandatory and checked before anything else is acted on; a failure is
 * 403. Transport errors (path, method, content type, size, malformed HTTP)
 * get a 4xx status and the same Kea-style body, `[{"result": 1, "text": …}]`.
 * Extra routes (e.g. POST /events, GET /metrics) run after authentication.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../core/logger.js';
import { logMessage } from '../core/messages.js';
import { BasicAuthenticator, type BasicAuthOptions } from './basic-auth.js';
import { dispatchSafely, type CommandDispatcher } from './dispatcher.js';
import { ControlError } from './errors.js';
import { readBody } from './http-body.js';
import { controlMessages as M } from './messages.js';
import { errorResponse, parseRequest, serializeResponse } from './protocol.js';
import { DEFAULT_MAX_REQUEST_BYTES, DEFAULT_READ_TIMEOUT_MS } from './unix-server.js';

export interface HttpRoute {
  method: string;
  /** Exact path, compared without the query string. */
  path: string;
  /** Body limit for this route; default the server's maxRequestBytes. */
  maxRequestBytes?: number;
  /** Must end the response; a throw before it starts is answered with 500. */
  handler(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, user: string): void | Promise<void>;
}

export interface HttpTlsOptions {
  /** PEM file paths. */
  cert: string;
  key: string;
  /** Trust anchor (PEM file) for client certificates; enables mutual TLS. */
  ca?: string;
  /** With `ca`: refuse clients without a valid certificate (default true). */
  requireClientCert?: boolean;
}

export interface HttpControlServerOptions {
  /** Default 127.0.0.1. */
  address?: string;
  /** 0 picks a free port (see `port` on the result). */
  port: number;
  auth: BasicAuthOptions;
  tls?: HttpTlsOptions;
  dispatch: CommandDispatcher;
  logger: Logger;
  routes?: HttpRoute[];
  /** Default 1 MiB. */
  maxRequestBytes?: number;
  /** Time allowed to receive a whole request; default 10 000 ms. */
  readTimeoutMs?: number;
}

export interface HttpControlServer {
  readonly port: number;
  readonly address: string;
  close(): Promise<void>;
}

const PHRASES: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 431: 'Request Header Fields Too Large', 500: 'Internal Server Error' };

function keaBody(text: string): string {
  return `[${serializeResponse(errorResponse(text))}]`;
}

export async function startHttpControlServer(options: HttpControlServerOptions): Promise<HttpControlServer> {
  const { dispatch, logger } = options;
  const address = options.address ?? '127.0.0.1';
  const maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const readTimeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  const auth = new BasicAuthenticator(options.auth, logger);
  const routes = options.routes ?? [];
  for (const r of routes) {
    if (r.path === '/' || !r.path.startsWith('/')) throw new ControlError('CTRL_ROUTE_INVALID', `route ${r.method} ${r.path}: a route path must start with "/" and may not be "/" (reserved for commands)`);
  }

  const reply = (res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = status === 200 ? text : keaBody(`${PHRASES[status] ?? 'Error'}: ${text}`);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers });
    res.end(body);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const method = req.method ?? '';
    const path = (req.url ?? '/').split('?')[0]!;
    const remote = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
    const outcome = auth.check(req.headers.authorization);
    const route = path === '/' ? undefined : routes.find((r) => r.path === path && r.method.toUpperCase() === method);
    const limit = route?.maxRequestBytes ?? maxRequestBytes;
    const body = await readBody(req, limit, outcome.ok);
    if (body.kind === 'aborted') return;
    const closeAfter: Record<string, string> = body.kind === 'abusive' ? { connection: 'close' } : {};
    if (body.kind === 'abusive') res.once('finish', () => req.socket.destroy());

    if (!outcome.ok) {
      logMessage(logger, M.CTRL_HTTP_AUTH_FAILED, { remote, reason: outcome.reason });
      const challenge: Record<string, string> = req.headers.authorization === undefined ? { 'www-authenticate': `Basic realm="${auth.realm}"` } : {};
      return reply(res, 403, outcome.reason, { ...challenge, ...closeAfter });
    }
    if (body.kind !== 'ok') {
      logMessage(logger, M.CTRL_REQUEST_TOO_LARGE, { transport: 'http', limit });
      return reply(res, 413, `request body exceeds the limit of ${limit} bytes`, closeAfter);
    }
    if (path !== '/') {
      if (route === undefined) {
        const allowed = routes.filter((r) => r.path === path).map((r) => r.method.toUpperCase());
        if (allowed.length > 0) return reply(res, 405, `${path} accepts ${allowed.join(', ')}, not ${method}`, { allow: allowed.join(', ') });
        return reply(res, 404, `no such path ${path}; commands are sent with POST /`);
      }
      try {
        await route.handler(req, res, body.body, outcome.user);
      } catch (err) {
        logMessage(logger, M.CTRL_HTTP_ROUTE_FAILED, { method, path, error: (err as Error).message, err });
        reply(res, 500, `${method} ${path} failed: ${(err as Error).message}`);
      }
      return;
    }
    if (method !== 'POST') return reply(res, 405, `commands are sent with POST /, not ${method}`, { allow: 'POST' });
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      return reply(res, 415, `expected Content-Type: application/json, got ${type === '' ? 'none' : type}`);
    }
    const parsed = parseRequest(body.body);
    if (!parsed.ok) {
      logMessage(logger, M.CTRL_BAD_REQUEST, { transport: 'http', reason: parsed.error });
      return reply(res, 200, `[${serializeResponse(errorResponse(parsed.error))}]`);
    }
    const json = await dispatchSafely(dispatch, parsed.request, { transport: 'http', user: outcome.user }, logger);
    reply(res, 200, `[${json}]`);
  };

  const serverOptions: http.ServerOptions = { requestTimeout: readTimeoutMs, headersTimeout: readTimeoutMs, connectionsCheckingInterval: Math.min(1000, readTimeoutMs) };
  const server = options.tls === undefined
    ? http.createServer(serverOptions)
    : https.createServer({ ...serverOptions, ...readTls(options.tls) });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      logMessage(logger, M.CTRL_HTTP_ROUTE_FAILED, { method: req.method, path: req.url, error: (err as Error).message, err });
      reply(res, 500, (err as Error).message);
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    logMessage(logger, M.CTRL_CONNECTION_ERROR, { transport: 'http', error: err.message });
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = keaBody(`${PHRASES[status]}: ${status === 400 ? 'malformed HTTP request' : err.message}`);
    socket.end(`HTTP/1.1 ${status} ${PHRASES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  server.on('tlsClientError', (err: Error) => logMessage(logger, M.CTRL_CONNECTION_ERROR, { transport: 'http', error: err.message }));

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(new ControlError('CTRL_LISTEN_FAILED', `cannot listen on ${address}:${options.port} for the HTTP control channel: ${err.message}`, { cause: err }));
    server.once('error', onError);
    server.listen(options.port, address, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  const scheme = options.tls === undefined ? 'http' : 'https';
  logMessage(logger, M.CTRL_HTTP_LISTENING, { scheme, address, port });
  if (options.tls === undefined && !isLoopback(address)) logMessage(logger, M.CTRL_HTTP_PLAINTEXT_EXPOSED, { address });

  let closing: Promise<void> | undefined;
  return {
    port,
    address,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => logMessage(logger, M.CTRL_HTTP_CLOSED, { address, port }));
      return closing;
    },
  };
}

function readTls(tls: HttpTlsOptions): https.ServerOptions {
  const read = (what: string, file: string): Buffer => {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new ControlError('CTRL_TLS_FILE_UNREADABLE', `cannot read TLS ${what} ${file}: ${(err as Error).message}`, { cause: err });
    }
  };
  const out: https.ServerOptions = { cert: read('certificate', tls.cert), key: read('key', tls.key) };
  if (tls.ca !== undefined) {
    out.ca = read('trust anchor', tls.ca);
    out.requestCert = true;
    out.rejectUnauthorized = tls.requireClientCert ?? true;
  }
  return out;
}

function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || (net.isIPv4(address) && address.startsWith('127.'));
}
