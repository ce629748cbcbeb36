/**
 * Conversions between PostgreSQL rows and the store's types. `bigint` columns
 * (milliseconds since the epoch) arrive as strings, `json` columns already
 * parsed, and command input and output as UTF-8 `bytea`; the stored hook JSON
 * is what `specToJson` writes for SQLite too.
 */
import type { ExecutionRecord, ExecutionStatus, Hook, HookSpec } from '../hem/hook.js';

/** A string for a `bytea` column, so that NUL characters survive as SQLite keeps them. */
export function utf8(text: string): Buffer;
export function utf8(text: string | null): Buffer | null;
export function utf8(text: string | null): Buffer | null {
  return text === null ? null : Buffer.from(text, 'utf8');
}

export interface PgHookRow {
  id: number;
  name: string;
  spec: HookSpec;
  locked: boolean;
  created_at: string;
  updated_at: string;
}

export interface PgExecutionRow {
  hook_id: number;
  execution_id: number;
  event_id: string;
  event_key: string;
  event_document: Record<string, unknown>;
  start_time: string;
  end_time: string;
  command: string;
  arguments: string[];
  stdin: Buffer | null;
  rc: number;
  signal: string | null;
  stdout: Buffer;
  stderr: Buffer;
  truncated: boolean;
  status: string;
  retry: boolean;
  interrupted: boolean;
}

export function hookFromPgRow(row: PgHookRow): Hook {
  return {
    ...row.spec,
    name: row.name,
    id: row.id,
    locked: row.locked,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function executionFromPgRow(row: PgExecutionRow): ExecutionRecord {
  return {
    executionId: row.execution_id,
    hookId: row.hook_id,
    eventId: row.event_id,
    startTime: Number(row.start_time),
    endTime: Number(row.end_time),
    command: row.command,
    arguments: row.arguments,
    stdin: row.stdin === null ? null : row.stdin.toString('utf8'),
    rc: row.rc,
    signal: row.signal,
    stdout: row.stdout.toString('utf8'),
    stderr: row.stderr.toString('utf8'),
    truncated: row.truncated,
    status: row.status as ExecutionStatus,
    retry: row.retry,
    interrupted: row.interrupted,
    eventKey: row.event_key,
    eventDocument: row.event_document,
  };
}
