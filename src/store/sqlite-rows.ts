/** Conversions between SQLite rows and the store's types; kept apart so the store reads as its contract. */
import type { ExecutionRecord, ExecutionStatus, Hook, HookSpec } from '../hem/hook.js';

export interface HookRow {
  id: number;
  name: string;
  spec: string;
  locked: number;
  created_at: number;
  updated_at: number;
}

export interface ExecutionRow {
  hook_id: number;
  execution_id: number;
  event_id: string;
  event_key: string;
  event_document: string;
  start_time: number;
  end_time: number;
  command: string;
  arguments: string;
  stdin: string | null;
  rc: number;
  signal: string | null;
  stdout: string;
  stderr: string;
  truncated: number;
  status: string;
  retry: number;
  interrupted: number;
}

export function hookFromRow(row: HookRow): Hook {
  const spec = JSON.parse(row.spec) as HookSpec;
  return {
    ...spec,
    name: row.name,
    id: row.id,
    locked: row.locked === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Only the HookSpec fields are stored, whatever else the caller's object carries. */
export function specToJson(spec: HookSpec): string {
  const stored: HookSpec = {
    name: spec.name,
    type: spec.type,
    command: spec.command,
    arguments: spec.arguments,
    argumentsStdin: spec.argumentsStdin,
    remote: spec.remote,
    template: spec.template,
  };
  if (spec.timeout !== undefined) stored.timeout = spec.timeout;
  if (spec.call !== undefined) stored.call = spec.call;
  if (spec.resource !== undefined) stored.resource = spec.resource;
  if (spec.state !== undefined) stored.state = spec.state;
  if (spec.lcmState !== undefined) stored.lcmState = spec.lcmState;
  if (spec.logRetention !== undefined) stored.logRetention = spec.logRetention;
  return JSON.stringify(stored);
}

export function executionFromRow(row: ExecutionRow): ExecutionRecord {
  return {
    executionId: row.execution_id,
    hookId: row.hook_id,
    eventId: row.event_id,
    startTime: row.start_time,
    endTime: row.end_time,
    command: row.command,
    arguments: JSON.parse(row.arguments) as string[],
    stdin: row.stdin,
    rc: row.rc,
    signal: row.signal,
    stdout: row.stdout,
    stderr: row.stderr,
    truncated: row.truncated === 1,
    status: row.status as ExecutionStatus,
    retry: row.retry === 1,
    interrupted: row.interrupted === 1,
    eventKey: row.event_key,
    eventDocument: JSON.parse(row.event_document) as Record<string, unknown>,
  };
}
