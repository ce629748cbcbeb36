import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { ConfigError, validateConfigDocument, type HttpControlSocketConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { startHttpControlServer } from '../../src/control/http-server.js';
import { success } from '../../src/control/protocol.js';
import { tempDir } from '../support/paths.js';

const run = promisify(execFile);

function issuesOf(doc: unknown, baseDir = '/srv'): Array<{ path: string; message: string }> {
  try {
    validateConfigDocument(doc, { baseDir, env: {} });
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.code, 'CONFIG_INVALID');
    return err.issues;
  }
  assert.fail('expected the configuration to be rejected');
}

const http = (extra: Record<string, unknown> = {}) => ({ 'socket-type': 'http', authentication: { type: 'basic', clients: [{ user: 'a', password: 'p' }] }, ...extra });

test('the document must be an object with a Hookline key and nothing else', () => {
  assert.deepEqual(issuesOf([]).map((i) => i.path), ['(top level)']);
  assert.deepEqual(issuesOf({ Dhcp4: {} }).map((i) => i.path).sort(), ['Dhcp4', 'Hookline']);
});

test('unknown keys are errors at every depth', () => {
  const paths = issuesOf({
    Hookline: {
      'control-sockets': [{ 'socket-type': 'unix', 'socket-mode': 1 }, http({ authentication: { type: 'basic', clients: [{ user: 'a', password: 'p', role: 'x' }], directory: '/' } })],
      events: { publisher: { port: 1 }, sources: [{ connect: 'tcp://h:1', filter: 'x' }] },
      store: { type: 'sqlite', wal: true },
      queue: { type: 'local', size: 1 },
      'hook-execution': { retries: 1 },
      loggers: [{ name: 'x', 'output-options': [] }],
    },
  }).map((i) => i.path).sort();
  assert.deepEqual(paths, [
    'Hookline/control-sockets/0/socket-mode',
    'Hookline/control-sockets/1/authentication/clients/0/role',
    'Hookline/control-sockets/1/authentication/directory',
    'Hookline/events/publisher/port',
    'Hookline/events/sources/0/filter',
    'Hookline/hook-execution/retries',
    'Hookline/loggers/0/output-options',
    'Hookline/queue/size',
    'Hookline/store/wal',
  ]);
});

test('a client needs exactly one of password and password-file, and the file must be readable', () => {
  const issues = issuesOf({ Hookline: { 'control-sockets': [http({ authentication: { type: 'basic', clients: [{ user: 'a' }, { user: 'b', password: 'x', 'password-file': 'f' }, { user: 'c', 'password-file': './missing' }] } })] } });
  assert.deepEqual(issues.map((i) => i.path), [
    'Hookline/control-sockets/0/authentication/clients/0',
    'Hookline/control-sockets/0/authentication/clients/1',
    'Hookline/control-sockets/0/authentication/clients/1/password-file',
    'Hookline/control-sockets/0/authentication/clients/2/password-file',
  ]);
  assert.match(issues[0]!.message, /exactly one of "password" and "password-file" for user "a", got neither/);
  assert.match(issues[3]!.message, /cannot read the password file \/srv\/missing \(ENOENT\)/);
});

test('authentication must be basic with at least one client whose name has no colon', () => {
  const issues = issuesOf({ Hookline: { 'control-sockets': [http({ authentication: { type: 'digest', clients: [] } }), http({ 'socket-port': 8001, authentication: { type: 'basic', clients: [{ user: 'a:b', password: 'p' }] } })] } });
  assert.deepEqual(issues.map((i) => i.path), ['Hookline/control-sockets/0/authentication/type', 'Hookline/control-sockets/0/authentication/clients', 'Hookline/control-sockets/1/authentication/clients/0/user']);
});

test('TLS needs both cert-file and key-file, and trust-anchor only applies with them', () => {
  assert.deepEqual(issuesOf({ Hookline: { 'control-sockets': [http({ 'cert-file': 'c.pem' })] } }).map((i) => i.path), ['Hookline/control-sockets/0/key-file']);
  assert.deepEqual(issuesOf({ Hookline: { 'control-sockets': [http({ 'trust-anchor': 'ca.pem' })] } }).map((i) => i.path), ['Hookline/control-sockets/0/cert-file']);
  const missing = issuesOf({ Hookline: { 'control-sockets': [http({ 'cert-file': 'c.pem', 'key-file': 'k.pem' })] } });
  assert.deepEqual(missing.map((i) => i.path), ['Hookline/control-sockets/0/cert-file', 'Hookline/control-sockets/0/key-file']);
});

