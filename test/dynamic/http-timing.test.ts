import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamicHooks, Timing, type TimingReport, withRequestTiming, type RequestTimingOptions } from '../../src/dynamic/index.js';
import { captureLog, type CapturedLog } from '../support/log-capture.js';

const OUTPUT = 'x-hookline-request-debug-output';

interface Reply { status: number; headers: http.IncomingHttpHeaders; body: string }

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

interface Harness {
  dyn: DynamicHooks;
  timing: Timing;
  log: CapturedLog;
  port: number;
  /** Settles once the server has closed the response of the n-th request (1-based), after the integration's own close work. */
  closed(n: number): Promise<void>;
  seen: Array<{ headers: http.IncomingHttpHeaders; inRequest: boolean }>;
  stop(): Promise<void>;
}

async function serve(handler: http.RequestListener, options: RequestTimingOptions = {}): Promise<Harness> {
  const log = captureLog();
  const dyn = new DynamicHooks({ logger: log.logger });
  const timing = new Timing(dyn);
  const seen: Harness['seen'] = [];
  const closings: Array<Promise<void>> = [];
  const waiters: Array<(p: Promise<void>) => void> = [];
  const server = http.createServer(withRequestTiming(timing, (req, res) => {
    seen.push({ headers: { ...req.headers }, inRequest: dyn.currentRequest() !== undefined });
    const done = new Promise<void>((r) => res.once('close', () => r()));
    closings.push(done);
    waiters.shift()?.(done);
    return handler(req, res);
  }, options));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    dyn, timing, log, seen,
    port: (server.address() as AddressInfo).port,
    closed: (n) => closings[n - 1] ?? new Promise<void>((r) => waiters.push((p) => void p.then(r))),
    stop: () => new Promise((r) => server.close(() => r())),
  };
}

function reportOf(reply: Reply): TimingReport {
  const raw = reply.headers[OUTPUT];
  assert.equal(typeof raw, 'string', 'the response carries the report header');
  return JSON.parse(raw as string) as TimingReport;
}

test('a loopback request with the debug header gets its phases, patched calls included, in a response header', async (t) => {
  const db = { async query(sql: string): Promise<string> { await new Promise((r) => setImmediate(r)); return sql; } };
  let timing!: Timing;
  const h = await serve(async (_req, res) => {
    timing.enter('auth');
    timing.leave('auth');
    res.end(await db.query('select 1'));
  });
  t.after(() => h.stop());
  timing = h.timing;
  const undo = timing.patch(db, 'query', 'db.query');
  t.after(undo);

  const reply = await get(h.port, '/users?page=2', { 'x-hookline-request-debug': '*', 'x-request-id': 'abc-123' });
  assert.equal(reply.body, 'select 1');
  const report = reportOf(reply);
  assert.equal(report.requestId, 'abc-123');
  assert.deepEqual(report.props, { method: 'GET', path: '/users', status: 200 });
  const handler = report.children!.handler!;
  assert.deepEqual(Object.keys(handler.children!).sort(), ['auth', 'db.query']);
  assert.equal(handler.children!['db.query']!.count, 1);
  assert.ok(handler.children!['db.query']!.ms >= 0);
  assert.equal(h.seen[0]!.headers['x-hookline-request-debug'], undefined, 'the handler does not see the debug header');
});

test('a request without the debug header runs in a request scope, untimed and without a report', async (t) => {
  const h = await serve((_req, res) => {
    h.timing.enter('ignored');
    res.end('ok');
  });
  t.after(() => h.stop());
  const reply = await get(h.port, '/');
  assert.equal(reply.body, 'ok');
  assert.equal(reply.headers[OUTPUT], undefined);
  assert.equal(h.seen[0]!.inRequest, true);
});

test('outside loopback the debug header must carry the configured token', async (t) => {
  const h = await serve((_req, res) => res.end('ok'), { token: 's3cret', allowLoopback: false });
  t.after(() => h.stop());

  const wrong = await get(h.port, '/', { 'x-hookline-request-debug': 'guess' });
  assert.equal(wrong.headers[OUTPUT], undefined);
  assert.equal(wrong.body, 'ok');
  assert.ok(h.log.has('DYNAMIC_TIMING_DENIED'));
  assert.equal(h.seen[0]!.headers['x-hookline-request-debug'], undefined, 'the token never reaches the handler');

  const right = await get(h.port, '/', { 'x-hookline-request-debug': 's3cret' });
  assert.equal(reportOf(right).count, 1);
});

test('a request asking for the log gets its full report logged when the response closes', async (t) => {
  const h = await serve((_req, res) => {
    res.writeHead(201, { 'content-type': 'text/plain' });
    res.end('made');
  });
  t.after(() => h.stop());
  const reply = await get(h.port, '/items', { 'x-hookline-request-debug': '*', 'x-hookline-request-debug-log': 'true' });
  assert.equal(reply.status, 201);
  assert.equal(reportOf(reply).props!.status, 201);
  await h.closed(1);
  const record = h.log.records.find((r) => r.msgId === 'DYNAMIC_TIMING_REPORT');
  assert.ok(record, 'the report was logged');
  assert.equal((record.report as TimingReport).props!.path, '/items');
});

test('a report too large for a header is replaced by a pointer to the log, where it is in full', async (t) => {
  const h = await serve((_req, res) => {
    for (let i = 0; i < 20; i++) {
      h.timing.enter(`phase-${i}`);
      h.timing.leave(`phase-${i}`);
    }
    res.end('ok');
  }, { token: 't', allowLoopback: false, maxHeaderBytes: 200 });
  t.after(() => h.stop());
  const reply = await get(h.port, '/', { 'x-hookline-request-debug': 't' });
  const header = JSON.parse(reply.headers[OUTPUT] as string) as { truncated?: boolean; requestId?: string };
  assert.equal(header.truncated, true);
  await h.closed(1);
  const record = h.log.records.find((r) => r.msgId === 'DYNAMIC_TIMING_REPORT');
  assert.equal((record?.report as TimingReport).requestId, header.requestId);
  assert.equal(Object.keys((record?.report as TimingReport).children!.handler!.children!).length, 20);
});

test('middleware that wraps res.writeHead after the integration keeps its wrapper and the report still goes out', async (t) => {
  const h = await serve((_req, res) => {
    const inner = res.writeHead;
    const onHeaders = function (this: http.ServerResponse, ...args: unknown[]) {
      this.setHeader('x-on-headers', 'ran');
      return (inner as (...a: unknown[]) => http.ServerResponse).apply(this, args);
    } as http.ServerResponse['writeHead'];
    res.writeHead = onHeaders;
    res.end('ok');
    assert.equal(res.writeHead, onHeaders);
  });
  t.after(() => h.stop());
  const reply = await get(h.port, '/', { 'x-hookline-request-debug': '*' });
  assert.equal(reply.headers['x-on-headers'], 'ran');
  assert.equal(reportOf(reply).count, 1);
});
