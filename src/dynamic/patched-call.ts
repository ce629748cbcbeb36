/**
 * The function a patch installs in place of the original. While no group is
 * enabled anywhere it calls the original after one comparison. Otherwise the
 * layers whose group is enabled here run: befores (newest patch first), the
 * original, then afters (oldest first, after the promise settles for a promise
 * result). Whatever the original returns or throws reaches the caller unchanged.
 */
import { type Group, mirrorEnablements } from './group.js';
import { type HandlerFailures, isThenable } from './handler-failures.js';
import type { Logger } from 'pino';

// Patching works on any function; its own signature is recovered through Parameters<F>/ReturnType<F>.
export type AnyFunction = (...args: any[]) => any;

export type AnyConstructor = abstract new (...args: any[]) => any;

/** Anything hookFunction can patch: a function, a method, or a class. */
export type Patchable = AnyFunction | AnyConstructor;

export type ArgsOf<F extends Patchable> = F extends AnyFunction ? Parameters<F> : F extends AnyConstructor ? ConstructorParameters<F> : never;
export type ResultOf<F extends Patchable> = F extends AnyFunction ? Awaited<ReturnType<F>> : F extends AnyConstructor ? InstanceType<F> : never;

/** What afters see: the arguments, and either the result (awaited for a promise) or the error. */
export type CallOutcome<F extends Patchable = AnyFunction> =
  | { readonly args: ArgsOf<F>; readonly threw: false; readonly result: ResultOf<F>; readonly error?: undefined }
  | { readonly args: ArgsOf<F>; readonly threw: true; readonly error: unknown; readonly result?: undefined };

/** Called with the caller's `this` (by default typed as the patched object) and the arguments. */
export type Before<F extends Patchable = AnyFunction, This = unknown> = (this: This, ...args: ArgsOf<F>) => unknown;
/** Called with the caller's `this` and the outcome of the call. */
export type After<F extends Patchable = AnyFunction, This = unknown> = (this: This, outcome: CallOutcome<F>) => unknown;

/** The DynamicHooks a layer belongs to: whether its group is on here, and where failures go. */
export interface LayerOwner {
  isEnabled(group: Group): boolean;
  readonly failures: HandlerFailures;
  readonly logger: Logger;
}

/** One group's handlers on one patched function. */
export interface Layer {
  readonly owner: LayerOwner;
  readonly group: Group;
  /** The hook name used in logs, e.g. `Client.prototype.query`. */
  readonly label: string;
  readonly befores: readonly AnyFunction[];
  readonly afters: readonly AnyFunction[];
}

export interface PatchedCall {
  readonly original: AnyFunction;
  /** In patch order; replaced, never mutated, so a call in progress sees a stable list. */
  layers: readonly Layer[];
}

const NONE: readonly Layer[] = [];

// See mirrorEnablements: a module-local `var` keeps the hot-path check to one cheap read.
var enabledAnywhere = 0;
mirrorEnablements((anywhere) => {
  enabledAnywhere = anywhere;
});

/** Builds the replacement. Constructible originals get a wrapper that honours `new`; others a method, which refuses `new` as they do. */
export function createPatchedFunction(call: PatchedCall): AnyFunction {
  const original = call.original;
  let patched: AnyFunction;
  // The named parameters let the enabled path collect up to four arguments without
  // materialising `arguments`; `length` is redefined below, so they are invisible.
  if (Object.hasOwn(original, 'prototype')) {
    patched = function (this: unknown, a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown) {
      if (enabledAnywhere === 0) {
        return new.target === undefined ? original.apply(this, arguments as never) : Reflect.construct(original, arguments, new.target);
      }
      const n = arguments.length;
      const args = n <= 4 ? firstArgs(n, a0, a1, a2, a3) : Array.prototype.slice.call(arguments);
      return callWithLayers(call, this, args, new.target);
    };
    patched.prototype = original.prototype;
  } else {
    patched = {
      patched(this: unknown, a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown) {
        if (enabledAnywhere === 0) return original.apply(this, arguments as never);
        const n = arguments.length;
        return callWithLayers(call, this, n <= 4 ? firstArgs(n, a0, a1, a2, a3) : Array.prototype.slice.call(arguments), undefined);
      },
    }.patched;
  }
  copyOwn(original, patched, 'name');
  copyOwn(original, patched, 'length');
  // Static properties of the original (util.promisify.custom, class statics) stay reachable through the wrapper.
  Object.setPrototypeOf(patched, original);
  return patched;
}

function copyOwn(from: AnyFunction, to: AnyFunction, key: 'name' | 'length'): void {
  const d = Object.getOwnPropertyDescriptor(from, key);
  if (d) Object.defineProperty(to, key, d);
  else Reflect.deleteProperty(to, key);
}

/** The first n (≤ 4) of the given arguments as an array: callers collect arguments this way without materialising `arguments`. */
export function firstArgs(n: number, a0: unknown, a1: unknown, a2: unknown, a3: unknown): unknown[] {
  return n === 0 ? [] : n === 1 ? [a0] : n === 2 ? [a0, a1] : n === 3 ? [a0, a1, a2] : [a0, a1, a2, a3];
}

function callWithLayers(call: PatchedCall, thisArg: unknown, argList: unknown[], newTarget: AnyFunction | undefined): unknown {
  const layers = call.layers;
  // Decided once per call, so an after never runs without its before even if enabling changes mid-call.
  let active: readonly Layer[];
  if (layers.length === 1) active = layers[0]!.owner.isEnabled(layers[0]!.group) ? layers : NONE;
  else active = layers.filter((l) => l.owner.isEnabled(l.group));
  if (active.length === 0) return invoke(call.original, thisArg, argList, newTarget);

  let withAfters = false;
  for (let i = active.length - 1; i >= 0; i--) {
    const layer = active[i]!;
    if (layer.afters.length > 0) withAfters = true;
    for (const before of layer.befores) {
      try {
        const r: unknown = before.apply(thisArg, argList);
        if (r !== undefined && isThenable(r)) r.then(undefined, (e: unknown) => layer.owner.failures.report('before', layer.group.name, layer.label, e));
      } catch (e) {
        layer.owner.failures.report('before', layer.group.name, layer.label, e);
      }
    }
  }
  let result: unknown;
  try {
    result = invoke(call.original, thisArg, argList, newTarget);
  } catch (error) {
    if (withAfters) runAfters(active, thisArg, { args: argList, threw: true, error });
    throw error;
  }
  if (!withAfters) return result;
  if (isThenable(result)) {
    return result.then(
      (value) => {
        runAfters(active, thisArg, { args: argList, threw: false, result: value });
        return value;
      },
      (error: unknown) => {
        runAfters(active, thisArg, { args: argList, threw: true, error });
        throw error;
      },
    );
  }
  runAfters(active, thisArg, { args: argList, threw: false, result });
  return result;
}

function invoke(original: AnyFunction, thisArg: unknown, args: ArrayLike<unknown>, newTarget: AnyFunction | undefined): unknown {
  return newTarget === undefined ? Reflect.apply(original, thisArg, args) : Reflect.construct(original, args, newTarget);
}

function runAfters(active: readonly Layer[], thisArg: unknown, outcome: CallOutcome): void {
  for (const layer of active) {
    for (const after of layer.afters) {
      try {
        const r: unknown = after.call(thisArg, outcome);
        if (r !== undefined && isThenable(r)) r.then(undefined, (e: unknown) => layer.owner.failures.report('after', layer.group.name, layer.label, e));
      } catch (e) {
        layer.owner.failures.report('after', layer.group.name, layer.label, e);
      }
    }
  }
}
