/** Plain socket clients for the control-channel tests: raw bytes in, raw answer out. */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { CommandDispatcher } from '../../src/control/dispatcher.js';
import { success, unsupported, type CommandResponse } from '../../src/control/protocol.js';

export interface RawAnswer {
  /** Everything the server sent before closing. */
  text: string;
  /** How the connection ended: a clean close, or an error code. */
  ended: 'closed' | string;
}

/**
 * Sends bytes over the Unix socket. `halfClose` ends our side after writing
 * (as socat does); `abortAfterWrite` destroys the connection instead.
 */
export function unixExchange(path: string, payload: string | Buffer, opts: { halfClose?: boolean; abortAfterWrite?: boolean } = {}): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const sock = net.createConnection({ path, allowHalfOpen: true });
    let ended: RawAnswer['ended'] = 'closed';
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', (e: NodeJS.ErrnoException) => {
      ended = e.code ?? e.message;
    });
    sock.on('end', () => sock.end());
    sock.on('close', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), ended }));
    sock.on('connect', () => {
      if (payload.length > 0) sock.write(payload);
      if (opts.abortAfterWrite) sock.destroy();
      else if (opts.halfClose ?? true) sock.end();
    });
  });
}

export async function unixCommand(path: string, request: unknown): Promise<CommandResponse> {
  const a = await unixExchange(path, JSON.stringify(request), { halfClose: false });
  return JSON.parse(a.text) as CommandResponse;
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpCall {
  port: number;
  method?: string;
  path?: string;
  body?: string | Buffer;
  user?: string;
  password?: string;
  /** Overrides the Authorization header entirely. */
  authorization?: string;
  contentType?: string | null;
  tls?: { ca: Buffer };
}

export function httpExchange(call: HttpCall): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  if (call.contentType !== null) headers['content-type'] = call.contentType ?? 'application/json';
  if (call.authorization !== undefined) headers.authorization = call.authorization;
  else if (call.user !== undefined) headers.authorization = `Basic ${Buffer.from(`${call.user}:${call.password ?? ''}`).toString('base64')}`;
  const options: https.RequestOptions = { host: '127.0.0.1', port: call.port, method: call.method ?? 'POST', path: call.path ?? '/', headers, agent: false };
  if (call.tls) {
    options.ca = call.tls.ca;
    options.servername = 'localhost';
  }
  return new Promise((resolve, reject) => {
    const req = (call.tls ? https : http).request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(call.body);
  });
}

/** The one-element list the HTTP channel answers with, unwrapped. */
export function unwrap(answer: HttpAnswer): CommandResponse {
  const list = JSON.parse(answer.body) as unknown;
  if (!Array.isArray(list) || list.length !== 1) throw new Error(`expected a one-element list, got ${answer.body}`);
  return list[0] as CommandResponse;
}

/** A small dispatcher standing in for the daemon's command table. */
export const testDispatcher: CommandDispatcher = async (req, ctx) => {
  switch (req.command) {
    case 'list-commands':
      return success('3 commands available', ['echo', 'list-commands', 'throw']);
    case 'echo':
      return success('echo', { request: req, context: ctx });
    case 'throw':
      throw new Error('the handler broke');
    case 'bad-response':
      return { result: 9 } as unknown as CommandResponse;
    default:
      return unsupported(req.command);
  }
};
