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
