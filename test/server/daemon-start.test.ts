import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { prepareDir, runCli, runDaemonToExit, startDaemon, writeConfig } from '../support/daemon-process.js';

const exec = promisify(execFile);

test('with no configuration the daemon starts on the embedded default: a 0700 data directory and a 0600 socket', async () => {
  const d = await startDaemon();
  try {
    assert.equal(fs.statSync(path.join(d.dir, 'hookline-data')).mode & 0o777, 0o700);
    assert.equal(fs.statSync(d.socket).mode & 0o777, 0o600);
    const status = await d.command({ command: 'status-get' });
    assert.equal(status.result, 0);
    assert.equal((status.arguments as { pid: number }).pid, d.child.pid);
    assert.equal((status.arguments as { 'config-file': unknown })['config-file'], null);
  } finally {
    assert.equal(await d.stop(), 0);
  }
});

test('socat lists the commands over the unix socket, as with Kea', async () => {
  const d = await startDaemon();
  try {
    const { stdout } = await exec('sh', ['-c', `echo '{ "command": "list-commands" }' | socat - UNIX:${d.socket}`]);
    const response = JSON.parse(stdout);
    assert.equal(response.result, 0);
    for (const c of ['list-commands', 'version-get', 'build-report', 'status-get', 'config-get', 'config-test', 'config-set', 'config-reload', 'config-write', 'shutdown']) {
      assert.ok(response.arguments.includes(c), c);
    }
  } finally {
    await d.stop();
  }
});

test('hookline command sends any command, finds the socket from the working directory, and exits non-zero on failure', async () => {
  const d = await startDaemon();
  try {
    const ok = await runCli(['command', 'version-get'], { cwd: d.dir });
    assert.equal(ok.code, 0);
    assert.match(JSON.parse(ok.stdout).text, /^\d+\.\d+\.\d+/);
    const unsupported = await runCli(['command', 'no-such-command'], { cwd: d.dir });
    assert.equal(unsupported.code, 1);
    assert.equal(JSON.parse(unsupported.stdout).result, 2);
    const badArgs = await runCli(['command', 'config-test', '--args', '{not json'], { cwd: d.dir });
    assert.equal(badArgs.code, 2);
    assert.match(badArgs.stderr, /--args is not valid JSON/);
    const explicit = await runCli(['command', 'status-get', '--socket', d.socket]);
    assert.equal(JSON.parse(explicit.stdout).result, 0);
  } finally {
    await d.stop();
  }
});

test('hookline command explains a daemon that is not running', async () => {
  const r = await runCli(['command', 'status-get', '--socket', '/nonexistent/hookline.sock']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Is the daemon running\?/);
});

test('shutdown answers and then stops the daemon with exit code 0', async () => {
  const d = await startDaemon();
  const response = await d.command({ command: 'shutdown' });
  assert.deepEqual(response, { result: 0, text: 'Shutting down.' });
  assert.equal(await d.exited, 0);
  assert.equal(fs.existsSync(d.socket), false);
});

test('an invalid configuration file stops start-up with a non-zero exit naming the JSON path', async () => {
  const r = await runDaemonToExit({ config: { 'control-sockets': [{ 'socket-type': 'unix', 'socket-name': 'x.sock', bogus: 1 }] } });
  assert.equal(r.code, 1);
  assert.match(r.output, /Hookline\/control-sockets\/0/);
  assert.match(r.output, /bogus/);
});

test('audit-log without its mandatory path fails the start-up with AUDIT_LOG_PATH_NOT_DEFINED and HOOKS_LOAD_ERROR', async () => {
  const r = await runDaemonToExit({ config: { 'hooks-libraries': [{ library: 'audit-log' }] } });
  assert.equal(r.code, 1);
  assert.match(r.output, /AUDIT_LOG_PATH_NOT_DEFINED/);
  assert.match(r.output, /HOOKS_LOAD_ERROR 'load' function in hooks library audit-log returned error 1/);
  assert.match(r.output, /One or more hook libraries failed to load/);
});

test('a world-writable hooks directory is refused', async () => {
  const dir = prepareDir({ config: {} });
  fs.chmodSync(path.join(dir, 'hooks'), 0o777);
  const r = await runDaemonToExit({ dir, config: {} });
  assert.equal(r.code, 1);
  assert.match(r.output, /writable by every user/);
});

test('a data directory that others can write is refused', async () => {
  const dir = prepareDir({ config: {} });
  fs.mkdirSync(path.join(dir, 'hookline-data'), { mode: 0o777 });
  fs.chmodSync(path.join(dir, 'hookline-data'), 0o777);
  const r = await runDaemonToExit({ dir, config: {} });
  assert.equal(r.code, 1);
  assert.match(r.output, /writable by group or others/);
});

test('an http control socket without authentication is refused at start-up', async () => {
  const r = await runDaemonToExit({ config: { 'control-sockets': [{ 'socket-type': 'http', 'socket-port': 8123 }] } });
  assert.equal(r.code, 1);
  assert.match(r.output, /authentication/);
});

test('hookline serve -t checks a configuration, libraries included, without starting', async () => {
  const dir = prepareDir({ libraries: ['overrides.mjs'] });
  const good = writeConfig(dir, { 'hooks-libraries': [{ library: 'overrides.mjs' }, { library: 'stats-commands' }] });
  const ok = await runCli(['serve', '-t', good], { cwd: dir });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /is valid/);
  assert.equal(fs.existsSync(path.join(dir, 'hookline-data', 'hookline.sock')), false);
  const bad = writeConfig(dir, { 'hooks-libraries': [{ library: 'missing.mjs' }] });
  const r = await runCli(['serve', '-t', bad], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /missing\.mjs: HOOKS_OPEN_ERROR/);
});
