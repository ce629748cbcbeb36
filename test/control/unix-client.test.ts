import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { silentLogger } from '../../src/core/logger.js';
import { sendUnixCommand } from '../../src/control/unix-client.js';
import { startUnixControlServer } from '../../src/control/unix-server.js';
import { tempDir } from '../support/paths.js';
import { testDispatcher } from '../support/control-clients.js';

test('the client sends one command and returns the daemon\'s response', async () => {
  const server = await startUnixControlServer({ path: path.join(tempDir('hl-cl-'), 'ctl.sock'), dispatch: testDispatcher, logger: silentLogger() });
  try {
    assert.deepEqual(await sendUnixCommand(server.path, { command: 'nope' }), { result: 2, text: "'nope' command not supported." });
    const echo = await sendUnixCommand(server.path, { command: 'echo', arguments: { x: 1 } });
    assert.deepEqual((echo.arguments as { request: unknown }).request, { command: 'echo', arguments: { x: 1 } });
  } finally {
    await server.close();
  }
});

test('a missing socket is a connect failure that suggests the daemon is not running', async () => {
  await assert.rejects(sendUnixCommand(path.join(tempDir('hl-cl-'), 'none.sock'), { command: 'list-commands' }), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'CTRL_CLIENT_CONNECT_FAILED');
    assert.match(err.message, /is the daemon running/);
    return true;
  });
});

test('a peer that answers garbage or nothing in time is reported, not waited on forever', async () => {
  const dir = tempDir('hl-cl-');
  const garbage = net.createServer({ allowHalfOpen: true }, (s) => s.resume().on('end', () => s.end('not json')));
  const silent = net.createServer({ allowHalfOpen: true }, () => {});
  await new Promise<void>((r) => garbage.listen(path.join(dir, 'g.sock'), r));
  await new Promise<void>((r) => silent.listen(path.join(dir, 's.sock'), r));
  try {
    await assert.rejects(sendUnixCommand(path.join(dir, 'g.sock'), { command: 'x' }), { code: 'CTRL_CLIENT_BAD_RESPONSE' });
    await assert.rejects(sendUnixCommand(path.join(dir, 's.sock'), { command: 'x' }, { timeoutMs: 100 }), { code: 'CTRL_CLIENT_TIMEOUT' });
  } finally {
    silent.close();
    garbage.close();
    for (const c of [garbage, silent]) c.unref();
  }
});
