import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { HooksManager } from '../../src/index.js';
import { captureLog } from '../support/log-capture.js';
import { fixturesDir, tempDir } from '../support/paths.js';

const libs = path.join(fixturesDir, 'libs');

function setup(hooksPath = libs) {
  const log = captureLog('info');
  const hooks = new HooksManager({ hooksPath, logger: log.logger });
  const idx = hooks.registerHook('pkt_receive');
  return { hooks, idx, log };
}

function trace(hooks: HooksManager, idx: number): string[] {
  const h = hooks.createCalloutHandle();
  h.setArgument('trace', []);
  hooks.callCalloutsSync(idx, h);
  return h.getArgument('trace');
}

test('a loaded library logs HOOKS_LIBRARY_LOADED and its callouts run', async () => {
  const { hooks, idx, log } = setup();
  assert.equal(await hooks.loadLibraries([{ library: 'lib-a.mjs' }]), true);
  assert.ok(log.has('HOOKS_LIBRARY_LOADED'));
  assert.deepEqual(hooks.getLibraryNames(), ['lib-a.mjs']);
  assert.deepEqual(trace(hooks, idx), ['a:export', 'a:load']);
});

test('parameters reach the library through getParameter, getParameters and getParameterNames', async () => {
  const { hooks, idx } = setup();
  await hooks.loadLibraries([{ library: 'params.mjs', parameters: { path: '/tmp/x', nested: { a: [1] } } }]);
  const h = hooks.createCalloutHandle();
  hooks.callCalloutsSync(idx, h);
  assert.deepEqual(h.getArgument('params'), {
    names: ['path', 'nested'], all: { path: '/tmp/x', nested: { a: [1] } }, path: '/tmp/x', missing: undefined,
  });
});

test('a version given as a semver range is accepted when it includes the API version', async () => {
  const { hooks, idx } = setup();
  assert.equal(await hooks.loadLibraries([{ library: 'semver-range.mjs' }]), true);
  assert.deepEqual(trace(hooks, idx), ['semver']);
});

const badCases: Array<[string, object, string, RegExp]> = [
  ['a missing library file', { library: 'does-not-exist.mjs' }, 'HOOKS_OPEN_ERROR', /no such file/],
  ['a library with a syntax error', { library: 'syntax-error.mjs' }, 'HOOKS_OPEN_ERROR', /failed to import/],
  ['a wrong version', { library: 'bad-version.mjs' }, 'HOOKS_INCORRECT_VERSION', /version 2/],
  ['a missing version', { library: 'no-version.mjs' }, 'HOOKS_NO_VERSION', /does not export "version"/],
  ['load() returning non-zero', { library: 'load-returns-error.mjs' }, 'HOOKS_LOAD_ERROR', /returned error 1/],
  ['load() throwing', { library: 'load-throws.mjs' }, 'HOOKS_LOAD_EXCEPTION', /licence server/],
  ['a missing mandatory parameter checked by load()', { library: 'mandatory-param.mjs' }, 'HOOKS_LOAD_ERROR', /returned error 1/],
  ['a missing declared parameter', { library: 'declared-params.mjs' }, 'HOOKS_INVALID_PARAMETERS', /mandatory parameter "path"/],
  ['a declared parameter of the wrong type', { library: 'declared-params.mjs', parameters: { path: 'x', limit: 'ten' } }, 'HOOKS_INVALID_PARAMETERS', /"limit" must be a number/],
  ['parameters that are not an object', { library: 'lib-a.mjs', parameters: [1, 2] }, 'HOOKS_INVALID_PARAMETERS', /must be a JSON object/],
  ['an unknown hook in registerCallout', { library: 'unknown-hook.mjs' }, 'HOOKS_REGISTRATION_ERROR', /no_such_hook/],
  ['an export named after a hook that is not a function', { library: 'not-a-function.mjs' }, 'HOOKS_REGISTRATION_ERROR', /not a function/],
  ['a path leaving the hooks directory', { library: '../outside.mjs' }, 'HOOKS_LIBRARY_PATH_REFUSED', /outside the hooks directory/],
];

for (const [what, entry, code, message] of badCases) {
  test(`${what} is reported with the library and the cause, and the running set is untouched`, async () => {
    const { hooks, idx, log } = setup();
    assert.equal(await hooks.loadLibraries([{ library: 'lib-a.mjs' }]), true);
    const report = await hooks.loadLibrariesWithReport([{ library: 'lib-b.mjs' }, entry as never]);
    assert.equal(report.ok, false);
    assert.equal(report.errors.length, 1);
    const err = report.errors[0]!;
    assert.equal(err.code, code);
    assert.equal(err.library, (entry as { library: string }).library);
    assert.match(err.message, message);
    assert.match(err.message, new RegExp(`library ${(entry as { library: string }).library.replace(/[.]/g, '\\.')}`));
    assert.ok(log.has(code));
    assert.ok(log.has('HOOKS_LIBRARIES_REJECTED'));
    assert.deepEqual(hooks.getLibraryNames(), ['lib-a.mjs']);
    assert.deepEqual(trace(hooks, idx), ['a:export', 'a:load']);
  });
}

