/**
 * The real daemon process on its HTTP control channel: Basic authentication
 * (a password and a password file), the one-element list, 403, config-get's
 * masking, TLS, Debian's kea-shell as a client, and config-set changing the
 * sockets it arrived through. 127.0.0.1 only.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import type { CommandResponse } from '../../src/control/index.js';
import { httpExchange, unixCommand, unwrap, type HttpCall } from '../support/control-clients.js';
import { freePort, startDaemon, writeConfig } from '../support/daemon-process.js';
import { tempDir } from '../support/paths.js';

const run = promisify(execFile);
const admin = { user: 'admin', password: 's3cret:with-colon' };
const unixSocket = { 'socket-type': 'unix' };

function httpSocket(port: number, clients: Array<Record<string, string>> = [admin], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { 'socket-type': 'http', 'socket-address': '127.0.0.1', 'socket-port': port, authentication: { type: 'basic', clients }, ...extra };
}

/** POSTs one command and returns the HTTP status with the unwrapped Kea response. */
async function post(port: number, request: unknown, credentials: Partial<HttpCall> = admin): Promise<{ status: number; response: CommandResponse }> {
  const answer = await httpExchange({ port, body: JSON.stringify(request), ...credentials });
  return { status: answer.status, response: unwrap(answer) };
}

const BUILTINS = ['build-report', 'config-get', 'config-reload', 'config-set', 'config-test', 'config-write', 'list-commands', 'shutdown', 'status-get', 'version-get'];

test('an http socket with a password answers POST / with a one-element list, refuses bad credentials with 403, and the unix socket keeps answering', async () => {
  const port = await freePort();
  const d = await startDaemon({ config: { 'control-sockets': [unixSocket, httpSocket(port)] } });
  try {
    const list = await httpExchange({ port, ...admin, body: '{ "command": "list-commands" }' });
    assert.equal(list.status, 200);
    assert.equal(list.headers['content-type'], 'application/json');
    const listed = unwrap(list);
    assert.equal(listed.result, 0);
    for (const c of BUILTINS) assert.ok((listed.arguments as string[]).includes(c), c);

    const refusals: Array<Partial<HttpCall>> = [
      {},
      { user: admin.user, password: 'wrong' },
      { user: 'root', password: admin.password },
      { user: admin.user, password: '' },
      { authorization: 'Bearer abc' },
      { authorization: 'Basic !!!' },
    ];
    for (const credentials of refusals) {
      const [http, unix] = await Promise.all([post(port, { command: 'status-get' }, credentials), unixCommand(d.socket, { command: 'status-get' })]);
      assert.equal(http.status, 403, JSON.stringify(credentials));
      assert.equal(http.response.result, 1);
      assert.match(http.response.text ?? '', /^Forbidden: /);
      assert.equal(unix.result, 0);
    }
    const challenge = await httpExchange({ port, body: '{"command": "status-get"}' });
    assert.equal(challenge.headers['www-authenticate'], 'Basic realm="hookline"');

    const status = await post(port, { command: 'status-get' });
    assert.equal(status.status, 200);
    const args = status.response.arguments as { pid: number; 'control-sockets': string[] };
    assert.equal(args.pid, d.child.pid);
    assert.deepEqual(args['control-sockets'], [`unix:${d.socket}`, `http:127.0.0.1:${port}`]);

    const config = await post(port, { command: 'config-get' });
    assert.equal(config.response.result, 0);
    const shown = config.response.arguments as { Hookline: { 'control-sockets': Array<{ authentication?: { clients: Array<{ password?: string }> } }> }; hash: string };
    assert.equal(shown.Hookline['control-sockets'][1]!.authentication!.clients[0]!.password, '*****');
    assert.doesNotMatch(JSON.stringify(config.response), /s3cret/);
    assert.match(shown.hash, /^[0-9a-f]{64}$/);
    assert.equal((await unixCommand(d.socket, { command: 'config-get' }) as { arguments: { hash: string } }).arguments.hash, shown.hash);
  } finally {
    assert.equal(await d.stop(), 0);
  }
});

