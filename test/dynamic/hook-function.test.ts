import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promisify } from 'node:util';
import { type CallOutcome, DynamicHooks } from '../../src/dynamic/index.js';
import { captureLog } from '../support/log-capture.js';

class Counter {
  count = 0;
  add(step: number, times = 1): number {
    this.count += step * times;
    return this.count;
  }
  async addLater(step: number): Promise<number> {
    await new Promise((r) => setImmediate(r));
    return this.add(step);
  }
  async failLater(message: string): Promise<never> {
    await new Promise((r) => setImmediate(r));
    throw new Error(message);
  }
}

test('befores get the arguments and afters get the arguments and the result, with the caller\'s this', () => {
  const dyn = new DynamicHooks();
  const target = { base: 10, sum(a: number, b: number): number { return this.base + a + b; } };
  const seen: unknown[] = [];
  dyn.hookFunction('g', target, 'sum', {
    befores: [function (this: unknown, a, b) { seen.push(['before', this === target, a, b]); }],
    afters: [function (this: unknown, o) { seen.push(['after', this === target, o.args, o.threw, o.result]); }],
  });
  dyn.enableByDefault('g');
  assert.equal(target.sum(1, 2), 13);
  assert.deepEqual(seen, [['before', true, 1, 2], ['after', true, [1, 2], false, 13]]);
  dyn.disableByDefault('g');
});

test('the patched function keeps the name and length of the original', () => {
  const dyn = new DynamicHooks();
  const target = { compute(a: number, b: number, c?: number): number { return a + b + (c ?? 0); } };
  const undo = dyn.hookFunction('g', target, 'compute', { befores: [() => {}] });
  assert.equal(target.compute.name, 'compute');
  assert.equal(target.compute.length, 3);
  assert.deepEqual(Object.getOwnPropertyDescriptor(target.compute, 'name'), { value: 'compute', writable: false, enumerable: false, configurable: true });
  undo();
});

test('with its group disabled the patched function runs the original and no handler', () => {
  const dyn = new DynamicHooks();
  const target = new Counter();
  let handlerCalls = 0;
  dyn.hookFunction('g', target, 'add', { befores: [() => handlerCalls++], afters: [() => handlerCalls++] });
  assert.equal(target.add(2, 3), 6);
  dyn.enableByDefault('other-group');
  assert.equal(target.add(1), 7);
  dyn.disableByDefault('other-group');
  assert.equal(handlerCalls, 0);
});

test('patching a class prototype method applies to every instance and keeps this', () => {
  const dyn = new DynamicHooks();
  const counts: number[] = [];
  const undo = dyn.hookFunction('g', Counter.prototype, 'add', { afters: [function (this: Counter) { counts.push(this.count); }] });
  dyn.enableByDefault('g');
  const a = new Counter();
  const b = new Counter();
  a.add(1);
  b.add(5);
  assert.deepEqual(counts, [1, 5]);
  undo();
  dyn.disableByDefault('g');
});

test('afters of an async function run after its promise settles, and see the awaited result', async () => {
  const dyn = new DynamicHooks();
  const target = new Counter();
  const order: string[] = [];
  dyn.hookFunction('g', target, 'addLater', {
    befores: [() => order.push('before')],
    afters: [(o: CallOutcome<Counter['addLater']>) => order.push(`after ${o.threw ? 'threw' : o.result}`)],
  });
  dyn.enableByDefault('g');
  const pending = target.addLater(4);
  order.push('returned');
  assert.equal(await pending, 4);
  order.push('awaited');
  assert.deepEqual(order, ['before', 'returned', 'after 4', 'awaited']);
  dyn.disableByDefault('g');
});

test('a thrown error reaches the caller unchanged and afters see it', () => {
  const dyn = new DynamicHooks();
  const boom = new RangeError('bad');
  const target = { explode(): never { throw boom; } };
  const outcomes: CallOutcome[] = [];
  dyn.hookFunction('g', target, 'explode', { afters: [(o) => outcomes.push(o)] });
  dyn.enableByDefault('g');
  assert.throws(() => target.explode(), (e) => e === boom);
  assert.equal(outcomes.length, 1);
  assert.equal(outcomes[0]!.threw, true);
  assert.equal(outcomes[0]!.error, boom);
  dyn.disableByDefault('g');
});

