/**
 * Thousands of malformed, random, oversized and truncated requests over both
 * transports: every one gets a well-formed answer (or, for a connection the
 * client aborts, a clean close), and the servers answer a valid command after.
 * The generator is seeded, so a failure names a reproducible case.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { silentLogger } from '../../src/core/logger.js';
import { startHttpControlServer } from '../../src/control/http-server.js';
import { startUnixControlServer } from '../../src/control/unix-server.js';
import { tempDir } from '../support/paths.js';
import { httpExchange, testDispatcher, unixCommand, unixExchange, unwrap } from '../support/control-clients.js';
import { assertKeaResponse, inBatches, prng, requestGenerator } from '../support/fuzz-requests.js';

const SEED = Number(process.env.HOOKLINE_FUZZ_SEED ?? 20261121);
const LIMIT = 4096;
const UNIX_CASES = 2000;
const HTTP_CASES = 1500;
const RAW_TCP_CASES = 200;

test(`the unix socket answers ${UNIX_CASES} malformed, random, oversized and truncated requests and keeps serving`, async () => {
  const server = await startUnixControlServer({ path: path.join(tempDir('hl-fuzz-'), 'ctl.sock'), dispatch: testDispatcher, logger: silentLogger(), maxRequestBytes: LIMIT });
  try {
    const next = requestGenerator(SEED, LIMIT);
    const cases = Array.from({ length: UNIX_CASES }, next);
    let answered = 0;
    await inBatches(cases, async (c, i) => {
      const a = await unixExchange(server.path, c.payload, { abortAfterWrite: c.abort, halfClose: !c.abort });
      const context = `seed ${SEED} case ${i}: ${c.payload.subarray(0, 80).toString('latin1')}`;
      if (c.abort) return; // the server must merely survive; the follow-up command proves it
      assert.equal(a.ended, 'closed', context);
      assertKeaResponse(JSON.parse(a.text), context);
      answered++;
    });
    assert.ok(answered > UNIX_CASES / 2);
    assert.equal((await unixCommand(server.path, { command: 'list-commands' })).result, 0);
  } finally {
    await server.close();
  }
});

test(`the http channel answers ${HTTP_CASES} malformed bodies and ${RAW_TCP_CASES} garbage connections and keeps serving`, async () => {
  const server = await startHttpControlServer({ port: 0, auth: { clients: [{ user: 'u', password: 'p' }] }, dispatch: testDispatcher, logger: silentLogger(), maxRequestBytes: LIMIT });
  try {
    const next = requestGenerator(SEED + 1, LIMIT);
    const cases = Array.from({ length: HTTP_CASES }, next);
    await inBatches(cases, async (c, i) => {
      const a = await httpExchange({ port: server.port, user: 'u', password: i % 10 === 0 ? 'wrong' : 'p', body: c.payload });
      const context = `seed ${SEED + 1} case ${i}: status ${a.status} ${a.body.slice(0, 120)}`;
      assert.ok([200, 403, 413].includes(a.status), context);
      assertKeaResponse(unwrap(a), context);
    });

    const rnd = prng(SEED + 2);
    const garbage = Array.from({ length: RAW_TCP_CASES }, (_, i) => {
      const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256)));
      return i % 2 === 0 ? bytes : Buffer.concat([Buffer.from('POST / HTTP/1.1\r\nContent-Length: 9999999999999999999\r\n'), bytes, Buffer.from('\r\n\r\n')]);
    });
    await inBatches(garbage, async (payload, i) => {
      const text = await new Promise<string>((resolve) => {
        const sock = net.createConnection({ host: '127.0.0.1', port: server.port });
        let out = '';
        sock.on('data', (d) => (out += d.toString('latin1')));
        sock.on('error', () => {});
        sock.on('close', () => resolve(out));
        sock.end(payload);
      });
      const context = `garbage case ${i}: ${text.slice(0, 120)}`;
      if (text === '') return; // a clean close for a request that never became HTTP
      assert.match(text, /^HTTP\/1\.1 4\d\d /, context);
      const body = text.slice(text.indexOf('\r\n\r\n') + 4);
      const list = JSON.parse(body) as unknown[];
      assert.equal(list.length, 1, context);
      assertKeaResponse(list[0], context);
    });

    assert.equal(unwrap(await httpExchange({ port: server.port, user: 'u', password: 'p', body: '{"command": "list-commands"}' })).result, 0);
  } finally {
    await server.close();
  }
});
