import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HooksManager, NextStep, ScopedCalloutHandleState, withScopedState } from '../../src/index.js';

test('arguments are set, read, listed and deleted', () => {
  const h = new HooksManager().createCalloutHandle();
  h.setArgument('query', { id: 1 });
  h.setArgument('count', 10);
  h.setArgument('nothing', undefined);
  assert.deepEqual(h.getArgument('query'), { id: 1 });
  assert.equal(h.getArgument('nothing'), undefined);
  assert.deepEqual(h.getArgumentNames().sort(), ['count', 'nothing', 'query']);
  h.deleteArgument('count');
  assert.throws(() => h.getArgument('count'), { code: 'HOOKS_NO_SUCH_ARGUMENT' });
  h.deleteAllArguments();
  assert.deepEqual(h.getArgumentNames(), []);
});

test('a missing argument throws NoSuchArgument even for names of Object.prototype members', () => {
  const h = new HooksManager().createCalloutHandle();
  for (const name of ['missing', 'constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    assert.throws(() => h.getArgument(name), { code: 'HOOKS_NO_SUCH_ARGUMENT' }, name);
  }
});

test('the scoped state helper clears arguments and status before and after', async () => {
  const hooks = new HooksManager();
  const h = hooks.createCalloutHandle();
  h.setArgument('stale', 1);
  h.setStatus(NextStep.DROP);
  const scope = new ScopedCalloutHandleState(h);
  assert.deepEqual(h.getArgumentNames(), []);
  assert.equal(h.getStatus(), NextStep.CONTINUE);
  h.setArgument('fresh', 2);
  scope.dispose();
  assert.deepEqual(h.getArgumentNames(), []);
  const seen = await withScopedState(h, () => { h.setArgument('x', 1); return h.getArgumentNames(); });
  assert.deepEqual(seen, ['x']);
  assert.deepEqual(h.getArgumentNames(), []);
});

test('context is only reachable inside a callout', () => {
  const h = new HooksManager().createCalloutHandle();
  assert.throws(() => h.setContext('a', 1), { code: 'HOOKS_NO_SUCH_CALLOUT_CONTEXT' });
  assert.equal(h.currentLibrary, '');
  assert.equal(h.currentHook, '');
});
