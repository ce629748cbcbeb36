/**
 * Builds the dispatcher of one hook point for its current callout list, the
 * way tapable's HookCodeFactory does: unrolled code in which every callout has
 * its own call site, so V8 can inline each one. It is rebuilt only when the
 * list changes. The error policy is exactly callout-dispatch.ts's; where code
 * generation from strings is disallowed, or the list is long, the plain loops
 * of callout-dispatch.ts are used instead.
 */
import type { CalloutHandle } from './callout-handle.js';
import type { CalloutEntry } from './callout-manager.js';
import { continueAsync, dispatchAsync, dispatchSync, finish, isThenable, type DispatchReporter } from './callout-dispatch.js';
import { NextStep } from './next-step.js';
import type { HookPoint } from './server-hooks.js';

export type SyncDispatcher = (h: CalloutHandle<any>) => void;
export type AsyncDispatcher = (h: CalloutHandle<any>) => Promise<void> | undefined;

/** Longest list compiled into unrolled code; longer lists use the loop. */
const MAX_UNROLLED = 32;

const codegenAllowed: boolean = (() => {
  try {
    return new Function('return true')() === true;
  } catch {
    return false;
  }
})();

function body(n: number, mode: 'sync' | 'async'): string {
  const lines = ['"use strict";', 'return function dispatch(h) {', 'h._status = 0;', 'var r, x = false;'];
  for (let i = 0; i < n; i++) {
    lines.push(
      `h._site = e${i};`,
      `try { r = f${i}(h); } catch (err) { ex(h, e${i}, err); x = true; r = undefined; }`,
      mode === 'sync'
        ? `if (r !== undefined && r !== 0 && rs(h, e${i}, r)) x = true;`
        : `if (r !== undefined && r !== 0) { if (th(r)) return ct(h, ${i}, r, x); rs(h, e${i}, r); }`,
    );
  }
  lines.push('if (h._status !== 0) fin(h, x);', 'h._site = null;', '};');
  return lines.join('\n');
}

function compile(point: HookPoint, list: readonly CalloutEntry[], reporter: DispatchReporter, mode: 'sync' | 'async'): SyncDispatcher | AsyncDispatcher {
  const ex = (h: CalloutHandle<any>, e: CalloutEntry, err: unknown): void => {
    reporter.calloutException(point, e, err);
    h._status = NextStep.DROP;
  };
  /** A non-zero result: reports it; returns true when it forced DROP (a promise in a sync call). */
  const rs = (h: CalloutHandle<any>, e: CalloutEntry, r: unknown): boolean => {
    if (isThenable(r)) {
      reporter.asyncInSync(point, e, r);
      h._status = NextStep.DROP;
      return true;
    }
    if (typeof r === 'number') reporter.calloutError(point, e, r);
    return false;
  };
  const ct = (h: CalloutHandle<any>, i: number, r: PromiseLike<unknown>, x: boolean): Promise<void> => continueAsync(point, list, h, reporter, i, r, x);
  const fin = (h: CalloutHandle<any>, x: boolean): void => finish(h, point, reporter, x);
  const names = ['ex', 'rs', 'th', 'ct', 'fin'];
  const values: unknown[] = [ex, rs, isThenable, ct, fin];
  list.forEach((e, i) => {
    names.push(`f${i}`, `e${i}`);
    values.push(e.fn, e);
  });
  return new Function(...names, body(list.length, mode))(...values);
}

export function compileSync(point: HookPoint, list: readonly CalloutEntry[], reporter: DispatchReporter): SyncDispatcher {
  if (!codegenAllowed || list.length > MAX_UNROLLED) return (h) => dispatchSync(point, list, h, reporter);
  return compile(point, list, reporter, 'sync') as SyncDispatcher;
}

export function compileAsync(point: HookPoint, list: readonly CalloutEntry[], reporter: DispatchReporter): AsyncDispatcher {
  if (!codegenAllowed || list.length > MAX_UNROLLED) return (h) => dispatchAsync(point, list, h, reporter);
  return compile(point, list, reporter, 'async') as AsyncDispatcher;
}

export const compiledDispatchAvailable = codegenAllowed;
