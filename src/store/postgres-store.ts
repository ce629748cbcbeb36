/**
 * The scale-out `Store`: hooks and the execution log in PostgreSQL, shared by
 * every daemon that opens the same database and schema. Semantics are the
 * SQLite store's, and so are the contract tests.
 *
 * Guarantees across daemons: every mutation is one transaction; hook ids come
 * from a counter row updated under its row lock, so they start at 0, have no
 * gaps and are never reused; everything that touches a hook's execution log
 * first locks that hook's row, so per-hook execution ids are allocated without
 * collision, `beginExecution` decides new/resumed/finished for a (hook, event)
 * one worker at a time, and retention runs in the finishing transaction. A
 * unique index on (hook, event) for non-retry records backs this up.
 *
 * Errors: a lost connection rejects with `StoreUnavailableError`, any other
 * database failure with `StoreQueryError`; neither crashes the process.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import type { ExecutionRecord, Hook, HookSpec } from '../hem/hook.js';
import { silentLogger } from '../core/logger.js';
import { logMessage } from '../core/messages.js';
import type { BegunExecution, ExecutionQuery, ExecutionResult, NewExecution, Store } from './store.js';
import {
  ExecutionAlreadyFinishedError, ExecutionNotFoundError, HookLockedError, HookNameTakenError, HookNotFoundError,
  InvalidStoreArgumentError, StoreClosedError, StoreError, StoreOpenError, StoreQueryError, StoreUnavailableError,
} from './errors.js';
import { STORE_MESSAGES } from './messages.js';
import { migrate, SCHEMA_NAME } from './postgres-schema.js';
import { executionFromPgRow, hookFromPgRow, utf8, type PgExecutionRow, type PgHookRow } from './postgres-rows.js';
import { specToJson } from './sqlite-rows.js';
import { checkName, checkRetention, executionQuerySql } from './store-arguments.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`; the password never appears in logs or errors. */
  url: string;
  logger?: Logger;
  /** LOG_RETENTION for hooks that set none: how many finished records each keeps. Default 10. */
  defaultLogRetention?: number;
  /** The PostgreSQL schema holding Hookline's tables, created when missing. Default `public`. */
  schema?: string;
  /** Pooled connections per store. Default 10. */
  maxConnections?: number;
  /** How long to wait for a new connection before failing. Default 10000 ms. */
  connectTimeoutMs?: number;
  /** `application_name` of the connections, to tell workers apart in `pg_stat_activity`. Default `hookline`. */
  applicationName?: string;
  /** Clock, for tests of timestamps; default `Date.now`. */
  now?: () => number;
}

type Client = pg.PoolClient;

const HOOK_COLUMNS = 'id, name, spec, locked, created_at, updated_at';
/** Serialization failures and deadlocks: the transaction is retried from the start. */
const RETRYABLE = new Set(['40001', '40P01']);
const ATTEMPTS = 3;

