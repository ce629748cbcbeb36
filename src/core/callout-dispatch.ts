/**
 * Runs the callouts of one hook on one handle with plain loops. The compiled
 * dispatchers of callout-compiler.ts follow exactly this policy; these loops
 * serve when code generation is unavailable, for long lists, and for debug
 * timing.
 *
 * Policy (each a tested guarantee): a non-zero number is reported and the
 * status left alone; a throw or rejection is reported with hook and library,
 * forces DROP, and the remaining callouts still run; the async variant
 * creates no promise while every callout returns synchronously and awaits only
 * the results that are thenables. A status the hook point does not support is
 * reset to CONTINUE at the end, unless it is the DROP an exception forced.
 */
import type { CalloutHandle } from './callout-handle.js';
import type { CalloutEntry } from './callout-manager.js';
import { NextStep } from './next-step.js';
import type { HookPoint } from './server-hooks.js';

/** Where dispatch reports what callouts did; the HooksManager logs it. */
export interface DispatchReporter {
  calloutError(point: HookPoint, entry: CalloutEntry, rc: unknown): void;
  calloutException(point: HookPoint, entry: CalloutEntry, err: unknown): void;
  /** A callout returned a promise inside callCalloutsSync. */
  asyncInSync(point: HookPoint, entry: CalloutEntry, result: PromiseLike<unknown>): void;
  unsupportedStatus(point: HookPoint, handle: CalloutHandle<any>): void;
}

export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** Ends a call: checks the status against the hook point and clears the running site. */
export function finish(h: CalloutHandle<any>, point: HookPoint, reporter: DispatchReporter, errored: boolean): void {
  if (h._status !== NextStep.CONTINUE && (point.statusMask & (1 << h._status)) === 0 && !errored) {
    reporter.unsupportedStatus(point, h);
    h._status = NextStep.CONTINUE;
  }
  h._site = null;
}

/** Runs one callout synchronously; returns what it returned, or EXCEPTION after reporting a throw. */
const EXCEPTION: unique symbol = Symbol('exception');

function run(e: CalloutEntry, h: CalloutHandle<any>, reporter: DispatchReporter): unknown {
  h._site = e;
  try {
    return e.fn(h);
  } catch (err) {
    reporter.calloutException(e.point, e, err);
    h._status = NextStep.DROP;
    return EXCEPTION;
  }
}

export function dispatchSync(point: HookPoint, list: readonly CalloutEntry[], h: CalloutHandle<any>, reporter: DispatchReporter): void {
  h._status = NextStep.CONTINUE;
  let errored = false;
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    const r = run(e, h, reporter);
    if (r === undefined || r === 0) continue;
    if (r === EXCEPTION) {
      errored = true;
    } else if (isThenable(r)) {
      reporter.asyncInSync(point, e, r);
      h._status = NextStep.DROP;
      errored = true;
    } else if (typeof r === 'number') {
      reporter.calloutError(point, e, r);
    }
  }
  finish(h, point, reporter, errored);
}

/** Returns undefined when every callout completed synchronously, else a promise for the rest. */
export function dispatchAsync(point: HookPoint, list: readonly CalloutEntry[], h: CalloutHandle<any>, reporter: DispatchReporter): Promise<void> | undefined {
  h._status = NextStep.CONTINUE;
  let errored = false;
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    const r = run(e, h, reporter);
    if (r === undefined || r === 0) continue;
    if (r === EXCEPTION) errored = true;
    else if (isThenable(r)) return continueAsync(point, list, h, reporter, i, r, errored);
    else if (typeof r === 'number') reporter.calloutError(point, e, r);
  }
  finish(h, point, reporter, errored);
  return undefined;
}

/**
 * Runs the rest of a list after callout `at` returned a thenable. Chained with
 * `.then` rather than an async function: one reaction per async callout, and
 * synchronous callouts after it run in the same microtask.
 */
export function continueAsync(point: HookPoint, list: readonly CalloutEntry[], h: CalloutHandle<any>, reporter: DispatchReporter,
  at: number, pending: PromiseLike<unknown>, erroredBefore: boolean): Promise<void> {
  let errored = erroredBefore;
  let current = at;
  return new Promise<void>((resolve) => {
    // One pair of reactions for the whole call, not a new pair per async callout.
    const fulfilled = (r: unknown): void => next(r);
    const rejected = (err: unknown): void => {
      const e = list[current]!;
      h._site = e;
      reporter.calloutException(point, e, err);
      h._status = NextStep.DROP;
      errored = true;
      next(undefined);
    };
    const next = (r: unknown): void => {
      if (typeof r === 'number' && r !== 0) reporter.calloutError(point, list[current]!, r);
      for (let i = current + 1; i < list.length; i++) {
        const e = list[i]!;
        const out = run(e, h, reporter);
        if (out === undefined || out === 0) continue;
        if (out === EXCEPTION) errored = true;
        else if (isThenable(out)) {
          current = i;
          out.then(fulfilled, rejected);
          return;
        } else if (typeof out === 'number') reporter.calloutError(point, e, out);
      }
      finish(h, point, reporter, errored);
      resolve();
    };
    pending.then(fulfilled, rejected);
  });
}
