import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HookIndex, triggerKeys } from '../../src/hem/hook-matcher.js';
import { parseHookTemplate } from '../../src/hem/template-validator.js';
import type { Hook } from '../../src/hem/hook.js';
import { apiEvent, stateEvent } from '../../src/events/documents.js';

let nextId = 0;
function hook(template: string, id = nextId++): Hook {
  return { ...parseHookTemplate(template), id, locked: false, createdAt: 0, updatedAt: 0 };
}
const apiHook = (call: string, id?: number): Hook => hook(`NAME = a${id}\nTYPE = api\nCOMMAND = c\nCALL = ${call}`, id);
const vmHook = (on: string, id?: number): Hook => hook(`NAME = v${id}\nTYPE = state\nCOMMAND = c\nRESOURCE = VM\nON = ${on}`, id);
const ids = (hooks: readonly Hook[]): number[] => hooks.map((h) => h.id);

test('an API hook fires on its call both on success and on failure', () => {
  const index = new HookIndex([apiHook('one.user.allocate', 1)]);
  assert.deepEqual(ids(index.match(apiEvent('one.user.allocate', [], 7, true))), [1]);
  assert.deepEqual(ids(index.match(apiEvent('one.user.allocate', [], 'error', false))), [1]);
  assert.deepEqual(ids(index.match(apiEvent('one.user.delete', [], 7, true))), []);
});

test('a state hook on PROLOG does not fire for PROLOG_MIGRATE', () => {
  const index = new HookIndex([vmHook('PROLOG', 1)]);
  assert.deepEqual(ids(index.match(stateEvent('VM', 5, 'ACTIVE', 'PROLOG'))), [1]);
  assert.deepEqual(ids(index.match(stateEvent('VM', 5, 'ACTIVE', 'PROLOG_MIGRATE'))), []);
});

test('the state triple is compared exactly: resource, state and LCM state must all agree', () => {
  const index = new HookIndex([hook('NAME = h\nTYPE = state\nCOMMAND = c\nRESOURCE = HOST\nSTATE = ERROR', 1)]);
  assert.deepEqual(ids(index.match(stateEvent('HOST', 0, 'ERROR', ''))), [1]);
  assert.deepEqual(ids(index.match(stateEvent('HOST', 0, 'ERROR', 'X'))), []);
  assert.deepEqual(ids(index.match(stateEvent('VM', 0, 'ERROR', ''))), []);
  assert.deepEqual(ids(index.match(stateEvent('HOST', 0, 'ERR', ''))), []);
});

test('bus keys with the id and the trailing space match like the canonical key', () => {
  const index = new HookIndex([vmHook('CUSTOM\nSTATE = PENDING\nLCM_STATE = LCM_INIT', 1), hook('NAME = h\nTYPE = state\nCOMMAND = c\nRESOURCE = HOST\nSTATE = ERROR', 2)]);
  assert.deepEqual(ids(index.match({ key: 'EVENT STATE VM/PENDING/LCM_INIT/12 ' })), [1]);
  assert.deepEqual(ids(index.match({ key: 'EVENT VM 12/PENDING/LCM_INIT ' })), [1]);
  assert.deepEqual(ids(index.match({ key: 'EVENT STATE HOST/ERROR//5 ' })), [2]);
  assert.deepEqual(ids(index.match({ key: 'EVENT STATE VM/PENDING/LCM_INIT_X/12 ' })), []);
  assert.deepEqual(ids(index.match({ key: 'not a key at all' })), []);
});

test('several hooks on one trigger are returned in hook-id order whatever the order they were added', () => {
  const index = new HookIndex<Hook>();
  for (const id of [7, 2, 9, 4]) index.add(apiHook('one.vm.allocate', id));
  assert.deepEqual(ids(index.match(apiEvent('one.vm.allocate', [], 1, true))), [2, 4, 7, 9]);
});

test('removing a hook stops it firing for the next event and leaves the others', () => {
  const index = new HookIndex([apiHook('one.vm.allocate', 1), apiHook('one.vm.allocate', 2)]);
  assert.equal(index.remove(1), true);
  assert.equal(index.remove(1), false);
  assert.deepEqual(ids(index.match(apiEvent('one.vm.allocate', [], 1, true))), [2]);
  index.remove(2);
  assert.equal(index.size, 0);
  assert.deepEqual(ids(index.match(apiEvent('one.vm.allocate', [], 1, true))), []);
});

test('adding a hook with an existing id replaces it, moving its trigger', () => {
  const index = new HookIndex([vmHook('PROLOG', 3)]);
  index.add(vmHook('RUNNING', 3));
  assert.equal(index.size, 1);
  assert.deepEqual(ids(index.match(stateEvent('VM', 1, 'ACTIVE', 'PROLOG'))), []);
  assert.deepEqual(ids(index.match(stateEvent('VM', 1, 'ACTIVE', 'RUNNING'))), [3]);
});

test('a result already handed out does not change when the index is updated', () => {
  const index = new HookIndex([apiHook('one.vm.allocate', 1)]);
  const before = index.match(apiEvent('one.vm.allocate', [], 1, true));
  index.add(apiHook('one.vm.allocate', 2));
  index.remove(1);
  assert.deepEqual(ids(before), [1]);
  assert.ok(Object.isFrozen(before));
});

test('service, retry and raw events match no hook', () => {
  const index = new HookIndex([apiHook('one.vm.allocate', 1), vmHook('PROLOG', 2)]);
  for (const key of ['EVENT SERVICE 3', 'RETRY', 'EVENT SOMETHING else']) assert.deepEqual(index.match({ key }), []);
});

test('trigger keys are the canonical event keys a hook is filed under', () => {
  assert.deepEqual(triggerKeys(apiHook('one.user.allocate')), ['EVENT API one.user.allocate 1', 'EVENT API one.user.allocate 0']);
  assert.deepEqual(triggerKeys(vmHook('SHUTDOWN')), ['EVENT STATE VM/ACTIVE/EPILOG']);
});

test('an index built from a list lists its hooks in id order', () => {
  const index = new HookIndex([apiHook('a', 5), apiHook('b', 1), vmHook('DONE', 3)]);
  assert.deepEqual(ids(index.hooks()), [1, 3, 5]);
  assert.equal(index.has(3), true);
});
