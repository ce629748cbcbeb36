/**
 * The real daemon process under a flood of malformed, random, oversized and
 * truncated requests on its unix and HTTP sockets, and under valid but hostile
 * commands: every request that is not aborted gets a well-formed Kea answer,
 * and afterwards the same process (same pid) still answers. The generator is
 * seeded (HOOKLINE_FUZZ_SEED), so a failure names a reproducible case.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_MAX_REQUEST_BYTES, type CommandResponse } from '../../src/control/index.js';
import { httpExchange, unixCommand, unixExchange, unwrap } from '../support/control-clients.js';
import { freePort, startDaemon, type DaemonProcess } from '../support/daemon-process.js';
import { assertKeaResponse, inBatches, prng, requestGenerator } from '../support/fuzz-requests.js';
import { tempDir } from '../support/paths.js';

const SEED = Number(process.env.HOOKLINE_FUZZ_SEED ?? 20261121);
/** The daemon's request size limit, so the generator's oversized cases really exceed it. */
const LIMIT = DEFAULT_MAX_REQUEST_BYTES;
const UNIX_CASES = 2000;
const HTTP_CASES = 1000;
const RAW_TCP_CASES = 200;
const RANDOM_COMMANDS = 1000;
const admin = { user: 'admin', password: 'fuzz-pw' };

async function startWithHttp(): Promise<{ d: DaemonProcess; port: number; pid: number }> {
  const port = await freePort();
  const d = await startDaemon({ config: { 'control-sockets': [
    { 'socket-type': 'unix' },
    { 'socket-type': 'http', 'socket-port': port, authentication: { type: 'basic', clients: [admin] } },
  ] } });
  return { d, port, pid: d.child.pid! };
}

/** The daemon answers status-get on every socket from the same process it started as. */
async function assertSameProcessAnswers(d: DaemonProcess, pid: number, port?: number): Promise<void> {
  assert.equal(d.child.exitCode, null, `the daemon exited:\n${d.output().slice(-2000)}`);
  const unix = await unixCommand(d.socket, { command: 'status-get' });
  assert.equal(unix.result, 0);
  assert.equal((unix.arguments as { pid: number }).pid, pid);
  if (port !== undefined) {
    const http = unwrap(await httpExchange({ port, ...admin, body: '{"command": "status-get"}' }));
    assert.equal((http.arguments as { pid: number }).pid, pid);
  }
}

test(`the daemon answers ${UNIX_CASES} malformed, random, oversized and truncated unix requests and is the same process afterwards`, async () => {
  const d = await startDaemon({ config: {} });
  const pid = d.child.pid!;
  try {
    const next = requestGenerator(SEED, LIMIT);
    const cases = Array.from({ length: UNIX_CASES }, next);
    let answered = 0;
    await inBatches(cases, async (c, i) => {
      const a = await unixExchange(d.socket, c.payload, { abortAfterWrite: c.abort, halfClose: !c.abort });
      if (c.abort) return; // the daemon must merely survive; the status-get below proves it
      const context = `seed ${SEED} case ${i}: ${c.payload.subarray(0, 80).toString('latin1')} -> ${a.ended} ${a.text.slice(0, 120)}`;
      assert.equal(a.ended, 'closed', context);
      assertKeaResponse(JSON.parse(a.text), context);
      answered++;
    }, 25);
    assert.ok(answered > UNIX_CASES / 2, `only ${answered} answered`);
    await assertSameProcessAnswers(d, pid);
  } finally {
    assert.equal(await d.stop(), 0);
  }
});

