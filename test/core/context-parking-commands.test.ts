import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { HooksManager, NextStep } from '../../src/index.js';
import { captureLog } from '../support/log-capture.js';
import { fixturesDir } from '../support/paths.js';

const libs = path.join(fixturesDir, 'libs');

function setup(opts: { parkingLotLimit?: number } = {}) {
  const log = captureLog('info');
  const hooks = new HooksManager({ hooksPath: libs, logger: log.logger, ...opts });
  const idx = hooks.registerHook('pkt_receive', { statuses: { PARK: 'the query waits for the callout', DROP: 'dropped' } });
  return { hooks, idx, log };
}

test('context is private to one library and one handle, and context_create/context_destroy frame its life', async () => {
  const { hooks, idx } = setup();
  await hooks.loadLibraries([{ library: 'context-lib.mjs' }, { library: 'context-other.mjs' }]);
  const h1 = hooks.createCalloutHandle();
  const h2 = hooks.createCalloutHandle();
  hooks.callCalloutsSync(idx, h1);
  hooks.callCalloutsSync(idx, h1);
  hooks.callCalloutsSync(idx, h2);
  assert.equal(h1.getArgument('calls'), 2);
  assert.equal(h2.getArgument('calls'), 1);
  assert.deepEqual(h1.getArgument('names'), ['calls']);
  assert.equal(h1.getArgument('otherError'), 'HOOKS_NO_SUCH_CALLOUT_CONTEXT');
  assert.equal(h1.hasArgument('leak'), false);
  h1.release();
  h1.release();
  h2.release();
});

test('context_destroy sees the context of the handle being released', async () => {
  const { hooks, idx } = setup();
  const events: string[] = [];
  const pre = hooks.preCalloutsLibraryHandle();
  pre.registerCallout('context_create', (h) => { h.setContext('n', 0); events.push('create'); });
  pre.registerCallout('pkt_receive', (h) => { h.setContext('n', h.getContext<number>('n') + 1); });
  pre.registerCallout('context_destroy', (h) => { events.push(`destroy:${h.getContext('n')}`); });
  const h = hooks.createCalloutHandle();
  hooks.callCalloutsSync(idx, h);
  hooks.callCalloutsSync(idx, h);
  h.release();
  assert.deepEqual(events, ['create', 'destroy:2']);
});

test('a parked object is resumed when the callout unparks it', async () => {
  const { hooks, idx } = setup();
  await hooks.loadLibraries([{ library: 'park-lib.mjs' }]);
  const query: { answer?: number } = {};
  const resumed = new Promise<void>((resolve) => hooks.park('pkt_receive', query, resolve));
  const h = hooks.createCalloutHandle();
  h.setArgument('query', query);
  await hooks.callCallouts(idx, h);
  assert.equal(h.getStatus(), NextStep.PARK);
  assert.equal(hooks.parkedCount('pkt_receive'), 1);
  await resumed;
  assert.equal(query.answer, 42);
  assert.equal(hooks.parkedCount('pkt_receive'), 0);
});

test('each unpark decrements the count and the continuation runs once at zero; force runs it at once', () => {
  const { hooks } = setup();
  const lot = hooks.parkingLotHandle('pkt_receive');
  const q = {};
  let runs = 0;
  hooks.park('pkt_receive', q, () => runs++);
  lot.reference(q);
  lot.reference(q);
  assert.equal(hooks.unpark('pkt_receive', q), true);
  assert.equal(runs, 0);
  assert.equal(hooks.unpark('pkt_receive', q), true);
  assert.equal(runs, 1);
  assert.equal(hooks.unpark('pkt_receive', q), false);
  const q2 = {};
  hooks.park('pkt_receive', q2, () => runs++);
  lot.reference(q2);
  lot.reference(q2);
  hooks.unpark('pkt_receive', q2, true);
  assert.equal(runs, 2);
});

test('drop removes a parked object without running its continuation', () => {
  const { hooks } = setup();
  const q = {};
  let runs = 0;
  hooks.park('pkt_receive', q, () => runs++);
  assert.equal(hooks.drop('pkt_receive', q), true);
  assert.equal(hooks.unpark('pkt_receive', q), false);
  assert.equal(runs, 0);
});

test('referencing an object that is not parked is an error, and parking twice is refused', () => {
  const { hooks } = setup();
  const lot = hooks.parkingLotHandle('pkt_receive');
  assert.throws(() => lot.reference({}), { code: 'HOOKS_NOT_PARKED' });
  const q = {};
  hooks.park('pkt_receive', q, () => undefined);
  assert.throws(() => hooks.park('pkt_receive', q, () => undefined), { code: 'HOOKS_ALREADY_PARKED' });
});

test('a parking lot holds at most its limit', () => {
  const { hooks } = setup({ parkingLotLimit: 2 });
  hooks.park('pkt_receive', {}, () => undefined);
  hooks.park('pkt_receive', {}, () => undefined);
  assert.throws(() => hooks.park('pkt_receive', {}, () => undefined), { code: 'HOOKS_PARKING_LOT_FULL', message: /limit 2/ });
});

test('a reload clears every parking lot without running continuations', async () => {
  const { hooks, log } = setup();
  let runs = 0;
  hooks.park('pkt_receive', {}, () => runs++);
  hooks.park('other_hook', {}, () => runs++);
  await hooks.loadLibraries([{ library: 'lib-a.mjs' }]);
  assert.equal(hooks.parkedCount('pkt_receive'), 0);
  assert.equal(hooks.parkedCount('other_hook'), 0);
  assert.equal(runs, 0);
  assert.equal(log.records.find((r) => r.msgId === 'HOOKS_PARKING_LOTS_CLEARED')?.count, 2);
});

test('a library command handler is found and called with the command, and sets the response', async () => {
  const { hooks } = setup();
  assert.equal(hooks.commandHandlersPresent('echo-back'), false);
  await hooks.loadLibraries([{ library: 'commands-lib.mjs' }]);
  assert.equal(hooks.commandHandlersPresent('echo-back'), true);
  assert.deepEqual(hooks.libraryCommands(), ['echo-back']);
  const h = hooks.createCalloutHandle();
  h.setArgument('command', { command: 'echo-back', arguments: { x: 1 } });
  await hooks.callCommandHandlers('echo-back', h);
  assert.deepEqual(h.getArgument('response'), { result: 0, text: 'echo', arguments: { x: 1 } });
  await hooks.unloadLibraries();
  assert.equal(hooks.commandHandlersPresent('echo-back'), false);
  assert.deepEqual(hooks.libraryCommands(), []);
});

test('an invalid command name is rejected', () => {
  const { hooks } = setup();
  assert.throws(() => hooks.preCalloutsLibraryHandle().registerCommandCallout('bad name', () => 0), { code: 'HOOKS_INVALID_HOOK_NAME' });
});
