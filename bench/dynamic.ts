/**
 * Dynamic hooks, side by side in one process (issue 3):
 *  1. a patched function while no group is enabled anywhere, against the unpatched call (target ≤ 1.1×);
 *  2. enabled by default with one before and one after, against calling the three functions by hand;
 *  3. runHook (and a resolved hookPoint) on a disabled group, against tapable's empty SyncHook call() (target ≤ 1×), with other peers;
 *  4. a group enabled on this request inside runInRequest, against the same enabled by default (target < 1.5×);
 *  5. for context, runHook on an enabled group with one handler against the peers' one-handler calls, and an
 *     async patched function against before-after-hook wrapping the same function with the same handlers.
 * Run: node dist/bench/dynamic.js
 */
import { SyncHook } from 'tapable';
import { createHooks } from '@wordpress/hooks';
import { EventEmitter } from 'eventemitter3';
import { DynamicHooks, type CallOutcome } from '../src/dynamic/index.js';
import Hook from 'before-after-hook';
import { consume, printGroup, runAsyncGroup, runGroup } from './harness.js';

type Add = (a: number, b: number) => number;
const makeTarget = (): { add: Add } => ({ add(a: number, b: number): number { return a + b; } });

let counter = 0;
const before = (a: number, _b: number): void => { counter += a; };
const after = (o: CallOutcome<Add>): void => { if (!o.threw) counter += o.result; };

interface BahSingular {
  (method: (o: { a: number; b: number }) => Promise<number>, options: { a: number; b: number }): Promise<number>;
  before(fn: (o: { a: number; b: number }) => void): void;
  after(fn: (result: number, o: { a: number; b: number }) => void): void;
}

const dyn = new DynamicHooks();

// 1. No group enabled anywhere: must run before anything enables a group in this process.
{
  const plain = makeTarget();
  const patched = makeTarget();
  dyn.hookFunction('bench-off', patched, 'add', { befores: [before], afters: [after] });
  let i = 0;
  const results = runGroup([
    { name: 'harness floor (empty closure)', fn: () => i++ },
    { name: 'unpatched', fn: () => plain.add(i++, 1) },
    { name: 'patched, no group enabled anywhere', fn: () => patched.add(i++, 1) },
  ], { ops: 2_000_000, rounds: 21 });
  printGroup('1. Patched function, no group enabled anywhere (target ≤ 1.10)', results, 'unpatched');
  // Ten calls per op, so the loop's own cost (the floor above) no longer hides the difference.
  const ten = runGroup([
    { name: 'unpatched ×10', fn: () => { let s = 0; for (let k = 0; k < 10; k++) s += plain.add(i++, k); return s; } },
    { name: 'patched ×10, no group enabled anywhere', fn: () => { let s = 0; for (let k = 0; k < 10; k++) s += patched.add(i++, k); return s; } },
  ], { ops: 500_000, rounds: 21 });
  printGroup('1b. The same, ten calls per op (target ≤ 1.10)', ten, 'unpatched ×10');
}

// 3. runHook on a disabled group, first with nothing enabled anywhere, then with another group enabled.
{
  dyn.hook('bench-hook', 'event', before);
  const point = dyn.hookPoint('bench-hook', 'event');
  const tap = new SyncHook<[]>([]);
  const wp = createHooks();
  const ee = new EventEmitter();
  let n = 0;
  const cases = [
    { name: 'harness floor (empty closure)', fn: () => n++ },
    { name: 'tapable SyncHook.call(), no taps', fn: () => tap.call() },
    { name: 'runHook, disabled group', fn: () => dyn.runHook('bench-hook', 'event', 1, 2) },
    { name: 'hookPoint.run, disabled group', fn: () => point.run(1, 2) },
    { name: '@wordpress/hooks doAction, no actions', fn: () => wp.doAction('event', 1, 2) },
    { name: 'eventemitter3 emit, no listeners', fn: () => ee.emit('event', 1, 2) },
  ];
  printGroup('3a. runHook on a disabled group, nothing enabled anywhere (target ≤ 1.00)', runGroup(cases, { ops: 2_000_000, rounds: 21 }), 'tapable SyncHook.call(), no taps');
  const ten = [
    { name: 'tapable SyncHook.call() ×10, no taps', fn: () => { for (let k = 0; k < 10; k++) tap.call(); return n++; } },
    { name: 'runHook ×10, disabled group', fn: () => { for (let k = 0; k < 10; k++) dyn.runHook('bench-hook', 'event', k, 2); return n++; } },
    { name: 'hookPoint.run ×10, disabled group', fn: () => { for (let k = 0; k < 10; k++) point.run(k, 2); return n++; } },
  ];
  printGroup('3a×10. The same, ten calls per op', runGroup(ten, { ops: 500_000, rounds: 21 }), 'tapable SyncHook.call() ×10, no taps');
  dyn.enableByDefault('bench-other');
  printGroup('3b. runHook on a disabled group, another group enabled by default', runGroup(cases, { ops: 2_000_000, rounds: 21 }), 'tapable SyncHook.call(), no taps');
  printGroup('3b×10. The same, ten calls per op', runGroup(ten, { ops: 500_000, rounds: 21 }), 'tapable SyncHook.call() ×10, no taps');
  dyn.disableByDefault('bench-other');
}

