/**
 * The facade a component uses (Kea's HooksManager): declare hook points, load
 * libraries from configuration, create handles and call callouts.
 *
 * Guarantees: a reload swaps in a new library set only when every library of
 * it loaded, so a failure leaves the running set serving untouched; reloads
 * are serialized; calloutsPresent is one array read; callCallouts creates no
 * promise when every callout is synchronous. Pre- and post-callouts belong to
 * the component and survive reloads (Kea drops them; Hookline keeps them, as a
 * component registers them once at start-up).
 */
import path from 'node:path';
import type { Logger } from 'pino';
import { CalloutHandle, type HandleOwner, type LibraryRef } from './callout-handle.js';
import type { DispatchReporter } from './callout-dispatch.js';
import type { AsyncDispatcher, SyncDispatcher } from './callout-compiler.js';
import { asyncDispatcherFor, createReporter, resetStatus, syncDispatcherFor, type DispatchMode } from './dispatcher-factory.js';
import { POST_CALLOUTS, PRE_CALLOUTS, type CalloutEntry, type CalloutManager } from './callout-manager.js';
import { NoSuchHook } from './errors.js';
import type { ArgMap, ArgsOf, HookPointSpec } from './hook-spec.js';
import { HOOKS_MESSAGES } from './hooks-messages.js';
import { LibraryHandle, type HookMap } from './library-handle.js';
import { LibraryManagerCollection, type LoadReport } from './library-manager-collection.js';
import type { LibraryContext, LibraryEntry } from './library-manager.js';
import { silentLogger } from './logger.js';
import { logMessage } from './messages.js';
import { ParkingLots, type ParkingLotHandle } from './parking-lots.js';
import { CONTEXT_CREATE, CONTEXT_DESTROY, ServerHooks, commandHookName, type HookPoint } from './server-hooks.js';


/** A library set loaded beside the running one; see HooksManager.stageLibraries. */
export interface LibraryStage {
  /** Makes the new set active; the old one stays loaded until confirm or abandon. */
  activate(): void;
  /** Keeps the new set (activating it if needed) and unloads the old one. */
  confirm(): Promise<void>;
  /** Puts the old set back (if the new one was activated) and unloads the new one. */
  abandon(): Promise<void>;
}

/** A hook index that remembers the argument types of its hook point. */
export type HookIndex<A extends ArgMap = ArgMap> = number & { readonly __hookArgs?: A };

export interface HooksManagerOptions {
  logger?: Logger;
  /** Directory that libraries must lie in. HOOKLINE_HOOKS_PATH, when set, takes precedence. Default `./hooks`. */
  hooksPath?: string;
  /** Check arguments against hook-point specs at run time. */
  strict?: boolean;
  /** Most objects one hook's parking lot holds (Kea's parked-packet-limit). Default 256. */
  parkingLotLimit?: number;
  /** Libraries shipped with the component: bare name -> absolute module path. */
  bundledLibraries?: ReadonlyMap<string, string>;
  /** Told of every callout that returned an error code or threw (for metrics). */
  onCalloutFailure?: (hook: string, library: string, kind: 'error' | 'exception') => void;
}

export class HooksManager<H extends HookMap = HookMap> implements HandleOwner {
  readonly logger: Logger;
  readonly strict: boolean;
  private hooksDir: string;
  private readonly serverHooks = new ServerHooks();
  private current: LibraryManagerCollection;
  /** The active set's callout lists, held directly: calloutsPresent is one load and one compare. */
  private lists: CalloutManager['lists'];
  private syncDispatchers: CalloutManager['syncDispatchers'];
  private asyncDispatchers: CalloutManager['asyncDispatchers'];
  private readonly parkingLots: ParkingLots;
  private readonly bundled: ReadonlyMap<string, string>;
  private reloading: Promise<unknown> = Promise.resolve();
  private timing: boolean;
  private readonly reporter: DispatchReporter;
  private readonly preHandle: LibraryHandle<H>;
  private readonly postHandle: LibraryHandle<H>;
  /** @internal bumped on every library swap, so handles drop stale contexts */
  generation = 0;

