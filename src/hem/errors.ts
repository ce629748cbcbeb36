/**
 * Errors of the Hook Execution Manager. Each has a stable `code` to match on
 * (the text is for people), names what was wrong and where, and carries the
 * underlying `cause` when there is one. Sections: templates and matching,
 * execution.
 */

export class HemError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

// templates and matching

/** Template text that is not OpenNebula template syntax; line and column are 1-based. */
export class TemplateSyntaxError extends HemError {
  constructor(
    readonly line: number,
    readonly column: number,
    /** The offending text, as written. */
    readonly text: string,
    problem: string,
    readonly source?: string,
  ) {
    super('HEM_TEMPLATE_SYNTAX', `${source ? `${source}:` : ''}${line}:${column}: ${problem} (at ${JSON.stringify(text)})`);
  }
}

export interface TemplateProblem {
  /** The attribute at fault, upper-case (e.g. TIMEOUT). */
  attribute: string;
  /** What was wrong and what was expected. */
  message: string;
}

/** A template that parses but is not a valid hook; lists every problem found, not just the first. */
export class TemplateValidationError extends HemError {
  constructor(readonly problems: readonly TemplateProblem[], readonly source?: string) {
    super('HEM_TEMPLATE_INVALID', `invalid hook template${source ? ` ${source}` : ''}: ${problems.map((p) => p.message).join('; ')}`);
  }
}

// execution

/** ARGUMENTS that cannot be split into words; `position` is the 1-based character where the problem starts. */
export class ArgumentSyntaxError extends HemError {
  constructor(readonly text: string, readonly position: number, problem: string) {
    super('HEM_ARGUMENT_SYNTAX', `ARGUMENTS ${JSON.stringify(text)}: ${problem} at character ${position}`);
  }
}

/** Executor options that cannot work (e.g. a relative hook-base-path). */
export class ExecutorConfigError extends HemError {
  constructor(option: string, problem: string) {
    super('HEM_EXECUTOR_CONFIG', `executor option ${option}: ${problem}`);
  }
}

/** A task submitted to an execution pool that is closing or closed. */
export class PoolClosedError extends HemError {
  constructor() {
    super('HEM_POOL_CLOSED', 'the execution pool is closed: no new executions are accepted');
  }
}

// manager

/** `retry` of a hook or execution that does not exist (or that retention removed). */
export class NoSuchExecutionError extends HemError {
  constructor(hookId: number, executionId?: number) {
    super('HEM_NO_SUCH_EXECUTION', executionId === undefined
      ? `no hook with id ${hookId}`
      : `hook ${hookId} has no execution ${executionId} (it may have been removed by LOG_RETENTION)`);
  }
}

/** Not an error to report: an execution that must wait for an earlier event of its resource, which is being handed back. */
export class OrderDeferredError extends HemError {
  constructor(readonly waitingFor: string) {
    super('HEM_ORDER_DEFERRED', `an earlier event of the same resource (${waitingFor}) must run first`);
  }
}

/**
 * An execution the manager did not start, or did not let finish, because it is stopping (its event
 * goes back to the queue) or because its delivery is no longer held here (it runs where it went).
 */
export class StoppingError extends HemError {
  constructor(what: 'not started' | 'interrupted' | 'not held') {
    super('HEM_STOPPING', what === 'not held'
      ? 'execution not started: the queue no longer holds its event for this worker (it went to another after an outage)'
      : `execution ${what}: the execution manager is stopping; the event goes back to the queue`);
  }
}