test('a rejection reaches the caller unchanged and afters see it', async () => {
  const dyn = new DynamicHooks();
  const target = new Counter();
  let seen: unknown;
  dyn.hookFunction('g', target, 'failLater', { afters: [(o) => (seen = o.error)] });
  dyn.enableByDefault('g');
  let caught: unknown;
  await target.failLater('nope').catch((e: unknown) => (caught = e));
  assert.ok(caught instanceof Error && caught.message === 'nope');
  assert.equal(seen, caught);
  dyn.disableByDefault('g');
});

test('throwing befores and afters are contained and logged once, and the call still returns', () => {
  const log = captureLog();
  const dyn = new DynamicHooks({ logger: log.logger });
  const target = new Counter();
  dyn.hookFunction('g', target, 'add', {
    befores: [() => { throw new Error('before'); }],
    afters: [() => { throw new Error('after'); }],
  });
  dyn.enableByDefault('g');
  assert.equal(target.add(1), 1);
  assert.equal(target.add(1), 2);
  const errors = log.records.filter((r) => r.msgId === 'DYNAMIC_HOOK_HANDLER_ERROR');
  assert.equal(errors.length, 1, 'once per group and hook');
  assert.equal(errors[0]!.hook, 'a Counter instance.add');
  dyn.disableByDefault('g');
});

test('undo restores the exact original property, own or inherited', () => {
  const dyn = new DynamicHooks();
  const own = { f(x: number): number { return x; } };
  Object.defineProperty(own, 'f', { enumerable: false });
  const before = Object.getOwnPropertyDescriptor(own, 'f');
  const undoOwn = dyn.hookFunction('g', own, 'f', { befores: [() => {}] });
  assert.notEqual(own.f, before!.value);
  undoOwn();
  assert.deepEqual(Object.getOwnPropertyDescriptor(own, 'f'), before);

  const instance = new Counter();
  const undoInherited = dyn.hookFunction('g', instance, 'add', { befores: [() => {}] });
  assert.ok(Object.hasOwn(instance, 'add'));
  undoInherited();
  undoInherited();
  assert.equal(Object.hasOwn(instance, 'add'), false);
  assert.equal(instance.add, Counter.prototype.add);
});

test('patching the same function twice for the same group is detected, on the same or another holder', () => {
  const dyn = new DynamicHooks();
  const target = new Counter();
  dyn.hookFunction('g', Counter.prototype, 'add', { befores: [() => {}] });
  const before = target.add;
  assert.throws(() => dyn.hookFunction('g', Counter.prototype, 'add', { befores: [() => {}] }), { code: 'HOOKLINE_DYNAMIC_ALREADY_PATCHED' });
  assert.throws(() => dyn.hookFunction('g', target, 'add', { befores: [() => {}] }), { code: 'HOOKLINE_DYNAMIC_ALREADY_PATCHED' });
  const shared = { f(): number { return 1; } };
  const other = { f: shared.f };
  dyn.hookFunction('g', shared, 'f', {});
  assert.throws(() => dyn.hookFunction('g', other, 'f', {}), { code: 'HOOKLINE_DYNAMIC_ALREADY_PATCHED' });
  assert.equal(target.add, before);
  assert.equal(Object.hasOwn(target, 'add'), false);
});

