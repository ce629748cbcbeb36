import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { HooksManager, NextStep } from '../../src/index.js';
import { captureLog } from '../support/log-capture.js';
import { fixturesDir } from '../support/paths.js';

const libs = path.join(fixturesDir, 'libs');

function setup(spec?: Parameters<HooksManager['registerHook']>[1]) {
  const log = captureLog('info');
  const hooks = new HooksManager({ hooksPath: libs, logger: log.logger });
  const idx = hooks.registerHook('pkt_receive', spec);
  return { hooks, idx, log };
}

test('callouts run pre, then libraries in configuration order (exports before load registrations), then post', async () => {
  const { hooks, idx } = setup();
  hooks.postCalloutsLibraryHandle().registerCallout('pkt_receive', (h) => { h.getArgument('trace').push('post'); });
  hooks.preCalloutsLibraryHandle().registerCallout('pkt_receive', (h) => { h.getArgument('trace').push('pre'); });
  assert.equal(await hooks.loadLibraries([{ library: 'lib-b.mjs', parameters: { tag: 'x' } }, { library: 'lib-a.mjs' }]), true);
  const h = hooks.createCalloutHandle();
  h.setArgument('trace', []);
  hooks.callCalloutsSync(idx, h);
  assert.deepEqual(h.getArgument('trace'), ['pre', 'b:export', 'b:load:x', 'a:export', 'a:load', 'post']);
});

test('component callouts survive a reload of the libraries', async () => {
  const { hooks, idx } = setup();
  hooks.preCalloutsLibraryHandle().registerCallout('pkt_receive', (h) => { h.getArgument('trace').push('pre'); });
  await hooks.loadLibraries([{ library: 'lib-a.mjs' }]);
  await hooks.loadLibraries([{ library: 'lib-b.mjs' }]);
  const h = hooks.createCalloutHandle();
  h.setArgument('trace', []);
  hooks.callCalloutsSync(idx, h);
  assert.deepEqual(h.getArgument('trace'), ['pre', 'b:export', 'b:load:-']);
});

test('setting a status never stops later callouts, and the status is reset before each call', () => {
  const { hooks, idx } = setup();
  const pre = hooks.preCalloutsLibraryHandle();
  const ran: string[] = [];
  pre.registerCallout('pkt_receive', (h) => { ran.push('1'); h.setStatus(NextStep.DROP); });
  pre.registerCallout('pkt_receive', () => { ran.push('2'); });
  const h = hooks.createCalloutHandle();
  hooks.callCalloutsSync(idx, h);
  assert.deepEqual(ran, ['1', '2']);
  assert.equal(h.getStatus(), NextStep.DROP);
  pre.deregisterAllCallouts('pkt_receive');
  pre.registerCallout('pkt_receive', () => undefined);
  hooks.callCalloutsSync(idx, h);
  assert.equal(h.getStatus(), NextStep.CONTINUE);
});

test('a callout that returns a non-zero number is logged and leaves the status unchanged', async () => {
  const { hooks, idx, log } = setup();
  await hooks.loadLibraries([{ library: 'returns-error.mjs' }, { library: 'lib-a.mjs' }]);
  const h = hooks.createCalloutHandle();
  h.setArgument('trace', []);
  hooks.callCalloutsSync(idx, h);
  assert.equal(h.getStatus(), NextStep.CONTINUE);
  assert.deepEqual(h.getArgument('trace'), ['rc5', 'a:export', 'a:load']);
  const rec = log.records.find((r) => r.msgId === 'HOOKS_CALLOUT_ERROR');
  assert.ok(rec);
  assert.equal(rec.library, 'returns-error.mjs');
  assert.equal(rec.hook, 'pkt_receive');
  assert.equal(rec.rc, 5);
});

test('a callout that throws forces DROP, is logged with hook and library, and later callouts still run', async () => {
  const { hooks, idx, log } = setup();
  await hooks.loadLibraries([{ library: 'thrower.mjs' }, { library: 'lib-a.mjs' }]);
  const h = hooks.createCalloutHandle();
  h.setArgument('trace', []);
  hooks.callCalloutsSync(idx, h);
  assert.equal(h.getStatus(), NextStep.DROP);
  assert.deepEqual(h.getArgument('trace'), ['a:export', 'a:load']);
  const rec = log.records.find((r) => r.msgId === 'HOOKS_CALLOUT_EXCEPTION');
  assert.ok(rec);
  assert.equal(rec.library, 'thrower.mjs');
  assert.equal(rec.hook, 'pkt_receive');
});

