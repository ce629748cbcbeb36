import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, configMessages as M, REDACTED, embeddedDefaultConfig, loadConfigFile, redactSecrets, validateConfigDocument } from '../../src/config/index.js';
import { captureLog } from '../support/log-capture.js';
import { fixturesDir, tempDir } from '../support/paths.js';

const fixtures = path.join(fixturesDir, 'config');
const noEnv = { env: {} };

function rejection(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the configuration to be rejected');
}

test('a file using every section loads with comments and relative paths resolved against its directory', () => {
  const loaded = loadConfigFile(path.join(fixtures, 'full.jsonc'), noEnv);
  const c = loaded.config;
  assert.equal(loaded.file, path.join(fixtures, 'full.jsonc'));
  assert.equal(loaded.baseDir, fixtures);
  assert.equal(c.dataDirectory, path.join(fixtures, 'data'));
  assert.deepEqual(c.controlSockets, [
    { type: 'unix', path: path.join(fixtures, 'data', 'ctl.sock') },
    {
      type: 'http', address: '127.0.0.1', port: 8001,
      authentication: { type: 'basic', realm: 'ops', clients: [{ user: 'admin', passwordFile: path.join(fixtures, 'secret') }, { user: 'robot', password: 'inline-pw' }] },
    },
  ]);
  assert.equal(c.hooksPath, path.join(fixtures, 'hooks'));
  assert.equal(c.hooksPathSource, 'config');
  assert.deepEqual(c.hooksLibraries, [{ library: 'audit-log', parameters: { path: './data/audit.jsonl' } }, { library: 'stats-commands', parameters: {} }]);
  assert.deepEqual(c.hookExecution, { hookBasePath: path.join(fixtures, 'bin'), remoteHookBasePath: '/var/tmp/hookline/hooks', concurrency: 4, logRetention: 50, outputLimit: 4096, defaultTimeout: 30 });
  assert.deepEqual(c.events, {
    publisher: { enabled: true, bind: 'tcp://127.0.0.1:3101', hwm: 500 },
    sources: [{ connect: 'tcp://127.0.0.1:2101', subscribe: ['EVENT STATE VM/'] }, { connect: 'ipc:///run/one.sock', subscribe: ['EVENT'] }],
  });
  assert.deepEqual(c.store, { type: 'postgresql', url: 'postgres://hookline@127.0.0.1/hookline' });
  assert.deepEqual(c.queue, { type: 'nats', servers: ['nats://127.0.0.1:4222'], stream: 'HOOKS', subjectPrefix: 'hookline.events', durable: 'hookline-workers', ackWaitMs: 30000, maxAckPending: 10000 });
  assert.deepEqual(c.loggers, [{ name: 'hookline', severity: 'DEBUG', output: path.join(fixtures, 'data', 'hookline.log') }, { name: 'hookline.control', severity: 'WARN', output: 'stderr' }]);
});

test('an empty Hookline object gets every default', () => {
  const dir = path.join(fixtures);
  const c = loadConfigFile(path.join(fixtures, 'minimal.json'), noEnv).config;
  const data = path.join(dir, 'hookline-data');
  assert.deepEqual(c, {
    dataDirectory: data,
    controlSockets: [{ type: 'unix', path: path.join(data, 'hookline.sock') }],
    hooksPath: path.join(dir, 'hooks'),
    hooksPathSource: 'default',
    hooksLibraries: [],
    hookExecution: { hookBasePath: path.join(dir, 'hooks', 'commands'), remoteHookBasePath: '/var/tmp/hookline/hooks', concurrency: 8, logRetention: 20, outputLimit: 65536, defaultTimeout: 0 },
    events: { publisher: { enabled: true, bind: 'tcp://127.0.0.1:2101', hwm: 1000 }, sources: [] },
    store: { type: 'sqlite', path: path.join(data, 'hookline.db') },
    queue: { type: 'local' },
    loggers: [{ name: 'hookline', severity: 'INFO', output: 'stdout' }],
  });
});

test('the embedded default resolves against the given directory and matches the minimal file', () => {
  const loaded = embeddedDefaultConfig(fixtures, noEnv);
  const minimal = loadConfigFile(path.join(fixtures, 'minimal.json'), noEnv);
  assert.deepEqual({ ...loaded.config, hooksPathSource: 'default' }, minimal.config);
  assert.equal(loaded.raw.Hookline['data-directory'], './hookline-data');
  assert.equal(loaded.file, undefined);
});

test('a syntax error names the file, line and column', () => {
  const file = path.join(fixtures, 'bad-syntax.jsonc');
  const err = rejection(() => loadConfigFile(file, noEnv));
  assert.equal(err.code, 'CONFIG_PARSE_ERROR');
  assert.equal(err.file, file);
  assert.deepEqual(err.issues[0], { path: `${file}:4:5`, message: 'comma expected' });
});

test('a missing file is reported as unreadable with its path', () => {
  const err = rejection(() => loadConfigFile(path.join(tempDir(), 'nope.json'), noEnv));
  assert.equal(err.code, 'CONFIG_FILE_UNREADABLE');
  assert.match(err.issues[0]!.message, /ENOENT/);
});

