/**
 * One hook library: finding it, importing a fresh instance of it, checking
 * its version and parameters, registering its callouts, and its load/unload
 * lifecycle. Every failure is a LibraryLoadError naming the library, with the
 * catalogue message that was logged for it.
 */
import { pathToFileURL } from 'node:url';
import semver from 'semver';
import type { Logger } from 'pino';
import type { LibraryRef } from './callout-handle.js';
import type { CalloutManager } from './callout-manager.js';
import { LibraryLoadError } from './errors.js';
import { HOOKS_MESSAGES } from './hooks-messages.js';
import { LibraryHandle, type LibraryParameters } from './library-handle.js';
import { resolveLibrary, type LibraryPathOptions } from './library-path.js';
import { logMessage, type Message } from './messages.js';
import type { ServerHooks } from './server-hooks.js';

/** The hooks API version a library's `version` export must equal (or, as a semver range, accept as `1.0.0`). */
export const HOOKS_API_VERSION = 1;

/** A library entry of a component's configuration (Kea's `hooks-libraries`). */
export interface LibraryEntry {
  library: string;
  parameters?: LibraryParameters;
}

/** An optional export by which a library declares its parameters, so they are checked before load(). */
export type ParameterDeclarations = Record<string, { type?: 'string' | 'number' | 'boolean' | 'object' | 'array'; required?: boolean; description?: string }>;

const RESERVED_EXPORTS = new Set(['version', 'load', 'unload', 'multiThreadingCompatible', 'parameters', 'default', 'messages']);

let importCounter = 0;

export interface LibraryContext {
  paths: LibraryPathOptions;
  hooks: ServerHooks;
  logger: Logger;
}

/** A library that has been imported and checked, but whose load() has not run. */
export class OpenedLibrary {
  private constructor(
    readonly entry: LibraryEntry,
    readonly file: string,
    readonly module: Record<string, unknown>,
    readonly parameters: LibraryParameters,
  ) {}

  get name(): string {
    return this.entry.library;
  }

  get multiThreadingCompatible(): boolean {
    return this.module.multiThreadingCompatible === true;
  }

  /** Resolves, imports a fresh module instance, and checks version, parameters and exports. */
  static async open(entry: LibraryEntry, ctx: LibraryContext): Promise<OpenedLibrary> {
    const name = typeof entry?.library === 'string' ? entry.library : String(entry?.library);
    const fail = (msg: Message, fields: Record<string, unknown>, text: string, cause?: unknown): LibraryLoadError => {
      logMessage(ctx.logger, msg, { library: name, ...fields });
      return new LibraryLoadError(name, msg.id, text, { cause });
    };
    let file: string;
    try {
      file = resolveLibrary(name, ctx.paths).file;
    } catch (err) {
      const e = err as LibraryLoadError;
      logMessage(ctx.logger, HOOKS_MESSAGES[e.msgId as keyof typeof HOOKS_MESSAGES] ?? HOOKS_MESSAGES.HOOKS_OPEN_ERROR, { library: name, reason: e.reason ?? e.message });
      throw e;
    }
    const parameters = entry.parameters ?? {};
    if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)) {
      throw fail(HOOKS_MESSAGES.HOOKS_INVALID_PARAMETERS, { reason: 'parameters must be a JSON object' }, `parameters must be a JSON object, got ${Array.isArray(parameters) ? 'an array' : typeof parameters}`);
    }
    let module: Record<string, unknown>;
    try {
      module = await import(`${pathToFileURL(file).href}?hookline=${++importCounter}`);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw fail(HOOKS_MESSAGES.HOOKS_OPEN_ERROR, { reason, file }, `failed to import ${file}: ${reason}`, err);
    }
    checkVersion(name, module, fail);
    checkParameters(module.parameters, parameters, fail);
    for (const key of Object.keys(module)) {
      if (RESERVED_EXPORTS.has(key) || ctx.hooks.find(key) === undefined) continue;
      if (typeof module[key] !== 'function') {
        throw fail(HOOKS_MESSAGES.HOOKS_REGISTRATION_ERROR, { error: `export "${key}" has the name of a hook point but is not a function` },
          `export "${key}" has the name of a hook point but is not a function`);
      }
    }
    for (const fn of ['load', 'unload'] as const) {
      if (module[fn] !== undefined && typeof module[fn] !== 'function') {
        throw fail(HOOKS_MESSAGES.HOOKS_OPEN_ERROR, { reason: `"${fn}" is exported but is not a function` }, `"${fn}" is exported but is not a function`);
      }
    }
    return new OpenedLibrary(entry, file, module, parameters);
  }
}

