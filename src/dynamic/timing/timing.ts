/**
 * The bundled `timing` group: it measures the phases of one request when that
 * request opts in, the analogue of Kong's request debugging. Markers and patch
 * points cost one check on requests that did not begin timing; a report never
 * grows past its cap.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { DynamicHooks, FunctionKey, Undo } from '../dynamic-hooks.js';
import type { HookPoint } from '../hook-point.js';
import { describePatchPoint } from '../patch-site.js';
import type { RequestScope } from '../request-scope.js';
import { TimingContext, type TimingReport } from './timing-context.js';

export const TIMING_GROUP = 'timing';

export interface TimingOptions {
  /** Most phases plus properties one report holds; later ones are counted as dropped. Default 128. */
  maxEntries?: number;
  /** Milliseconds clock; default `performance.now`. */
  now?: () => number;
}

/** The `timing` group bound to one DynamicHooks: per-request contexts, markers and patch points. */
export class Timing {
  readonly #contexts = new WeakMap<RequestScope, TimingContext>();
  readonly #now: () => number;
  readonly #maxEntries: number;
  readonly #enter: HookPoint;
  readonly #leave: HookPoint;
  readonly #prop: HookPoint;

  constructor(readonly dyn: DynamicHooks, options: TimingOptions = {}) {
    this.#now = options.now ?? (() => performance.now());
    this.#maxEntries = options.maxEntries ?? 128;
    dyn.hook(TIMING_GROUP, 'enter', (name: string) => this.context()?.enter(name));
    dyn.hook(TIMING_GROUP, 'leave', (name?: string) => this.context()?.leave(name));
    dyn.hook(TIMING_GROUP, 'prop', (key: string, value: unknown) => this.context()?.setProp(key, value));
    this.#enter = dyn.hookPoint(TIMING_GROUP, 'enter');
    this.#leave = dyn.hookPoint(TIMING_GROUP, 'leave');
    this.#prop = dyn.hookPoint(TIMING_GROUP, 'prop');
  }

  /**
   * Starts timing the current request: enables the `timing` group on it and
   * opens its report. Must run inside `runInRequest`; a second call returns the same context.
   */
  begin(requestId: string = randomUUID()): TimingContext {
    this.dyn.enableOnThisRequest(TIMING_GROUP);
    const scope = this.dyn.currentRequest()!;
    let ctx = this.#contexts.get(scope);
    if (ctx === undefined) this.#contexts.set(scope, (ctx = new TimingContext(requestId, this.#now, this.#maxEntries)));
    return ctx;
  }

  /** Marks the start of a phase of the current request (nested under the innermost open one). */
  enter(phase: string): void {
    this.#enter.run(phase);
  }

  /** Marks the end of the most recent open phase called `phase` (the innermost one when omitted). */
  leave(phase?: string): void {
    this.#leave.run(phase);
  }

  /** Attaches a property (cache hit, row count, …) to the innermost open phase. */
  setProp(key: string, value: unknown): void {
    this.#prop.run(key, value);
  }

  /**
   * A patch point: every call of `target[key]` on a timed request becomes a
   * phase (named `phase`, default the target and key), ending when the call
   * returns, throws, or its promise settles.
   */
  patch<T extends object, K extends FunctionKey<T>>(target: T, key: K, phase?: string): Undo {
    const label = phase ?? describePatchPoint(target, key);
    return this.dyn.hookFunction<T, K>(TIMING_GROUP, target, key, {
      befores: [() => this.context()?.enter(label)],
      afters: [() => void this.context()?.leave(label)],
      label,
    });
  }

  /** The current request's timing, if it began timing. */
  context(): TimingContext | undefined {
    const scope = this.dyn.currentRequest();
    return scope === undefined ? undefined : this.#contexts.get(scope);
  }

  report(): TimingReport | undefined {
    return this.context()?.report();
  }
}
