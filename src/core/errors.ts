/**
 * Errors of the hooks framework. Each has a stable `code` to match on (the
 * text is for people), names what was wrong and where, and carries the
 * underlying `cause` when there is one.
 */

export class HooksError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A hook name registered twice, or a reserved name (context_create, context_destroy). */
export class DuplicateHook extends HooksError {
  constructor(readonly hookName: string, reserved = false) {
    super('HOOKS_DUPLICATE_HOOK', reserved
      ? `hook "${hookName}" is reserved by the hooks framework and is registered automatically`
      : `hook "${hookName}" is already registered`);
  }
}

export class NoSuchHook extends HooksError {
  constructor(readonly hook: string | number) {
    super('HOOKS_NO_SUCH_HOOK', typeof hook === 'number'
      ? `no hook point has index ${hook}`
      : `no hook point is registered under the name "${hook}"`);
  }
}

export class InvalidHookName extends HooksError {
  constructor(readonly hookName: string, reason: string) {
    super('HOOKS_INVALID_HOOK_NAME', `invalid hook name ${JSON.stringify(hookName)}: ${reason}`);
  }
}

export class NoSuchArgument extends HooksError {
  constructor(readonly argumentName: string, hookName?: string) {
    super('HOOKS_NO_SUCH_ARGUMENT', `no argument "${argumentName}" is set on the callout handle`
      + (hookName ? ` (hook "${hookName}")` : ''));
  }
}

export class NoSuchCalloutContext extends HooksError {
  constructor(readonly contextName: string, library: string) {
    super('HOOKS_NO_SUCH_CALLOUT_CONTEXT', `no context item "${contextName}" is set on this handle for library ${library}`);
  }
}

/** In strict mode: an argument missing or of the wrong type for the hook point's spec. */
export class ArgumentTypeError extends HooksError {
  constructor(readonly hookName: string, readonly argumentName: string, expected: string, got: string) {
    super('HOOKS_ARGUMENT_TYPE', `argument "${argumentName}" of hook "${hookName}" must be ${expected}, got ${got}`);
  }
}

/** A callout returned a promise where only synchronous callouts may run (callCalloutsSync). */
export class AsyncCalloutInSyncCall extends HooksError {
  constructor(readonly hookName: string, readonly library: string) {
    super('HOOKS_ASYNC_CALLOUT_IN_SYNC_CALL',
      `a callout of library ${library} on hook "${hookName}" returned a promise, but the hook was called with callCalloutsSync; `
      + 'use callCallouts for hooks that may have async callouts');
  }
}

/** Registration outside the window in which it is allowed (e.g. after unload). */
export class LibraryHandleClosed extends HooksError {
  constructor(library: string) {
    super('HOOKS_LIBRARY_HANDLE_CLOSED', `the handle of library ${library} is no longer active (the library was unloaded or its load failed)`);
  }
}

export class ParkingLotError extends HooksError {}

/**
 * Why one library of a set could not be used. `msgId` is the catalogue message
 * that was logged for it (HOOKS_INCORRECT_VERSION, HOOKS_LOAD_ERROR, …).
 */
export class LibraryLoadError extends HooksError {
  constructor(readonly library: string, readonly msgId: string, readonly reason: string, options?: { cause?: unknown }) {
    super(msgId, `library ${library}: ${reason}`, options);
  }
}
