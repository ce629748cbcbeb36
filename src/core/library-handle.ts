/**
 * What a library (or the component, for pre/post callouts) uses to register
 * callouts and read its parameters. A library's handle is bound to the
 * library set it was loaded in; its `signal` aborts when the library is
 * unloaded or replaced, so timers and sockets tied to it stop with it.
 */
import type { Logger } from 'pino';
import type { LibraryRef } from './callout-handle.js';
import type { Callout, CalloutManager } from './callout-manager.js';
import { HooksError, LibraryHandleClosed } from './errors.js';
import type { ArgMap } from './hook-spec.js';
import type { ServerHooks } from './server-hooks.js';
import { HOOKS_MESSAGES } from './hooks-messages.js';
import { logMessage } from './messages.js';

/** A map from hook names to their argument types, for typed registration. */
export type HookMap = Record<string, ArgMap>;

export type LibraryParameters = Record<string, unknown>;

export class LibraryHandle<H extends HookMap = HookMap> {
  private closed = false;

  /** @internal created by the framework */
  constructor(
    readonly library: LibraryRef,
    private readonly manager: () => CalloutManager,
    private readonly hooks: ServerHooks,
    private readonly parameters: LibraryParameters,
    /** Aborted when the library is unloaded or replaced by a reload. */
    readonly signal: AbortSignal,
    /** A child logger naming the library. */
    readonly logger: Logger,
  ) {}

  get libraryName(): string {
    return this.library.name;
  }

  private hookIndex(hook: string): number {
    if (this.closed) throw new LibraryHandleClosed(this.library.name);
    return this.hooks.index(hook);
  }

  registerCallout<N extends keyof H & string>(hook: N, callout: Callout<H[N]>): void;
  registerCallout(hook: string, callout: Callout<any>): void;
  registerCallout(hook: string, callout: Callout<any>): void {
    const index = this.hookIndex(hook);
    if (typeof callout !== 'function') {
      throw new HooksError('HOOKS_CALLOUT_NOT_A_FUNCTION', `the callout registered on hook "${hook}" by ${this.library.name} is not a function`);
    }
    this.manager().register(this.hooks.point(index), this.library, callout);
    logMessage(this.logger, HOOKS_MESSAGES.HOOKS_CALLOUT_REGISTRATION, { library: this.library.name, hook });
  }

  /** Removes this library's registrations of `callout` on the hook; returns whether there were any. */
  deregisterCallout(hook: string, callout: Callout<any>): boolean {
    return this.manager().deregister(this.hookIndex(hook), this.library, callout);
  }

  /** Removes all of this library's callouts on the hook; returns whether there were any. */
  deregisterAllCallouts(hook: string): boolean {
    return this.manager().deregisterAll(this.hookIndex(hook), this.library);
  }

  /** Registers a handler for a control command (hook `$command_name`, created if needed). */
  registerCommandCallout(command: string, callout: Callout<any>): void {
    if (this.closed) throw new LibraryHandleClosed(this.library.name);
    const index = this.hooks.registerCommandHook(command);
    this.manager().ensureHooks(this.hooks.count);
    this.registerCallout(this.hooks.point(index).name, callout);
  }

  /** A parameter from the library's configuration entry, or undefined when it is not set. */
  getParameter<T = unknown>(name: string): T | undefined {
    return this.parameters[name] as T | undefined;
  }

  getParameters(): LibraryParameters {
    return structuredClone(this.parameters);
  }

  getParameterNames(): string[] {
    return Object.keys(this.parameters);
  }

  /** @internal the library was unloaded or its load failed */
  close(): void {
    this.closed = true;
  }
}