  constructor(options: HooksManagerOptions = {}) {
    this.logger = options.logger ?? silentLogger();
    this.strict = options.strict ?? false;
    this.hooksDir = HooksManager.effectiveHooksPath(options.hooksPath);
    this.bundled = options.bundledLibraries ?? new Map();
    this.current = LibraryManagerCollection.empty(this.serverHooks.count);
    this.lists = this.current.manager.lists;
    this.syncDispatchers = this.current.manager.syncDispatchers;
    this.asyncDispatchers = this.current.manager.asyncDispatchers;
    this.parkingLots = new ParkingLots(options.parkingLotLimit ?? 256,
      (hook, error) => logMessage(this.logger, HOOKS_MESSAGES.HOOKS_PARK_CONTINUATION_ERROR, { hook, error }));
    this.timing = this.logger.isLevelEnabled('debug');
    this.logger.on?.('level-change', () => {
      this.timing = this.logger.isLevelEnabled('debug');
      this.current.manager.invalidateDispatchers();
    });
    this.reporter = createReporter(this.logger, options.onCalloutFailure ?? (() => undefined));
    const componentHandle = (ref: LibraryRef): LibraryHandle<H> =>
      new LibraryHandle<H>(ref, () => this.current.manager, this.serverHooks, {}, new AbortController().signal, this.logger);
    this.preHandle = componentHandle(PRE_CALLOUTS);
    this.postHandle = componentHandle(POST_CALLOUTS);
  }

  // ----- hook points -----

  registerHook<S extends HookPointSpec>(name: string, spec?: S): HookIndex<ArgsOf<S>> {
    const index = this.serverHooks.register(name, spec);
    this.current.manager.ensureHooks(this.serverHooks.count);
    return index as HookIndex<ArgsOf<S>>;
  }

  hookIndex(name: string): number {
    return this.serverHooks.index(name);
  }

  /** Every hook point with its spec, in registration order (for catalogues). */
  hookPoints(): readonly HookPoint[] {
    return this.serverHooks.points();
  }

  calloutsPresent(index: number): boolean {
    const list = this.lists[index];
    if (list === null) return false;
    return list !== undefined || this.knownHook(index);
  }

  /** An index past the active lists: a hook registered since (no callouts), or no hook at all. */
  private knownHook(index: number): false {
    if (index >= this.serverHooks.count || index < 0 || !Number.isInteger(index)) throw new NoSuchHook(index);
    return false;
  }

  // ----- calling -----

  createCalloutHandle<A extends ArgMap = ArgMap>(): CalloutHandle<A> {
    const h = new CalloutHandle<A>(this);
    if (this.current.manager.lists[0] != null) this.callCalloutsSync(0, h);
    return h;
  }

  /** @internal CalloutHandle.release() */
  releaseHandle(h: CalloutHandle<any>): void {
    if (this.current.manager.lists[1] != null) this.callCalloutsSync(1, h);
  }

  private listFor(index: number): readonly CalloutEntry[] | null {
    const list = this.current.manager.lists[index];
    if (list === undefined) {
      if (index >= this.serverHooks.count || index < 0 || !Number.isInteger(index)) throw new NoSuchHook(index);
      return null;
    }
    return list;
  }

  private get mode(): DispatchMode {
    return { strict: this.strict, timing: this.timing, logger: this.logger, reporter: this.reporter };
  }

  /**
   * Builds the dispatcher of a hook for the current list and mode (strict,
   * debug timing), so the call path itself is one array read and one call.
   */
  private buildSync(index: number): SyncDispatcher {
    const list = this.listFor(index);
    const cm = this.current.manager;
    cm.ensureHooks(this.serverHooks.count);
    return (cm.syncDispatchers[index] = list === null ? resetStatus : syncDispatcherFor(this.serverHooks.point(index), list, this.mode));
  }

  private buildAsync(index: number): AsyncDispatcher {
    const list = this.listFor(index);
    const cm = this.current.manager;
    cm.ensureHooks(this.serverHooks.count);
    return (cm.asyncDispatchers[index] = list === null ? resetStatus : asyncDispatcherFor(this.serverHooks.point(index), list, this.mode));
  }

  /** Runs the callouts of a hook whose callouts are all synchronous. A callout returning a promise is an error (logged, DROP). */
  callCalloutsSync<A extends ArgMap>(index: HookIndex<A> | number, h: CalloutHandle<A>): void {
    const d = this.syncDispatchers[index];
    if (d != null) d(h);
    else this.buildSync(index)(h);
  }

