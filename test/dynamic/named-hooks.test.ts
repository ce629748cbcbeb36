import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DynamicHooks } from '../../src/dynamic/index.js';
import { captureLog } from '../support/log-capture.js';

test('runHook calls every handler of the name in registration order with the arguments', () => {
  const dyn = new DynamicHooks();
  const calls: string[] = [];
  dyn.hook('g', 'evt', (a: number, b: string) => calls.push(`first ${a} ${b}`));
  dyn.hook('g', 'evt', (a: number, b: string) => calls.push(`second ${a} ${b}`));
  dyn.hook('g', 'other', () => calls.push('other'));
  dyn.enableByDefault('g');
  dyn.runHook('g', 'evt', 1, 'x');
  assert.deepEqual(calls, ['first 1 x', 'second 1 x']);
  dyn.disableByDefault('g');
});

test('runHook on a disabled group calls nothing', () => {
  const dyn = new DynamicHooks();
  let called = false;
  dyn.hook('g', 'evt', () => (called = true));
  dyn.runHook('g', 'evt');
  dyn.enableByDefault('other');
  dyn.runHook('g', 'evt');
  dyn.runHook('unknown', 'evt');
  dyn.disableByDefault('other');
  assert.equal(called, false);
});

test('the undo of one registration removes only that registration, even for the same handler twice', () => {
  const dyn = new DynamicHooks();
  const calls: string[] = [];
  const f = (): number => calls.push('f');
  const g = (): number => calls.push('g');
  dyn.hook('grp', 'evt', f);
  dyn.hook('grp', 'evt', g);
  const undoSecondF = dyn.hook('grp', 'evt', f);
  dyn.enableByDefault('grp');
  undoSecondF();
  undoSecondF();
  dyn.runHook('grp', 'evt');
  assert.deepEqual(calls, ['f', 'g']);
  dyn.disableByDefault('grp');
});

test('a handler that undoes itself during a run does not stop the others of that run', () => {
  const dyn = new DynamicHooks();
  const calls: string[] = [];
  const undo = dyn.hook('g', 'evt', () => {
    calls.push('a');
    undo();
  });
  dyn.hook('g', 'evt', () => calls.push('b'));
  dyn.enableByDefault('g');
  dyn.runHook('g', 'evt');
  dyn.runHook('g', 'evt');
  assert.deepEqual(calls, ['a', 'b', 'b']);
  dyn.disableByDefault('g');
});

test('a throwing handler is logged once per group and hook, and neither the caller nor the other handlers see it', () => {
  const log = captureLog();
  const dyn = new DynamicHooks({ logger: log.logger });
  const calls: string[] = [];
  dyn.hook('g', 'evt', () => {
    throw new Error('boom');
  });
  dyn.hook('g', 'evt', () => calls.push('after the thrower'));
  dyn.enableByDefault('g');
  assert.doesNotThrow(() => dyn.runHook('g', 'evt'));
  dyn.runHook('g', 'evt');
  assert.deepEqual(calls, ['after the thrower', 'after the thrower']);
  const errors = log.records.filter((r) => r.msgId === 'DYNAMIC_HOOK_HANDLER_ERROR');
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.group, 'g');
  assert.equal(errors[0]!.hook, 'evt');
  dyn.disableByDefault('g');
});

test('an async handler that rejects is contained and logged', async () => {
  const log = captureLog();
  const dyn = new DynamicHooks({ logger: log.logger });
  dyn.hook('g', 'evt', async () => {
    throw new Error('late boom');
  });
  dyn.enableByDefault('g');
  assert.doesNotThrow(() => dyn.runHook('g', 'evt'));
  // the rejection is handled in a microtask; one macrotask later every microtask has run
  await new Promise((r) => setImmediate(r));
  assert.ok(log.has('DYNAMIC_HOOK_HANDLER_ERROR'));
  dyn.disableByDefault('g');
});

test('hook refuses an empty group, an empty name and a non-function handler with typed errors', () => {
  const dyn = new DynamicHooks();
  assert.throws(() => dyn.hook('', 'evt', () => {}), { code: 'HOOKLINE_DYNAMIC_INVALID_NAME' });
  assert.throws(() => dyn.hook('g', '', () => {}), { code: 'HOOKLINE_DYNAMIC_INVALID_NAME' });
  assert.throws(() => dyn.hook('g', 'evt', 'nope' as never), { code: 'HOOKLINE_DYNAMIC_INVALID_HANDLER' });
});

test('a hook point runs like runHook and sees handlers added or undone after it was resolved', () => {
  const dyn = new DynamicHooks();
  const point = dyn.hookPoint('g', 'evt');
  const calls: unknown[] = [];
  point.run('before any handler');
  const undo = dyn.hook('g', 'evt', (x: unknown) => calls.push(x));
  point.run('disabled');
  dyn.enableByDefault('g');
  point.run('enabled');
  undo();
  point.run('undone');
  assert.deepEqual(calls, ['enabled']);
  assert.equal(point.group, 'g');
  assert.equal(point.name, 'evt');
  dyn.disableByDefault('g');
});

test('handlers receive exactly the arguments given to runHook or run, however many', () => {
  const dyn = new DynamicHooks();
  const counts: number[] = [];
  dyn.hook('g', 'evt', (...xs: unknown[]) => counts.push(xs.length));
  dyn.enableByDefault('g');
  dyn.runHook('g', 'evt');
  dyn.runHook('g', 'evt', undefined);
  dyn.runHook('g', 'evt', 1, 2, 3, 4, 5, 6);
  const point = dyn.hookPoint('g', 'evt');
  point.run();
  point.run(1, 2, 3, 4, 5);
  assert.deepEqual(counts, [0, 1, 6, 0, 5]);
  dyn.disableByDefault('g');
});
