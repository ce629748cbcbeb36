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
import { httpExchange, testDispatcher, unixCommand, unixExchange, unwrap } from './control-clients.js';

const SEED = Number(process.env.HOOKLINE_FUZZ_SEED ?? 20261121);
const LIMIT = 4096;
const UNIX_CASES = 2000;
const HTTP_CASES = 1500;
const RAW_TCP_CASES = 200;
const BATCH = 50;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface FuzzCase {
  payload: Buffer;
  /** unix only: destroy the connection right after writing */
  abort: boolean;
}

function generator(seed: number) {
  const rnd = prng(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const valid = ['{"command": "list-commands"}', '{"command": "echo", "arguments": {"a": [1, {"b": null}]}, "service": ["x"]}', '{ "command": "config-get", "arguments": {} }'];
  const randomBytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(256)));
  const randomJson = (depth: number): unknown => {
    switch (depth > 3 ? int(4) : int(7)) {
      case 0: return null;
      case 1: return rnd() * 1e6 - 5e5;
      case 2: return pick(['command', 'arguments', 'service', '', 'list-commands', '\u0000', '💥', '"']);
      case 3: return rnd() < 0.5;
      case 4: return Array.from({ length: int(4) }, () => randomJson(depth + 1));
      default: return Object.fromEntries(Array.from({ length: int(4) }, () => [pick(['command', 'arguments', 'service', 'extra', 'Command', '']), randomJson(depth + 1)]));
    }
  };
  const mutate = (s: string): string => {
    const chars = [...s];
    for (let k = 1 + int(4); k > 0; k--) {
      const at = int(chars.length + 1);
      const op = int(3);
      if (op === 0) chars.splice(at, 1);
      else if (op === 1) chars.splice(at, 0, pick(['{', '}', '[', ']', '"', ',', ':', '\\', ' ', 'x', '\n', '\u00e9']));
      else chars[at] = pick(['"', '{', '}', '0']);
    }
    return chars.join('');
  };
  return (): FuzzCase => {
    const kind = int(9);
    const abort = kind === 8;
    switch (kind) {
      case 0: return { payload: randomBytes(int(300)), abort };
      case 1: return { payload: Buffer.from(JSON.stringify(randomJson(0)) ?? 'null'), abort };
      case 2: return { payload: Buffer.from(mutate(pick(valid))), abort };
      case 3: { const v = pick(valid); return { payload: Buffer.from(v.slice(0, int(v.length))), abort }; }
      case 4: return { payload: Buffer.from(`{"command": "echo", "arguments": {"pad": "${'z'.repeat(LIMIT + int(4 * LIMIT))}"}}`), abort };
      case 5: return { payload: Buffer.from(`{"command": "x", "arguments": ${'['.repeat(1 + int(3000))}`), abort };
      case 6: return { payload: Buffer.concat([Buffer.from('{"command": "'), randomBytes(int(40)), Buffer.from('"}')]), abort };
      case 7: return { payload: Buffer.from(pick(valid)), abort };
      default: { const v = pick(valid); return { payload: Buffer.from(v.slice(0, int(v.length))), abort: true }; }
    }
  };
}

function assertKeaResponse(value: unknown, context: string): void {
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), `not an object: ${context}`);
  const r = value as { result: unknown; text?: unknown };
  assert.ok([0, 1, 2, 3, 4].includes(r.result as number), `bad result: ${context}`);
  if (r.result !== 0) assert.equal(typeof r.text, 'string', `no text: ${context}`);
}

async function inBatches<T>(items: T[], fn: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += BATCH) {
    await Promise.all(items.slice(i, i + BATCH).map((item, j) => fn(item, i + j)));
  }
}

test(`the unix socket answers ${UNIX_CASES} malformed, random, oversized and truncated requests and keeps serving`, async () => {
  const server = await startUnixControlServer({ path: path.join(tempDir('hl-fuzz-'), 'ctl.sock'), dispatch: testDispatcher, logger: silentLogger(), maxRequestBytes: LIMIT });
  try {
    const next = generator(SEED);
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
    const next = generator(SEED + 1);
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