test('two groups on one function nest like wrappers and undo in any order restores the original', () => {
  const dyn = new DynamicHooks();
  const original = function area(w: number, h: number): number { return w * h; };
  const target = { area: original };
  const order: string[] = [];
  const undoA = dyn.hookFunction('a', target, 'area', { befores: [() => order.push('a before')], afters: [() => order.push('a after')] });
  const undoB = dyn.hookFunction('b', target, 'area', { befores: [() => order.push('b before')], afters: [() => order.push('b after')] });
  dyn.enableByDefault('a');
  dyn.enableByDefault('b');
  assert.equal(target.area(2, 3), 6);
  assert.deepEqual(order, ['b before', 'a before', 'a after', 'b after']);
  undoA();
  order.length = 0;
  target.area(1, 1);
  assert.deepEqual(order, ['b before', 'b after']);
  undoB();
  assert.equal(target.area, original);
  dyn.disableByDefault('a');
  dyn.disableByDefault('b');
});

test('undo after other code re-wrapped the property removes only our handlers and logs it', () => {
  const log = captureLog();
  const dyn = new DynamicHooks({ logger: log.logger });
  const target = { f(x: number): number { return x + 1; } };
  let calls = 0;
  const undo = dyn.hookFunction('g', target, 'f', { befores: [() => calls++] });
  const ours = target.f;
  target.f = (x: number) => ours(x) * 10;
  dyn.enableByDefault('g');
  undo();
  assert.equal(target.f(1), 20);
  assert.equal(calls, 0);
  assert.ok(log.has('DYNAMIC_PATCH_UNDO_SHADOWED'));
  dyn.disableByDefault('g');
});

test('a patched constructor still constructs, and statics of the original stay reachable', () => {
  const dyn = new DynamicHooks();
  class Point {
    static origin = 'o';
    constructor(readonly x: number) {}
  }
  const ns = { Point };
  const made: number[] = [];
  dyn.hookFunction('g', ns, 'Point', { befores: [(x: number) => made.push(x)] });
  dyn.enableByDefault('g');
  const p = new ns.Point(3);
  assert.ok(p instanceof Point);
  assert.equal(p.x, 3);
  assert.deepEqual(made, [3]);
  assert.equal((ns.Point as typeof Point).origin, 'o');
  dyn.disableByDefault('g');
});

test('a patched callback-style function keeps its promisify.custom', async () => {
  const dyn = new DynamicHooks();
  function legacy(cb: (err: null, v: string) => void): void { cb(null, 'plain'); }
  legacy[promisify.custom] = async () => 'custom';
  const holder = { legacy };
  dyn.hookFunction('g', holder, 'legacy', {});
  assert.equal(await promisify(holder.legacy)(), 'custom');
});

test('a patched function whose group is enabled on one request runs its handlers only in that request', async () => {
  const dyn = new DynamicHooks();
  const target = new Counter();
  const seen: string[] = [];
  dyn.hookFunction('traced', target, 'addLater', { befores: [(step: number) => seen.push(`before ${step}`)] });
  await Promise.all([
    dyn.runInRequest(async () => {
      dyn.enableOnThisRequest('traced');
      await new Promise((r) => setImmediate(r));
      await target.addLater(1);
    }),
    dyn.runInRequest(() => target.addLater(2)),
  ]);
  await target.addLater(3);
  assert.deepEqual(seen, ['before 1']);
});

test('the original sees exactly the arguments the caller passed, however many', () => {
  const dyn = new DynamicHooks();
  const target = {
    count(...xs: unknown[]): number { return arguments.length + xs.length; },
    withDefault(a: number, b = 10): number { return a + b; },
  };
  const seen: number[] = [];
  dyn.hookFunction('g', target, 'count', { befores: [(...xs: unknown[]) => seen.push(xs.length)] });
  dyn.hookFunction('g', target, 'withDefault', {});
  dyn.enableByDefault('g');
  assert.equal(target.count(), 0);
  assert.equal(target.count(1, 2, 3), 6);
  assert.equal(target.count(1, 2, 3, 4, 5, 6, 7), 14);
  assert.equal(target.count(undefined), 2);
  assert.equal(target.withDefault(1), 11);
  assert.equal(target.withDefault(1, undefined), 11);
  assert.deepEqual(seen, [0, 3, 7, 1]);
  dyn.disableByDefault('g');
  assert.equal(target.count(1, 2, 3, 4, 5), 10);
});
