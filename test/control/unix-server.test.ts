import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { silentLogger } from '../../src/core/logger.js';
import { ControlError } from '../../src/control/errors.js';
import { controlMessages as M } from '../../src/control/messages.js';
import { startUnixControlServer, type UnixControlServerOptions } from '../../src/control/unix-server.js';
import { captureLog } from '../support/log-capture.js';
import { tempDir } from '../support/paths.js';
import { testDispatcher, unixCommand, unixExchange } from '../support/control-clients.js';

const run = promisify(execFile);

function socketIn(dir = tempDir('hl-ux-')): string {
  return path.join(dir, 'ctl.sock');
}

async function start(overrides: Partial<UnixControlServerOptions> = {}) {
  return startUnixControlServer({ path: socketIn(), dispatch: testDispatcher, logger: silentLogger(), ...overrides });
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ControlError, `expected a ControlError, got ${String(err)}`);
    return err.code;
  }
  assert.fail('expected the server to refuse to start');
}

test('socat piping a command through the socket gets the answer, as in the Kea guide', async () => {
  const server = await start();
  try {
    const { stdout } = await run('sh', ['-c', `echo '{ "command": "list-commands" }' | socat - UNIX:${server.path}`]);
    assert.deepEqual(JSON.parse(stdout), { result: 0, text: '3 commands available', arguments: ['echo', 'list-commands', 'throw'] });
  } finally {
    await server.close();
  }
});

test('the socket file is mode 0600 and removed on close', async () => {
  const log = captureLog();
  const server = await start({ logger: log.logger });
  assert.equal(fs.statSync(server.path).mode & 0o777, 0o600);
  assert.ok(fs.statSync(server.path).isSocket());
  await server.close();
  assert.equal(fs.existsSync(server.path), false);
  assert.deepEqual(log.ids(), [M.CTRL_UNIX_LISTENING.id, M.CTRL_UNIX_CLOSED.id]);
});

test('a client that does not half-close is answered once its JSON is complete', async () => {
  const server = await start();
  try {
    const resp = await unixCommand(server.path, { command: 'echo', arguments: { n: 1 }, service: ['hookline'] });
    assert.deepEqual(resp.arguments, { request: { command: 'echo', arguments: { n: 1 }, service: ['hookline'] }, context: { transport: 'unix' } });
  } finally {
    await server.close();
  }
});

test('a request sent byte by byte is assembled before it is answered', async () => {
  const server = await start();
  try {
    const answer = await new Promise<string>((resolve) => {
      const sock = net.createConnection({ path: server.path });
      let out = '';
      sock.on('data', (c) => (out += String(c)));
      sock.on('close', () => resolve(out));
      const bytes = Buffer.from('{"command": "echo", "arguments": {"s": "}{"}}');
      let i = 0;
      const next = (): void => {
        if (i < bytes.length) sock.write(bytes.subarray(i, ++i), next);
      };
      next();
    });
    assert.equal(JSON.parse(answer).arguments.request.arguments.s, '}{');
  } finally {
    await server.close();
  }
});

test('an unknown command is answered with result 2 and a throwing handler with result 1', async () => {
  const server = await start();
  try {
    assert.deepEqual(await unixCommand(server.path, { command: 'nope' }), { result: 2, text: "'nope' command not supported." });
    assert.deepEqual(await unixCommand(server.path, { command: 'throw' }), { result: 1, text: "command 'throw' failed: the handler broke" });
    assert.equal((await unixCommand(server.path, { command: 'bad-response' })).result, 1);
  } finally {
    await server.close();
  }
});

test('malformed requests get result 1 with the reason and the connection is closed', async () => {
  const server = await start();
  try {
    const extra = await unixExchange(server.path, '{"command": "x", "colour": "red"}', { halfClose: false });
    assert.equal(JSON.parse(extra.text).result, 1);
    assert.match(JSON.parse(extra.text).text, /unexpected top-level key "colour"/);
    const garbage = await unixExchange(server.path, 'hello', { halfClose: false });
    assert.deepEqual(JSON.parse(garbage.text), { result: 1, text: 'request must be a JSON object: found "h" at position 0 where "{" was expected' });
    const truncated = await unixExchange(server.path, '{"command": "x"');
    assert.match(JSON.parse(truncated.text).text, /^malformed JSON at line 1/);
    assert.equal(truncated.ended, 'closed');
  } finally {
    await server.close();
  }
});

