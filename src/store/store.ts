/**
 * The `Store` holds hook definitions and their execution log. Implementations
 * (SQLite by default, PostgreSQL for scale-out) all pass the same contract
 * suite (`test/store/store-contract.ts`), so the HEM depends only on this file.
 */
import type { ExecutionRecord, ExecutionStatus, Hook, HookSpec } from '../hem/hook.js';

/** What `beginExecution` needs: everything of a record that is known before the command runs. */
export interface NewExecution {
  hookId: number;
  eventId: string;
  eventKey: string;
  eventDocument: Record<string, unknown>;
  command: string;
  arguments: string[];
  stdin: string | null;
  /** Milliseconds since the epoch. */
  startTime: number;
  /** True for `hookline hook retry`: a retry always gets a new record. */
  retry: boolean;
}

/** What `finishExecution` adds once the command is over. */
export interface ExecutionResult {
  /** Any status but RUNNING. */
  status: Exclude<ExecutionStatus, 'RUNNING'>;
  rc: number;
  stdout: string;
  stderr: string;
  truncated: boolean;
  signal: string | null;
  endTime: number;
}

/** Outcome of `beginExecution`. */
export interface BegunExecution {
  record: ExecutionRecord;
  /**
   * `'new'`: a fresh record; run the command. `'resumed'`: a record for the
   * same hook and event was left RUNNING by a crash; it is now flagged
   * interrupted and the command must run again. `'finished'`: the hook already
   * ran to completion for this event (a redelivery); do not run it again.
   */
  state: 'new' | 'resumed' | 'finished';
}

export interface ExecutionQuery {
  hookId?: number;
  /** Inclusive lower bound on the start time, ms since the epoch. */
  since?: number;
  /** Inclusive upper bound on the start time, ms since the epoch. */
  until?: number;
  /** `success`: SUCCESS only; `error`: ERROR and TIMEOUT. */
  status?: 'success' | 'error';
  /** Newest records are kept when a limit cuts the list. */
  limit?: number;
}

export interface Store {
  /** Creates a hook; ids start at 0 and are never reused. Throws `HookNameTakenError`. */
  createHook(spec: HookSpec): Promise<Hook>;
  getHook(id: number): Promise<Hook | null>;
  getHookByName(name: string): Promise<Hook | null>;
  /** All hooks, by id. */
  listHooks(): Promise<Hook[]>;
  /**
   * For stores shared by several daemons: a number that changes (in the same
   * transaction) whenever a hook is created, deleted, redefined, renamed,
   * locked or unlocked. A daemon whose hook index was built at another
   * revision reloads it. Absent: only this process changes hooks.
   */
  hooksRevision?(): Promise<number>;
  /** Replaces the template and every field derived from it. Throws `HookNotFoundError`, `HookLockedError`, `HookNameTakenError`. */
  updateHook(id: number, spec: HookSpec): Promise<Hook>;
  /** Changes the name (and the template's NAME). Throws `HookNotFoundError`, `HookLockedError`, `HookNameTakenError`. */
  renameHook(id: number, name: string): Promise<Hook>;
  /** Deletes the hook and its whole execution log. Throws `HookNotFoundError`, `HookLockedError`. */
  deleteHook(id: number): Promise<void>;
  /** A locked hook refuses update, rename and delete. Throws `HookNotFoundError`. */
  lockHook(id: number): Promise<Hook>;
  unlockHook(id: number): Promise<Hook>;

  /**
   * Writes a RUNNING record before the command starts, so that a crash leaves
   * evidence. Idempotent per (hook, event) for non-retry executions: see
   * `BegunExecution.state`. Throws `HookNotFoundError`.
   */
  beginExecution(execution: NewExecution): Promise<BegunExecution>;
  /**
   * Completes a RUNNING record, then applies the hook's retention (its
   * LOG_RETENTION, else the store default: the newest N finished records stay).
   * Throws `ExecutionNotFoundError`, `ExecutionAlreadyFinishedError`.
   */
  finishExecution(hookId: number, executionId: number, result: ExecutionResult): Promise<ExecutionRecord>;
  getExecution(hookId: number, executionId: number): Promise<ExecutionRecord | null>;
  /** Newest first. */
  queryExecutions(query?: ExecutionQuery): Promise<ExecutionRecord[]>;
  /**
   * Records begun but never finished, oldest first. Read at startup, before
   * any execution begins, these are what a crash interrupted; later they also
   * include executions in progress.
   */
  listInterrupted(): Promise<ExecutionRecord[]>;

  close(): Promise<void>;
}