  /**
   * Runs the callouts of a hook, awaiting those that return a promise.
   * Returns undefined (no promise created) when every callout completed synchronously.
   */
  callCallouts<A extends ArgMap>(index: HookIndex<A> | number, h: CalloutHandle<A>): Promise<void> | undefined {
    const d = this.asyncDispatchers[index];
    return d != null ? d(h) : this.buildAsync(index)(h);
  }

  // ----- component callouts -----

  preCalloutsLibraryHandle(): LibraryHandle<H> {
    return this.preHandle;
  }

  postCalloutsLibraryHandle(): LibraryHandle<H> {
    return this.postHandle;
  }

  // ----- libraries -----

  /** HOOKLINE_HOOKS_PATH, when set, wins over the configured path; the default is ./hooks. */
  static effectiveHooksPath(configured?: string): string {
    return path.resolve(process.env.HOOKLINE_HOOKS_PATH || configured || 'hooks');
  }

  /** The directory libraries must lie in. */
  get hooksPath(): string {
    return this.hooksDir;
  }

  /** Changes the hooks directory for later loads (a component applying a new configuration). */
  setHooksPath(configured: string): void {
    this.hooksDir = HooksManager.effectiveHooksPath(configured);
  }

  private context(hooksPath = this.hooksDir): LibraryContext {
    return { paths: { hooksPath: HooksManager.effectiveHooksPath(hooksPath), bundled: this.bundled }, hooks: this.serverHooks, logger: this.logger };
  }

  /** Serializes reloads: a second loadLibraries waits for the first. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.reloading.then(fn, fn);
    this.reloading = run.catch(() => undefined);
    return run;
  }

  /**
   * Loads a new set beside the running one and swaps it in only if every
   * library loaded. Returns a report naming each failing library and its cause.
   */
  loadLibrariesWithReport(entries: readonly LibraryEntry[]): Promise<LoadReport> {
    return this.exclusive(async () => {
      const keep = new Set<LibraryRef>([PRE_CALLOUTS, POST_CALLOUTS]);
      const { set, report } = await LibraryManagerCollection.load(entries, this.context(), this.current, keep);
      if (set === undefined) {
        const reason = report.errors.map((e) => e.message).join('; ');
        logMessage(this.logger, HOOKS_MESSAGES.HOOKS_LIBRARIES_REJECTED, { reason, running: this.current.libraries.length, errors: report.errors.map((e) => ({ library: e.library, code: e.code })) });
        return report;
      }
      await this.swap(set);
      logMessage(this.logger, HOOKS_MESSAGES.HOOKS_LIBRARIES_INSTALLED, { count: set.libraries.length, libraries: set.names });
      return report;
    });
  }

  /**
   * Two-phase reload for components that must check a new configuration with
   * the new libraries before committing to it (the daemon's config_applied):
   * loads the set beside the running one and returns a stage to activate,
   * then confirm (unload the old set) or abandon (swap the old set back).
   * The caller serializes its stages.
   */
  async stageLibraries(entries: readonly LibraryEntry[], options: { hooksPath?: string } = {}): Promise<{ report: LoadReport; stage?: LibraryStage }> {
    const { set, report } = await this.exclusive(() =>
      LibraryManagerCollection.load(entries, this.context(options.hooksPath), this.current, new Set<LibraryRef>([PRE_CALLOUTS, POST_CALLOUTS])));
    if (set === undefined) {
      logMessage(this.logger, HOOKS_MESSAGES.HOOKS_LIBRARIES_REJECTED, { reason: report.errors.map((e) => e.message).join('; '), running: this.current.libraries.length });
      return { report };
    }
    let old: LibraryManagerCollection | undefined;
    let settled = false;
    const stage: LibraryStage = {
      activate: () => {
        if (old !== undefined || settled) return;
        old = this.current;
        this.install(set);
      },
      confirm: async () => {
        if (settled) return;
        settled = true;
        if (old === undefined) {
          old = this.current;
          this.install(set);
        }
        logMessage(this.logger, HOOKS_MESSAGES.HOOKS_LIBRARIES_INSTALLED, { count: set.libraries.length, libraries: set.names });
        await old.unload(this.logger);
      },
      abandon: async () => {
        if (settled) return;
        settled = true;
        if (old !== undefined && this.current === set) this.install(old);
        await set.unload(this.logger);
      },
    };
    return { report, stage };
  }

