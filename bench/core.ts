/**
 * The framework's dispatch, side by side with its peers on the same handlers:
 * each handler is a distinct function that reads one argument and adds it to a
 * shared accumulator. Run: `npm run build && node dist/bench/core.js`.
 */
import { AsyncSeriesHook, SyncHook } from 'tapable';
import { Hookable, HookableCore } from 'hookable';
import { EventEmitter } from 'eventemitter3';
import { createHooks } from '@wordpress/hooks';
import Hook from 'before-after-hook';
import { HooksManager } from '../src/index.js';
import { consume, printGroup, runAsyncGroup, runGroup, type AsyncBenchCase, type BenchCase } from './harness.js';

let acc = 0;

/** N distinct handler functions per peer, so no peer benefits from a monomorphic call site the others lack. */
function valueHandlers(n: number): Array<(v: number) => void> {
  return Array.from({ length: n }, (_, i) => new Function('box', `return function h${i}(v) { box.acc += v; }`)(accBox));
}
const accBox = { acc: 0 };

function syncCases(n: number): BenchCase[] {
  const hooks = new HooksManager();
  const idx = hooks.registerHook('pkt_receive');
  const pre = hooks.preCalloutsLibraryHandle();
  for (const f of valueHandlers(n)) pre.registerCallout('pkt_receive', (h) => { f(h.getArgument('value')); });
  const handle = hooks.createCalloutHandle<{ value: number }>();

  const tap = new SyncHook<[number]>(['value']);
  valueHandlers(n).forEach((f, i) => tap.tap(`p${i}`, f));
  const ee = new EventEmitter();
  for (const f of valueHandlers(n)) ee.on('pkt_receive', f);
  const core = new HookableCore<Record<string, (v: number) => void>>();
  for (const f of valueHandlers(n)) core.hook('pkt_receive', f);
  const full = new Hookable<Record<string, (v: number) => void>>();
  for (const f of valueHandlers(n)) full.hook('pkt_receive', f);
  const wp = createHooks();
  valueHandlers(n).forEach((f, i) => wp.addAction('pkt_receive', `ns${i}`, f));
  const floor = valueHandlers(n);

  let v = 0;
  return [
    { name: 'floor (array loop)', fn: () => { v++; for (let i = 0; i < floor.length; i++) floor[i]!(v); return v; } },
    { name: 'hookline callCalloutsSync', fn: () => { handle.setArgument('value', ++v); hooks.callCalloutsSync(idx, handle); return handle.getStatus(); } },
    { name: 'hookline callCallouts (sync callouts)', fn: () => { handle.setArgument('value', ++v); hooks.callCallouts(idx, handle); return handle.getStatus(); } },
    { name: 'tapable SyncHook.call', fn: () => tap.call(++v) },
    { name: 'eventemitter3 emit', fn: () => ee.emit('pkt_receive', ++v) },
    { name: 'hookable HookableCore.callHook', fn: () => core.callHook('pkt_receive', ++v) },
    { name: 'hookable Hookable.callHook', fn: () => full.callHook('pkt_receive', ++v) },
    { name: '@wordpress/hooks doAction', fn: () => wp.doAction('pkt_receive', ++v) },
  ];
}

function asyncValueHandlers(n: number): Array<(v: number) => Promise<void>> {
  return valueHandlers(n).map((f) => async (v: number) => { f(v); });
}

function asyncCases(n: number): AsyncBenchCase[] {
  const hooks = new HooksManager();
  const idx = hooks.registerHook('pkt_receive');
  const pre = hooks.preCalloutsLibraryHandle();
  for (const f of asyncValueHandlers(n)) pre.registerCallout('pkt_receive', (h) => f(h.getArgument('value')));
  const handle = hooks.createCalloutHandle<{ value: number }>();
  const tap = new AsyncSeriesHook<[number]>(['value']);
  asyncValueHandlers(n).forEach((f, i) => tap.tapPromise(`p${i}`, f));
  const full = new Hookable<Record<string, (v: number) => Promise<void>>>();
  for (const f of asyncValueHandlers(n)) full.hook('pkt_receive', f);
  const bah = new (Hook as any).Singular();
  for (const f of asyncValueHandlers(n)) bah.before((o: { value: number }) => f(o.value));
  const wp = createHooks();
  asyncValueHandlers(n).forEach((f, i) => wp.addAction('pkt_receive', `ns${i}`, f));
  const floor = asyncValueHandlers(n);
  let v = 0;
  return [
    { name: 'floor (awaited loop)', fn: async () => { v++; for (let i = 0; i < floor.length; i++) await floor[i]!(v); } },
    { name: 'hookline callCallouts', fn: () => { handle.setArgument('value', ++v); return hooks.callCallouts(idx, handle) ?? Promise.resolve(); } },
    { name: 'tapable AsyncSeriesHook.promise', fn: () => tap.promise(++v) },
    { name: 'hookable Hookable.callHook', fn: async () => full.callHook('pkt_receive', ++v) },
    { name: 'before-after-hook Singular', fn: () => bah(async () => undefined, { value: ++v }) },
    { name: '@wordpress/hooks doActionAsync', fn: () => wp.doActionAsync('pkt_receive', ++v) as Promise<unknown> },
  ];
}

function presentCases(): BenchCase[] {
  const hooks = new HooksManager();
  const idx = hooks.registerHook('pkt_receive');
  const tap = new SyncHook<[number]>(['value']);
  const ee = new EventEmitter();
  const floor: unknown[] = [];
  return [
    { name: 'floor (array length)', fn: () => floor.length > 0 },
    { name: 'hookline calloutsPresent', fn: () => hooks.calloutsPresent(idx) },
    { name: 'tapable taps.length', fn: () => tap.taps.length > 0 },
    { name: 'tapable isUsed()', fn: () => tap.isUsed() },
    { name: 'eventemitter3 listenerCount', fn: () => ee.listenerCount('pkt_receive') > 0 },
  ];
}

export async function main(): Promise<void> {
  console.log('## Core dispatch (median ns/op; ratio to the first row of each table)');
  console.log(`node ${process.version}, ${new Date().toISOString()}`);
  printGroup('calloutsPresent on a hook without callouts', runGroup(presentCases(), { ops: 2_000_000 }), 'floor (array length)');
  for (const n of [0, 1, 5, 10]) {
    printGroup(`sync dispatch, N = ${n}`, runGroup(syncCases(n), { ops: 300_000 }), 'floor (array loop)');
  }
  for (const n of [1, 5, 10]) {
    printGroup(`async dispatch, N = ${n}`, await runAsyncGroup(asyncCases(n), { ops: 30_000 }), 'floor (awaited loop)');
  }
  consume(acc + accBox.acc);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