test('a callout whose promise rejects forces DROP and later callouts still run', async () => {
  const { hooks, idx, log } = setup();
  await hooks.loadLibraries([{ library: 'rejecter.mjs' }, { library: 'lib-a.mjs' }]);
  const h = hooks.createCalloutHandle();
  h.setArgument('trace', []);
  await hooks.callCallouts(idx, h);
  assert.equal(h.getStatus(), NextStep.DROP);
  assert.deepEqual(h.getArgument('trace'), ['a:export', 'a:load']);
  assert.ok(log.has('HOOKS_CALLOUT_EXCEPTION'));
});

test('callCallouts creates no promise when every callout is synchronous', async () => {
  const { hooks, idx } = setup();
  await hooks.loadLibraries([{ library: 'lib-a.mjs' }]);
  const h = hooks.createCalloutHandle();
  h.setArgument('trace', []);
  assert.equal(hooks.callCallouts(idx, h), undefined);
  assert.deepEqual(h.getArgument('trace'), ['a:export', 'a:load']);
});

test('callCallouts awaits async callouts in order and tracks the current library and hook', async () => {
  const { hooks, idx } = setup();
  await hooks.loadLibraries([{ library: 'lib-a.mjs' }, { library: 'async-lib.mjs' }, { library: 'lib-b.mjs' }]);
  const h = hooks.createCalloutHandle();
  h.setArgument('trace', []);
  const p = hooks.callCallouts(idx, h);
  assert.ok(p instanceof Promise);
  await p;
  assert.deepEqual(h.getArgument('trace'), ['a:export', 'a:load', 'async:async-lib.mjs:pkt_receive', 'b:export', 'b:load:-']);
  assert.equal(h.currentLibrary, '');
});

test('callCalloutsSync treats a callout returning a promise as an error and forces DROP', async () => {
  const { hooks, idx, log } = setup();
  await hooks.loadLibraries([{ library: 'async-lib.mjs' }, { library: 'lib-a.mjs' }]);
  const h = hooks.createCalloutHandle();
  h.setArgument('trace', []);
  hooks.callCalloutsSync(idx, h);
  assert.equal(h.getStatus(), NextStep.DROP);
  assert.deepEqual(h.getArgument('trace').slice(0, 2), ['a:export', 'a:load']);
  const rec = log.records.find((r) => r.msgId === 'HOOKS_CALLOUT_EXCEPTION');
  assert.equal((rec?.error as { code?: string })?.code, 'HOOKS_ASYNC_CALLOUT_IN_SYNC_CALL');
});

test('a status the hook point does not support is treated as CONTINUE and logged', async () => {
  const { hooks, idx, log } = setup({ statuses: { SKIP: 'skips processing' } });
  await hooks.loadLibraries([{ library: 'status-setter.mjs' }]);
  const h = hooks.createCalloutHandle();
  h.setArgument('want', NextStep.DROP);
  hooks.callCalloutsSync(idx, h);
  assert.equal(h.getStatus(), NextStep.CONTINUE);
  assert.ok(log.has('HOOKS_UNSUPPORTED_STATUS'));
  h.setArgument('want', NextStep.SKIP);
  hooks.callCalloutsSync(idx, h);
  assert.equal(h.getStatus(), NextStep.SKIP);
});

test('a callout may deregister itself while its hook is being called', () => {
  const { hooks, idx } = setup();
  const pre = hooks.preCalloutsLibraryHandle();
  let calls = 0;
  const once = (): void => { calls++; pre.deregisterCallout('pkt_receive', once); };
  pre.registerCallout('pkt_receive', once);
  pre.registerCallout('pkt_receive', () => undefined);
  const h = hooks.createCalloutHandle();
  hooks.callCalloutsSync(idx, h);
  hooks.callCalloutsSync(idx, h);
  assert.equal(calls, 1);
  assert.equal(hooks.calloutsPresent(idx), true);
});

test('per-callout timing is logged at debug level', async () => {
  const log = captureLog('debug');
  const hooks = new HooksManager({ hooksPath: libs, logger: log.logger });
  const idx = hooks.registerHook('pkt_receive');
  await hooks.loadLibraries([{ library: 'lib-a.mjs' }]);
  const h = hooks.createCalloutHandle();
  h.setArgument('trace', []);
  await hooks.callCallouts(idx, h);
  const timings = log.records.filter((r) => r.msgId === 'HOOKS_CALLOUT_CALLED');
  assert.equal(timings.length, 2);
  assert.equal(typeof timings[0]!.ms, 'number');
  assert.ok(log.has('HOOKS_CALLOUTS_COMPLETE'));
});
