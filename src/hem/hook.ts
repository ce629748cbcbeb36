/**
 * A hook as the Hook Execution Manager knows it: the parsed template (typed
 * fields for the attributes it acts on, every attribute kept verbatim in
 * `template`) plus the identity and lock the store gives it.
 */

export type HookType = 'api' | 'state';

export interface HookSpec {
  name: string;
  type: HookType;
  /** As written; relative commands resolve under `hook-base-path` at execution time. */
  command: string;
  /** Raw ARGUMENTS string, split with shell-style quoting at execution time. */
  arguments: string;
  argumentsStdin: boolean;
  /** Seconds; undefined means no timeout. */
  timeout?: number;
  remote: boolean;
  /** API hooks: the call, e.g. `one.vm.allocate`. */
  call?: string;
  /** State hooks: RESOURCE, STATE and LCM_STATE ('' when the resource has none). */
  resource?: string;
  state?: string;
  lcmState?: string;
  /** LOG_RETENTION for this hook; undefined means the global default. */
  logRetention?: number;
  /** Every attribute of the template, as parsed (upper-case names), extras included. */
  template: Record<string, string>;
}

export interface Hook extends HookSpec {
  id: number;
  locked: boolean;
  createdAt: number;
  updatedAt: number;
}

/** RUNNING: begun and not yet finished; after a restart, what a crash interrupted. */
export type ExecutionStatus = 'RUNNING' | 'SUCCESS' | 'ERROR' | 'TIMEOUT' | 'SKIPPED';

/** One row of a hook's execution log. */
export interface ExecutionRecord {
  /** Per hook, starting at 0, as OpenNebula's `onehook show -e N`. */
  executionId: number;
  hookId: number;
  eventId: string;
  startTime: number;
  /** 0 while the record is RUNNING. */
  endTime: number;
  command: string;
  arguments: string[];
  stdin: string | null;
  /** -1 while RUNNING; 128 + signal number when a signal ended the command; 255 when it could not start. */
  rc: number;
  /** Name of the signal that ended the command (e.g. `SIGKILL`), else null. */
  signal: string | null;
  stdout: string;
  stderr: string;
  /** True when stdout or stderr was cut at the output limit. */
  truncated: boolean;
  status: ExecutionStatus;
  retry: boolean;
  /** True when a crash interrupted this execution and it was run again after restart. */
  interrupted: boolean;
  /** The event document the execution ran with, so `retry` can run it again. */
  eventKey: string;
  eventDocument: Record<string, unknown>;
}