  /** Kea's loadLibraries: true when the whole set loaded and is now active. */
  async loadLibraries(entries: readonly LibraryEntry[]): Promise<boolean> {
    return (await this.loadLibrariesWithReport(entries)).ok;
  }

  /** Imports and checks a set without calling load(): the report names every failing library. */
  async validateLibrariesWithReport(entries: readonly LibraryEntry[], options: { hooksPath?: string } = {}): Promise<LoadReport> {
    const { errors } = await LibraryManagerCollection.open(entries, this.context(options.hooksPath));
    return { ok: errors.length === 0, errors };
  }

  /** The names of the libraries that would fail to load, without calling load(). */
  async validateLibraries(entries: readonly LibraryEntry[]): Promise<string[]> {
    return (await this.validateLibrariesWithReport(entries)).errors.map((e) => e.library);
  }

  /** Unloads every library (reverse order). Component callouts stay. */
  unloadLibraries(): Promise<void> {
    return this.exclusive(async () => {
      const keep = new Set<LibraryRef>([PRE_CALLOUTS, POST_CALLOUTS]);
      const { set } = await LibraryManagerCollection.load([], this.context(), this.current, keep);
      await this.swap(set!);
    });
  }

  /** Makes `next` the active set: new generation, parking lots cleared. */
  private install(next: LibraryManagerCollection): void {
    this.current = next;
    this.lists = next.manager.lists;
    this.syncDispatchers = next.manager.syncDispatchers;
    this.asyncDispatchers = next.manager.asyncDispatchers;
    this.generation++;
    const dropped = this.parkingLots.clear();
    if (dropped > 0) logMessage(this.logger, HOOKS_MESSAGES.HOOKS_PARKING_LOTS_CLEARED, { count: dropped });
  }

  private async swap(next: LibraryManagerCollection): Promise<void> {
    const old = this.current;
    this.install(next);
    await old.unload(this.logger);
  }

  /** Names of the active libraries, in configuration order. */
  getLibraryNames(): string[] {
    return this.current.names;
  }

  /** The active libraries with their parameters, for status and config reports. */
  getLibraryInfo(): Array<{ library: string; file: string; parameters: Record<string, unknown> }> {
    return this.current.libraries.map((l) => ({ library: l.name, file: l.opened.file, parameters: l.handle.getParameters() }));
  }

  // ----- parking -----

  park(hookName: string, obj: object, onUnpark: () => void): void {
    this.parkingLots.lot(hookName).park(obj, onUnpark);
  }

  unpark(hookName: string, obj: object, force = false): boolean {
    return this.parkingLots.lot(hookName).unpark(obj, force);
  }

  drop(hookName: string, obj: object): boolean {
    return this.parkingLots.lot(hookName).drop(obj);
  }

  /** @internal CalloutHandle.getParkingLotHandle() */
  parkingLotHandle(hookName: string): ParkingLotHandle {
    return this.parkingLots.handle(hookName);
  }

  parkedCount(hookName: string): number {
    return this.parkingLots.lot(hookName).size;
  }

  // ----- commands -----

  commandHandlersPresent(command: string): boolean {
    const point = this.serverHooks.find(commandHookName(command));
    return point !== undefined && this.current.manager.lists[point.index] != null;
  }

  /** Calls the handlers of a control command; they read argument `command` and set `response`. */
  async callCommandHandlers(command: string, h: CalloutHandle<any>): Promise<void> {
    const point = this.serverHooks.find(commandHookName(command));
    if (point === undefined) throw new NoSuchHook(commandHookName(command));
    await this.callCallouts(point.index, h);
  }

  /** Commands that libraries of the active set handle. */
  libraryCommands(): string[] {
    return this.serverHooks.points()
      .filter((p) => p.name.startsWith('$') && this.current.manager.lists[p.index] != null)
      .map((p) => this.serverHooks.commandOf(p.name) ?? p.name.slice(1).replace(/_/g, '-'));
  }
}

export { CONTEXT_CREATE, CONTEXT_DESTROY };
