import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HooksManager, CONTEXT_CREATE, CONTEXT_DESTROY, commandHookName } from '../../src/index.js';

test('hook names map to stable indexes after the reserved context hooks', () => {
  const hooks = new HooksManager();
  assert.equal(hooks.hookIndex(CONTEXT_CREATE), 0);
  assert.equal(hooks.hookIndex(CONTEXT_DESTROY), 1);
  const a = hooks.registerHook('pkt_receive');
  const b = hooks.registerHook('pkt_send');
  assert.equal(a, 2);
  assert.equal(b, 3);
  assert.equal(hooks.hookIndex('pkt_send'), 3);
});

test('registering a hook twice throws DuplicateHook', () => {
  const hooks = new HooksManager();
  hooks.registerHook('pkt_receive');
  assert.throws(() => hooks.registerHook('pkt_receive'), { code: 'HOOKS_DUPLICATE_HOOK' });
});

test('context_create and context_destroy are reserved', () => {
  const hooks = new HooksManager();
  assert.throws(() => hooks.registerHook('context_create'), { code: 'HOOKS_DUPLICATE_HOOK', message: /reserved/ });
  assert.throws(() => hooks.registerHook('context_destroy'), { code: 'HOOKS_DUPLICATE_HOOK' });
});

test('an unknown hook name or index throws NoSuchHook', () => {
  const hooks = new HooksManager();
  assert.throws(() => hooks.hookIndex('nope'), { code: 'HOOKS_NO_SUCH_HOOK' });
  assert.throws(() => hooks.calloutsPresent(99), { code: 'HOOKS_NO_SUCH_HOOK' });
  assert.throws(() => hooks.callCalloutsSync(99, hooks.createCalloutHandle()), { code: 'HOOKS_NO_SUCH_HOOK' });
});

test('invalid hook names are rejected with a reason', () => {
  const hooks = new HooksManager();
  for (const bad of ['', 'has space', '9lives', 'a-b', 'x\n']) {
    assert.throws(() => hooks.registerHook(bad), { code: 'HOOKS_INVALID_HOOK_NAME', message: /valid identifier/ });
  }
});

test('command hooks are named $ plus the command with - turned into _', () => {
  assert.equal(commandHookName('lease4-add'), '$lease4_add');
  assert.equal(commandHookName('list-commands'), '$list_commands');
});

test('a spec listing an unknown status is rejected', () => {
  const hooks = new HooksManager();
  assert.throws(() => hooks.registerHook('h', { statuses: { STOP: 'x' } as never }), { code: 'HOOKS_INVALID_HOOK_NAME', message: /STOP/ });
});

test('a hook without callouts is a no-op that still resets the status', () => {
  const hooks = new HooksManager();
  const idx = hooks.registerHook('pkt_receive');
  const h = hooks.createCalloutHandle();
  h.setStatus(2);
  assert.equal(hooks.calloutsPresent(idx), false);
  assert.equal(hooks.callCallouts(idx, h), undefined);
  assert.equal(h.getStatus(), 0);
});