test('duplicate sockets, bad addresses and over-long socket paths are refused', () => {
  const issues = issuesOf({
    Hookline: {
      'control-sockets': [
        { 'socket-type': 'unix' }, { 'socket-type': 'unix', 'socket-name': 'hookline-data/hookline.sock' },
        http(), http({ 'socket-address': 'example.com', 'socket-port': 8001 }), http({ 'socket-port': 8000 }),
        { 'socket-type': 'unix', 'socket-name': 'x'.repeat(120) },
      ],
    },
  });
  assert.deepEqual(issues.map((i) => i.path).sort(), ['Hookline/control-sockets/1', 'Hookline/control-sockets/3/socket-address', 'Hookline/control-sockets/4', 'Hookline/control-sockets/5/socket-name']);
});

test('endpoints, URLs, names and numbers are checked against what they must look like', () => {
  const issues = issuesOf({
    Hookline: {
      'control-sockets': [http({ 'socket-port': 70000 })],
      'hooks-libraries': [{ library: '' }, { parameters: {} }, 'audit-log'],
      events: { publisher: { bind: 'localhost:2101', hwm: -1 }, sources: [{ connect: 'http://x' }] },
      queue: { type: 'nats', servers: ['127.0.0.1:4222'], stream: 'a b', 'max-ack-pending': 10 },
      loggers: [{ name: 'x', severity: 'verbose' }],
    },
  });
  const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
  assert.deepEqual(Object.keys(byPath).sort(), [
    'Hookline/control-sockets/0/socket-port', 'Hookline/events/publisher/bind', 'Hookline/events/publisher/hwm', 'Hookline/events/sources/0/connect',
    'Hookline/hooks-libraries/0/library', 'Hookline/hooks-libraries/1/library', 'Hookline/hooks-libraries/2', 'Hookline/loggers/0/severity',
    'Hookline/queue/max-ack-pending', 'Hookline/queue/servers/0', 'Hookline/queue/stream',
  ]);
  assert.equal(byPath['Hookline/hooks-libraries/2'], 'expected a hook library, {"library": …, "parameters"?: {…}}, got "audit-log"');
  assert.equal(byPath['Hookline/queue/servers/0'], 'expected a NATS URL such as "nats://127.0.0.1:4222", got "127.0.0.1:4222"');
});

test('optional sections fill their own defaults: sqlite path, nats stream, disabled publisher, empty socket list', () => {
  const c = validateConfigDocument({ Hookline: { 'control-sockets': [], queue: { type: 'nats', servers: ['nats://n:4222'] }, events: { publisher: { enabled: false } } } }, { baseDir: '/srv', env: {} }).config;
  assert.deepEqual(c.controlSockets, []);
  assert.deepEqual(c.queue, { type: 'nats', servers: ['nats://n:4222'], stream: 'HOOKLINE', subjectPrefix: 'hookline.events', durable: 'hookline-workers', ackWaitMs: 30000, maxAckPending: 10000 });
  assert.deepEqual(c.events.publisher, { enabled: false, bind: 'tcp://127.0.0.1:2101', hwm: 1000 });
  assert.deepEqual(c.store, { type: 'sqlite', path: '/srv/hookline-data/hookline.db' });
});

test('a resolved http socket starts the HTTP control server as it is, TLS and password file included', async () => {
  const dir = tempDir('hl-cfg-');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost']);
  fs.writeFileSync(path.join(dir, 'secret'), 'pw\n', { mode: 0o600 });
  const loaded = validateConfigDocument({
    Hookline: { 'control-sockets': [http({ 'socket-port': 8000, 'cert-file': 'cert.pem', 'key-file': 'key.pem', authentication: { type: 'basic', clients: [{ user: 'a', 'password-file': 'secret' }] } })] },
  }, { baseDir: dir, env: {} });
  const sock = loaded.config.controlSockets[0] as HttpControlSocketConfig;
  assert.deepEqual(sock.tls, { cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem') });
  const server = await startHttpControlServer({ address: sock.address, port: 0, auth: sock.authentication, ...(sock.tls ? { tls: sock.tls } : {}), dispatch: async () => success('ok'), logger: silentLogger() });
  await server.close();
});