function checkVersion(name: string, module: Record<string, unknown>,
  fail: (m: Message, f: Record<string, unknown>, t: string) => LibraryLoadError): void {
  const v = module.version;
  if (v === undefined) {
    throw fail(HOOKS_MESSAGES.HOOKS_NO_VERSION, { expected: HOOKS_API_VERSION },
      `does not export "version" (add \`export const version = ${HOOKS_API_VERSION};\`)`);
  }
  const ok = typeof v === 'number' ? v === HOOKS_API_VERSION
    : typeof v === 'string' && semver.validRange(v) !== null && semver.satisfies(`${HOOKS_API_VERSION}.0.0`, v);
  if (!ok) {
    throw fail(HOOKS_MESSAGES.HOOKS_INCORRECT_VERSION, { version: v, expected: HOOKS_API_VERSION },
      `exports version ${JSON.stringify(v)}, but the hooks API version is ${HOOKS_API_VERSION} (use ${HOOKS_API_VERSION} or a semver range that accepts ${HOOKS_API_VERSION}.0.0)`);
  }
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function checkParameters(decl: unknown, parameters: LibraryParameters,
  fail: (m: Message, f: Record<string, unknown>, t: string) => LibraryLoadError): void {
  if (decl === undefined || decl === null || typeof decl !== 'object') return;
  const problems: string[] = [];
  for (const [key, d] of Object.entries(decl as ParameterDeclarations)) {
    const value = parameters[key];
    if (value === undefined) {
      if (d.required) problems.push(`mandatory parameter "${key}" is not set${d.description ? ` (${d.description})` : ''}`);
    } else if (d.type !== undefined && typeName(value) !== d.type) {
      problems.push(`parameter "${key}" must be ${d.type === 'array' || d.type === 'object' ? 'an' : 'a'} ${d.type}, got ${typeName(value)}`);
    }
  }
  if (problems.length > 0) {
    const reason = problems.join('; ');
    throw fail(HOOKS_MESSAGES.HOOKS_INVALID_PARAMETERS, { reason }, reason);
  }
}

/** A library whose callouts are registered in a callout manager and whose load() succeeded. */
export class LoadedLibrary {
  private constructor(
    readonly opened: OpenedLibrary,
    readonly ref: LibraryRef,
    readonly handle: LibraryHandle,
    private readonly abort: AbortController,
  ) {}

  get name(): string {
    return this.opened.name;
  }

  /** Auto-registers exports named after hooks, then runs load(handle). */
  static async load(opened: OpenedLibrary, order: number, manager: CalloutManager, ctx: LibraryContext): Promise<LoadedLibrary> {
    const name = opened.name;
    const ref: LibraryRef = Object.freeze({ name, order });
    const abort = new AbortController();
    const logger = ctx.logger.child({ hooksLibrary: name });
    const handle = new LibraryHandle(ref, () => manager, ctx.hooks, opened.parameters, abort.signal, logger);
    const lib = new LoadedLibrary(opened, ref, handle, abort);
    const fail = (msg: Message, fields: Record<string, unknown>, text: string, cause?: unknown): LibraryLoadError => {
      logMessage(ctx.logger, msg, { library: name, ...fields });
      lib.discard();
      return new LibraryLoadError(name, msg.id, text, { cause });
    };
    for (const key of Object.keys(opened.module)) {
      if (RESERVED_EXPORTS.has(key)) continue;
      const point = ctx.hooks.find(key);
      if (point === undefined) continue;
      manager.register(point, ref, opened.module[key] as never);
      logMessage(ctx.logger, HOOKS_MESSAGES.HOOKS_STD_CALLOUT_REGISTERED, { library: name, hook: key });
    }
    if (!opened.multiThreadingCompatible) logMessage(ctx.logger, HOOKS_MESSAGES.HOOKS_MULTI_THREADING_INCOMPATIBLE, { library: name });
    const load = opened.module.load as ((h: LibraryHandle) => unknown) | undefined;
    if (load !== undefined) {
      let rc: unknown;
      try {
        rc = await load(handle);
      } catch (err) {
        const code = (err as { code?: unknown })?.code;
        if (code === 'HOOKS_NO_SUCH_HOOK' || code === 'HOOKS_CALLOUT_NOT_A_FUNCTION') {
          throw fail(HOOKS_MESSAGES.HOOKS_REGISTRATION_ERROR, { error: err }, `load() failed to register a callout: ${(err as Error).message}`, err);
        }
        throw fail(HOOKS_MESSAGES.HOOKS_LOAD_EXCEPTION, { error: err }, `load() threw: ${err instanceof Error ? err.message : String(err)}`, err);
      }
      if (rc !== undefined && rc !== 0) {
        throw fail(HOOKS_MESSAGES.HOOKS_LOAD_ERROR, { rc }, `load() returned error ${JSON.stringify(rc)}`);
      }
    }
    logMessage(ctx.logger, HOOKS_MESSAGES.HOOKS_LIBRARY_LOADED, { library: name, file: opened.file });
    return lib;
  }

  /** Closes the handle and aborts the signal without calling unload() (a load that failed). */
  private discard(): void {
    this.handle.close();
    this.abort.abort();
  }

  /** Runs unload(), then aborts the library's signal. Never throws: problems are logged. */
  async unload(logger: Logger): Promise<void> {
    const unload = this.opened.module.unload as (() => unknown) | undefined;
    if (unload !== undefined) {
      try {
        const rc = await unload();
        if (rc !== undefined && rc !== 0) logMessage(logger, HOOKS_MESSAGES.HOOKS_UNLOAD_ERROR, { library: this.name, rc });
      } catch (err) {
        logMessage(logger, HOOKS_MESSAGES.HOOKS_UNLOAD_EXCEPTION, { library: this.name, error: err });
      }
    }
    this.discard();
    logMessage(logger, HOOKS_MESSAGES.HOOKS_LIBRARY_UNLOADED, { library: this.name });
  }
}