test(`the daemon answers ${HTTP_CASES} malformed http bodies and ${RAW_TCP_CASES} garbage connections and is the same process afterwards`, async () => {
  const { d, port, pid } = await startWithHttp();
  try {
    const next = requestGenerator(SEED + 1, LIMIT);
    const cases = Array.from({ length: HTTP_CASES }, next);
    await inBatches(cases, async (c, i) => {
      const a = await httpExchange({ port, user: admin.user, password: i % 10 === 0 ? 'wrong' : admin.password, body: c.payload });
      const context = `seed ${SEED + 1} case ${i}: status ${a.status} ${a.body.slice(0, 120)}`;
      assert.ok([200, 403, 413].includes(a.status), context);
      assertKeaResponse(unwrap(a), context);
    }, 25);

    const rnd = prng(SEED + 2);
    const garbage = Array.from({ length: RAW_TCP_CASES }, (_, i) => {
      const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256)));
      if (i % 3 === 0) return bytes;
      if (i % 3 === 1) return Buffer.concat([Buffer.from('POST / HTTP/1.1\r\nContent-Length: 9999999999999999999\r\n'), bytes, Buffer.from('\r\n\r\n')]);
      return Buffer.concat([Buffer.from(`POST / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${Buffer.from(`${admin.user}:${admin.password}`).toString('base64')}\r\nContent-Type: application/json\r\nContent-Length: ${bytes.length}\r\n\r\n`), bytes]);
    });
    await inBatches(garbage, async (payload, i) => {
      const text = await rawTcp(port, payload);
      const context = `garbage case ${i}: ${text.slice(0, 160)}`;
      if (text === '') return; // a clean close for bytes that never became an HTTP request
      assert.match(text, /^HTTP\/1\.1 [24]\d\d /, context);
      const list = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as unknown[];
      assert.equal(list.length, 1, context);
      assertKeaResponse(list[0], context);
    });
    await assertSameProcessAnswers(d, pid, port);
  } finally {
    assert.equal(await d.stop(), 0);
  }
});

/** Writes raw bytes to the TCP port, half-closes, and returns everything sent back. */
function rawTcp(port: number, payload: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.createConnection({ host: '127.0.0.1', port });
    let out = '';
    sock.on('data', (d) => (out += d.toString('latin1')));
    sock.on('error', () => {});
    sock.on('close', () => resolve(out));
    sock.end(payload);
  });
}

test('connections that stall get a timeout answer at the read deadline while other requests are served meanwhile', async () => {
  const { d, port, pid } = await startWithHttp();
  try {
    const credentials = `Authorization: Basic ${Buffer.from(`${admin.user}:${admin.password}`).toString('base64')}\r\n`;
    const stalledHttp = ['', 'POST / HTTP/1.1\r\nHost: x\r\n', `POST / HTTP/1.1\r\nHost: x\r\n${credentials}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"command"`];
    const stalls = [
      ...Array.from({ length: 15 }, (_, i) => unixExchange(d.socket, ['', '{"command": "status-get"', '{"command": "x", "arguments": {"a": "'][i % 3]!, { halfClose: false }).then((a) => ({ via: 'unix', text: a.text }))),
      ...Array.from({ length: 15 }, (_, i) => stalledTcp(port, stalledHttp[i % 3]!).then((text) => ({ via: 'http', text }))),
    ];
    const served = Array.from({ length: 200 }, (_, i) => i);
    await inBatches(served, async (i) => {
      const r = i % 2 === 0 ? await unixCommand(d.socket, { command: 'version-get' }) : unwrap(await httpExchange({ port, ...admin, body: '{"command": "version-get"}' }));
      assert.equal(r.result, 0);
    }, 20);
    for (const { via, text } of await Promise.all(stalls)) {
      if (via === 'unix') {
        const r = JSON.parse(text) as CommandResponse;
        assert.equal(r.result, 1, text);
        assert.match(r.text ?? '', /timed out after \d+ ms waiting for a complete JSON request/);
      } else {
        assert.match(text, /^HTTP\/1\.1 408 /, text);
        const list = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as unknown[];
        assert.equal(list.length, 1, text);
        assertKeaResponse(list[0], text);
      }
    }
    await assertSameProcessAnswers(d, pid, port);
  } finally {
    assert.equal(await d.stop(), 0);
  }
});

/** Writes bytes to the TCP port and then neither writes nor closes: the daemon must give up on its own. */
function stalledTcp(port: number, payload: string): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.createConnection({ host: '127.0.0.1', port });
    let out = '';
    sock.on('data', (d) => (out += d.toString('latin1')));
    sock.on('error', () => {});
    sock.on('close', () => resolve(out));
    if (payload !== '') sock.write(payload);
  });
}

