/** Errors of the store: each has a stable `code` that callers and tests match on. */

export class StoreError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export class HookNameTakenError extends StoreError {
  constructor(readonly hookName: string, options?: { cause?: unknown }) {
    super('HOOK_NAME_TAKEN', `a hook named "${hookName}" already exists: hook names are unique, choose another NAME`, options);
  }
}

export class HookNotFoundError extends StoreError {
  constructor(readonly hookId: number | string) {
    super('HOOK_NOT_FOUND', `hook ${hookId} does not exist`);
  }
}

export class HookLockedError extends StoreError {
  constructor(readonly hookId: number, operation: string) {
    super('HOOK_LOCKED', `hook ${hookId} is locked: ${operation} refused; unlock it first`);
  }
}

export class ExecutionNotFoundError extends StoreError {
  constructor(readonly hookId: number, readonly executionId: number) {
    super('EXECUTION_NOT_FOUND', `hook ${hookId} has no execution ${executionId} (it may have been removed by LOG_RETENTION)`);
  }
}

export class ExecutionAlreadyFinishedError extends StoreError {
  constructor(readonly hookId: number, readonly executionId: number) {
    super('EXECUTION_ALREADY_FINISHED', `execution ${executionId} of hook ${hookId} is already finished; only a RUNNING record can be finished`);
  }
}

export class InvalidStoreArgumentError extends StoreError {
  constructor(message: string) {
    super('STORE_INVALID_ARGUMENT', message);
  }
}

export class StoreOpenError extends StoreError {
  constructor(readonly path: string, reason: string, options?: { cause?: unknown }) {
    super('STORE_OPEN_FAILED', `cannot open the database ${path}: ${reason}`, options);
  }
}

export class StoreSchemaTooNewError extends StoreError {
  constructor(readonly path: string, readonly found: number, readonly supported: number) {
    super('STORE_SCHEMA_TOO_NEW', `the database ${path} has schema version ${found}, newer than the ${supported} this Hookline knows: upgrade Hookline or use another database file`);
  }
}

export class StoreClosedError extends StoreError {
  constructor(what: string) {
    super('STORE_CLOSED', `${what} is closed`);
  }
}

// postgresql

/**
 * PostgreSQL could not be reached, or the connection broke during the
 * operation (server restart, network failure, backend terminated). If it broke
 * during a commit the outcome is unknown; retry once the database is back.
 */
export class StoreUnavailableError extends StoreError {
  constructor(readonly url: string, reason: string, options?: { cause?: unknown }) {
    super('STORE_UNAVAILABLE', `the database ${url} is unavailable: ${reason}; the operation may not have been applied, retry it when the database is back`, options);
  }
}

/** PostgreSQL refused a query for a reason other than a lost connection; `sqlState` is its error code. */
export class StoreQueryError extends StoreError {
  constructor(readonly url: string, readonly sqlState: string | undefined, reason: string, options?: { cause?: unknown }) {
    super('STORE_QUERY_FAILED', `a query on the database ${url} failed${sqlState ? ` (SQLSTATE ${sqlState})` : ''}: ${reason}`, options);
  }
}
