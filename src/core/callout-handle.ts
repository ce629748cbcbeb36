/**
 * The object passed to every callout of one hook call: the arguments, the
 * next-step status, and each library's private context.
 *
 * Guarantees: the status is reset to CONTINUE at the start of every call;
 * context is private to one library and one handle; `currentLibrary` and
 * `currentHook` name the callout being run. Arguments live in a fast-mode
 * object (not a Map), because `getArgument` runs once per callout per call.
 */
import { NoSuchArgument, NoSuchCalloutContext } from './errors.js';
import { checkArgument, type ArgMap } from './hook-spec.js';
import { NextStep } from './next-step.js';
import type { CalloutEntry } from './callout-manager.js';
import type { ParkingLotHandle } from './parking-lots.js';

/** Identity of a callout's owner: the component (pre/post) or one library of the active set. */
export interface LibraryRef {
  readonly name: string;
  /** Position in the dispatch order: 0 pre-callouts, 1..N libraries, MAX post-callouts. */
  readonly order: number;
}

/** What a handle needs from its manager; kept narrow so handles do not reach into the framework. */
export interface HandleOwner {
  readonly strict: boolean;
  readonly generation: number;
  parkingLotHandle(hookName: string): ParkingLotHandle;
  releaseHandle(handle: CalloutHandle<any>): void;
}

// Instances of Args are fast-mode objects whose prototype chain holds nothing,
// so a lookup of "constructor" or "toString" finds no inherited value.
function Args(this: object) {}
Args.prototype = Object.create(null);
const newArgs = (): Record<string, unknown> => new (Args as unknown as new () => Record<string, unknown>)();

const hasOwn = Object.prototype.hasOwnProperty;

export class CalloutHandle<A extends ArgMap = ArgMap> {
  /** @internal */ _args: Record<string, unknown> = newArgs();
  /** @internal */ _status: NextStep = NextStep.CONTINUE;
  /** @internal the registration whose callout is running (its library and hook point), null outside callouts */
  _site: CalloutEntry | null = null;
  /** @internal */ _generation: number;
  private readonly strict: boolean;
  private contexts: Map<LibraryRef, Map<string, unknown>> | null = null;
  private released = false;

  /** @internal use HooksManager.createCalloutHandle() */
  constructor(private readonly owner: HandleOwner) {
    this._generation = owner.generation;
    this.strict = owner.strict;
  }

  setArgument<K extends keyof A & string>(name: K, value: A[K]): void {
    if (this.strict && this._site !== null) {
      const spec = this._site.point.spec?.arguments?.[name];
      if (spec !== undefined) checkArgument(this._site.point.name, name, spec, value);
    }
    this._args[name] = value;
  }

  getArgument<K extends keyof A & string>(name: K): A[K] {
    // Kept tiny so V8 inlines it into dispatchers: the rare path is a separate method.
    const v = this._args[name];
    return v !== undefined ? (v as A[K]) : this.absentOrUndefined(name);
  }

  private absentOrUndefined(name: string): never {
    if (hasOwn.call(this._args, name)) return undefined as never;
    throw new NoSuchArgument(name, this._site?.point.name);
  }

  hasArgument(name: string): boolean {
    return hasOwn.call(this._args, name);
  }

  getArgumentNames(): string[] {
    return Object.keys(this._args);
  }

  deleteArgument(name: keyof A & string): void {
    delete this._args[name];
  }

  deleteAllArguments(): void {
    this._args = newArgs();
  }

  getStatus(): NextStep {
    return this._status;
  }

  setStatus(status: NextStep): void {
    this._status = status;
  }

  /** The library whose callout is running ('' outside a callout). */
  get currentLibrary(): string {
    return this._site?.lib.name ?? '';
  }

  /** The hook point whose callout is running ('' outside a callout). */
  get currentHook(): string {
    return this._site?.point.name ?? '';
  }

  private contextOf(create: boolean): Map<string, unknown> | undefined {
    const lib = this._site?.lib ?? null;
    if (lib === null) throw new NoSuchCalloutContext('(any)', '(none: context is only available inside a callout)');
    if (this._generation !== this.owner.generation) {
      // The library set was replaced since this handle last ran: old contexts belong to unloaded libraries.
      this.contexts = null;
      this._generation = this.owner.generation;
    }
    let ctx = this.contexts?.get(lib);
    if (ctx === undefined && create) {
      this.contexts ??= new Map();
      ctx = new Map();
      this.contexts.set(lib, ctx);
    }
    return ctx;
  }

  /** Stores a value private to the running library and this handle. */
  setContext(name: string, value: unknown): void {
    this.contextOf(true)!.set(name, value);
  }

  getContext<T = unknown>(name: string): T {
    const ctx = this.contextOf(false);
    if (ctx === undefined || !ctx.has(name)) throw new NoSuchCalloutContext(name, this.currentLibrary);
    return ctx.get(name) as T;
  }

  getContextNames(): string[] {
    return [...(this.contextOf(false)?.keys() ?? [])];
  }

  deleteContext(name: string): void {
    this.contextOf(false)?.delete(name);
  }

  deleteAllContext(): void {
    this.contextOf(false)?.clear();
  }

  /** The parking lot of the hook whose callouts are running (Kea's getParkingLotHandlePtr). */
  getParkingLotHandle(): ParkingLotHandle {
    if (this._site === null) throw new NoSuchCalloutContext('parking lot', '(none: parking lots are only reachable inside a callout)');
    return this.owner.parkingLotHandle(this._site.point.name);
  }

  /** Fires context_destroy (when callouts exist) and drops all context. Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.owner.releaseHandle(this);
    this.contexts = null;
  }

  /** @internal used by release() after context_destroy ran */
  get isReleased(): boolean {
    return this.released;
  }
}

/**
 * Kea's ScopedCalloutHandleState: clears arguments and status when created and
 * again when disposed, so a handle reused across requests carries nothing over.
 */
export class ScopedCalloutHandleState {
  constructor(private readonly handle: CalloutHandle<any>) {
    ScopedCalloutHandleState.reset(handle);
  }

  static reset(handle: CalloutHandle<any>): void {
    handle.deleteAllArguments();
    handle.setStatus(NextStep.CONTINUE);
  }

  dispose(): void {
    ScopedCalloutHandleState.reset(this.handle);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** Runs `fn` with a handle whose arguments and status are cleared before and after. */
export async function withScopedState<T>(handle: CalloutHandle<any>, fn: () => T | Promise<T>): Promise<T> {
  const scope = new ScopedCalloutHandleState(handle);
  try {
    return await fn();
  } finally {
    scope.dispose();
  }
}