test(`${RANDOM_COMMANDS} well-formed requests with random command names and arguments get Kea answers, and unknown names result 2`, async () => {
  const { d, port, pid } = await startWithHttp();
  try {
    const listed = (await unixCommand(d.socket, { command: 'list-commands' })).arguments as string[];
    // commands that change or stop the daemon are exercised on purpose in the tests below
    const harmless = listed.filter((c) => !['shutdown', 'config-set', 'config-reload', 'config-write'].includes(c));
    const rnd = prng(SEED + 3);
    const int = (n: number): number => Math.floor(rnd() * n);
    const value = (depth: number): unknown => {
      switch (depth > 2 ? int(4) : int(6)) {
        case 0: return null;
        case 1: return int(3) === 0 ? 'x'.repeat(int(5000)) : rnd() * 1e9;
        case 2: return rnd() < 0.5;
        case 3: return String.fromCharCode(...Array.from({ length: int(12) }, () => int(0x2fff)));
        case 4: return Array.from({ length: int(5) }, () => value(depth + 1));
        default: return Object.fromEntries(Array.from({ length: int(5) }, (_, k) => [['name', 'filename', 'Hookline', 'type', 'x'][k]!, value(depth + 1)]));
      }
    };
    const requests = Array.from({ length: RANDOM_COMMANDS }, () => {
      const command = int(2) === 0 ? harmless[int(harmless.length)]! : String.fromCharCode(...Array.from({ length: 1 + int(20) }, () => 0x20 + int(0x5e)));
      return { command, arguments: value(0) as Record<string, unknown> };
    });
    await inBatches(requests, async (request, i) => {
      const body = JSON.stringify(typeof request.arguments === 'object' && request.arguments !== null && !Array.isArray(request.arguments) ? request : { command: request.command });
      const r: CommandResponse = i % 2 === 0 ? await unixCommand(d.socket, JSON.parse(body)) : unwrap(await httpExchange({ port, ...admin, body }));
      const context = `seed ${SEED + 3} case ${i}: ${body.slice(0, 120)} -> ${JSON.stringify(r).slice(0, 160)}`;
      assertKeaResponse(r, context);
      if (!listed.includes(request.command)) assert.deepEqual(r, { result: 2, text: `'${request.command}' command not supported.` }, context);
    });
    await assertSameProcessAnswers(d, pid, port);
  } finally {
    assert.equal(await d.stop(), 0);
  }
});

test('command names inherited from Object.prototype are unsupported commands, not internal failures', async () => {
  const { d, port, pid } = await startWithHttp();
  try {
    for (const command of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
      const viaUnix = await unixCommand(d.socket, { command });
      assert.deepEqual(viaUnix, { result: 2, text: `'${command}' command not supported.` }, `unix ${command}: ${viaUnix.text}`);
      const viaHttp = unwrap(await httpExchange({ port, ...admin, body: JSON.stringify({ command }) }));
      assert.deepEqual(viaHttp, { result: 2, text: `'${command}' command not supported.` }, `http ${command}: ${viaHttp.text}`);
    }
    await assertSameProcessAnswers(d, pid, port);
  } finally {
    await d.stop();
  }
});

const nest = (depth: number, open: string, inner: string, close: string): string => open.repeat(depth) + inner + close.repeat(depth);