test("a password-file client authenticates with the file's contents, relative to the configuration file, and config-get never shows the password", async () => {
  const dir = tempDir('hl-daemon-');
  fs.writeFileSync(path.join(dir, 'secret'), 'from-file\n', { mode: 0o600 });
  const port = await freePort();
  const d = await startDaemon({ dir, config: { 'control-sockets': [unixSocket, httpSocket(port, [{ user: 'ops', 'password-file': './secret' }, admin])] } });
  try {
    assert.equal((await post(port, { command: 'version-get' }, { user: 'ops', password: 'from-file' })).status, 200);
    assert.equal((await post(port, { command: 'version-get' }, { user: 'ops', password: 'from-file\n' })).status, 403);
    assert.equal((await post(port, { command: 'version-get' }, { user: 'admin', password: 'from-file' })).status, 403);
    assert.equal((await post(port, { command: 'version-get' })).status, 200);
    const config = await post(port, { command: 'config-get' }, { user: 'ops', password: 'from-file' });
    assert.equal(config.response.result, 0);
    const text = JSON.stringify(config.response);
    assert.doesNotMatch(text, /from-file|s3cret/);
    assert.match(text, /"password-file":"\.\/secret"/);
    assert.equal((await unixCommand(d.socket, { command: 'version-get' })).result, 0);
  } finally {
    await d.stop();
  }
});

test('with cert-file and key-file the http socket speaks HTTPS only and still requires authentication', async () => {
  const dir = tempDir('hl-daemon-');
  await makeCertificate(dir);
  const port = await freePort();
  const d = await startDaemon({ dir, config: { 'control-sockets': [unixSocket, httpSocket(port, [admin], { 'cert-file': './cert.pem', 'key-file': './key.pem' })] } });
  try {
    const ca = fs.readFileSync(path.join(dir, 'cert.pem'));
    assert.equal(unwrap(await httpExchange({ port, ...admin, body: '{"command": "status-get"}', tls: { ca } })).result, 0);
    assert.equal((await httpExchange({ port, body: '{"command": "status-get"}', tls: { ca } })).status, 403);
    await assert.rejects(httpExchange({ port, ...admin, body: '{"command": "status-get"}' }));
    assert.equal((await unixCommand(d.socket, { command: 'status-get' })).result, 0);
  } finally {
    await d.stop();
  }
});

async function makeCertificate(dir: string): Promise<void> {
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
}

/** A CA, and a client certificate it signed, for mutual TLS. */
async function makeClientCertificate(dir: string): Promise<void> {
  const f = (name: string): string => path.join(dir, name);
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f('ca-key.pem'), '-out', f('ca.pem'), '-days', '1', '-subj', '/CN=hookline-test-ca']);
  await run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f('client-key.pem'), '-out', f('client.csr'), '-subj', '/CN=client']);
  await run('openssl', ['x509', '-req', '-in', f('client.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca-key.pem'), '-CAcreateserial', '-out', f('client.pem'), '-days', '1']);
}

