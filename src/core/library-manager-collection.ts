/**
 * One set of hook libraries, loaded together and replaced together.
 *
 * Loading is all or nothing: every library is imported and checked first
 * (all failures are reported, not just the first), then each load() runs in
 * configuration order; if any fails, the ones already loaded are unloaded in
 * reverse order and the set is discarded. The caller swaps a set in only when
 * it loaded completely, so the running set is never touched by a failure.
 */
import type { Logger } from 'pino';
import { CalloutManager } from './callout-manager.js';
import type { LibraryRef } from './callout-handle.js';
import { LibraryLoadError } from './errors.js';
import { LoadedLibrary, OpenedLibrary, type LibraryContext, type LibraryEntry } from './library-manager.js';

export interface LoadReport {
  ok: boolean;
  /** One per library that failed, naming it and the cause. */
  errors: LibraryLoadError[];
}

function asLoadError(entry: LibraryEntry, err: unknown): LibraryLoadError {
  if (err instanceof LibraryLoadError) return err;
  return new LibraryLoadError(String(entry?.library), 'HOOKS_OPEN_ERROR', err instanceof Error ? err.message : String(err), { cause: err });
}

export class LibraryManagerCollection {
  private constructor(
    readonly manager: CalloutManager,
    readonly libraries: readonly LoadedLibrary[],
  ) {}

  /** The empty set a component starts with. */
  static empty(hookCount: number): LibraryManagerCollection {
    return new LibraryManagerCollection(new CalloutManager(hookCount), []);
  }

  get names(): string[] {
    return this.libraries.map((l) => l.name);
  }

  /** Imports and checks every library without calling load(). */
  static async open(entries: readonly LibraryEntry[], ctx: LibraryContext): Promise<{ opened: OpenedLibrary[]; errors: LibraryLoadError[] }> {
    const opened: OpenedLibrary[] = [];
    const errors: LibraryLoadError[] = [];
    for (const entry of entries) {
      try {
        opened.push(await OpenedLibrary.open(entry, ctx));
      } catch (err) {
        errors.push(asLoadError(entry, err));
      }
    }
    return { opened, errors };
  }

  /**
   * Builds a complete new set. `keep` are the component's own callouts
   * (pre/post) copied over from `current`, which is otherwise untouched.
   */
  static async load(entries: readonly LibraryEntry[], ctx: LibraryContext, current: LibraryManagerCollection,
    keep: ReadonlySet<LibraryRef>): Promise<{ set?: LibraryManagerCollection; report: LoadReport }> {
    const { opened, errors } = await LibraryManagerCollection.open(entries, ctx);
    if (errors.length > 0) return { report: { ok: false, errors } };
    const manager = new CalloutManager(ctx.hooks.count);
    manager.adoptFrom(current.manager, keep);
    const loaded: LoadedLibrary[] = [];
    for (let i = 0; i < opened.length; i++) {
      try {
        loaded.push(await LoadedLibrary.load(opened[i]!, i + 1, manager, ctx));
      } catch (err) {
        for (const lib of loaded.reverse()) await lib.unload(ctx.logger);
        return { report: { ok: false, errors: [asLoadError(opened[i]!.entry, err)] } };
      }
    }
    manager.ensureHooks(ctx.hooks.count);
    return { set: new LibraryManagerCollection(manager, loaded), report: { ok: true, errors: [] } };
  }

  /** Unloads every library in reverse order of loading. */
  async unload(logger: Logger): Promise<void> {
    for (const lib of [...this.libraries].reverse()) await lib.unload(logger);
  }
}