test('config-set and config-test with absurd arguments answer result 1 and leave the running configuration untouched', async () => {
  const d = await startDaemon({ config: { 'hooks-libraries': [{ library: 'stats-commands' }] } });
  const pid = d.child.pid!;
  try {
    const hashOf = async (): Promise<string> => ((await d.command({ command: 'config-get' })).arguments as { hash: string }).hash;
    const before = await hashOf();
    const unixSock = { 'socket-type': 'unix' };
    const doc = (hookline: unknown): string => JSON.stringify({ Hookline: hookline });
    const cases: Array<[string, string, RegExp]> = [
      ['no document', '{}', /must be a whole configuration/],
      ['a number', doc(5), /rejected.*Hookline/],
      ['null', doc(null), /Hookline/],
      ['an array', doc([]), /Hookline/],
      ['a string', doc('x'), /Hookline/],
      ['an extra top-level key', '{"Hookline": {}, "extra": 1}', /unknown key "extra"/],
      ['a __proto__ key', '{"Hookline": {"__proto__": {"hooks-path": "/"}}}', /unknown key "__proto__"/],
      ['sockets of the wrong types', doc({ 'control-sockets': [5, null, 'x', [], {}] }), /Hookline\/control-sockets\/0/],
      ['a number beyond every range', doc({ 'hook-execution': { concurrency: 1e308 } }), /Hookline\/hook-execution\/concurrency/],
      ['a negative number', doc({ 'hook-execution': { 'output-limit': -1 } }), /Hookline\/hook-execution\/output-limit/],
      ['a socket path longer than a unix socket allows', doc({ 'control-sockets': [unixSock, { 'socket-type': 'unix', 'socket-name': 'x'.repeat(200) }] }), /Hookline\/control-sockets\/1\/socket-name/],
      ['library parameters nested 100 000 deep', `{"Hookline": {"hooks-libraries": [{"library": "stats-commands", "parameters": ${nest(100_000, '{"a":', '1', '}')}}]}}`, /nested too deeply/],
      ['a configuration nested 100 000 deep', `{"Hookline": ${nest(100_000, '{"a":', '1', '}')}}`, /unknown key "a"/],
      ['loggers nested 300 000 arrays deep', `{"Hookline": {"loggers": ${nest(300_000, '[', '', ']')}}}`, /Hookline\/loggers\/0/],
      ['10 000 libraries that do not exist', doc({ 'hooks-libraries': Array.from({ length: 10_000 }, (_, i) => ({ library: `nope-${i}.mjs` })) }), /nope-9999\.mjs/],
      ['20 000 copies of one unix socket', doc({ 'control-sockets': Array.from({ length: 20_000 }, () => unixSock) }), /Hookline\/control-sockets\/19999: duplicates control socket 0/],
      ['a library name of 900 000 bytes', doc({ 'hooks-libraries': [{ library: 'y'.repeat(900_000) }] }), /library/],
      ['a document over the size limit', doc({ 'hooks-libraries': [{ library: 'stats-commands', parameters: { pad: 'z'.repeat(LIMIT) } }] }), /exceeds the limit/],
    ];
    for (const [what, args, expected] of cases) {
      for (const command of ['config-test', 'config-set']) {
        const a = await unixExchange(d.socket, `{"command": "${command}", "arguments": ${args}}`, { halfClose: false });
        assert.equal(a.ended, 'closed', `${command} with ${what}`);
        const r = JSON.parse(a.text) as CommandResponse;
        assertKeaResponse(r, `${command} with ${what}`);
        assert.equal(r.result, 1, `${command} with ${what}: ${a.text.slice(0, 200)}`);
        assert.match(r.text ?? '', expected, `${command} with ${what}: ${(r.text ?? '').slice(0, 200)}`);
      }
    }
    for (const args of ['[]', '"Hookline"', 'null', '[{"Hookline": {}}]']) {
      const r = await unixCommand(d.socket, JSON.parse(`{"command": "config-set", "arguments": ${args}}`));
      assert.equal(r.result, 1, args);
      assert.match(r.text ?? '', /"arguments" must be a JSON object/);
    }
    assert.equal(await hashOf(), before);
    assert.deepEqual(((await d.command({ command: 'status-get' })).arguments as { 'hooks-libraries': string[] })['hooks-libraries'], ['stats-commands']);
    await assertSameProcessAnswers(d, pid);
  } finally {
    assert.equal(await d.stop(), 0);
  }
});

test('config-set with a Hookline that is not an object says that an object was expected there', async () => {
  const d = await startDaemon({ config: {} });
  try {
    for (const value of [5, null, [], 'x']) {
      const r = await d.command({ command: 'config-set', arguments: { Hookline: value } as Record<string, unknown> });
      assert.equal(r.result, 1);
      assert.match(r.text ?? '', /Hookline: expected .*object/, r.text);
      assert.doesNotMatch(r.text ?? '', /expected must be/, r.text);
    }
  } finally {
    await d.stop();
  }
});

