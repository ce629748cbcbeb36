/**
 * Runs the callouts of one hook on one handle. This is the hot path: a plain
 * loop over a frozen list with the error policy inlined.
 *
 * Policy (each a tested guarantee): a non-zero number is reported and the
 * status left alone; a throw or rejection is reported with hook and library,
 * forces DROP, and the remaining callouts still run; the async variant
 * creates no promise while every callout returns synchronously and awaits only
 * the results that are thenables.
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

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

function forceDrop(h: CalloutHandle<any>): void {
  h._status = NextStep.DROP;
  h._forced = true;
}

function finish(h: CalloutHandle<any>, point: HookPoint, reporter: DispatchReporter): void {
  if (h._status !== NextStep.CONTINUE && (point.statusMask & (1 << h._status)) === 0 && !h._forced) {
    reporter.unsupportedStatus(point, h);
    h._status = NextStep.CONTINUE;
  }
  h._lib = null;
  h._hook = null;
}

export function dispatchSync(point: HookPoint, list: readonly CalloutEntry[], h: CalloutHandle<any>, reporter: DispatchReporter): void {
  h._status = NextStep.CONTINUE;
  h._forced = false;
  h._hook = point;
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    h._lib = e.lib;
    let r: unknown;
    try {
      r = e.fn(h);
    } catch (err) {
      reporter.calloutException(point, e, err);
      forceDrop(h);
      continue;
    }
    if (r !== undefined && r !== 0) {
      if (isThenable(r)) {
        reporter.asyncInSync(point, e, r);
        forceDrop(h);
      } else if (typeof r === 'number') {
        reporter.calloutError(point, e, r);
      }
    }
  }
  finish(h, point, reporter);
}

/** Returns undefined when every callout completed synchronously, else a promise for the rest. */
export function dispatchAsync(point: HookPoint, list: readonly CalloutEntry[], h: CalloutHandle<any>, reporter: DispatchReporter): Promise<void> | undefined {
  h._status = NextStep.CONTINUE;
  h._forced = false;
  h._hook = point;
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    h._lib = e.lib;
    let r: unknown;
    try {
      r = e.fn(h);
    } catch (err) {
      reporter.calloutException(point, e, err);
      forceDrop(h);
      continue;
    }
    if (r !== undefined && r !== 0) {
      if (isThenable(r)) return continueAsync(point, list, h, reporter, i, r);
      if (typeof r === 'number') reporter.calloutError(point, e, r);
    }
  }
  finish(h, point, reporter);
  return undefined;
}

async function settle(point: HookPoint, e: CalloutEntry, h: CalloutHandle<any>, reporter: DispatchReporter, pending: PromiseLike<unknown>): Promise<void> {
  let r: unknown;
  try {
    r = await pending;
  } catch (err) {
    reporter.calloutException(point, e, err);
    forceDrop(h);
    return;
  }
  if (typeof r === 'number' && r !== 0) reporter.calloutError(point, e, r);
}

async function continueAsync(point: HookPoint, list: readonly CalloutEntry[], h: CalloutHandle<any>, reporter: DispatchReporter,
  at: number, pending: PromiseLike<unknown>): Promise<void> {
  await settle(point, list[at]!, h, reporter, pending);
  for (let i = at + 1; i < list.length; i++) {
    const e = list[i]!;
    h._lib = e.lib;
    let r: unknown;
    try {
      r = e.fn(h);
    } catch (err) {
      reporter.calloutException(point, e, err);
      forceDrop(h);
      continue;
    }
    if (r !== undefined && r !== 0) {
      if (isThenable(r)) await settle(point, e, h, reporter, r);
      else if (typeof r === 'number') reporter.calloutError(point, e, r);
    }
  }
  finish(h, point, reporter);
}
