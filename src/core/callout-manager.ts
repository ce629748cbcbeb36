/**
 * The callouts of one library set, per hook point, in dispatch order:
 * pre-callouts (order 0), libraries in configuration order (1..N; within one,
 * registration order), post-callouts (MAX). Lists are copy-on-write, so a
 * callout may register or deregister while its hook is being dispatched, and
 * an empty list is `null`, so `calloutsPresent` is a single check.
 */
import type { CalloutHandle, LibraryRef } from './callout-handle.js';
import type { AsyncDispatcher, SyncDispatcher } from './callout-compiler.js';
import type { HookPoint } from './server-hooks.js';
import type { ArgMap } from './hook-spec.js';

export type CalloutResult = number | void | undefined | Promise<number | void | undefined>;
export type Callout<A extends ArgMap = ArgMap> = (handle: CalloutHandle<A>) => CalloutResult;

/** One registration: also what a handle points at while the callout runs (its "site"). */
export interface CalloutEntry {
  readonly fn: Callout<any>;
  readonly lib: LibraryRef;
  readonly point: HookPoint;
}

export const PRE_CALLOUTS: LibraryRef = Object.freeze({ name: '(pre-callouts)', order: 0 });
export const POST_CALLOUTS: LibraryRef = Object.freeze({ name: '(post-callouts)', order: Number.MAX_SAFE_INTEGER });

export class CalloutManager {
  /** Per hook index: the callouts, or null when there are none. */
  readonly lists: Array<readonly CalloutEntry[] | null> = [];
  /** Dispatchers per hook, built by the HooksManager on first call after a change; null = not built. */
  readonly syncDispatchers: Array<SyncDispatcher | null> = [];
  readonly asyncDispatchers: Array<AsyncDispatcher | null> = [];
  private changeListener: ((hookIndex: number) => void) | null = null;

  constructor(hookCount: number) {
    this.ensureHooks(hookCount);
  }

  /** Makes room for hook points registered after this manager was created. */
  ensureHooks(count: number): void {
    while (this.lists.length < count) {
      this.lists.push(null);
      this.syncDispatchers.push(null);
      this.asyncDispatchers.push(null);
    }
  }

  /** Forgets every built dispatcher (e.g. when debug timing is switched on or off). */
  invalidateDispatchers(): void {
    this.syncDispatchers.fill(null);
    this.asyncDispatchers.fill(null);
  }

  onChange(listener: (hookIndex: number) => void): void {
    this.changeListener = listener;
  }

  register(point: HookPoint, lib: LibraryRef, fn: Callout<any>): void {
    const cur = this.lists[point.index] ?? [];
    let at = cur.length;
    while (at > 0 && cur[at - 1]!.lib.order > lib.order) at--;
    const next = [...cur.slice(0, at), Object.freeze({ fn, lib, point }), ...cur.slice(at)];
    this.set(point.index, next);
  }

  /** Removes every registration of `fn` by `lib` on the hook. Returns whether any was removed. */
  deregister(hookIndex: number, lib: LibraryRef, fn: Callout<any>): boolean {
    const cur = this.lists[hookIndex];
    if (cur == null) return false;
    const next = cur.filter((e) => !(e.lib === lib && e.fn === fn));
    if (next.length === cur.length) return false;
    this.set(hookIndex, next);
    return true;
  }

  /** Removes all of `lib`'s callouts on the hook. Returns whether any was removed. */
  deregisterAll(hookIndex: number, lib: LibraryRef): boolean {
    const cur = this.lists[hookIndex];
    if (cur == null) return false;
    const next = cur.filter((e) => e.lib !== lib);
    if (next.length === cur.length) return false;
    this.set(hookIndex, next);
    return true;
  }

  /** Copies the entries of the given owners (pre/post callouts) from another manager. */
  adoptFrom(other: CalloutManager, owners: ReadonlySet<LibraryRef>): void {
    for (const list of other.lists) {
      for (const e of list ?? []) if (owners.has(e.lib)) this.register(e.point, e.lib, e.fn);
    }
  }

  count(hookIndex: number): number {
    return this.lists[hookIndex]?.length ?? 0;
  }

  private set(hookIndex: number, next: CalloutEntry[]): void {
    this.lists[hookIndex] = next.length === 0 ? null : Object.freeze(next);
    this.syncDispatchers[hookIndex] = null;
    this.asyncDispatchers[hookIndex] = null;
    this.changeListener?.(hookIndex);
  }
}