test("config-write refuses path tricks and never writes outside the configuration directory, even through a planted symlink", async () => {
  const d = await startDaemon({ config: {} });
  const pid = d.child.pid!;
  const outside = tempDir('hl-outside-');
  try {
    const write = (filename: unknown): Promise<CommandResponse> => unixCommand(d.socket, { command: 'config-write', arguments: { filename } });
    const confined = /only writes into the configuration directory/;
    const refusals: Array<[unknown, RegExp]> = [
      ['../escape.json', confined],
      [path.join(outside, 'absolute.json'), confined],
      ['sub/dir.json', confined],
      ['hookline-data/hookline.json', confined],
      [`../${path.basename(d.dir)}/../escape.json`, confined],
      ['', confined],
      ['.', confined],
      ['..', confined],
      ['hooks', /unable to write configuration/],
      ['with\u0000nul.json', /unable to write configuration/],
      ['n'.repeat(300), /unable to write configuration/],
      [5, /"filename" must be a string/],
      [null, /"filename" must be a string/],
      [['a.json'], /"filename" must be a string/],
      [{ path: 'a.json' }, /"filename" must be a string/],
    ];
    for (const [filename, expected] of refusals) {
      const r = await write(filename);
      assert.equal(r.result, 1, `${JSON.stringify(filename).slice(0, 60)}: ${r.text}`);
      assert.match(r.text ?? '', expected, JSON.stringify(filename).slice(0, 60));
    }
    assert.equal(fs.existsSync(path.join(path.dirname(d.dir), 'escape.json')), false);

    // a symlink named as the target is replaced, not followed
    fs.symlinkSync(path.join(outside, 'linked.json'), path.join(d.dir, 'link.json'));
    const viaLink = await write('link.json');
    assert.equal(viaLink.result, 0, viaLink.text);
    assert.equal(fs.lstatSync(path.join(d.dir, 'link.json')).isFile(), true);

    // nor is one planted where the daemon stages its write
    fs.symlinkSync(path.join(outside, 'planted.json'), path.join(d.dir, `saved.json.tmp-${pid}`));
    const r = await write('saved.json');
    assert.ok(r.result === 0 || r.result === 1, r.text);
    assert.deepEqual(fs.readdirSync(outside), [], 'config-write wrote outside the configuration directory');
    await assertSameProcessAnswers(d, pid);
  } finally {
    await d.stop();
  }
});

test('a config-write that fails leaves no staging file behind', async () => {
  const d = await startDaemon({ config: {} });
  try {
    const r = await unixCommand(d.socket, { command: 'config-write', arguments: { filename: 'hooks' } });
    assert.equal(r.result, 1);
    assert.deepEqual(fs.readdirSync(d.dir).filter((f) => f.endsWith('.tmp') || f.includes('.tmp-')), []);
  } finally {
    await d.stop();
  }
});

test('shutdown refuses malformed requests, ignores absurd arguments, and still stops the daemon cleanly', async () => {
  const { d, port, pid } = await startWithHttp();
  try {
    for (const body of ['{"command": "shutdown", "arguments": []}', '{"command": "shutdown", "arguments": "now"}', '{"command": "shutdown", "service": [5]}', '{"command": "shutdown", "exit-value": 3}', '{"command": "shutdown"', '{"command": "Shutdown"}']) {
      const a = await unixExchange(d.socket, body);
      const r = JSON.parse(a.text) as CommandResponse;
      assert.ok(r.result === 1 || r.result === 2, `${body}: ${a.text}`);
      const h = await httpExchange({ port, ...admin, body });
      assert.ok([1, 2].includes(unwrap(h).result), `${body} over http: ${h.body}`);
    }
    assert.equal((await httpExchange({ port, user: admin.user, password: 'wrong', body: '{"command": "shutdown"}' })).status, 403);
    await assertSameProcessAnswers(d, pid, port);

    const absurd = `{"command": "shutdown", "arguments": {"exit-value": "x", "type": ${nest(50_000, '[', '', ']')}, "pad": "${'p'.repeat(200_000)}"}}`;
    const h = await httpExchange({ port, ...admin, body: absurd });
    assert.equal(h.status, 200);
    assert.deepEqual(unwrap(h), { result: 0, text: 'Shutting down.' });
    assert.equal(await d.exited, 0);
    assert.equal(fs.existsSync(d.socket), false);
  } finally {
    await d.stop();
  }
});