test('every failing library of a set is reported, not only the first', async () => {
  const { hooks } = setup();
  const report = await hooks.loadLibrariesWithReport([{ library: 'bad-version.mjs' }, { library: 'lib-a.mjs' }, { library: 'no-version.mjs' }]);
  assert.deepEqual(report.errors.map((e) => [e.library, e.code]), [['bad-version.mjs', 'HOOKS_INCORRECT_VERSION'], ['no-version.mjs', 'HOOKS_NO_VERSION']]);
});

test('a library outside the hooks directory is refused even by absolute path', async () => {
  const dir = tempDir();
  const outside = path.join(dir, 'evil.mjs');
  fs.writeFileSync(outside, 'export const version = 1; globalThis.__evilRan = true;');
  const { hooks } = setup();
  const report = await hooks.loadLibrariesWithReport([{ library: outside }]);
  assert.equal(report.errors[0]?.code, 'HOOKS_LIBRARY_PATH_REFUSED');
  assert.match(report.errors[0]!.message, /outside the hooks directory/);
  assert.equal((globalThis as { __evilRan?: boolean }).__evilRan, undefined);
});

test('a symbolic link inside the hooks directory that points outside it is refused', async () => {
  const dir = tempDir();
  const hooksDir = path.join(dir, 'hooks');
  fs.mkdirSync(hooksDir);
  fs.writeFileSync(path.join(dir, 'evil.mjs'), 'export const version = 1;');
  fs.symlinkSync(path.join(dir, 'evil.mjs'), path.join(hooksDir, 'innocent.mjs'));
  const { hooks } = setup(hooksDir);
  const report = await hooks.loadLibrariesWithReport([{ library: 'innocent.mjs' }]);
  assert.equal(report.errors[0]?.code, 'HOOKS_LIBRARY_PATH_REFUSED');
  assert.match(report.errors[0]!.message, /symbolic link/);
});

test('an npm package installed in the hooks directory loads by its name', async () => {
  const hooksDir = tempDir();
  const pkg = path.join(hooksDir, 'node_modules', 'hookline-lib-demo');
  fs.mkdirSync(path.join(pkg, 'lib'), { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'hookline-lib-demo', type: 'module', exports: { '.': { import: './lib/main.js' } } }));
  fs.writeFileSync(path.join(pkg, 'lib', 'main.js'), "export const version = 1; export function pkt_receive(h) { h.getArgument('trace').push('pkg'); }");
  const { hooks, idx } = setup(hooksDir);
  assert.equal(await hooks.loadLibraries([{ library: 'hookline-lib-demo' }]), true);
  assert.deepEqual(trace(hooks, idx), ['pkg']);
});

test('a bundled library loads by its bare name', async () => {
  const log = captureLog();
  const hooks = new HooksManager({ hooksPath: tempDir(), logger: log.logger, bundledLibraries: new Map([['demo', path.join(libs, 'lib-a.mjs')]]) });
  const idx = hooks.registerHook('pkt_receive');
  assert.equal(await hooks.loadLibraries([{ library: 'demo' }]), true);
  assert.deepEqual(trace(hooks, idx), ['a:export', 'a:load']);
  const report = await hooks.loadLibrariesWithReport([{ library: 'nothing-by-that-name' }]);
  assert.match(report.errors[0]!.message, /bundled: demo/);
});

test('HOOKLINE_HOOKS_PATH takes precedence over the configured hooks path', () => {
  const dir = tempDir();
  process.env.HOOKLINE_HOOKS_PATH = dir;
  try {
    assert.equal(new HooksManager({ hooksPath: '/somewhere/else' }).hooksPath, dir);
  } finally {
    delete process.env.HOOKLINE_HOOKS_PATH;
  }
});

test('a reload picks up a changed library file as a fresh module instance', async () => {
  const hooksDir = tempDir();
  const file = path.join(hooksDir, 'changing.mjs');
  fs.writeFileSync(file, "export const version = 1; export function pkt_receive(h) { h.getArgument('trace').push('v1'); }");
  const { hooks, idx } = setup(hooksDir);
  await hooks.loadLibraries([{ library: 'changing.mjs' }]);
  assert.deepEqual(trace(hooks, idx), ['v1']);
  fs.writeFileSync(file, "export const version = 1; export function pkt_receive(h) { h.getArgument('trace').push('v2'); }");
  await hooks.loadLibraries([{ library: 'changing.mjs' }]);
  assert.deepEqual(trace(hooks, idx), ['v2']);
});

test('validateLibraries names the libraries that would fail without calling load()', async () => {
  const { hooks } = setup();
  (globalThis as { __hooklineUnloads?: string[] }).__hooklineUnloads = [];
  const bad = await hooks.validateLibraries([
    { library: 'unload-lib.mjs', parameters: { tag: 'v' } }, { library: 'bad-version.mjs' }, { library: 'declared-params.mjs' }, { library: 'lib-a.mjs' },
  ]);
  assert.deepEqual(bad, ['bad-version.mjs', 'declared-params.mjs']);
  assert.deepEqual((globalThis as { __hooklineUnloads?: string[] }).__hooklineUnloads, []);
  assert.deepEqual(hooks.getLibraryNames(), []);
});