export class PostgresStore implements Store {
  private open = true;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    private readonly logger: Logger,
    private readonly defaultRetention: number,
    private readonly now: () => number,
  ) {}

  /** Connects, creates or migrates the schema (one daemon at a time), and checks the schema version. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const logger = options.logger ?? silentLogger();
    const url = maskUrl(options.url);
    const schema = options.schema ?? 'public';
    const defaultRetention = options.defaultLogRetention ?? 10;
    checkRetention(defaultRetention, 'defaultLogRetention');
    if (!SCHEMA_NAME.test(schema)) {
      throw new InvalidStoreArgumentError(`schema must be a lower-case PostgreSQL identifier (letters, digits, _), got ${JSON.stringify(schema)}`);
    }
    const pool = new pg.Pool({
      ...connectionConfig(options.url, schema),
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      application_name: options.applicationName ?? 'hookline',
      // Notices a peer that vanished without closing the connection (a partition, a powered-off host).
      keepAlive: true,
    });
    // An idle connection that breaks is reported here and discarded by the pool.
    pool.on('error', (err) => logMessage(logger, STORE_MESSAGES.STORE_PG_CONNECTION_ERROR, { url, error: err }));
    // A checked-out one emits 'error' on itself, which unheard would crash the process; its next query rejects instead.
    pool.on('connect', (client) => client.on('error', () => undefined));
    let client: Client;
    try {
      client = await pool.connect();
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new StoreOpenError(url, (err as Error).message || String(err), { cause: err });
    }
    try {
      const { from, to } = await migrate(client, schema, url);
      if (from !== to) logMessage(logger, STORE_MESSAGES.STORE_PG_MIGRATED, { url, schema, from, to });
      const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
      logMessage(logger, STORE_MESSAGES.STORE_PG_OPENED, { url, schema, serverVersion: rows[0]!.server_version, version: to });
      client.release();
    } catch (err) {
      client.release(true);
      await pool.end().catch(() => undefined);
      if (err instanceof StoreError) throw err;
      throw new StoreOpenError(url, (err as Error).message || String(err), { cause: err });
    }
    return new PostgresStore(pool, url, logger, defaultRetention, options.now ?? Date.now);
  }

  async createHook(spec: HookSpec): Promise<Hook> {
    this.checkOpen();
    checkName(spec.name);
    const now = this.now();
    return this.transaction(async (c) => {
      const { rows } = await c.query<{ id: string }>(`UPDATE meta SET value = value + 1 WHERE name = 'next_hook_id' RETURNING value - 1 AS id`);
      const id = Number(rows[0]!.id);
      return this.writeHook(spec.name, c, 'INSERT INTO hooks (id, name, type, spec, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)',
        [id, spec.name, spec.type, specToJson(spec), now]);
    });
  }

  async getHook(id: number): Promise<Hook | null> {
    return this.transaction(async (c) => this.findHook(c, 'WHERE id = $1', id), false);
  }

  async getHookByName(name: string): Promise<Hook | null> {
    return this.transaction(async (c) => this.findHook(c, 'WHERE name = $1', name), false);
  }

  async hooksRevision(): Promise<number> {
    return this.transaction(async (c) => Number((await c.query<{ value: string }>(`SELECT value FROM meta WHERE name = 'hooks_revision'`)).rows[0]!.value), false);
  }

  async listHooks(): Promise<Hook[]> {
    return this.transaction(async (c) => (await c.query<PgHookRow>(`SELECT ${HOOK_COLUMNS} FROM hooks ORDER BY id`)).rows.map(hookFromPgRow), false);
  }

  async updateHook(id: number, spec: HookSpec): Promise<Hook> {
    this.checkOpen();
    checkName(spec.name);
    return this.transaction(async (c) => {
      await this.lockUnlocked(c, id, 'update');
      return this.writeHook(spec.name, c, 'UPDATE hooks SET name = $2, type = $3, spec = $4, updated_at = $5 WHERE id = $1',
        [id, spec.name, spec.type, specToJson(spec), this.now()]);
    });
  }

  async renameHook(id: number, name: string): Promise<Hook> {
    this.checkOpen();
    checkName(name);
    return this.transaction(async (c) => {
      const hook = await this.lockUnlocked(c, id, 'rename');
      const spec: HookSpec = { ...hook, name, template: { ...hook.template, NAME: name } };
      return this.writeHook(name, c, 'UPDATE hooks SET name = $2, spec = $3, updated_at = $4 WHERE id = $1',
        [id, name, specToJson(spec), this.now()]);
    });
  }

  async deleteHook(id: number): Promise<void> {
    await this.transaction(async (c) => {
      await this.lockUnlocked(c, id, 'delete');
      await c.query('DELETE FROM executions WHERE hook_id = $1', [id]);
      await c.query('DELETE FROM hooks WHERE id = $1', [id]);
    });
  }

  async lockHook(id: number): Promise<Hook> {
    return this.setLock(id, true);
  }

  async unlockHook(id: number): Promise<Hook> {
    return this.setLock(id, false);
  }

  async beginExecution(e: NewExecution): Promise<BegunExecution> {
    return this.transaction(async (c): Promise<BegunExecution> => {
      // The hook's row lock makes the check below and the id allocation one step for every worker.
      await this.lockHookRow(c, e.hookId);
      if (!e.retry) {
        const existing = (await c.query<PgExecutionRow>('SELECT * FROM executions WHERE hook_id = $1 AND event_id = $2 AND NOT retry',
          [e.hookId, e.eventId])).rows[0];
        if (existing && existing.status !== 'RUNNING') return { record: executionFromPgRow(existing), state: 'finished' };
        if (existing) {
          const { rows } = await c.query<PgExecutionRow>(`UPDATE executions SET interrupted = true, start_time = $3, command = $4, arguments = $5, stdin = $6
                           WHERE hook_id = $1 AND execution_id = $2 RETURNING *`,
          [e.hookId, existing.execution_id, e.startTime, e.command, JSON.stringify(e.arguments), utf8(e.stdin)]);
          logMessage(this.logger, STORE_MESSAGES.STORE_EXECUTION_RESUMED, { hookId: e.hookId, executionId: existing.execution_id, eventId: e.eventId });
          return { record: executionFromPgRow(rows[0]!), state: 'resumed' };
        }
      }
      const { rows } = await c.query<PgExecutionRow>(`
        WITH allocated AS (
          UPDATE hooks SET next_execution_id = next_execution_id + 1 WHERE id = $1 RETURNING next_execution_id - 1 AS id)
        INSERT INTO executions (hook_id, execution_id, event_id, event_key, event_document, start_time,
                                command, arguments, stdin, status, retry)
        SELECT $1, allocated.id, $2, $3, $4, $5, $6, $7, $8, 'RUNNING', $9 FROM allocated RETURNING *`,
      [e.hookId, e.eventId, e.eventKey, JSON.stringify(e.eventDocument), e.startTime, e.command, JSON.stringify(e.arguments), utf8(e.stdin), e.retry]);
      return { record: executionFromPgRow(rows[0]!), state: 'new' };
    });
  }

  async finishExecution(hookId: number, executionId: number, r: ExecutionResult): Promise<ExecutionRecord> {
    this.checkOpen();
    if ((r.status as string) === 'RUNNING') throw new InvalidStoreArgumentError('finishExecution needs a final status, not RUNNING');
    return this.transaction(async (c) => {
      // Locked first so that two workers applying retention to one hook take turns instead of deadlocking.
      const hook = await this.lockHookRow(c, hookId).catch((err: unknown) => {
        throw err instanceof HookNotFoundError ? new ExecutionNotFoundError(hookId, executionId) : err;
      });
      const { rows } = await c.query<PgExecutionRow>(`UPDATE executions SET status = $3, rc = $4, signal = $5, stdout = $6, stderr = $7,
                       truncated = $8, end_time = $9 WHERE hook_id = $1 AND execution_id = $2 AND status = 'RUNNING' RETURNING *`,
      [hookId, executionId, r.status, r.rc, r.signal, utf8(r.stdout), utf8(r.stderr), r.truncated, r.endTime]);
      if (rows.length === 0) {
        if (await this.findExecution(c, hookId, executionId)) throw new ExecutionAlreadyFinishedError(hookId, executionId);
        throw new ExecutionNotFoundError(hookId, executionId);
      }
      // The record as finished, even when retention removed it because newer records were finished first.
      await this.applyRetention(c, hook);
      return executionFromPgRow(rows[0]!);
    });
  }

  async getExecution(hookId: number, executionId: number): Promise<ExecutionRecord | null> {
    return this.transaction(async (c) => this.findExecution(c, hookId, executionId), false);
  }

  async queryExecutions(q: ExecutionQuery = {}): Promise<ExecutionRecord[]> {
    this.checkOpen();
    const { sql, params } = executionQuerySql(q, (n) => `$${n}`);
    return this.transaction(async (c) => (await c.query<PgExecutionRow>(sql, params)).rows.map(executionFromPgRow), false);
  }

  async listInterrupted(): Promise<ExecutionRecord[]> {
    return this.transaction(async (c) => (await c.query<PgExecutionRow>(
      `SELECT * FROM executions WHERE status = 'RUNNING' ORDER BY start_time, hook_id, execution_id`)).rows.map(executionFromPgRow), false);
  }

  /** Waits for operations in progress, then closes every connection. */
  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.pool.end();
    logMessage(this.logger, STORE_MESSAGES.STORE_CLOSED, { path: this.url });
  }

  /** Called once per record finished, in the transaction that finishes it, with the hook's row locked. */
  private async applyRetention(c: Client, hook: Hook): Promise<void> {
    const retention = hook.logRetention ?? this.defaultRetention;
    // As on SQLite: the hook row (locked by the caller) counts its finished records (kept by a trigger),
    // so only the oldest beyond the kept ones are read, whatever the size of the log.
    const counted = await c.query<{ finished: string }>('SELECT finished_count AS finished FROM hooks WHERE id = $1', [hook.id]);
    const excess = Number(counted.rows[0]!.finished) - retention;
    if (excess <= 0) return;
    const { rowCount } = await c.query(`
      DELETE FROM executions WHERE hook_id = $1 AND execution_id IN (
        SELECT execution_id FROM executions WHERE hook_id = $1 AND status <> 'RUNNING' ORDER BY execution_id LIMIT $2)`, [hook.id, excess]);
    if (rowCount) logMessage(this.logger, STORE_MESSAGES.STORE_RETENTION_APPLIED, { hookId: hook.id, removed: rowCount, retention });
  }

  private async setLock(id: number, locked: boolean): Promise<Hook> {
    return this.transaction(async (c) => {
      const { rows } = await c.query<PgHookRow>(`UPDATE hooks SET locked = $2, updated_at = $3 WHERE id = $1 RETURNING ${HOOK_COLUMNS}`,
        [id, locked, this.now()]);
      if (rows.length === 0) throw new HookNotFoundError(id);
      return hookFromPgRow(rows[0]!);
    });
  }

  /** Runs a write that may hit the unique name index, turning that into the typed error, and returns the hook as written. */
  private async writeHook(name: string, c: Client, sql: string, params: unknown[]): Promise<Hook> {
    try {
      const { rows } = await c.query<PgHookRow>(`${sql} RETURNING ${HOOK_COLUMNS}`, params);
      return hookFromPgRow(rows[0]!);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new HookNameTakenError(name, { cause: err });
      throw err;
    }
  }

  private async findHook(c: Client, where: string, key: unknown): Promise<Hook | null> {
    const row = (await c.query<PgHookRow>(`SELECT ${HOOK_COLUMNS} FROM hooks ${where}`, [key])).rows[0];
    return row ? hookFromPgRow(row) : null;
  }

  /** Locks the hook's row until the transaction ends; `NO KEY` so inserts of its executions are not blocked by the lock. */
  private async lockHookRow(c: Client, id: number): Promise<Hook> {
    const row = (await c.query<PgHookRow>(`SELECT ${HOOK_COLUMNS} FROM hooks WHERE id = $1 FOR NO KEY UPDATE`, [id])).rows[0];
    if (!row) throw new HookNotFoundError(id);
    return hookFromPgRow(row);
  }

  private async lockUnlocked(c: Client, id: number, operation: string): Promise<Hook> {
    const hook = await this.lockHookRow(c, id);
    if (hook.locked) throw new HookLockedError(id, operation);
    return hook;
  }

  private async findExecution(c: Client, hookId: number, executionId: number): Promise<ExecutionRecord | null> {
    const row = (await c.query<PgExecutionRow>('SELECT * FROM executions WHERE hook_id = $1 AND execution_id = $2', [hookId, executionId])).rows[0];
    return row ? executionFromPgRow(row) : null;
  }

  /**
   * Runs `work` on one pooled connection, inside a transaction when `write`.
   * Deadlocks and serialization failures are retried; other database errors
   * become typed store errors.
   */
  private async transaction<T>(work: (c: Client) => Promise<T>, write = true): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      this.checkOpen();
      let client: Client;
      try {
        client = await this.pool.connect();
      } catch (err) {
        throw this.typed(err);
      }
      let broken = false;
      try {
        if (write) await client.query('BEGIN');
        const value = await work(client);
        if (write) await client.query('COMMIT');
        return value;
      } catch (err) {
        broken = connectionLost(err);
        if (write && !broken) await client.query('ROLLBACK').catch(() => { broken = true; });
        const code = (err as { code?: string }).code;
        if (!broken && code !== undefined && RETRYABLE.has(code) && attempt < ATTEMPTS) continue;
        throw this.typed(err);
      } finally {
        client.release(broken);
      }
    }
  }

  private checkOpen(): void {
    if (!this.open) throw new StoreClosedError(`store on ${this.url}`);
  }

  private typed(err: unknown): Error {
    if (err instanceof StoreError) return err;
    const reason = (err as Error).message || String(err);
    if (connectionLost(err)) return new StoreUnavailableError(this.url, reason, { cause: err });
    return new StoreQueryError(this.url, (err as { code?: string }).code, reason, { cause: err });
  }
}

