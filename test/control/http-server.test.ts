import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { silentLogger } from '../../src/core/logger.js';
import { ControlError } from '../../src/control/errors.js';
import { startHttpControlServer, type HttpControlServerOptions } from '../../src/control/http-server.js';
import { controlMessages as M } from '../../src/control/messages.js';
import { captureLog } from '../support/log-capture.js';
import { tempDir } from '../support/paths.js';
import { httpExchange, testDispatcher, unwrap } from '../support/control-clients.js';

const run = promisify(execFile);
const admin = { user: 'admin', password: 's3cret:with-colon' };

async function start(overrides: Partial<HttpControlServerOptions> = {}) {
  return startHttpControlServer({ port: 0, auth: { clients: [admin] }, dispatch: testDispatcher, logger: silentLogger(), ...overrides });
}

test('an authenticated POST / is answered with a one-element list holding the response', async () => {
  const server = await start();
  try {
    assert.equal(server.address, '127.0.0.1');
    const a = await httpExchange({ port: server.port, ...admin, body: '{ "command": "echo", "service": ["hookline"] }' });
    assert.equal(a.status, 200);
    assert.equal(a.headers['content-type'], 'application/json');
    assert.deepEqual(unwrap(a), { result: 0, text: 'echo', arguments: { request: { command: 'echo', service: ['hookline'] }, context: { transport: 'http', user: 'admin' } } });
  } finally {
    await server.close();
  }
});

test('missing or wrong credentials are refused with 403 and a Kea-style body', async () => {
  const log = captureLog();
  const server = await start({ logger: log.logger });
  try {
    const none = await httpExchange({ port: server.port, body: '{"command": "list-commands"}' });
    assert.equal(none.status, 403);
    assert.equal(none.headers['www-authenticate'], 'Basic realm="hookline"');
    assert.deepEqual(unwrap(none), { result: 1, text: 'Forbidden: no credentials (Basic authentication is required)' });
    for (const bad of [{ user: 'admin', password: 'wrong' }, { user: 'root', password: admin.password }, { authorization: 'Bearer abc' }, { authorization: 'Basic !!!' }]) {
      const a = await httpExchange({ port: server.port, body: '{"command": "list-commands"}', ...bad });
      assert.equal(a.status, 403, JSON.stringify(bad));
      assert.equal(unwrap(a).result, 1);
    }
    assert.ok(log.has(M.CTRL_HTTP_AUTH_FAILED.id));
  } finally {
    await server.close();
  }
});

test('a password file is read once with its trailing newline ignored', async () => {
  const file = path.join(tempDir('hl-http-'), 'secret');
  fs.writeFileSync(file, 'from-file\n', { mode: 0o600 });
  const server = await start({ auth: { clients: [{ user: 'ops', passwordFile: file }, admin], realm: 'kea' } });
  try {
    assert.equal((await httpExchange({ port: server.port, user: 'ops', password: 'from-file', body: '{"command": "list-commands"}' })).status, 200);
    assert.equal((await httpExchange({ port: server.port, user: 'ops', password: 'from-file\n', body: '{"command": "list-commands"}' })).status, 403);
    assert.equal((await httpExchange({ port: server.port, ...admin, body: '{"command": "list-commands"}' })).status, 200);
  } finally {
    await server.close();
  }
});

test('the server refuses to start without clients, with an empty password or an unreadable password file', async () => {
  const codes: string[] = [];
  const attempts: Array<HttpControlServerOptions['auth']> = [
    undefined as unknown as HttpControlServerOptions['auth'],
    { clients: [] },
    { clients: [{ user: 'a', password: '' }] },
    { clients: [{ user: 'a:b', password: 'x' }] },
    { clients: [{ user: 'a' }] },
    { clients: [{ user: 'a', passwordFile: '/nonexistent/secret' }] },
  ];
  for (const auth of attempts) {
    try {
      await start({ auth });
      assert.fail('expected a refusal');
    } catch (err) {
      assert.ok(err instanceof ControlError);
      codes.push(err.code);
    }
  }
  assert.deepEqual(codes, ['CTRL_AUTH_NOT_CONFIGURED', 'CTRL_AUTH_NOT_CONFIGURED', 'CTRL_AUTH_INVALID_CLIENT', 'CTRL_AUTH_INVALID_CLIENT', 'CTRL_AUTH_INVALID_CLIENT', 'CTRL_PASSWORD_FILE_UNREADABLE']);
});