test('every problem in a file is reported at its JSON path, not just the first', () => {
  const err = rejection(() => loadConfigFile(path.join(fixtures, 'many-errors.json'), noEnv));
  assert.equal(err.code, 'CONFIG_INVALID');
  assert.deepEqual(err.issues.map((i) => i.path).sort(), [
    'Hookline/colour',
    'Hookline/control-sockets/1/authentication',
    'Hookline/hook-execution/concurrency',
    'Hookline/hooks-libraries/0/enabled',
    'Hookline/store/type',
  ]);
  const byPath = Object.fromEntries(err.issues.map((i) => [i.path, i.message]));
  assert.match(byPath['Hookline/hooks-libraries/0/enabled']!, /^unknown key "enabled"; expected one of: "library", "parameters"$/);
  assert.match(byPath['Hookline/store/type']!, /expected one of "sqlite", "postgresql", got "mysql"/);
  assert.match(byPath['Hookline/hook-execution/concurrency']!, /expected an integer from 1 to 1024, got 0/);
  assert.match(err.message, /5 problems/);
});

test('an http control socket without authentication is refused with a clear reason', () => {
  const err = rejection(() => loadConfigFile(path.join(fixtures, 'http-without-auth.json'), noEnv));
  assert.deepEqual(err.issues.map((i) => i.path), ['Hookline/control-sockets/0/authentication']);
  assert.match(err.issues[0]!.message, /^is required: an http control socket must use Basic authentication/);
});

test('a document given without a file resolves against the caller\'s base directory', () => {
  const base = tempDir();
  const loaded = validateConfigDocument({ Hookline: { 'data-directory': 'd', store: { type: 'sqlite', path: 'x.db' } } }, { baseDir: base, ...noEnv });
  assert.equal(loaded.config.dataDirectory, path.join(base, 'd'));
  assert.deepEqual(loaded.config.store, { type: 'sqlite', path: path.join(base, 'x.db') });
  assert.equal(loaded.baseDir, base);
});

test('HOOKLINE_HOOKS_PATH overrides hooks-path and the default hook-base-path follows it', () => {
  const log = captureLog();
  const loaded = validateConfigDocument({ Hookline: { 'hooks-path': './mine' } }, { baseDir: '/srv', env: { HOOKLINE_HOOKS_PATH: '/opt/hooks' }, logger: log.logger });
  assert.equal(loaded.config.hooksPath, '/opt/hooks');
  assert.equal(loaded.config.hooksPathSource, 'env');
  assert.equal(loaded.config.hookExecution.hookBasePath, '/opt/hooks/commands');
  assert.deepEqual(log.ids(), [M.CONFIG_HOOKS_PATH_OVERRIDDEN.id, M.CONFIG_LOADED.id]);
});

test('a rejected configuration is logged with CONFIG_REJECTED', () => {
  const log = captureLog();
  rejection(() => validateConfigDocument({ Hookline: { nope: 1 } }, { baseDir: '/srv', logger: log.logger }));
  assert.deepEqual(log.ids(), [M.CONFIG_REJECTED.id]);
});

test('the hash ignores key order and formatting but changes with content', () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.json');
  const b = path.join(dir, 'b.jsonc');
  fs.writeFileSync(a, '{"Hookline": {"hooks-path": "./h", "data-directory": "./d"}}');
  fs.writeFileSync(b, '// same, reordered\n{ "Hookline": {\n  "data-directory": "./d",\n  "hooks-path": "./h" } }\n');
  const ha = loadConfigFile(a, noEnv).hash;
  assert.match(ha, /^[0-9a-f]{64}$/);
  assert.equal(loadConfigFile(b, noEnv).hash, ha);
  assert.notEqual(validateConfigDocument({ Hookline: { 'hooks-path': './other', 'data-directory': './d' } }, { baseDir: dir, ...noEnv }).hash, ha);
});

test('the raw document is kept as given, separate from the caller\'s object', () => {
  const doc = { Hookline: { 'hooks-libraries': [{ library: 'x', parameters: { p: 1 } }] } };
  const loaded = validateConfigDocument(doc, { baseDir: '/srv', ...noEnv });
  doc.Hookline['hooks-libraries'][0]!.parameters.p = 2;
  assert.deepEqual(loaded.raw, { Hookline: { 'hooks-libraries': [{ library: 'x', parameters: { p: 1 } }] } });
});

test('absurdly nested library parameters are a configuration error, not a crash', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 200_000; i++) deep = [deep];
  const err = rejection(() => validateConfigDocument({ Hookline: { 'hooks-libraries': [{ library: 'x', parameters: { deep } }] } }, { baseDir: '/srv', ...noEnv }));
  assert.equal(err.code, 'CONFIG_INVALID');
});

test('a redacted copy masks inline passwords and database passwords but keeps the rest', () => {
  const loaded = loadConfigFile(path.join(fixtures, 'full.jsonc'), noEnv);
  const withSecret = validateConfigDocument({ Hookline: { ...loaded.raw.Hookline, store: { type: 'postgresql', url: 'postgres://hookline:pa:ss@db/hookline' } } }, { baseDir: fixtures, ...noEnv });
  const shown = redactSecrets(withSecret.raw);
  const sockets = shown.Hookline['control-sockets'] as Array<{ authentication?: { clients: Array<Record<string, string>> } }>;
  assert.deepEqual(sockets[1]!.authentication!.clients, [{ user: 'admin', 'password-file': './secret' }, { user: 'robot', password: REDACTED }]);
  assert.deepEqual(shown.Hookline.store, { type: 'postgresql', url: `postgres://hookline:${REDACTED}@db/hookline` });
  assert.equal((withSecret.raw.Hookline.store as { url: string }).url, 'postgres://hookline:pa:ss@db/hookline');
});
