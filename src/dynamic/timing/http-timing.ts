/**
 * Request timing for Node's `http` server. Every request runs in a request
 * scope that lasts until its response closes. A request that carries the debug
 * header and either comes from loopback or presents the configured token gets
 * its timing report in a response header, and in the log when it asks for that
 * (or when the report is too large for a header). Other requests run untimed,
 * and the debug headers are removed before the handler sees them.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { logMessage } from '../../core/messages.js';
import { isThenable } from '../handler-failures.js';
import { dynamicMessages } from '../messages.js';
import type { Timing } from './timing.js';
import type { TimingContext, TimingReport } from './timing-context.js';

export interface RequestTimingOptions {
  /** The token a request from outside loopback must present as the debug header's value. None: loopback only. */
  token?: string;
  /** Loopback requests need no token, as in Kong. Default true. */
  allowLoopback?: boolean;
  /** Default `x-hookline-request-debug`. */
  debugHeader?: string;
  /** A request sending `true` here also gets its report logged. Default `x-hookline-request-debug-log`. */
  logHeader?: string;
  /** Where the report goes in the response. Default `x-hookline-request-debug-output`. */
  outputHeader?: string;
  /** Largest report put in the header for a non-loopback request; beyond it the header points to the log. Default 2048. */
  maxHeaderBytes?: number;
  /** Default: the request's `x-request-id`, else a random UUID. */
  requestId?: (req: IncomingMessage) => string;
}

/** Wraps an `http` request listener with request scopes and opt-in timing. */
export function withRequestTiming(timing: Timing, handler: RequestListener, options: RequestTimingOptions = {}): RequestListener {
  const debugHeader = (options.debugHeader ?? 'x-hookline-request-debug').toLowerCase();
  const logHeader = (options.logHeader ?? 'x-hookline-request-debug-log').toLowerCase();
  const outputHeader = options.outputHeader ?? 'x-hookline-request-debug-output';
  const maxHeaderBytes = options.maxHeaderBytes ?? 2048;
  const allowLoopback = options.allowLoopback ?? true;
  const token = options.token === undefined ? undefined : Buffer.from(options.token);
  const requestIdOf = options.requestId ?? ((req) => headerValue(req, 'x-request-id') ?? randomUUID());
  const dyn = timing.dyn;

  return function timedRequest(this: unknown, req, res) {
    void dyn.runInRequest(() => {
      const closed = new Promise<void>((resolve) => res.once('close', resolve));
      const asked = headerValue(req, debugHeader);
      if (asked === undefined) {
        handler.call(this, req, res);
        return closed;
      }
      const wantsLog = headerValue(req, logHeader) === 'true';
      delete req.headers[debugHeader];
      delete req.headers[logHeader];
      const loopback = allowLoopback && isLoopback(req.socket.remoteAddress);
      if (!(loopback || (token !== undefined && sameToken(token, asked)))) {
        logMessage(dyn.logger, dynamicMessages.DYNAMIC_TIMING_DENIED, { remoteAddress: req.socket.remoteAddress ?? 'unknown' });
        handler.call(this, req, res);
        return closed;
      }

      const ctx = timing.begin(requestIdOf(req));
      ctx.setRootProp('method', req.method);
      ctx.setRootProp('path', (req.url ?? '/').split('?')[0]);
      let logIt = wantsLog;
      // As in Kong, a trusted loopback caller gets the whole report in the header.
      reportInHeader(res, ctx, outputHeader, loopback ? Infinity : maxHeaderBytes, () => (logIt = true));
      res.once('close', () => {
        if (!logIt) return;
        ctx.setRootProp('status', res.statusCode);
        logMessage(dyn.logger, dynamicMessages.DYNAMIC_TIMING_REPORT, { requestId: ctx.requestId, report: ctx.report() });
      });

      ctx.enter('handler');
      let result: unknown;
      try {
        result = handler.call(this, req, res);
      } finally {
        // An async handler's phase ends when its promise settles; finally() keeps an unhandled rejection unhandled.
        if (isThenable(result)) void Promise.resolve(result).finally(() => ctx.leave('handler'));
        else ctx.leave('handler');
      }
      return closed;
    });
  };
}

/** Puts the report in a response header just before the headers go out (writeHead, or the implicit one of write/end). */
function reportInHeader(res: ServerResponse, ctx: TimingContext, header: string, maxBytes: number, tooLarge: () => void): void {
  const writeHead = res.writeHead;
  const reporting = function (this: ServerResponse, ...args: unknown[]) {
    // Step out of the way, unless other code (on-headers, compression) has wrapped us since.
    if (res.writeHead === reporting) Reflect.deleteProperty(res, 'writeHead');
    if (!this.headersSent) {
      ctx.setRootProp('status', typeof args[0] === 'number' ? args[0] : this.statusCode);
      let out = headerSafeJson(ctx.report());
      if (out.length > maxBytes) {
        tooLarge();
        out = headerSafeJson({
          truncated: true, requestId: ctx.requestId, message: 'the timing report is too large for a header; it is in the log (DYNAMIC_TIMING_REPORT)',
        });
      }
      this.setHeader(header, out);
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
  res.writeHead = reporting;
}

/** JSON with every non-ASCII character escaped, so any phase name is a valid header value. */
function headerSafeJson(value: TimingReport | Record<string, unknown>): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function sameToken(expected: Buffer, given: string): boolean {
  const g = Buffer.from(given);
  return g.length === expected.length && timingSafeEqual(g, expected);
}

export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}
