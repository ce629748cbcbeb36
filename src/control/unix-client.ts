/**
 * The client side of the Unix control socket, for the CLI and tests: one
 * request per connection, the answer read until the daemon closes. Failures
 * are ControlErrors with codes, never a hang: the whole exchange has a deadline.
 */
import net from 'node:net';
import { ControlError } from './errors.js';
import { jsonTypeName, type CommandRequest, type CommandResponse } from './protocol.js';

export interface UnixCommandOptions {
  /** Whole exchange, connect to close; default 30 000 ms. */
  timeoutMs?: number;
}

export function sendUnixCommand(socketPath: string, request: CommandRequest, options: UnixCommandOptions = {}): Promise<CommandResponse> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const sock = net.createConnection({ path: socketPath, allowHalfOpen: true });
    const fail = (err: ControlError): void => {
      if (settled) return;
      settled = true;
      sock.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new ControlError('CTRL_CLIENT_TIMEOUT', `no answer from the control socket ${socketPath} within ${timeoutMs} ms`)), timeoutMs);
    sock.on('connect', () => sock.end(JSON.stringify(request)));
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', (err: NodeJS.ErrnoException) => {
      const hint = err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? ' (is the daemon running, and is this its socket-name?)' : err.code === 'EACCES' ? ' (the socket is 0600: run as the daemon\'s user)' : '';
      fail(new ControlError('CTRL_CLIENT_CONNECT_FAILED', `cannot use the control socket ${socketPath}: ${err.message}${hint}`, { cause: err }));
    });
    sock.on('close', () => {
      clearTimeout(timer);
      if (settled) return;
      const text = Buffer.concat(chunks).toString('utf8');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        fail(new ControlError('CTRL_CLIENT_BAD_RESPONSE', `the control socket ${socketPath} answered with something that is not JSON: ${JSON.stringify(text.slice(0, 200))}`, { cause: err }));
        return;
      }
      const r = value as CommandResponse;
      if (typeof value !== 'object' || value === null || Array.isArray(value) || ![0, 1, 2, 3, 4].includes(r.result)) {
        fail(new ControlError('CTRL_CLIENT_BAD_RESPONSE', `the control socket ${socketPath} answered with ${jsonTypeName(value)} that is not a Kea response`));
        return;
      }
      settled = true;
      resolve(r);
    });
  });
}
