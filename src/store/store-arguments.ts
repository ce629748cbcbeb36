/** Argument checks every Store implementation applies the same way, so they refuse the same input with the same error. */
import { InvalidStoreArgumentError } from './errors.js';
import type { ExecutionQuery } from './store.js';

export function checkRetention(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidStoreArgumentError(`${what} must be a positive integer (records kept per hook), got ${value}`);
  }
}

export function checkName(name: unknown): void {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new InvalidStoreArgumentError(`a hook needs a non-empty NAME, got ${JSON.stringify(name)}`);
  }
}

/**
 * The log query both stores run, as SQL with its parameters: newest first, filtered by hook, start
 * time and outcome, with an optional limit. `placeholder(n)` writes the n-th parameter (`?` for
 * SQLite, `$n` for PostgreSQL).
 */
export function executionQuerySql(q: ExecutionQuery, placeholder: (n: number) => string): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown): string => placeholder(params.push(value));
  if (q.hookId !== undefined) where.push(`hook_id = ${param(q.hookId)}`);
  if (q.since !== undefined) where.push(`start_time >= ${param(q.since)}`);
  if (q.until !== undefined) where.push(`start_time <= ${param(q.until)}`);
  if (q.status === 'success') where.push(`status = 'SUCCESS'`);
  else if (q.status === 'error') where.push(`status IN ('ERROR', 'TIMEOUT')`);
  let sql = 'SELECT * FROM executions';
  if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
  sql += ' ORDER BY start_time DESC, hook_id DESC, execution_id DESC';
  if (q.limit !== undefined) {
    if (!Number.isInteger(q.limit) || q.limit < 0) throw new InvalidStoreArgumentError(`query limit must be a non-negative integer, got ${q.limit}`);
    sql += ` LIMIT ${param(q.limit)}`;
  }
  return { sql, params };
}
