import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DynamicHooks, DynamicHooksError } from '../../src/dynamic/index.js';

type Loose = Record<string, unknown>;
const dyn = new DynamicHooks();
const patch = (target: unknown, key: unknown, handlers: unknown = { befores: [() => {}] }): unknown =>
  dyn.hookFunction('g', target as Loose, key as never, handlers as never);

/** Asserts the typed error, that its message names the target and key, and that the property is untouched. */
function refuses(target: object, key: PropertyKey, code: string, mentions: string[], handlers?: unknown): void {
  const before = Object.getOwnPropertyDescriptor(target, key);
  assert.throws(() => patch(target, key, handlers), (e: unknown) => {
    assert.ok(e instanceof DynamicHooksError);
    assert.equal(e.code, code);
    for (const m of mentions) assert.ok(e.message.includes(m), `"${e.message}" should mention ${m}`);
    return true;
  });
  assert.deepEqual(Object.getOwnPropertyDescriptor(target, key), before, 'nothing half-patched');
}

test('patching a key that holds no function names the target and key and what was expected', () => {
  refuses({ port: 8080 }, 'port', 'HOOKLINE_DYNAMIC_NOT_A_FUNCTION', ['object.port', 'number 8080', 'expected a function']);
});

test('patching a missing key is refused with the target and key named', () => {
  class Client { query(): void {} }
  refuses(new Client(), 'qeury', 'HOOKLINE_DYNAMIC_MISSING_KEY', ['a Client instance.qeury', 'missing']);
  refuses(Client.prototype, 'close', 'HOOKLINE_DYNAMIC_MISSING_KEY', ['Client.prototype.close']);
});

test('patching a frozen object is refused, own key or inherited', () => {
  const frozen = Object.freeze({ run(): number { return 1; } });
  refuses(frozen, 'run', 'HOOKLINE_DYNAMIC_NOT_WRITABLE', ['object.run', 'frozen']);
  class Job { run(): number { return 1; } }
  const frozenInstance = Object.freeze(new Job());
  refuses(frozenInstance, 'run', 'HOOKLINE_DYNAMIC_NOT_WRITABLE', ['a Job instance.run', 'frozen']);
  assert.equal(Object.hasOwn(frozenInstance, 'run'), false);
});

test('patching a read-only property or an accessor is refused', () => {
  const readOnly = {};
  Object.defineProperty(readOnly, 'fn', { value: () => 1, writable: false, configurable: true });
  refuses(readOnly, 'fn', 'HOOKLINE_DYNAMIC_NOT_WRITABLE', ['object.fn', 'read-only']);
  const accessor = { get fn() { return () => 1; } };
  refuses(accessor, 'fn', 'HOOKLINE_DYNAMIC_NOT_WRITABLE', ['object.fn', 'accessor']);
});

test('a proxy that refuses the new property leaves nothing patched and carries the cause', () => {
  const inner = { fn(): number { return 1; } };
  const refusal = new Error('no redefinition here');
  const proxy = new Proxy(inner, { defineProperty() { throw refusal; } });
  assert.throws(() => patch(proxy, 'fn'), (e: unknown) => e instanceof DynamicHooksError && e.code === 'HOOKLINE_DYNAMIC_NOT_WRITABLE' && e.cause === refusal);
  assert.equal(typeof inner.fn, 'function');
  assert.equal(inner.fn(), 1);
  // a failed patch is not remembered: patching the plain object works
  const undo = patch(inner, 'fn') as () => void;
  undo();
});

test('a target that is not an object, and handlers that are not functions, are refused before any change', () => {
  assert.throws(() => patch(null, 'fn'), { code: 'HOOKLINE_DYNAMIC_INVALID_TARGET' });
  assert.throws(() => patch('text', 'trim'), { code: 'HOOKLINE_DYNAMIC_INVALID_TARGET' });
  const target = { fn(): number { return 1; } };
  refuses(target, 'fn', 'HOOKLINE_DYNAMIC_INVALID_HANDLER', ['befores', 'object.fn', '[1]'], { befores: [() => {}, 'oops'] });
  refuses(target, 'fn', 'HOOKLINE_DYNAMIC_INVALID_HANDLER', ['afters'], { afters: () => {} });
  refuses(target, 'fn', 'HOOKLINE_DYNAMIC_INVALID_HANDLER', ['handlers'], null);
  assert.throws(() => dyn.hookFunction('', target, 'fn', {}), { code: 'HOOKLINE_DYNAMIC_INVALID_NAME' });
  assert.equal(target.fn(), 1);
});

test('patching a function of an ES module namespace is refused with a pointer to what can be patched', async () => {
  const ns = await import('node:path');
  assert.throws(() => patch(ns, 'join'), (e: unknown) =>
    e instanceof DynamicHooksError && e.code === 'HOOKLINE_DYNAMIC_NOT_WRITABLE' && /module namespace/.test(e.message));
  const undo = patch(ns.default, 'join') as () => void;
  undo();
});
