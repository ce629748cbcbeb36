/**
 * Request timing on a real HTTP server, the example of docs/dynamic-hooks.md.
 *
 *   node dist/examples/dynamic/http-timing.js          # serves, sends itself a timed and a plain request, prints, exits
 *   node dist/examples/dynamic/http-timing.js --serve  # keeps serving; try the curl line it prints
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../src/core/logger.js';
import { DynamicHooks, Timing, withRequestTiming } from '../../src/dynamic/index.js';

/** Stands in for a database client: its query method is the patch point. */
class Database {
  async query(sql: string): Promise<Array<{ id: number; sql: string }>> {
    await sleep(5);
    return [{ id: 1, sql }];
  }
}

const dyn = new DynamicHooks({ logger: createLogger({ name: 'http-timing-example' }) });
const timing = new Timing(dyn);
// Every Database#query on a timed request becomes a `db.query` phase; on other requests it costs one check.
timing.patch(Database.prototype, 'query', 'db.query');
const db = new Database();

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  timing.enter('auth');
  await sleep(1);
  timing.leave('auth');
  const rows = await db.query('select * from users');
  timing.enter('render');
  const body = JSON.stringify(rows);
  timing.setProp('bytes', body.length);
  timing.leave('render');
  res.setHeader('content-type', 'application/json');
  res.end(body);
}

const server = http.createServer(
  withRequestTiming(timing, handle, { token: process.env.HOOKLINE_DEBUG_TOKEN }),
);
await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
const url = `http://127.0.0.1:${port}/users`;

if (process.argv.includes('--serve')) {
  console.log(`listening on ${url}\ntry: curl -si -H 'x-hookline-request-debug: *' ${url}`);
} else {
  const timed = await fetch(url, { headers: { 'x-hookline-request-debug': '*' } });
  await timed.text();
  const report: unknown = JSON.parse(timed.headers.get('x-hookline-request-debug-output') ?? 'null');
  console.log('timed request, x-hookline-request-debug-output:');
  console.log(JSON.stringify(report, null, 2));

  const plain = await fetch(url);
  await plain.text();
  console.log(`plain request, x-hookline-request-debug-output: ${plain.headers.get('x-hookline-request-debug-output') ?? '(none)'}`);
  server.closeAllConnections();
  server.close();
}