test('unload() runs in reverse order when a set is replaced or unloaded', async () => {
  const { hooks } = setup();
  const g = globalThis as { __hooklineUnloads?: string[] };
  g.__hooklineUnloads = [];
  await hooks.loadLibraries([{ library: 'unload-lib.mjs', parameters: { tag: '1' } }, { library: 'unload-lib.mjs', parameters: { tag: '2' } }]);
  await hooks.loadLibraries([{ library: 'unload-lib.mjs', parameters: { tag: '3' } }]);
  await hooks.unloadLibraries();
  assert.deepEqual(g.__hooklineUnloads, ['load:1', 'load:2', 'load:3', 'unload:2', 'unload:1', 'unload:3']);
  assert.deepEqual(hooks.getLibraryNames(), []);
});

test('when a later library fails to load, the libraries already loaded in the new set are unloaded', async () => {
  const { hooks } = setup();
  const g = globalThis as { __hooklineUnloads?: string[] };
  g.__hooklineUnloads = [];
  const ok = await hooks.loadLibraries([{ library: 'unload-lib.mjs', parameters: { tag: 'new' } }, { library: 'load-returns-error.mjs' }]);
  assert.equal(ok, false);
  assert.deepEqual(g.__hooklineUnloads, ['load:new', 'unload:new']);
});

test("a reload aborts the old library's signal, so its timers stop; a failed reload leaves them running", async () => {
  const { hooks } = setup();
  const ticks = (): Record<string, number> => (globalThis as unknown as { __hooklineTicks: Record<string, number> }).__hooklineTicks;
  await hooks.loadLibraries([{ library: 'timer-lib.mjs', parameters: { tag: 'old' } }]);
  const waitForTicks = async (tag: string, more: number): Promise<void> => {
    const start = ticks()[tag]!;
    while (ticks()[tag]! < start + more) await new Promise((r) => setTimeout(r, 2));
  };
  await waitForTicks('old', 2);
  assert.equal(await hooks.loadLibraries([{ library: 'timer-lib.mjs', parameters: { tag: 'failed' } }, { library: 'bad-version.mjs' }]), false);
  await waitForTicks('old', 2); // still running: the failed set never touched it
  assert.equal(await hooks.loadLibraries([{ library: 'timer-lib.mjs', parameters: { tag: 'new' } }]), true);
  const frozen = ticks().old!;
  await waitForTicks('new', 5);
  assert.equal(ticks().old, frozen);
  await hooks.unloadLibraries();
});

test('concurrent reloads are serialized and the last one wins', async () => {
  const { hooks, idx } = setup();
  await Promise.all([
    hooks.loadLibraries([{ library: 'lib-a.mjs' }]),
    hooks.loadLibraries([{ library: 'lib-b.mjs' }]),
  ]);
  assert.deepEqual(hooks.getLibraryNames(), ['lib-b.mjs']);
  assert.deepEqual(trace(hooks, idx), ['b:export', 'b:load:-']);
});

test('a staged set can be activated and then abandoned, which puts the old set back untouched', async () => {
  const { hooks, idx } = setup();
  await hooks.loadLibraries([{ library: 'lib-a.mjs' }]);
  const { report, stage } = await hooks.stageLibraries([{ library: 'lib-b.mjs' }]);
  assert.equal(report.ok, true);
  assert.deepEqual(trace(hooks, idx), ['a:export', 'a:load']);
  stage!.activate();
  assert.deepEqual(trace(hooks, idx), ['b:export', 'b:load:-']);
  await stage!.abandon();
  assert.deepEqual(hooks.getLibraryNames(), ['lib-a.mjs']);
  assert.deepEqual(trace(hooks, idx), ['a:export', 'a:load']);
});

test('a staged set that is confirmed replaces the old set, which is unloaded', async () => {
  const { hooks, idx } = setup();
  const g = globalThis as { __hooklineUnloads?: string[] };
  g.__hooklineUnloads = [];
  await hooks.loadLibraries([{ library: 'unload-lib.mjs', parameters: { tag: 'old' } }]);
  const { stage } = await hooks.stageLibraries([{ library: 'lib-b.mjs' }]);
  stage!.activate();
  await stage!.confirm();
  assert.deepEqual(g.__hooklineUnloads, ['load:old', 'unload:old']);
  assert.deepEqual(trace(hooks, idx), ['b:export', 'b:load:-']);
});

test('a scoped npm package installed in the hooks directory loads by its name', async () => {
  const hooksDir = tempDir();
  const pkg = path.join(hooksDir, 'node_modules', '@acme', 'motd');
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: '@acme/motd', type: 'module', main: 'index.js' }));
  fs.writeFileSync(path.join(pkg, 'index.js'), "export const version = 1; export function pkt_receive(h) { h.getArgument('trace').push('scoped'); }");
  const { hooks, idx } = setup(hooksDir);
  assert.equal(await hooks.loadLibraries([{ library: '@acme/motd' }]), true);
  assert.deepEqual(trace(hooks, idx), ['scoped']);
});