/** POST / over HTTPS presenting a client certificate. */
function postWithClientCertificate(port: number, dir: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port, method: 'POST', path: '/', agent: false, servername: 'localhost',
      ca: fs.readFileSync(path.join(dir, 'cert.pem')), cert: fs.readFileSync(path.join(dir, 'client.pem')), key: fs.readFileSync(path.join(dir, 'client-key.pem')),
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${admin.user}:${admin.password}`).toString('base64')}` },
    }, (res) => {
      let text = '';
      res.on('data', (c) => (text += String(c)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('with a trust-anchor the https socket requires a client certificate signed by it, and Basic authentication besides', async () => {
  const dir = tempDir('hl-daemon-');
  await makeCertificate(dir);
  await makeClientCertificate(dir);
  const port = await freePort();
  const d = await startDaemon({ dir, config: { 'control-sockets': [unixSocket, httpSocket(port, [admin], { 'cert-file': './cert.pem', 'key-file': './key.pem', 'trust-anchor': './ca.pem' })] } });
  try {
    const ok = await postWithClientCertificate(port, dir, '{"command": "status-get"}');
    assert.equal(ok.status, 200);
    assert.equal((JSON.parse(ok.body) as CommandResponse[])[0]!.result, 0);
    const ca = fs.readFileSync(path.join(dir, 'cert.pem'));
    await assert.rejects(httpExchange({ port, ...admin, body: '{"command": "status-get"}', tls: { ca } }));
    assert.equal((await unixCommand(d.socket, { command: 'status-get' })).result, 0);
  } finally {
    await d.stop();
  }
});

/** kea-shell ships in Debian's kea-ctrl-agent package, in /usr/sbin. */
function findKeaShell(): string | undefined {
  const candidates = [process.env.HOOKLINE_KEA_SHELL, ...(process.env.PATH ?? '').split(':').map((d) => path.join(d, 'kea-shell')), '/usr/sbin/kea-shell'];
  return candidates.find((c): c is string => c !== undefined && c !== '' && fs.existsSync(c));
}

/** kea-shell reads the command's arguments from stdin, so it always gets one (empty when there are none). */
function keaShell(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const shell = findKeaShell();
  assert.ok(shell !== undefined, 'kea-shell is required here: install the Debian package kea-ctrl-agent (or set HOOKLINE_KEA_SHELL)');
  return new Promise((resolve, reject) => {
    const child = spawn(shell, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => (stderr += String(c)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

// In CI a missing kea-shell fails the test (CI installs kea-ctrl-agent); elsewhere it is skipped.
const keaShellSkip = findKeaShell() === undefined && process.env.CI === undefined ? 'kea-shell not installed (Debian package kea-ctrl-agent); required when CI is set' : false;

test("Debian's kea-shell lists the commands, reads status and config, and passes arguments from stdin", { skip: keaShellSkip }, async () => {
  const port = await freePort();
  const d = await startDaemon({ config: { 'control-sockets': [unixSocket, httpSocket(port)] } });
  try {
    const base = ['--host', '127.0.0.1', '--port', String(port), '--auth-user', admin.user, '--auth-password', admin.password];
    const list = await keaShell([...base, 'list-commands']);
    assert.equal(list.code, 0, list.stdout + list.stderr);
    const listed = JSON.parse(list.stdout) as CommandResponse[];
    assert.equal(listed.length, 1);
    assert.equal(listed[0]!.result, 0);
    for (const c of BUILTINS) assert.ok((listed[0]!.arguments as string[]).includes(c), c);

    const status = JSON.parse((await keaShell([...base, 'status-get'])).stdout) as CommandResponse[];
    assert.equal((status[0]!.arguments as { pid: number }).pid, d.child.pid);
    const config = await keaShell([...base, 'config-get']);
    assert.equal((JSON.parse(config.stdout) as CommandResponse[])[0]!.result, 0);
    assert.doesNotMatch(config.stdout, /s3cret/);

    const tested = JSON.parse((await keaShell([...base, 'config-test'], '"Hookline": { "hooks-libraries": [ { "library": "stats-commands" } ] }\n')).stdout) as CommandResponse[];
    assert.equal(tested[0]!.result, 0, tested[0]!.text);
    const badArgs = JSON.parse((await keaShell([...base, 'config-test'], '"Hookline": { "bogus": 1 }\n')).stdout) as CommandResponse[];
    assert.equal(badArgs[0]!.result, 1);
    assert.match(badArgs[0]!.text ?? '', /Hookline\/bogus/);
    const unknown = JSON.parse((await keaShell([...base, 'no-such-command'])).stdout) as CommandResponse[];
    assert.deepEqual(unknown, [{ result: 2, text: "'no-such-command' command not supported." }]);

    const denied = await keaShell([...base.slice(0, -1), 'wrong', 'list-commands']);
    assert.equal(denied.code, 1);
    assert.match(denied.stdout, /403/);
  } finally {
    await d.stop();
  }
});

test('kea-shell talks to the daemon over HTTPS with --ca', { skip: keaShellSkip }, async () => {
  const dir = tempDir('hl-daemon-');
  await makeCertificate(dir);
  const port = await freePort();
  const d = await startDaemon({ dir, config: { 'control-sockets': [unixSocket, httpSocket(port, [admin], { 'cert-file': './cert.pem', 'key-file': './key.pem' })] } });
  try {
    const r = await keaShell(['--host', '127.0.0.1', '--port', String(port), '--ca', path.join(dir, 'cert.pem'), '--auth-user', admin.user, '--auth-password', admin.password, 'version-get']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal((JSON.parse(r.stdout) as CommandResponse[])[0]!.result, 0);
  } finally {
    await d.stop();
  }
});

test('concurrent config-sets over both sockets are all answered and applied one at a time, leaving a consistent configuration', async () => {
  const port = await freePort();
  const plain = { 'control-sockets': [unixSocket, httpSocket(port)] };
  const withStats = { ...plain, 'hooks-libraries': [{ library: 'stats-commands' }] };
  const d = await startDaemon({ config: plain });
  try {
    const requests = Array.from({ length: 30 }, (_, i) => ({ command: 'config-set', arguments: { Hookline: i % 3 === 0 ? plain : withStats } }));
    const responses = await Promise.all(requests.map((r, i) => (i % 2 === 0 ? unixCommand(d.socket, r) : post(port, r).then((p) => p.response))));
    const hashes = new Set<string>();
    for (const r of responses) {
      assert.equal(r.result, 0, r.text);
      hashes.add((r.arguments as { hash: string }).hash);
    }
    assert.equal(hashes.size, 2);
    const running = ((await post(port, { command: 'config-get' })).response.arguments as { hash: string; Hookline: Record<string, unknown> });
    assert.ok(hashes.has(running.hash));
    const libraries = ((await post(port, { command: 'status-get' })).response.arguments as { 'hooks-libraries': string[] })['hooks-libraries'];
    assert.deepEqual(libraries, 'hooks-libraries' in running.Hookline ? ['stats-commands'] : []);
    const listed = (await unixCommand(d.socket, { command: 'list-commands' })).arguments as string[];
    assert.equal(listed.includes('statistic-get'), libraries.length === 1);
  } finally {
    await d.stop();
  }
});

test('config-set over HTTP opens a second unix socket that answers at once, and reopens a changed http socket after answering', async () => {
  const port = await freePort();
  const d = await startDaemon({ config: { 'control-sockets': [unixSocket, httpSocket(port)] } });
  try {
    const second = path.join(d.dir, 'hookline-data', 'second.sock');
    const added = await post(port, { command: 'config-set', arguments: { Hookline: { 'control-sockets': [unixSocket, httpSocket(port), { 'socket-type': 'unix', 'socket-name': './hookline-data/second.sock' }] } } });
    assert.equal(added.status, 200);
    assert.equal(added.response.result, 0, added.response.text);
    assert.equal(fs.statSync(second).mode & 0o777, 0o600);
    const viaSecond = await unixCommand(second, { command: 'status-get' });
    assert.equal(viaSecond.result, 0);
    assert.equal((viaSecond.arguments as { pid: number }).pid, d.child.pid);
    assert.equal((await unixCommand(d.socket, { command: 'version-get' })).result, 0);

    const newAdmin = { user: 'admin', password: 'rotated' };
    const rotated = await post(port, { command: 'config-set', arguments: { Hookline: { 'control-sockets': [unixSocket, httpSocket(port, [newAdmin]), { 'socket-type': 'unix', 'socket-name': './hookline-data/second.sock' }] } } });
    assert.equal(rotated.status, 200);
    assert.equal(rotated.response.result, 0, rotated.response.text);
    await d.waitForLog('CTRL_HTTP_LISTENING', 2);
    assert.equal((await post(port, { command: 'version-get' }, newAdmin)).status, 200);
    assert.equal((await post(port, { command: 'version-get' })).status, 403);
  } finally {
    await d.stop();
  }
});

test('a config-set that removes the socket it came through is still answered, over HTTP and over unix', async () => {
  const port = await freePort();
  const second = { 'socket-type': 'unix', 'socket-name': './hookline-data/second.sock' };
  const d = await startDaemon({ config: { 'control-sockets': [unixSocket, second, httpSocket(port)] } });
  try {
    const secondPath = path.join(d.dir, 'hookline-data', 'second.sock');
    const dropHttp = await post(port, { command: 'config-set', arguments: { Hookline: { 'control-sockets': [unixSocket, second] } } });
    assert.equal(dropHttp.status, 200);
    assert.equal(dropHttp.response.result, 0, dropHttp.response.text);
    await d.waitForLog('CTRL_HTTP_CLOSED');
    await assert.rejects(httpExchange({ port, ...admin, body: '{"command": "status-get"}' }), { code: 'ECONNREFUSED' });

    const dropSecond = await unixCommand(secondPath, { command: 'config-set', arguments: { Hookline: { 'control-sockets': [unixSocket] } } });
    assert.equal(dropSecond.result, 0, dropSecond.text);
    await d.waitForLog('CTRL_UNIX_CLOSED');
    assert.equal(fs.existsSync(secondPath), false);

    const status = await unixCommand(d.socket, { command: 'status-get' });
    assert.deepEqual((status.arguments as { 'control-sockets': string[] })['control-sockets'], [`unix:${d.socket}`]);
    assert.equal((status.arguments as { pid: number }).pid, d.child.pid);
  } finally {
    await d.stop();
  }
});

test('config-set refuses a configuration enabling HTTP without usable authentication, naming the path, and the daemon keeps running', async () => {
  const port = await freePort();
  const other = await freePort();
  const d = await startDaemon({ config: { 'control-sockets': [unixSocket, httpSocket(port)] } });
  try {
    const before = (await unixCommand(d.socket, { command: 'config-get' }) as { arguments: { hash: string } }).arguments.hash;
    const withSockets = (http: Record<string, unknown>) => ({ command: 'config-set', arguments: { Hookline: { 'control-sockets': [unixSocket, httpSocket(port), http] } } });
    const refusals: Array<[Record<string, unknown>, RegExp]> = [
      [{ 'socket-type': 'http', 'socket-port': other }, /Hookline\/control-sockets\/2\/authentication: is required/],
      [{ 'socket-type': 'http', 'socket-port': other, authentication: { type: 'basic', clients: [] } }, /Hookline\/control-sockets\/2\/authentication\/clients/],
      [{ 'socket-type': 'http', 'socket-port': other, authentication: { type: 'none', clients: [admin] } }, /Hookline\/control-sockets\/2\/authentication\/type/],
      [{ 'socket-type': 'http', 'socket-port': other, authentication: { type: 'basic', clients: [{ user: 'x', password: '' }] } }, /Hookline\/control-sockets\/2\/authentication\/clients\/0\/password/],
      [{ 'socket-type': 'http', 'socket-port': other, authentication: { type: 'basic', clients: [{ user: 'x' }] } }, /Hookline\/control-sockets\/2\/authentication\/clients\/0/],
      [{ 'socket-type': 'http', 'socket-port': other, authentication: { type: 'basic', clients: [{ user: 'x', 'password-file': './missing' }] } }, /Hookline\/control-sockets\/2\/authentication\/clients\/0\/password-file/],
    ];
    for (const [http, names] of refusals) {
      for (const via of ['unix', 'http'] as const) {
        const r = via === 'unix' ? await unixCommand(d.socket, withSockets(http)) : (await post(port, withSockets(http))).response;
        assert.equal(r.result, 1, `${via}: ${JSON.stringify(http)}`);
        assert.match(r.text ?? '', names, `${via}: ${r.text}`);
      }
    }
    await assert.rejects(httpExchange({ port: other, ...admin, body: '{"command": "status-get"}' }), { code: 'ECONNREFUSED' });
    const status = await post(port, { command: 'status-get' });
    assert.equal((status.response.arguments as { pid: number }).pid, d.child.pid);
    assert.equal((await unixCommand(d.socket, { command: 'config-get' }) as { arguments: { hash: string } }).arguments.hash, before);
  } finally {
    assert.equal(await d.stop(), 0);
  }
});

test('after a config-set over HTTP, config-reload still re-reads the file the daemon was started with', async () => {
  const port = await freePort();
  const fileConfig = { 'control-sockets': [unixSocket, httpSocket(port)] };
  const d = await startDaemon({ config: fileConfig });
  try {
    const file = path.join(d.dir, 'hookline.json');
    const set = await post(port, { command: 'config-set', arguments: { Hookline: { ...fileConfig, 'hooks-libraries': [{ library: 'stats-commands' }] } } });
    assert.equal(set.response.result, 0, set.response.text);
    const afterSet = (await post(port, { command: 'status-get' })).response.arguments as { 'config-file': unknown };

    writeConfig(d.dir, fileConfig);
    const reloaded = await post(port, { command: 'config-reload' });
    assert.equal(reloaded.response.result, 0, reloaded.response.text);
    assert.deepEqual(((await post(port, { command: 'status-get' })).response.arguments as { 'hooks-libraries': string[] })['hooks-libraries'], []);
    assert.equal(afterSet['config-file'], file, 'status-get after config-set still names the configuration file');
  } finally {
    await d.stop();
  }
});
