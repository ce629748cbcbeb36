/**
 * Errors of the dynamic hooks part. Each has a stable `code`, so callers and
 * tests match on codes, not text; each message names the group, target or key
 * at fault and says what was expected.
 */

export type DynamicErrorCode =
  | 'HOOKLINE_DYNAMIC_INVALID_NAME'
  | 'HOOKLINE_DYNAMIC_INVALID_HANDLER'
  | 'HOOKLINE_DYNAMIC_UNKNOWN_GROUP'
  | 'HOOKLINE_DYNAMIC_NO_REQUEST_SCOPE'
  | 'HOOKLINE_DYNAMIC_INVALID_TARGET'
  | 'HOOKLINE_DYNAMIC_MISSING_KEY'
  | 'HOOKLINE_DYNAMIC_NOT_A_FUNCTION'
  | 'HOOKLINE_DYNAMIC_NOT_WRITABLE'
  | 'HOOKLINE_DYNAMIC_ALREADY_PATCHED';

/** Base class: every error thrown by `hookline/dynamic` is one of these. */
export class DynamicHooksError extends Error {
  constructor(readonly code: DynamicErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A group or hook name that is not a non-empty string. */
export class InvalidNameError extends DynamicHooksError {
  constructor(what: string, value: unknown) {
    super('HOOKLINE_DYNAMIC_INVALID_NAME', `${what} must be a non-empty string, got ${describeValue(value)}`);
  }
}

/** A handler (hook handler, before or after) that is not a function. */
export class InvalidHandlerError extends DynamicHooksError {
  constructor(where: string, value: unknown) {
    super('HOOKLINE_DYNAMIC_INVALID_HANDLER', `${where} must be a function, got ${describeValue(value)}`);
  }
}

/** `enableOnThisRequest` named a group that no hook, patch or default enabling declared. */
export class UnknownGroupError extends DynamicHooksError {
  constructor(readonly group: string, known: readonly string[]) {
    super(
      'HOOKLINE_DYNAMIC_UNKNOWN_GROUP',
      `unknown dynamic hook group "${group}": expected a group that has hooks or patches ` +
        `(known: ${known.length ? known.map((g) => `"${g}"`).join(', ') : 'none'})`,
    );
  }
}

/** `enableOnThisRequest` outside `runInRequest`, or after that request's scope closed. */
export class NoRequestScopeError extends DynamicHooksError {
  constructor(readonly group: string, closed: boolean) {
    super(
      'HOOKLINE_DYNAMIC_NO_REQUEST_SCOPE',
      closed
        ? `cannot enable group "${group}" on this request: its scope closed when the function given to runInRequest settled`
        : `cannot enable group "${group}" on this request: not inside runInRequest(fn)`,
    );
  }
}

/** `hookFunction` was given something that cannot hold a property. */
export class InvalidTargetError extends DynamicHooksError {
  constructor(key: string, value: unknown) {
    super('HOOKLINE_DYNAMIC_INVALID_TARGET', `cannot patch ${key} of ${describeValue(value)}: expected an object or a function as the target`);
  }
}

/** The key to patch is not present on the target, not even inherited. */
export class MissingKeyError extends DynamicHooksError {
  constructor(readonly where: string) {
    super('HOOKLINE_DYNAMIC_MISSING_KEY', `cannot patch ${where}: the key is missing (expected a function there)`);
  }
}

/** The key holds something other than a function. */
export class NotAFunctionError extends DynamicHooksError {
  constructor(readonly where: string, value: unknown) {
    super('HOOKLINE_DYNAMIC_NOT_A_FUNCTION', `cannot patch ${where}: expected a function, found ${describeValue(value)}`);
  }
}

/** The property cannot be replaced: frozen or sealed target, non-writable property, accessor, or a refusing proxy. */
export class NotWritableError extends DynamicHooksError {
  constructor(readonly where: string, reason: string, options?: { cause?: unknown }) {
    super('HOOKLINE_DYNAMIC_NOT_WRITABLE', `cannot patch ${where}: ${reason}`, options);
  }
}

/** The same function is already patched for this group; a second patch would run its handlers twice. */
export class AlreadyPatchedError extends DynamicHooksError {
  constructor(readonly where: string, readonly group: string, existing: string) {
    super(
      'HOOKLINE_DYNAMIC_ALREADY_PATCHED',
      `cannot patch ${where} for group "${group}": that function is already patched for this group at ${existing}; ` +
        'undo the first patch or add handlers to it',
    );
  }
}

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'function') return `function ${v.name || '(anonymous)'}`;
  if (typeof v === 'object') return Array.isArray(v) ? 'an array' : 'an object';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'symbol') return v.toString();
  return `${typeof v} ${String(v)}`;
}