/** The URL for logs and errors: the password replaced by `***`. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/(:\/\/[^:/@]*:)[^@]*@/, '$1***@').replace(/(password=)[^&\s]*/gi, '$1***');
  }
}

/**
 * Pool settings for `url` with `search_path` set to `schema` on every
 * connection. pg lets the URL's own parameters override the config, so an
 * `options` parameter in the URL is merged here rather than replacing ours.
 */
function connectionConfig(url: string, schema: string): pg.PoolConfig {
  let connectionString = url;
  let extra = '';
  try {
    const parsed = new URL(url);
    extra = parsed.searchParams.get('options') ?? '';
    if (extra !== '') {
      parsed.searchParams.delete('options');
      connectionString = parsed.toString();
    }
  } catch {
    // Not a URL: pg reports it when connecting.
  }
  return { connectionString, options: `${extra} -c search_path=${schema}`.trim() };
}

const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** True when the error means the connection (or the server) is gone, rather than that the query was refused. */
function connectionLost(err: unknown): boolean {
  if (err instanceof StoreError) return false;
  const code = (err as { code?: string }).code;
  if (code !== undefined) {
    // Class 08: connection exception; 57P01-03: shutdown or not yet accepting; 53300: too many connections.
    return CONNECTION_ERRNOS.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300';
  }
  const message = (err as Error).message ?? '';
  return /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect/i.test(message);
}
