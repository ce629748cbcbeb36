/**
 * Kong-style dynamic hooks: named hooks and patched functions, gathered in
 * groups that are enabled by default or for one request. Guarantees: handlers
 * run in registration order and only where their group is enabled; a failing
 * handler is contained and logged once per group and hook; while no group is
 * enabled anywhere, runHook and patched functions return after one comparison.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';
import { silentLogger } from '../core/logger.js';
import { InvalidHandlerError, InvalidNameError, NoRequestScopeError, UnknownGroupError } from './errors.js';
import { Group, type HookHandler, mirrorEnablements } from './group.js';
import { HandlerFailures, isThenable } from './handler-failures.js';
import { HookPoint } from './hook-point.js';
import { patchProperty } from './patch-site.js';
import { type After, type AnyFunction, type Before, firstArgs, type LayerOwner, type Patchable } from './patched-call.js';
import { RequestScope } from './request-scope.js';

// See mirrorEnablements: module-local `var`s keep runHook's first check to one cheap read.
var enabledAnywhere = 0;
var enabledOnRequests = 0;
mirrorEnablements((anywhere, onRequests) => {
  enabledAnywhere = anywhere;
  enabledOnRequests = onRequests;
});

export interface DynamicHooksOptions {
  /** Where handler failures and timing reports go; silent when omitted. */
  logger?: Logger;
}

export interface FunctionHandlers<F extends Patchable = AnyFunction, This = unknown> {
  befores?: ReadonlyArray<Before<F, This>>;
  afters?: ReadonlyArray<After<F, This>>;
  /** The hook name in logs; defaults to the target and key, e.g. `Client.prototype.query`. */
  label?: string;
}

/** The function-valued keys of T, so hookFunction's handlers are typed from the patched function. */
export type FunctionKey<T> = { [K in keyof T]-?: T[K] extends Patchable ? K : never }[keyof T];

/** Returned by every registration; calling it again does nothing. */
export type Undo = () => void;

/** The facade: groups, hooks, patches and request scopes of one registry. Guarantees as in the file comment. */
export class DynamicHooks implements LayerOwner {
  readonly logger: Logger;
  /** @internal Where patched functions report handler failures. */
  readonly failures: HandlerFailures;
  readonly #groups = new Map<string, Group>();
  readonly #requests = new AsyncLocalStorage<RequestScope>();

  constructor(options: DynamicHooksOptions = {}) {
    this.logger = options.logger ?? silentLogger();
    this.failures = new HandlerFailures(this.logger);
  }

  /** Adds a handler to `group`/`name`; several handlers per name run in registration order. */
  hook(group: string, name: string, handler: HookHandler): Undo {
    checkName('the group name', group);
    checkName('the hook name', name);
    if (typeof handler !== 'function') throw new InvalidHandlerError(`the handler of dynamic hook ${group}/${name}`, handler);
    return this.#declare(group).add(name, handler);
  }

  /** Calls the handlers of `group`/`name` when the group is enabled here; otherwise returns at once. */
  runHook(group: string, name: string, ...args: unknown[]): void;
  runHook(group: string, name: string, a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown): void {
    if (enabledAnywhere === 0) return;
    const g = this.#groups.get(group);
    if (g === undefined || !this.isEnabled(g)) return;
    const handlers = g.handlers.get(name);
    if (handlers === undefined) return;
    const n = arguments.length - 2;
    const args = n <= 4 ? firstArgs(n, a0, a1, a2, a3) : (Array.prototype.slice.call(arguments, 2) as unknown[]);
    for (const handler of handlers) this.failures.call('hook', group, name, handler, undefined, args);
  }

  /** Resolves `group`/`name` once, for hot call sites: `point.run(...args)` is `runHook` without the name lookup. */
  hookPoint(group: string, name: string): HookPoint {
    checkName('the group name', group);
    checkName('the hook name', name);
    return new HookPoint(this, this.#declare(group), name);
  }

  /**
   * Patches `target[key]` so that, where `group` is enabled, befores get the
   * arguments and afters get the arguments and the result or error. Returns an
   * undo that restores the original exactly.
   */
  hookFunction<T extends object, K extends FunctionKey<T>>(
    group: string, target: T, key: K, handlers: FunctionHandlers<Extract<T[K], Patchable>, T>,
  ): Undo {
    checkName('the group name', group);
    if (typeof handlers !== 'object' || handlers === null) {
      throw new InvalidHandlerError(`the handlers of the ${group} patch (an object with befores and afters)`, handlers);
    }
    const declared = this.#groups.has(group);
    try {
      return patchProperty(this, this.#declare(group), target, key, handlers as never);
    } catch (e) {
      // A refused patch leaves no trace, not even a newly declared group.
      if (!declared) this.#groups.delete(group);
      throw e;
    }
  }

  enableByDefault(group: string): void {
    this.#declare(group).setByDefault(true);
  }

  disableByDefault(group: string): void {
    checkName('the group name', group);
    this.#groups.get(group)?.setByDefault(false);
  }

  /**
   * Runs fn in a fresh request scope, which follows fn's awaits, timers and
   * emitters and closes when fn returns, throws or its promise settles. For a
   * promise, the caller gets one that settles the same way after the close.
   */
  runInRequest<T>(fn: () => T): T {
    const scope = new RequestScope();
    let result: T;
    try {
      result = this.#requests.run(scope, fn);
    } catch (e) {
      scope.close();
      throw e;
    }
    if (!isThenable(result)) {
      scope.close();
      return result;
    }
    return result.then(
      (value) => {
        scope.close();
        return value;
      },
      (error: unknown) => {
        scope.close();
        throw error;
      },
    ) as T;
  }

  /** Enables a known group until the current request scope closes. */
  enableOnThisRequest(group: string): void {
    checkName('the group name', group);
    const g = this.#groups.get(group);
    if (g === undefined) throw new UnknownGroupError(group, [...this.#groups.keys()]);
    const scope = this.#requests.getStore();
    if (scope === undefined || !scope.enable(g)) throw new NoRequestScopeError(group, scope !== undefined);
  }

  /** Enabled by default, or on the request scope this code runs in. */
  isGroupEnabled(group: string): boolean {
    checkName('the group name', group);
    const g = this.#groups.get(group);
    return g !== undefined && this.isEnabled(g);
  }

  /** The open request scope this code runs in, for parts that keep per-request state (timing does). */
  currentRequest(): RequestScope | undefined {
    const scope = this.#requests.getStore();
    return scope?.open ? scope : undefined;
  }

  /** Group names that hooks, patches or enabling have declared. */
  groups(): string[] {
    return [...this.#groups.keys()];
  }

  /** @internal The check patched functions make; public only so patches can reach it. */
  isEnabled(g: Group): boolean {
    if (g.byDefault) return true;
    if (enabledOnRequests === 0) return false;
    const scope = this.#requests.getStore();
    return scope !== undefined && scope.enabled.has(g);
  }

  #declare(group: string): Group {
    let g = this.#groups.get(group);
    if (g === undefined) {
      checkName('the group name', group);
      this.#groups.set(group, (g = new Group(group)));
    }
    return g;
  }
}

function checkName(what: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidNameError(what, value);
}