test('a group-readable password file is used but logged as a warning', async () => {
  const file = path.join(tempDir('hl-http-'), 'secret');
  fs.writeFileSync(file, 'pw');
  fs.chmodSync(file, 0o640);
  const log = captureLog();
  const server = await start({ auth: { clients: [{ user: 'ops', passwordFile: file }] }, logger: log.logger });
  await server.close();
  assert.ok(log.has(M.CTRL_PASSWORD_FILE_READABLE.id));
});

test('wrong paths, methods, content types and sizes get 4xx with a Kea-style body', async () => {
  const server = await start({ maxRequestBytes: 1024 });
  try {
    const cases: Array<[Parameters<typeof httpExchange>[0], number, RegExp]> = [
      [{ port: server.port, ...admin, path: '/nothing', body: '{}' }, 404, /^Not Found: no such path \/nothing/],
      [{ port: server.port, ...admin, method: 'GET' }, 405, /^Method Not Allowed: commands are sent with POST \//],
      [{ port: server.port, ...admin, contentType: 'text/plain', body: '{"command": "list-commands"}' }, 415, /^Unsupported Media Type: expected Content-Type: application\/json, got text\/plain/],
      [{ port: server.port, ...admin, body: `{"command": "echo", "arguments": {"p": "${'y'.repeat(100_000)}"}}` }, 413, /^Payload Too Large: request body exceeds the limit of 1024 bytes/],
    ];
    for (const [call, status, text] of cases) {
      const a = await httpExchange(call);
      assert.equal(a.status, status, a.body);
      const r = unwrap(a);
      assert.equal(r.result, 1);
      assert.match(r.text ?? '', text);
    }
    const malformed = unwrap(await httpExchange({ port: server.port, ...admin, body: '{"command": ' }));
    assert.equal(malformed.result, 1);
    assert.match(malformed.text ?? '', /^malformed JSON/);
  } finally {
    await server.close();
  }
});

test('a dispatcher that throws is answered with result 1 and the server keeps serving', async () => {
  const server = await start();
  try {
    assert.deepEqual(unwrap(await httpExchange({ port: server.port, ...admin, body: '{"command": "throw"}' })), { result: 1, text: "command 'throw' failed: the handler broke" });
    assert.equal(unwrap(await httpExchange({ port: server.port, ...admin, body: '{"command": "list-commands"}' })).result, 0);
  } finally {
    await server.close();
  }
});

test('extra routes run after authentication with the body and the user', async () => {
  const seen: Array<{ body: string; user: string }> = [];
  const server = await start({
    routes: [
      { method: 'POST', path: '/events', handler(_req, res, body, user) { seen.push({ body: body.toString(), user }); res.writeHead(202).end(); } },
      { method: 'GET', path: '/metrics', handler(_req, res) { res.writeHead(200, { 'content-type': 'text/plain' }).end('hookline_up 1\n'); } },
      { method: 'GET', path: '/broken', handler() { throw new Error('route bug'); } },
    ],
  });
  try {
    assert.equal((await httpExchange({ port: server.port, ...admin, path: '/events', body: '{"key": "EVENT API x 1"}' })).status, 202);
    assert.deepEqual(seen, [{ body: '{"key": "EVENT API x 1"}', user: 'admin' }]);
    assert.equal((await httpExchange({ port: server.port, path: '/events', body: '{}' })).status, 403);
    assert.equal(seen.length, 1);
    const metrics = await httpExchange({ port: server.port, ...admin, method: 'GET', path: '/metrics?x=1' });
    assert.equal(metrics.body, 'hookline_up 1\n');
    const wrongMethod = await httpExchange({ port: server.port, ...admin, method: 'DELETE', path: '/metrics' });
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.allow, 'GET');
    const broken = await httpExchange({ port: server.port, ...admin, method: 'GET', path: '/broken' });
    assert.equal(broken.status, 500);
    assert.match(unwrap(broken).text ?? '', /route bug/);
  } finally {
    await server.close();
  }
});