test('an oversized request is refused with result 1 and the server keeps serving', async () => {
  const log = captureLog();
  const server = await start({ maxRequestBytes: 1024, logger: log.logger });
  try {
    const big = `{"command": "echo", "arguments": {"pad": "${'x'.repeat(200_000)}"}}`;
    const answer = await unixExchange(server.path, big);
    assert.deepEqual(JSON.parse(answer.text), { result: 1, text: 'request exceeds the limit of 1024 bytes' });
    assert.ok(log.has(M.CTRL_REQUEST_TOO_LARGE.id));
    assert.equal((await unixCommand(server.path, { command: 'list-commands' })).result, 0);
  } finally {
    await server.close();
  }
});

test('a client that sends an incomplete request and waits is answered with a timeout and closed', async () => {
  const log = captureLog();
  const server = await start({ readTimeoutMs: 200, logger: log.logger });
  try {
    const answer = await unixExchange(server.path, '{"command": ', { halfClose: false });
    assert.deepEqual(JSON.parse(answer.text), { result: 1, text: 'timed out after 200 ms waiting for a complete JSON request' });
    assert.ok(log.has(M.CTRL_READ_TIMEOUT.id));
  } finally {
    await server.close();
  }
});

test('the server refuses a socket directory that group members can write or others can enter', async () => {
  for (const mode of [0o770, 0o755, 0o751, 0o701]) {
    const dir = tempDir('hl-ux-');
    fs.chmodSync(dir, mode);
    assert.equal(await refusal(start({ path: socketIn(dir) })), 'CTRL_SOCKET_DIR_INSECURE', `mode ${mode.toString(8)}`);
  }
  const strict = tempDir('hl-ux-');
  fs.chmodSync(strict, 0o750);
  const server = await start({ path: socketIn(strict) });
  await server.close();
});

test('the server refuses a missing directory, an over-long path and a path that is not a socket', async () => {
  assert.equal(await refusal(start({ path: path.join(tempDir('hl-ux-'), 'nope', 'ctl.sock') })), 'CTRL_SOCKET_DIR_MISSING');
  assert.equal(await refusal(start({ path: path.join(tempDir('hl-ux-'), 'x'.repeat(120)) })), 'CTRL_SOCKET_PATH_TOO_LONG');
  const file = socketIn();
  fs.writeFileSync(file, 'precious');
  assert.equal(await refusal(start({ path: file })), 'CTRL_SOCKET_PATH_NOT_SOCKET');
  assert.equal(fs.readFileSync(file, 'utf8'), 'precious');
  const link = socketIn();
  fs.symlinkSync(file, link);
  assert.equal(await refusal(start({ path: link })), 'CTRL_SOCKET_PATH_NOT_SOCKET');
});

test('a stale socket is removed and a live one is left alone', async () => {
  const dir = tempDir('hl-ux-');
  const stale = path.join(dir, 'stale.sock');
  // a listener killed with SIGKILL leaves its socket file behind, as a crashed daemon would
  const holder = spawn('socat', [`UNIX-LISTEN:${stale}`, '-'], { stdio: 'ignore' });
  for (let i = 0; i < 500 && !fs.existsSync(stale); i++) await new Promise((r) => setTimeout(r, 10));
  const exited = new Promise((r) => holder.once('exit', r));
  holder.kill('SIGKILL');
  await exited;
  assert.ok(fs.statSync(stale).isSocket());
  const log = captureLog();
  const server = await start({ path: stale, logger: log.logger });
  assert.ok(log.has(M.CTRL_STALE_SOCKET_REMOVED.id));
  assert.equal((await unixCommand(server.path, { command: 'list-commands' })).result, 0);

  assert.equal(await refusal(start({ path: stale })), 'CTRL_SOCKET_IN_USE');
  assert.equal((await unixCommand(server.path, { command: 'list-commands' })).result, 0);
  await server.close();
});