// 2. Enabled by default, one before and one after, against the same three calls by hand.
{
  const byHand = makeTarget();
  const patched = makeTarget();
  dyn.hookFunction('bench-default', patched, 'add', { befores: [before], afters: [after] });
  dyn.enableByDefault('bench-default');
  let i = 0;
  const results = runGroup([
    {
      name: 'by hand: before, function, after',
      fn: () => {
        const a = i++;
        before(a, 1);
        const result = byHand.add(a, 1);
        after({ args: [a, 1], threw: false, result });
        return result;
      },
    },
    { name: 'patched, enabled by default', fn: () => patched.add(i++, 1) },
  ], { ops: 1_000_000, rounds: 21 });
  printGroup('2. Patched function, group enabled by default, 1 before + 1 after (report the ratio)', results, 'by hand: before, function, after');

  // 4. The same patch shape, its group enabled on this request: the difference is the AsyncLocalStorage lookup.
  const perRequest = makeTarget();
  dyn.hookFunction('bench-request', perRequest, 'add', { befores: [before], afters: [after] });
  dyn.runInRequest(() => {
    dyn.enableOnThisRequest('bench-request');
    const r = runGroup([
      { name: 'enabled by default', fn: () => patched.add(i++, 1) },
      { name: 'enabled on this request', fn: () => perRequest.add(i++, 1) },
    ], { ops: 1_000_000, rounds: 21 });
    printGroup('4. Per-request enabled inside runInRequest vs enabled by default (target < 1.50)', r, 'enabled by default');
  });
  dyn.disableByDefault('bench-default');
}

// 5. Enabled, one handler: what a hook costs once it runs, beside the peers.
{
  dyn.hook('bench-on', 'event', before);
  dyn.enableByDefault('bench-on');
  const point = dyn.hookPoint('bench-on', 'event');
  const tap = new SyncHook<[number, number]>(['a', 'b']);
  tap.tap('one', before);
  const wp = createHooks();
  wp.addAction('event', 'bench', before);
  const ee = new EventEmitter();
  ee.on('event', before);
  let v = 0;
  printGroup('5a. One handler, enabled (context)', runGroup([
    { name: 'tapable SyncHook.call(), one tap', fn: () => tap.call(++v, 1) },
    { name: 'runHook, enabled group', fn: () => dyn.runHook('bench-on', 'event', ++v, 1) },
    { name: 'hookPoint.run, enabled group', fn: () => point.run(++v, 1) },
    { name: 'eventemitter3 emit, one listener', fn: () => ee.emit('event', ++v, 1) },
    { name: '@wordpress/hooks doAction, one action', fn: () => wp.doAction('event', ++v, 1) },
  ], { ops: 1_000_000, rounds: 15 }), 'tapable SyncHook.call(), one tap');
  dyn.disableByDefault('bench-on');

  const service = { async fetch(a: number, b: number): Promise<number> { return a + b; } };
  const byHand = { async fetch(a: number, b: number): Promise<number> { return a + b; } };
  const asyncAfter = (o: CallOutcome<(a: number, b: number) => Promise<number>>): void => { if (!o.threw) counter += o.result; };
  dyn.hookFunction('bench-async', service, 'fetch', { befores: [before], afters: [asyncAfter] });
  dyn.enableByDefault('bench-async');
  const bah = new (Hook as unknown as { Singular: new () => BahSingular }).Singular();
  bah.before((o: { a: number; b: number }) => before(o.a, o.b));
  bah.after((result: number, o: { a: number; b: number }) => asyncAfter({ args: [o.a, o.b], threw: false, result }));
  let w = 0;
  printGroup('5b. Async function, 1 before + 1 after, enabled (context)', await runAsyncGroup([
    {
      name: 'by hand: before, await function, after',
      fn: async () => {
        const a = ++w;
        before(a, 1);
        const result = await byHand.fetch(a, 1);
        asyncAfter({ args: [a, 1], threw: false, result });
        return result;
      },
    },
    { name: 'patched async function, enabled by default', fn: () => service.fetch(++w, 1) },
    { name: 'before-after-hook Singular(before, after)', fn: () => bah((o: { a: number; b: number }) => byHand.fetch(o.a, o.b), { a: ++w, b: 1 }) },
  ], { ops: 100_000, rounds: 11 }), 'by hand: before, await function, after');
  dyn.disableByDefault('bench-async');
}

consume(counter);