test('a route may not take over the command path', async () => {
  await assert.rejects(start({ routes: [{ method: 'POST', path: '/', handler() {} }] }), { code: 'CTRL_ROUTE_INVALID' });
});

test('malformed HTTP is answered with 400 and a Kea-style body', async () => {
  const server = await start();
  try {
    const text = await new Promise<string>((resolve) => {
      const sock = net.createConnection({ host: '127.0.0.1', port: server.port });
      let out = '';
      sock.on('data', (c) => (out += String(c)));
      sock.on('close', () => resolve(out));
      sock.on('error', () => {});
      sock.end('THIS IS NOT HTTP\r\n\r\n');
    });
    assert.match(text, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.deepEqual(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)), [{ result: 1, text: 'Bad Request: malformed HTTP request' }]);
  } finally {
    await server.close();
  }
});

test('with TLS configured the channel speaks HTTPS and still requires authentication', async () => {
  const dir = tempDir('hl-tls-');
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
  const server = await start({ tls: { cert, key } });
  try {
    const ca = fs.readFileSync(cert);
    const ok = await httpExchange({ port: server.port, ...admin, body: '{"command": "list-commands"}', tls: { ca } });
    assert.equal(unwrap(ok).result, 0);
    assert.equal((await httpExchange({ port: server.port, body: '{"command": "list-commands"}', tls: { ca } })).status, 403);
    await assert.rejects(httpExchange({ port: server.port, ...admin, body: '{"command": "list-commands"}' }));
  } finally {
    await server.close();
  }
  await assert.rejects(start({ tls: { cert: path.join(dir, 'missing.pem'), key } }), { code: 'CTRL_TLS_FILE_UNREADABLE' });
});

/** kea-shell ships in Debian's kea-ctrl-agent package (in /usr/sbin). */
function findKeaShell(): string | undefined {
  const candidates = [process.env.HOOKLINE_KEA_SHELL, ...(process.env.PATH ?? '').split(':').map((d) => path.join(d, 'kea-shell')), '/usr/sbin/kea-shell'];
  return candidates.find((c): c is string => c !== undefined && c !== '' && fs.existsSync(c));
}

/** Runs a child with `input` on stdin (kea-shell reads command arguments from it). */
function runWithStdin(cmd: string, args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => (stderr += String(c)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

test('kea-shell works against the HTTP channel', { skip: findKeaShell() === undefined ? 'kea-shell not installed (Debian package kea-ctrl-agent)' : false }, async () => {
  const server = await start();
  try {
    const shell = findKeaShell()!;
    const base = ['--host', '127.0.0.1', '--port', String(server.port), '--auth-user', admin.user, '--auth-password', admin.password];
    const list = await runWithStdin(shell, [...base, 'list-commands'], '');
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(JSON.parse(list.stdout), [{ result: 0, text: '3 commands available', arguments: ['echo', 'list-commands', 'throw'] }]);
    const echo = await runWithStdin(shell, [...base, 'echo'], '"n": 7');
    assert.deepEqual(JSON.parse(echo.stdout)[0].arguments.request, { command: 'echo', arguments: { n: 7 } });
    const denied = await runWithStdin(shell, [...base.slice(0, -1), 'wrong', 'list-commands'], '');
    assert.match(denied.stdout, /403/);
  } finally {
    await server.close();
  }
});
